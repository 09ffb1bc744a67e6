//! The SQLite store: one file in WAL mode. Reads use a pool of connections; every
//! write goes through a pool of exactly one, so writers queue in-process (first come,
//! first served) instead of spinning in SQLite's busy handler, whose back-off sleeps
//! made write latency jump by tens of milliseconds under load. Write transactions
//! still begin `IMMEDIATE` and keep a busy timeout, for other processes on the same
//! file. WAL checkpoints run in the background rather than inside whichever request
//! happens to fill the log. One module per area implements that area's trait; the
//! decisions come from the crate's shared rules.

mod accounts;
mod authorizations;
mod billing;
mod discovery;
mod email_change;
mod grants;
mod links;
mod mail_queue;
mod profiles;
mod rotations;
mod server_secrets;
mod sessions;
mod support;
mod sync_keys;
mod teams;
mod upkeep;
mod workspaces;

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::Result;
use crate::rotations::RotationQueue;

/// The SQLite backend.
pub struct SqliteStore {
    reads: SqlitePool,
    writes: SqlitePool,
    checkpoints: tokio::task::JoinHandle<()>,
    /// Refresh rotations, committed together when they arrive together.
    rotations: RotationQueue,
}

/// A write transaction on the single writer.
type Tx = Transaction<'static, Sqlite>;

/// How often the write-ahead log is folded back into the database file. Each fold
/// copies what changed since the last and syncs the file, taking a core meanwhile:
/// once a second, under 2,000 refreshes/s it was long enough to queue requests behind
/// it (paced p99 24–28 ms); every 250 ms it is not (7–8 ms), and the capacity is the
/// same (BENCHMARKS.md). More often than that, the syncs start to cost capacity.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(250);

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.checkpoints.abort();
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Deleted or overwritten content is zeroed in the database file (a mail's
            // cleared body, a purged token digest), not left in free space.
            .pragma("secure_delete", "on")
            // Checkpoints run from `checkpoint_forever`, never inside a request.
            .pragma("wal_autocheckpoint", "0");
        let writes = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writes).await?;
        let reads = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options)
            .await?;
        let checkpoints = tokio::spawn(checkpoint_forever(reads.clone()));
        // One worker: there is one writer to feed.
        let rotations = RotationQueue::start(
            rotations::SqliteRotations {
                reads: reads.clone(),
                writes: writes.clone(),
            },
            1,
        );
        Ok(Self {
            reads,
            writes,
            checkpoints,
            rotations,
        })
    }

    /// The read pool, for [`crate::transfer`].
    pub(crate) fn reads(&self) -> &SqlitePool {
        &self.reads
    }

    async fn write(&self) -> Result<Tx> {
        begin_write(&self.writes).await
    }
}

/// Begins a write transaction on the single writer.
async fn begin_write(writes: &SqlitePool) -> Result<Tx> {
    Ok(writes.begin_with("BEGIN IMMEDIATE").await?)
}

/// Folds the log into the database without blocking writers (`PASSIVE`).
async fn checkpoint_forever(reads: SqlitePool) {
    let mut interval = tokio::time::interval(CHECKPOINT_INTERVAL);
    loop {
        interval.tick().await;
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&reads)
            .await
        {
            tracing::warn!(%error, "WAL checkpoint failed");
        }
    }
}
