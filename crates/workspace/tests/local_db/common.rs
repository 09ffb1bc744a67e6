//! One way to open a test database: its own folder, a manual clock, a key in memory.

use std::path::PathBuf;
use std::sync::Arc;

use courier_workspace::clock::ManualClock;
use courier_workspace::db::{Options, Place, WorkspaceDb};
use courier_workspace::model::{Collection, Environment, Request, RequestSpec, Variable};
use courier_workspace::seal::{DataKey, Secrets};
use tempfile::TempDir;

/// 2025-01-01T00:00:00Z.
pub const START: i64 = 1_735_689_600_000;

pub struct Fixture {
    pub db: WorkspaceDb,
    pub clock: Arc<ManualClock>,
    pub path: PathBuf,
    pub key: DataKey,
    _dir: TempDir,
}

impl Fixture {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profile").join("workspaces.db");
        let clock = Arc::new(ManualClock::new(START));
        let key = DataKey::generate().unwrap();
        let db = open(&path, &clock, Secrets::Sealed(key.clone())).await;
        Self {
            db,
            clock,
            path,
            key,
            _dir: dir,
        }
    }

    /// The same file opened again (after closing this handle), with `secrets`.
    pub async fn reopen(&mut self, secrets: Secrets) {
        self.db.close().await;
        self.db = open(&self.path, &self.clock, secrets).await;
    }

    /// An account's new workspace with one collection.
    pub async fn workspace_with_collection(&self) -> (String, Collection) {
        let workspace = self.db.create_workspace("acct-1", "Work").await.unwrap();
        let collection = self
            .db
            .create_collection(&workspace.meta.id, "API")
            .await
            .unwrap();
        (workspace.meta.id, collection)
    }
}

impl Fixture {
    /// A request at `place`: `GET https://a`.
    pub async fn request(&self, place: &Place, name: &str) -> Request {
        let spec = spec("GET", "https://a");
        self.db.create_request(place, name, &spec).await.unwrap()
    }

    pub async fn environment(
        &self,
        workspace_id: &str,
        name: &str,
        variables: &[Variable],
    ) -> Environment {
        self.db
            .create_environment(workspace_id, name, variables)
            .await
            .unwrap()
    }
}

pub async fn open(
    path: &std::path::Path,
    clock: &Arc<ManualClock>,
    secrets: Secrets,
) -> WorkspaceDb {
    let options = Options {
        clock: clock.clone(),
        ..Options::new(secrets)
    };
    WorkspaceDb::open(path, options).await.unwrap()
}

pub fn spec(method: &str, url: &str) -> RequestSpec {
    RequestSpec {
        method: method.to_owned(),
        url: url.to_owned(),
        ..RequestSpec::default()
    }
}

pub fn var(key: &str, value: &str, secret: bool) -> Variable {
    Variable {
        key: key.to_owned(),
        value: value.to_owned(),
        enabled: true,
        secret,
    }
}

pub fn at_end(collection_id: &str, folder_id: Option<&str>) -> Place {
    Place::end(collection_id, folder_id)
}

pub fn at(collection_id: &str, folder_id: Option<&str>, index: u32) -> Place {
    Place {
        index: Some(index),
        ..Place::end(collection_id, folder_id)
    }
}
