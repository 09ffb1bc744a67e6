//! Commands of the work area (workspaces, the sidebar's tree, the request editor,
//! Send, environments, history): each one call of `courier_client::app::work` over
//! the device's database, opened on first use by the state.

use courier_client::Result;
use courier_client::app::DesktopState;
use courier_client::app::work::{Undo, WorkspaceList};
use courier_client::workspace::db::{Place, Tree};
use courier_client::workspace::model::{
    Collection, EntityKind, Environment, Folder, Globals, HistoryEntry, Request, RequestSpec,
    SendOptions, Variable, Workspace,
};
use courier_client::workspace::send::Response;

/// History entries the History list shows.
const HISTORY_SHOWN: u32 = 200;

pub async fn workspaces(state: &DesktopState) -> Result<WorkspaceList> {
    state.work().await?.list(state.active_account()?).await
}

pub async fn create_workspace(state: &DesktopState, name: String) -> Result<Workspace> {
    let account = state
        .active_account()?
        .ok_or(courier_client::Error::NoActiveAccount)?;
    Ok(state
        .work()
        .await?
        .db()
        .create_workspace(&account, &name)
        .await?)
}

pub async fn rename_workspace(state: &DesktopState, id: String, name: String) -> Result<Workspace> {
    Ok(state
        .work()
        .await?
        .db()
        .rename_workspace(&id, &name)
        .await?)
}

pub async fn delete_workspace(state: &DesktopState, id: String) -> Result<Undo> {
    state.work().await?.delete(EntityKind::Workspace, &id).await
}

pub async fn workspace_tree(state: &DesktopState, workspace_id: String) -> Result<Tree> {
    Ok(state.work().await?.db().tree(&workspace_id).await?)
}

pub async fn create_collection(
    state: &DesktopState,
    workspace_id: String,
    name: String,
) -> Result<Collection> {
    let work = state.work().await?;
    Ok(work.db().create_collection(&workspace_id, &name).await?)
}

pub async fn rename_collection(
    state: &DesktopState,
    id: String,
    name: String,
) -> Result<Collection> {
    Ok(state
        .work()
        .await?
        .db()
        .rename_collection(&id, &name)
        .await?)
}

pub async fn delete_collection(state: &DesktopState, id: String) -> Result<Undo> {
    state
        .work()
        .await?
        .delete(EntityKind::Collection, &id)
        .await
}

pub async fn create_folder(state: &DesktopState, place: Place, name: String) -> Result<Folder> {
    Ok(state
        .work()
        .await?
        .db()
        .create_folder(&place, &name)
        .await?)
}

pub async fn rename_folder(state: &DesktopState, id: String, name: String) -> Result<Folder> {
    Ok(state.work().await?.db().rename_folder(&id, &name).await?)
}

pub async fn delete_folder(state: &DesktopState, id: String) -> Result<Undo> {
    state.work().await?.delete(EntityKind::Folder, &id).await
}

pub async fn create_request(state: &DesktopState, place: Place, name: String) -> Result<Request> {
    let work = state.work().await?;
    Ok(work
        .db()
        .create_request(&place, &name, &RequestSpec::default())
        .await?)
}

pub async fn rename_request(state: &DesktopState, id: String, name: String) -> Result<Request> {
    Ok(state.work().await?.db().rename_request(&id, &name).await?)
}

pub async fn delete_request(state: &DesktopState, id: String) -> Result<Undo> {
    state.work().await?.delete(EntityKind::Request, &id).await
}

pub async fn restore(state: &DesktopState, token: String) -> Result<()> {
    state.work().await?.restore(&token).await
}

pub async fn request(state: &DesktopState, id: String) -> Result<Request> {
    Ok(state.work().await?.db().request(&id).await?)
}

pub async fn save_request(state: &DesktopState, request: Request) -> Result<Request> {
    Ok(state.work().await?.db().update_request(&request).await?)
}

