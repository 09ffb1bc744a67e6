//! The person's work on this device, for the desktop: the profile's
//! [`WorkspaceDb`] (`DATA/workspaces.db`), one [`Sender`] for the app's life, the
//! sends in flight (by the id the UI gave each, so **Cancel** can stop it) and the
//! deletions that can still be undone (by token, so the `Deleted` rows, sealed
//! secrets included, never cross to the webview). The IPC commands of area `work`
//! are a line each over this; opening it (which key, or memory only) is
//! [`DesktopState::work`](super::DesktopState::work)'s business.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use courier_workspace::curl::to_curl;
use courier_workspace::curl_copy::to_curl_keeping_names;
use courier_workspace::db::{self, Deleted, DraftKey, Options, SecretsMode, WorkspaceDb};
use courier_workspace::model::{
    Auth, EntityKind, Folder, Request, RequestSpec, SendOptions, Workspace,
};
use courier_workspace::resolve::Resolver;
use courier_workspace::seal::Secrets;
use courier_workspace::send::{
    CancellationToken, HistoryContext, PreparedRequest, Response, SendError, Sender,
    effective_auth, history_entry, prepare,
};
use serde::Serialize;

use crate::error::{Error, Result};

/// The file, in the client's data folder (beside `accounts.json`).
pub const DATABASE_FILE: &str = "workspaces.db";

/// Deletions kept for **Undo**, newest last; older ones can no longer be undone.
const UNDO_LIMIT: usize = 50;

/// Folders deep enough to be a loop: the chain stops there.
const FOLDER_DEPTH_LIMIT: usize = 64;

/// The workspace switcher's list and how secrets are kept this session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WorkspaceList {
    /// The Scratch Pad first, then the active account's own.
    pub workspaces: Vec<Workspace>,
    /// `memory_only`: secret values typed now are kept for this session only (the
    /// person chose to go on without a keyring).
    pub secrets: SecretsMode,
    /// The account whose workspaces are listed (and new ones belong to), if any.
    pub account_id: Option<String>,
    /// The listed workspaces that belong to one of the account's teams (workspace id →
    /// team id); the others are the account's own (or the Scratch Pad).
    pub team_of: std::collections::BTreeMap<String, String>,
}

/// A deletion that can be undone with `restore(token)` while the app runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Undo {
    pub token: String,
    pub entity: EntityKind,
    pub name: String,
    /// Requests that went with it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub requests: usize,
}

pub struct Work {
    db: WorkspaceDb,
    sender: Sender,
    in_flight: Mutex<HashMap<String, CancellationToken>>,
    undo: Mutex<VecDeque<(String, Deleted)>>,
}

impl Work {
    /// Opens (creating on first use) the database at `path`.
    pub async fn open(path: &Path, secrets: Secrets) -> Result<Self> {
        let db = WorkspaceDb::open(path, Options::new(secrets)).await?;
        Ok(Self::with_db(db, Sender::new()))
    }

    pub fn with_db(db: WorkspaceDb, sender: Sender) -> Self {
        Self {
            db,
            sender,
            in_flight: Mutex::default(),
            undo: Mutex::default(),
        }
    }

    /// The database, for the commands that are one call of it.
    pub fn db(&self) -> &WorkspaceDb {
        &self.db
    }

    /// The Scratch Pad and `account`'s workspaces.
    pub async fn list(&self, account: Option<String>) -> Result<WorkspaceList> {
        let workspaces = self.db.workspaces(account.as_deref()).await?;
        let team_of = self
            .db
            .sync_targets()
            .await?
            .into_iter()
            .filter(|target| workspaces.iter().any(|w| w.meta.id == target.workspace_id))
            .filter_map(|target| Some((target.workspace_id, target.team_id?)))
            .collect();
        Ok(WorkspaceList {
            workspaces,
            secrets: self.db.secrets_mode(),
            account_id: account,
            team_of,
        })
    }

