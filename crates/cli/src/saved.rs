//! Collections saved in this device's workspaces, for `courier-cli run NAME`: the
//! desktop app's database (`DATA/workspaces.db`), opened with the data key from the
//! OS keyring (without it, secret values read as empty and the run says so), looked
//! up by name in the Scratch Pad and the active account's workspaces. The workspace's
//! active environment and globals come with it unless the command line gives others.

use std::path::Path;

use courier_client::accounts::RegistryFile;
use courier_client::app::work::DATABASE_FILE;
use courier_client::auth::vault::KeyringVault;
use courier_workspace::db::{Options, WorkspaceDb};
use courier_workspace::model::{CollectionTree, Variable, Workspace};
use courier_workspace::seal::Secrets;

use crate::run::RunError;

/// A saved collection and the variables its workspace brings.
pub struct Saved {
    pub tree: CollectionTree,
    pub workspace: Workspace,
    /// The workspace's active environment's variables (empty without one).
    pub environment: Vec<Variable>,
    pub globals: Vec<Variable>,
    /// Secret values could not be read (no keyring): they are empty.
    pub secrets_unavailable: bool,
    db: WorkspaceDb,
}

impl Saved {
    /// The variables of the workspace's environment called `name` (any case).
    pub async fn environment_named(&self, name: &str) -> Result<Vec<Variable>, RunError> {
        let environments = self
            .db
            .environments(&self.workspace.meta.id)
            .await
            .map_err(storage)?;
        environments
            .into_iter()
            .find(|environment| environment.name.eq_ignore_ascii_case(name))
            .map(|environment| environment.variables)
            .ok_or_else(|| {
                RunError::NotFound(format!(
                    "no file or environment in “{}” called {name:?}",
                    self.workspace.name
                ))
            })
    }
}

fn storage(error: courier_workspace::db::Error) -> RunError {
    RunError::NotFound(format!("this device's workspaces: {error}"))
}

/// The collection called `name` (any case) in the Scratch Pad or the active
/// account's workspaces of the device whose data folder is `data_dir`.
pub async fn find(data_dir: &Path, keyring_service: &str, name: &str) -> Result<Saved, RunError> {
    let path = data_dir.join(DATABASE_FILE);
    if !path.exists() {
        return Err(RunError::NotFound(format!(
            "no file called {name:?}, and no saved collections on this device yet"
        )));
    }
    let service = keyring_service.to_owned();
    let secrets = tokio::task::spawn_blocking(move || {
        KeyringVault::connect(&service)
            .ok()
            .and_then(|vault| Secrets::from_key_store(&vault).ok())
    })
    .await
    .ok()
    .flatten()
    .unwrap_or(Secrets::Unavailable);
    let secrets_unavailable = matches!(secrets, Secrets::Unavailable);
    let db = WorkspaceDb::open(&path, Options::new(secrets))
        .await
        .map_err(storage)?;
    let account = RegistryFile::new(data_dir)
        .load()
        .ok()
        .and_then(|registry| registry.active);
    let mut found = Vec::new();
    for workspace in db.workspaces(account.as_deref()).await.map_err(storage)? {
        for collection in db.collections(&workspace.meta.id).await.map_err(storage)? {
            if collection.name.eq_ignore_ascii_case(name.trim()) {
                found.push((workspace.clone(), collection));
            }
        }
    }
    let (workspace, collection) = match found.len() {
        1 => found.remove(0),
        0 => {
            return Err(RunError::NotFound(format!(
                "no file or saved collection called {name:?}"
            )));
        }
        _ => {
            let places: Vec<String> = found.iter().map(|(w, _)| format!("“{}”", w.name)).collect();
            return Err(RunError::NotFound(format!(
                "{} collections are called {name:?} (in {}); rename one or export it to a file",
                found.len(),
                places.join(", ")
            )));
        }
    };
    let tree = tree_of(&db, &workspace, collection).await?;
    let environment = match &workspace.active_environment {
        Some(id) => db.environment(id).await.map_err(storage)?.variables,
        None => Vec::new(),
    };
    let globals = db
        .globals(&workspace.meta.id)
        .await
        .map_err(storage)?
        .variables;
    Ok(Saved {
        tree,
        workspace,
        environment,
        globals,
        secrets_unavailable,
        db,
    })
}

async fn tree_of(
    db: &WorkspaceDb,
    workspace: &Workspace,
    collection: courier_workspace::model::Collection,
) -> Result<CollectionTree, RunError> {
    let nodes = db.tree(&workspace.meta.id).await.map_err(storage)?;
    let mut tree = CollectionTree {
        folders: Vec::new(),
        requests: Vec::new(),
        collection,
    };
    let id = tree.collection.meta.id.clone();
    for folder in nodes.folders.iter().filter(|node| node.collection_id == id) {
        tree.folders
            .push(db.folder(&folder.id).await.map_err(storage)?);
    }
    for request in nodes
        .requests
        .iter()
        .filter(|node| node.collection_id == id)
    {
        tree.requests
            .push(db.request(&request.id).await.map_err(storage)?);
    }
    Ok(tree)
}