pub async fn unresolved_variables(
    state: &DesktopState,
    workspace_id: String,
    request_id: String,
    spec: RequestSpec,
) -> Result<Vec<String>> {
    let work = state.work().await?;
    work.unresolved(&workspace_id, &request_id, spec).await
}

pub async fn send_request(
    state: &DesktopState,
    send_id: String,
    workspace_id: String,
    request_id: String,
    spec: RequestSpec,
    options: SendOptions,
) -> Result<Response> {
    let work = state.work().await?;
    work.send(&send_id, &workspace_id, &request_id, spec, &options)
        .await
}

pub async fn cancel_send(state: &DesktopState, send_id: String) -> Result<()> {
    state.work().await?.cancel(&send_id);
    Ok(())
}

pub async fn environments(state: &DesktopState, workspace_id: String) -> Result<Vec<Environment>> {
    Ok(state.work().await?.db().environments(&workspace_id).await?)
}

pub async fn create_environment(
    state: &DesktopState,
    workspace_id: String,
    name: String,
) -> Result<Environment> {
    let work = state.work().await?;
    Ok(work
        .db()
        .create_environment(&workspace_id, &name, &[])
        .await?)
}

pub async fn update_environment(
    state: &DesktopState,
    environment: Environment,
) -> Result<Environment> {
    Ok(state
        .work()
        .await?
        .db()
        .update_environment(&environment)
        .await?)
}

pub async fn delete_environment(state: &DesktopState, id: String) -> Result<Undo> {
    state
        .work()
        .await?
        .delete(EntityKind::Environment, &id)
        .await
}

pub async fn set_active_environment(
    state: &DesktopState,
    workspace_id: String,
    environment_id: Option<String>,
) -> Result<Workspace> {
    let work = state.work().await?;
    let environment_id = environment_id.as_deref();
    Ok(work
        .db()
        .set_active_environment(&workspace_id, environment_id)
        .await?)
}

pub async fn globals(state: &DesktopState, workspace_id: String) -> Result<Globals> {
    Ok(state.work().await?.db().globals(&workspace_id).await?)
}

pub async fn set_globals(
    state: &DesktopState,
    workspace_id: String,
    variables: Vec<Variable>,
) -> Result<Globals> {
    let work = state.work().await?;
    Ok(work.db().set_globals(&workspace_id, &variables).await?)
}

pub async fn history(state: &DesktopState, workspace_id: String) -> Result<Vec<HistoryEntry>> {
    let work = state.work().await?;
    Ok(work.db().history(&workspace_id, HISTORY_SHOWN).await?)
}

pub async fn duplicate_request(state: &DesktopState, id: String) -> Result<Request> {
    Ok(state.work().await?.db().duplicate_request(&id).await?)
}

pub async fn move_request(state: &DesktopState, id: String, place: Place) -> Result<Request> {
    Ok(state.work().await?.db().move_request(&id, &place).await?)
}

pub async fn move_folder(state: &DesktopState, id: String, place: Place) -> Result<Folder> {
    Ok(state.work().await?.db().move_folder(&id, &place).await?)
}

pub async fn import_file(
    state: &DesktopState,
    workspace_id: String,
    path: String,
) -> Result<courier_client::app::transfer::ImportSummary> {
    let work = state.work().await?;
    work.import_file(&workspace_id, std::path::Path::new(&path))
        .await
}

pub async fn export_collection(
    state: &DesktopState,
    collection_id: String,
    path: String,
    format: courier_client::app::transfer::ExportFormat,
    include_secrets: bool,
) -> Result<()> {
    let work = state.work().await?;
    work.export_collection(
        &collection_id,
        std::path::Path::new(&path),
        format,
        include_secrets,
    )
    .await
}

pub async fn request_from_curl(
    state: &DesktopState,
    place: Place,
    command: String,
) -> Result<Request> {
    state
        .work()
        .await?
        .request_from_curl(&place, &command)
        .await
}

pub async fn request_urls(
    state: &DesktopState,
    workspace_id: String,
) -> Result<std::collections::HashMap<String, String>> {
    Ok(state.work().await?.db().request_urls(&workspace_id).await?)
}
