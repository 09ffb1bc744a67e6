//! The local database of Courier's work: one SQLite file per device profile
//! (`DATA/workspaces.db`), in WAL mode with foreign keys on and its migrations embedded.
//!
//! [`WorkspaceDb`] is the only way in. Every change is one `BEGIN IMMEDIATE`
//! transaction on the single writer connection that also bumps the entity's revision
//! and appends a row to the change log (`changes`), so the log and the data can never
//! disagree, even when the process is killed mid-write. Reads use their own pool and see
//! only committed work. One module per area:
//!
//! - `workspaces`: the Scratch Pad and each account's workspaces;
//! - `collections`, `folders`, `requests`: the tree, with `order` placing items
//!   among their siblings; `tree`: the sidebar's whole tree and its filter;
//! - `environments`: environments, the active one, and the workspace's globals, their
//!   values sealed by `secrets`;
//! - `trash`: what a deletion returns so it can be undone;
//! - `history`, `drafts`: sent requests and unsaved editor changes (local only,
//!   not in the change log);
//! - `tabs`: the editor's open tabs per workspace, so they come back with their drafts;
//! - `sync_state`, `sync_fields`: this device's side of syncing a workspace (what it
//!   agreed with the server, the outbox, conflicts) and which columns travel;
//!   `sync_deletes`: workspaces deleted here to delete on the server, and removing
//!   one the server no longer has.

mod changes;
mod collections;
mod drafts;
mod duplicate;
mod environments;
mod error;
mod export;
mod folders;
mod history;
mod import;
mod order;
mod requests;
mod rows;
mod secrets;
mod send_options;
mod sync_deletes;
mod sync_fields;
mod sync_state;
mod tabs;
mod trash;
mod tree;
mod tree_columns;
mod workspace_keys;
mod workspaces;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::clock::{Clock, SystemClock};
use crate::model;
use crate::seal::Secrets;

pub use drafts::{Draft, DraftKey};
pub use error::{Error, ErrorKind, Noun, Result};
pub use order::Place;
pub use secrets::SecretsMode;
pub use sync_deletes::GoneFromServer;
pub use sync_state::{ConflictKind, Keep, PushRecord, SyncConflict, SyncSummary, SyncTarget};
pub use tabs::OpenTabs;
pub use trash::Deleted;
pub use tree::{CollectionNode, FilterMatch, FolderNode, PathStep, RequestNode, Tree};
pub use tree_columns::{FolderColumns, RequestColumns, TreeColumns};

/// How many history entries a workspace keeps unless told otherwise.
pub const DEFAULT_HISTORY_LIMIT: u32 = 1_000;

/// How a database is opened besides its path.
pub struct Options {
    /// Whether secret values can be written (sealed) or stay in memory.
    pub secrets: Secrets,
    /// Stamps revisions, the change log and drafts.
    pub clock: Arc<dyn Clock>,
    /// The newest entries each workspace's history keeps.
    pub history_limit: u32,
}

impl Options {
    /// The system clock and [`DEFAULT_HISTORY_LIMIT`].
    pub fn new(secrets: Secrets) -> Self {
        Self {
            secrets,
            clock: Arc::new(SystemClock),
            history_limit: DEFAULT_HISTORY_LIMIT,
        }
    }
}

/// The open database; cheap to clone (all clones share the connections).
#[derive(Clone)]
pub struct WorkspaceDb {
    inner: Arc<Inner>,
}

struct Inner {
    reads: SqlitePool,
    /// Exactly one connection: writers queue here, in-process, in order.
    writes: SqlitePool,
    clock: Arc<dyn Clock>,
    vault: secrets::Vault,
    history_limit: u32,
    /// Counts commits that added to the change log (see [`WorkspaceDb::watch_changes`]).
    changed: tokio::sync::watch::Sender<u64>,
}

/// One write transaction and the time it is stamped with.
struct Write {
    tx: Transaction<'static, Sqlite>,
    now: i64,
    /// Wipe the write-ahead log after committing: a value stored in plaintext before
    /// is sealed now, and SQLite would otherwise keep the old page images (with
    /// `secure_delete` the database file itself is already clean).
    scrub: bool,
    /// Something was added to the change log: tell the watchers after committing.
    logged: bool,
    writes: SqlitePool,
    changed: tokio::sync::watch::Sender<u64>,
}