    /// A new workspace of `account`'s, or of its team `team_id` (synced with the
    /// team's members from the next round; the server refuses a team the account is
    /// not in, which the indicator then shows).
    pub async fn create_workspace(
        &self,
        account: &str,
        name: &str,
        team_id: Option<&str>,
    ) -> Result<Workspace> {
        Ok(self
            .db
            .create_synced_workspace(account, name, team_id)
            .await?)
    }

    /// Deletes the workspace, collection, folder, request or environment `id`, keeping
    /// what went for [`Work::restore`].
    pub async fn delete(&self, entity: EntityKind, id: &str) -> Result<Undo> {
        let deleted = match entity {
            EntityKind::Workspace => self.db.delete_workspace(id).await?,
            EntityKind::Collection => self.db.delete_collection(id).await?,
            EntityKind::Folder => self.db.delete_folder(id).await?,
            EntityKind::Request => self.db.delete_request(id).await?,
            EntityKind::Environment => self.db.delete_environment(id).await?,
            EntityKind::Globals => {
                return Err(db::Error::Invalid("globals are cleared, not deleted".into()).into());
            }
        };
        let undo = Undo {
            token: uuid::Uuid::new_v4().to_string(),
            entity: deleted.entity,
            name: deleted.name.clone(),
            requests: deleted.requests,
        };
        let mut kept = lock(&self.undo);
        kept.push_back((undo.token.clone(), deleted));
        while kept.len() > UNDO_LIMIT {
            kept.pop_front();
        }
        Ok(undo)
    }

    /// Puts back what the deletion `token` names (once).
    pub async fn restore(&self, token: &str) -> Result<()> {
        let deleted = {
            let mut kept = lock(&self.undo);
            let index = kept.iter().position(|(kept, _)| kept == token);
            index.and_then(|index| kept.remove(index)).map(|(_, d)| d)
        };
        let deleted = deleted.ok_or_else(|| {
            db::Error::Conflict("that deletion can no longer be undone".to_owned())
        })?;
        Ok(self.db.restore(&deleted).await?)
    }

    /// The resolver for sending from `workspace_id` a request of `collection`: the
    /// workspace's globals, the collection's variables and the active environment's.
    async fn resolver(&self, workspace_id: &str, collection_id: &str) -> Result<Resolver> {
        let workspace = self.db.workspace(workspace_id).await?;
        let collection = self.db.collection(collection_id).await?;
        if collection.workspace_id != workspace_id {
            return Err(db::Error::Invalid("that request is in another workspace".into()).into());
        }
        let globals = self.db.globals(workspace_id).await?;
        let environment = match &workspace.active_environment {
            Some(id) => self.db.environment(id).await?.variables,
            None => Vec::new(),
        };
        Ok(Resolver::new(
            &globals.variables,
            &collection.variables,
            &environment,
        ))
    }

    /// The `{{names}}` in `spec` (as edited, of saved request `request_id`) that
    /// have no value now, each once: what the editor shows before sending. The same
    /// check [`Work::send`] makes, auth inherited from folders and collection included.
    pub async fn unresolved(
        &self,
        workspace_id: &str,
        request_id: &str,
        spec: RequestSpec,
    ) -> Result<Vec<String>> {
        match self.prepare(workspace_id, request_id, spec).await {
            Ok(_) => Ok(Vec::new()),
            Err(Error::Send(SendError::Unresolved { names })) => Ok(names),
            // Anything else wrong with the request is for Send to say.
            Err(Error::Send(_)) => Ok(Vec::new()),
            Err(error) => Err(error),
        }
    }

    /// `spec` (the editor's copy of saved request `request_id`) resolved and checked,
    /// with the auth it inherits from its folders and collection.
    async fn prepare(
        &self,
        workspace_id: &str,
        request_id: &str,
        spec: RequestSpec,
    ) -> Result<(PreparedRequest, Resolver)> {
        let (spec, auth, resolver) = self.with_auth(workspace_id, request_id, spec).await?;
        let prepared = prepare(&spec, &auth, &resolver)?;
        Ok((prepared, resolver))
    }

