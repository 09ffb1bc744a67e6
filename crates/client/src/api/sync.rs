//! The account API's workspace sync (`/api/v1/workspaces`): the workspaces the account
//! reaches, registering or deleting one, pushing operations and pulling changes; and
//! the same calls as the [`SyncServer`] a sync round runs through, with the client's
//! errors sorted into "try again later" (offline, the server failing, rate limits),
//! "the workspace is gone" (404) and "refused".

use courier_proto::{
    ErrorKind, NewSyncedWorkspace, PushOperations, PushOutcome, SyncOperation, SyncedWorkspace,
    WorkspaceChanges,
};
use courier_workspace::sync::{SyncFailure, SyncServer};
use reqwest::Method;

use super::AccountApi;
use super::request::{Body, json};
use crate::error::{Error, Result};

impl AccountApi<'_> {
    /// `GET /api/v1/workspaces`: the account's own workspaces and its teams'.
    pub async fn synced_workspaces(&self) -> Result<Vec<SyncedWorkspace>> {
        let response = self.send(Method::GET, &["workspaces"], Body::Empty).await?;
        json(response).await
    }

    /// `POST /api/v1/workspaces`: registers a workspace made on this device.
    pub async fn register_workspace(
        &self,
        workspace_id: &str,
        team_id: Option<&str>,
    ) -> Result<SyncedWorkspace> {
        let new = NewSyncedWorkspace {
            id: workspace_id.to_owned(),
            team_id: team_id.map(str::to_owned),
        };
        let response = self
            .send(Method::POST, &["workspaces"], Body::json(&new)?)
            .await?;
        json(response).await
    }

    /// `DELETE /api/v1/workspaces/{id}`: deletes the workspace for everyone who reaches
    /// it (an account's own: its owner; a team's: the team's admins).
    pub async fn delete_synced_workspace(&self, workspace_id: &str) -> Result<()> {
        self.send(Method::DELETE, &["workspaces", workspace_id], Body::Empty)
            .await
            .map(drop)
    }

    /// `POST /api/v1/workspaces/{id}/changes`.
    pub async fn push_changes(
        &self,
        workspace_id: &str,
        operations: &[SyncOperation],
    ) -> Result<PushOutcome> {
        let body = PushOperations {
            operations: operations.to_vec(),
        };
        let response = self
            .send(
                Method::POST,
                &["workspaces", workspace_id, "changes"],
                Body::json(&body)?,
            )
            .await?;
        json(response).await
    }

    /// `GET /api/v1/workspaces/{id}/changes?since=`.
    pub async fn pull_changes(&self, workspace_id: &str, since: i64) -> Result<WorkspaceChanges> {
        let response = self
            .send_with_query(
                Method::GET,
                &["workspaces", workspace_id, "changes"],
                &format!("since={since}"),
            )
            .await?;
        json(response).await
    }
}

/// A client error as a sync round sees it.
pub(crate) fn sync_failure(error: Error) -> SyncFailure {
    let later = match &error {
        Error::Network { .. } | Error::Protocol(_) => true,
        Error::Api { kind, .. } => matches!(kind, ErrorKind::Internal | ErrorKind::RateLimited),
        _ => false,
    };
    if later {
        SyncFailure::Offline(error.to_string())
    } else {
        SyncFailure::Refused(error.to_string())
    }
}

/// A failure of a call about one workspace: a 404 means the server no longer has it
/// for this account.
fn workspace_failure(error: Error) -> SyncFailure {
    match &error {
        Error::Api {
            kind: ErrorKind::NotFound,
            ..
        } => SyncFailure::Gone(error.to_string()),
        _ => sync_failure(error),
    }
}

impl SyncServer for AccountApi<'_> {
    async fn register(&self, workspace_id: &str, team_id: Option<&str>) -> Result<(), SyncFailure> {
        self.register_workspace(workspace_id, team_id)
            .await
            .map(drop)
            .map_err(workspace_failure)
    }

    async fn push(
        &self,
        workspace_id: &str,
        operations: &[SyncOperation],
    ) -> Result<PushOutcome, SyncFailure> {
        self.push_changes(workspace_id, operations)
            .await
            .map_err(workspace_failure)
    }

    async fn pull(&self, workspace_id: &str, since: i64) -> Result<WorkspaceChanges, SyncFailure> {
        self.pull_changes(workspace_id, since)
            .await
            .map_err(workspace_failure)
    }
}