impl Write {
    fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }

    async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        if self.logged {
            self.changed.send_modify(|count| *count += 1);
        }
        if self.scrub {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.writes)
                .await?;
        }
        Ok(())
    }
}

impl WorkspaceDb {
    /// Opens the database at `path`, creating the file (0600, its folder 0700) and the
    /// Scratch Pad the first time, and bringing its tables up to date.
    pub async fn open(path: &Path, options: Options) -> Result<Self> {
        create_private_file(path)?;
        let connect = SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(SqliteJournalMode::Wal)
            // A commit survives the app being killed; a power cut may lose the last
            // moments of work but never corrupts the file (SQLite's WAL guarantee).
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Freed space is zeroed, so an old plaintext value does not linger.
            .pragma("secure_delete", "ON");
        let writes = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(connect.clone())
            .await?;
        sqlx::migrate!("./migrations").run(&writes).await?;
        let reads = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(connect)
            .await?;
        let db = Self {
            inner: Arc::new(Inner {
                reads,
                writes,
                clock: options.clock,
                vault: secrets::Vault::new(options.secrets),
                history_limit: options.history_limit.max(1),
                changed: tokio::sync::watch::Sender::new(0),
            }),
        };
        db.ensure_scratch_pad().await?;
        db.load_workspace_keys().await?;
        Ok(db)
    }

    /// Waits for the connections to close (the handle and its clones are unusable
    /// afterwards).
    pub async fn close(&self) {
        self.inner.writes.close().await;
        self.inner.reads.close().await;
    }

    /// Whether secret values are written sealed or kept in memory this session.
    pub fn secrets_mode(&self) -> SecretsMode {
        self.inner.vault.mode()
    }

    /// `PRAGMA integrity_check`: `Ok` when SQLite finds nothing wrong.
    pub async fn check_integrity(&self) -> Result<()> {
        let report: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.inner.reads)
            .await?;
        match report.as_slice() {
            [ok] if ok == "ok" => Ok(()),
            problems => Err(Error::Storage(problems.join("; "))),
        }
    }

    async fn write(&self) -> Result<Write> {
        let tx = self.inner.writes.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Write {
            tx,
            now: self.inner.clock.now_ms(),
            scrub: false,
            logged: false,
            writes: self.inner.writes.clone(),
            changed: self.inner.changed.clone(),
        })
    }

    /// Changes whenever a commit adds to the change log (a local change that sync will
    /// send); what arrives from the server does not.
    pub fn watch_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    async fn read(&self) -> Result<PoolConnection<Sqlite>> {
        Ok(self.inner.reads.acquire().await?)
    }

    fn vault(&self) -> &secrets::Vault {
        &self.inner.vault
    }
}

/// Creates `path` readable by its owner only (and its folder, if missing, 0700);
/// tightens an existing file's permissions. SQLite gives its `-wal` and `-shm` files
/// the database file's permissions.
fn create_private_file(path: &Path) -> Result<()> {
    let mut folder = std::fs::DirBuilder::new();
    let mut file = std::fs::OpenOptions::new();
    file.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
        folder.mode(0o700);
        file.mode(0o600);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        folder.recursive(true).create(parent)?;
    }
    file.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// A new entity id.
fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A name as stored: trimmed, not empty, at most [`MAX_NAME`] characters.
fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a name cannot be empty"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Error::invalid(format!(
            "a name can be at most {MAX_NAME} characters"
        )));
    }
    Ok(name.to_owned())
}

pub(super) const MAX_NAME: usize = 256;

impl WorkspaceDb {
    /// Renames a collection, folder or request (recording the change) and hands back
    /// the open transaction, so the caller reads the result before committing.
    async fn renamed(&self, entity: model::EntityKind, id: &str, name: &str) -> Result<Write> {
        let name = clean_name(name)?;
        let mut w = self.write().await?;
        let workspace_id = rows::workspace_of(w.conn(), entity, id).await?;
        let (table, _) = changes::table_of(entity);
        sqlx::query(&format!("UPDATE {table} SET name = ? WHERE id = ?"))
            .bind(&name)
            .bind(id)
            .execute(w.conn())
            .await?;
        changes::bump(&mut w, &workspace_id, entity, id).await?;
        Ok(w)
    }
}