    /// `spec` with the auth it inherits from its folders and collection, and the
    /// variables that apply to it.
    async fn with_auth(
        &self,
        workspace_id: &str,
        request_id: &str,
        spec: RequestSpec,
    ) -> Result<(RequestSpec, Auth, Resolver)> {
        let saved = self.db.request(request_id).await?;
        let resolver = self.resolver(workspace_id, &saved.collection_id).await?;
        let collection = self.db.collection(&saved.collection_id).await?;
        let folders = self.folder_chain(saved.folder_id.as_deref()).await?;
        let request = Request { spec, ..saved };
        let auth = effective_auth(&request, &folders, &collection).clone();
        Ok((request.spec, auth, resolver))
    }

    /// `spec` (the editor's copy of saved request `request_id`) as a curl command with
    /// the workspace's send options: its `{{names}}` kept, or, when `resolve_values`
    /// (the person asked for it), every value written out, secret ones included.
    pub async fn copy_as_curl(
        &self,
        workspace_id: &str,
        request_id: &str,
        spec: RequestSpec,
        resolve_values: bool,
    ) -> Result<String> {
        let options = self.db.send_options(workspace_id).await?;
        let (spec, auth, resolver) = self.with_auth(workspace_id, request_id, spec).await?;
        if resolve_values {
            let prepared = prepare(&spec, &auth, &resolver)?;
            Ok(to_curl(&prepared, &options))
        } else {
            Ok(to_curl_keeping_names(&spec, &auth, &options)?)
        }
    }

    /// Sends `spec` (the editor's copy of saved request `request_id`) and records it
    /// in the workspace's history. `send_id` names the send for [`Work::cancel`].
    pub async fn send(
        &self,
        send_id: &str,
        workspace_id: &str,
        request_id: &str,
        spec: RequestSpec,
        options: &SendOptions,
    ) -> Result<Response> {
        let (prepared, resolver) = self.prepare(workspace_id, request_id, spec).await?;
        let cancel = CancellationToken::new();
        lock(&self.in_flight).insert(send_id.to_owned(), cancel.clone());
        let outcome = self.sender.send(&prepared, options, &cancel).await;
        lock(&self.in_flight).remove(send_id);

        let context = HistoryContext {
            id: String::new(),
            workspace_id: workspace_id.to_owned(),
            request_id: Some(request_id.to_owned()),
            sent_at: now_ms(),
        };
        let entry = history_entry(context, &prepared, &outcome, &resolver);
        if let Err(error) = self.db.append_history(&entry, &resolver).await {
            tracing::warn!(%error, "could not add the send to the history");
        }
        Ok(outcome?)
    }

    /// Forgets a tab's draft; a draft already gone (saved, discarded, its request
    /// deleted) is no error, so Save and Discard need not know whether one was kept.
    pub async fn discard_draft(&self, workspace_id: &str, key: &DraftKey) -> Result<()> {
        match self.db.discard_draft(workspace_id, key).await {
            Err(db::Error::NotFound { .. }) => Ok(()),
            done => Ok(done?),
        }
    }

    /// Writes a response body (base64, as the UI holds it) to `path`, replacing what
    /// is there.
    pub fn save_response_body(path: &Path, body_base64: &str) -> Result<()> {
        use base64::Engine as _;
        let failed = |reason: String| Error::File {
            path: path.display().to_string(),
            reason,
        };
        let body = base64::engine::general_purpose::STANDARD
            .decode(body_base64)
            .map_err(|error| failed(format!("the body is not base64: {error}")))?;
        std::fs::write(path, &body).map_err(|error| failed(error.to_string()))
    }

    /// Stops the send `send_id` if it is still going (it then ends as `cancelled`).
    pub fn cancel(&self, send_id: &str) {
        if let Some(cancel) = lock(&self.in_flight).get(send_id) {
            cancel.cancel();
        }
    }

