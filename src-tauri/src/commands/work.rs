//! Commands of the work area (workspaces, the sidebar's tree, the request editor,
//! Send, environments, history): each one call of `courier_client::app::work` over
//! the device's database, opened on first use by the state.

use courier_client::Result;
use courier_client::app::DesktopState;
use courier_client::app::work::{Undo, Work, WorkspaceList};
use courier_client::workspace::db::{Draft, DraftKey, OpenTabs, Place, TreeColumns};
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

pub async fn create_workspace(
    state: &DesktopState,
    name: String,
    team_id: Option<String>,
) -> Result<Workspace> {
    let account = state
        .active_account()?
        .ok_or(courier_client::Error::NoActiveAccount)?;
    state
        .work()
        .await?
        .create_workspace(&account, &name, team_id.as_deref())
        .await
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

pub async fn workspace_tree(state: &DesktopState, workspace_id: String) -> Result<TreeColumns> {
    Ok(state.work().await?.db().tree(&workspace_id).await?.into())
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

pub async fn clear_history(state: &DesktopState, workspace_id: String) -> Result<()> {
    state
        .work()
        .await?
        .db()
        .clear_history(&workspace_id)
        .await?;
    Ok(())
}

pub async fn drafts(state: &DesktopState, workspace_id: String) -> Result<Vec<Draft>> {
    Ok(state.work().await?.db().drafts(&workspace_id).await?)
}

pub async fn save_draft(
    state: &DesktopState,
    workspace_id: String,
    key: DraftKey,
    spec: RequestSpec,
) -> Result<Draft> {
    let work = state.work().await?;
    Ok(work.db().save_draft(&workspace_id, &key, &spec).await?)
}

pub async fn discard_draft(
    state: &DesktopState,
    workspace_id: String,
    key: DraftKey,
) -> Result<()> {
    state.work().await?.discard_draft(&workspace_id, &key).await
}

pub async fn open_tabs(state: &DesktopState, workspace_id: String) -> Result<OpenTabs> {
    Ok(state.work().await?.db().open_tabs(&workspace_id).await?)
}

pub async fn set_open_tabs(
    state: &DesktopState,
    workspace_id: String,
    tabs: OpenTabs,
) -> Result<OpenTabs> {
    let work = state.work().await?;
    Ok(work.db().set_open_tabs(&workspace_id, &tabs).await?)
}

pub async fn send_options(state: &DesktopState, workspace_id: String) -> Result<SendOptions> {
    Ok(state.work().await?.db().send_options(&workspace_id).await?)
}

pub async fn set_send_options(
    state: &DesktopState,
    workspace_id: String,
    options: SendOptions,
) -> Result<SendOptions> {
    let work = state.work().await?;
    Ok(work.db().set_send_options(&workspace_id, &options).await?)
}

pub async fn copy_as_curl(
    state: &DesktopState,
    workspace_id: String,
    request_id: String,
    spec: RequestSpec,
    resolve_values: bool,
) -> Result<String> {
    let work = state.work().await?;
    work.copy_as_curl(&workspace_id, &request_id, spec, resolve_values)
        .await
}

pub async fn save_response_body(
    _state: &DesktopState,
    path: String,
    body_base64: String,
) -> Result<()> {
    Work::save_response_body(std::path::Path::new(&path), &body_base64)
}

pub async fn set_encrypt_values(
    state: &DesktopState,
    workspace_id: String,
    on: bool,
) -> Result<Workspace> {
    let work = state.work().await?;
    Ok(work.db().set_encrypt_values(&workspace_id, on).await?)
}

pub async fn duplicate_request(state: &DesktopState, id: String) -> Result<Request> {
    Ok(state.work().await?.db().duplicate_request(&id).await?)
}

pub async fn duplicate_folder(state: &DesktopState, id: String) -> Result<Folder> {
    Ok(state.work().await?.db().duplicate_folder(&id).await?)
}

pub async fn duplicate_collection(state: &DesktopState, id: String) -> Result<Collection> {
    Ok(state.work().await?.db().duplicate_collection(&id).await?)
}

pub async fn move_request(state: &DesktopState, id: String, place: Place) -> Result<Request> {
    Ok(state.work().await?.db().move_request(&id, &place).await?)
}

pub async fn move_folder(state: &DesktopState, id: String, place: Place) -> Result<Folder> {
    Ok(state.work().await?.db().move_folder(&id, &place).await?)
}

pub async fn move_collection_to_workspace(
    state: &DesktopState,
    id: String,
    workspace_id: String,
) -> Result<Collection> {
    let db = state.work().await?.db().clone();
    Ok(db.move_collection_to_workspace(&id, &workspace_id).await?)
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