    /// `folder_id` and its parents, innermost first.
    async fn folder_chain(&self, folder_id: Option<&str>) -> Result<Vec<Folder>> {
        let mut chain: Vec<Folder> = Vec::new();
        let mut next = folder_id.map(str::to_owned);
        while let Some(id) = next {
            if chain.len() >= FOLDER_DEPTH_LIMIT {
                break;
            }
            let folder = self.db.folder(&id).await?;
            next = folder.parent_id.clone();
            chain.push(folder);
        }
        Ok(chain)
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.as_millis() as i64)
        .unwrap_or_default()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use courier_workspace::db::Place;
    use courier_workspace::model::{Auth, KeyValue, Variable};
    use courier_workspace::seal::MemoryKeyStore;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    use super::*;

    /// A loopback server answering each connection with `body` after `delay`,
    /// reporting each request's head.
    async fn server(
        body: &'static str,
        delay: std::time::Duration,
    ) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (heads, received) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let heads = heads.clone();
                tokio::spawn(async move {
                    let mut buffer = vec![0; 8192];
                    let read = socket.read(&mut buffer).await.unwrap_or(0);
                    let _ = heads.send(String::from_utf8_lossy(&buffer[..read]).into_owned());
                    tokio::time::sleep(delay).await;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                });
            }
        });
        (url, received)
    }

    async fn work(dir: &Path) -> Work {
        let secrets = Secrets::from_key_store(&MemoryKeyStore::default()).unwrap();
        Work::open(&dir.join(DATABASE_FILE), secrets).await.unwrap()
    }

    /// A request in a new collection of the Scratch Pad.
    async fn request(work: &Work) -> (String, Request) {
        let pad = work.db.scratch_pad().await.unwrap();
        let collection = work
            .db
            .create_collection(&pad.meta.id, "API")
            .await
            .unwrap();
        let place = Place::end(&collection.meta.id, None);
        let request = work
            .db
            .create_request(&place, "Ping", &RequestSpec::default())
            .await
            .unwrap();
        (pad.meta.id, request)
    }

    #[tokio::test]
    async fn a_request_is_sent_with_the_environment_and_recorded_in_history() {
        let dir = tempfile::tempdir().unwrap();
        let work = work(dir.path()).await;
        let (workspace, request) = request(&work).await;
        let (url, mut heads) = server(r#"{"ok":true}"#, Default::default()).await;
        let mut token = Variable::new("token", "s3cret-token");
        token.secret = true;
        let environment = work
            .db
            .create_environment(&workspace, "Local", &[Variable::new("base", url), token])
            .await
            .unwrap();
        work.db
            .set_active_environment(&workspace, Some(&environment.meta.id))
            .await
            .unwrap();
        let spec = RequestSpec {
            url: "{{base}}/ping?q=1".into(),
            headers: vec![KeyValue::new("X-Trace", "{{trace}}")],
            auth: Auth::Bearer {
                token: "{{token}}".into(),
            },
            ..RequestSpec::default()
        };

        let id = &request.meta.id;
        let missing = work.unresolved(&workspace, id, spec.clone()).await.unwrap();
        assert_eq!(missing, ["trace"]);
        let refused = work
            .send("s1", &workspace, id, spec.clone(), &SendOptions::default())
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), "unresolved_variables");
        assert_eq!(refused.unresolved_variables(), ["trace"]);

        let spec = RequestSpec {
            headers: Vec::new(),
            ..spec
        };
        let response = work
            .send("s2", &workspace, id, spec, &SendOptions::default())
            .await
            .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.body, br#"{"ok":true}"#);
        let head = heads.recv().await.unwrap();
        assert!(head.starts_with("GET /ping?q=1 HTTP/1.1"), "{head}");
        assert!(
            head.contains("authorization: Bearer s3cret-token"),
            "{head}"
        );

        let history = work.db.history(&workspace, 10).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].status, Some(200));
        assert_eq!(history[0].request_id.as_deref(), Some(id.as_str()));
    }

    #[tokio::test]
    async fn a_send_in_flight_is_cancelled_by_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let work = std::sync::Arc::new(work(dir.path()).await);
        let (workspace, request) = request(&work).await;
        let (url, mut heads) = server("late", std::time::Duration::from_secs(30)).await;
        let spec = RequestSpec {
            url,
            ..RequestSpec::default()
        };
        let sending = {
            let work = work.clone();
            let id = request.meta.id.clone();
            tokio::spawn(async move {
                work.send("slow", &workspace, &id, spec, &SendOptions::default())
                    .await
            })
        };
        heads.recv().await.unwrap();
        work.cancel("slow");
        let error = sending.await.unwrap().unwrap_err();
        assert_eq!(error.kind(), "cancelled");
        assert!(lock(&work.in_flight).is_empty());
    }

    #[tokio::test]
    async fn a_team_workspace_is_listed_with_its_team() {
        let dir = tempfile::tempdir().unwrap();
        let work = work(dir.path()).await;
        let own = work.create_workspace("ada", "Mine", None).await.unwrap();
        let shared = work
            .create_workspace("ada", "Acme shared", Some("team-1"))
            .await
            .unwrap();
        let list = work.list(Some("ada".into())).await.unwrap();
        assert_eq!(
            list.team_of.into_iter().collect::<Vec<_>>(),
            [(shared.meta.id.clone(), "team-1".to_owned())]
        );
        assert!(list.workspaces.iter().any(|w| w.meta.id == own.meta.id));
        let target = work
            .db
            .sync_targets()
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.workspace_id == shared.meta.id)
            .unwrap();
        assert_eq!(target.team_id.as_deref(), Some("team-1"));
    }

    #[tokio::test]
    async fn a_deletion_is_undone_once_by_its_token() {
        let dir = tempfile::tempdir().unwrap();
        let work = work(dir.path()).await;
        let (workspace, request) = request(&work).await;
        let undo = work
            .delete(EntityKind::Collection, &request.collection_id)
            .await
            .unwrap();
        assert_eq!(
            (undo.entity, undo.name.as_str()),
            (EntityKind::Collection, "API")
        );
        assert_eq!(undo.requests, 1);
        assert!(work.db.tree(&workspace).await.unwrap().requests.is_empty());

        work.restore(&undo.token).await.unwrap();
        let tree = work.db.tree(&workspace).await.unwrap();
        assert_eq!(tree.requests[0].id, request.meta.id);
        let again = work.restore(&undo.token).await.unwrap_err();
        assert_eq!(again.kind(), "conflict");
    }

    #[tokio::test]
    async fn the_list_is_the_scratch_pad_and_the_accounts_own() {
        let dir = tempfile::tempdir().unwrap();
        let work = work(dir.path()).await;
        work.db.create_workspace("ada", "Ada's").await.unwrap();
        work.db.create_workspace("bob", "Bob's").await.unwrap();
        let names = |list: WorkspaceList| -> Vec<String> {
            list.workspaces.into_iter().map(|w| w.name).collect()
        };
        assert_eq!(names(work.list(None).await.unwrap()), ["Scratch Pad"]);
        let ada = work.list(Some("ada".into())).await.unwrap();
        assert_eq!(ada.secrets, SecretsMode::Sealed);
        assert_eq!(names(ada), ["Scratch Pad", "Ada's"]);
    }

    #[tokio::test]
    async fn discarding_a_draft_that_is_already_gone_is_no_error() {
        let dir = tempfile::tempdir().unwrap();
        let work = work(dir.path()).await;
        let (workspace, request) = request(&work).await;
        let key = DraftKey::Request {
            request_id: request.meta.id.clone(),
        };
        let edited = RequestSpec {
            url: "https://edited".into(),
            ..RequestSpec::default()
        };
        work.db.save_draft(&workspace, &key, &edited).await.unwrap();
        work.discard_draft(&workspace, &key).await.unwrap();
        assert!(work.db.drafts(&workspace).await.unwrap().is_empty());
        work.discard_draft(&workspace, &key).await.unwrap();
    }
}
