//! The account API's end-to-end keys: the account's key pair
//! (`/api/v1/account/key`) and a synced workspace's wrapped data keys
//! (`/api/v1/workspaces/{id}/keys`). The server only relays these; what they mean is
//! `courier_workspace::sync::keys`.

use courier_proto::{AccountKey, ErrorKind, NewAccountKey, PublishWorkspaceKey, WorkspaceKeys};
use reqwest::Method;

use super::AccountApi;
use super::request::{Body, json};
use crate::error::{Error, Result};

/// What became of a published workspace key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Stored; the workspace's keys as they now stand.
    Stored(WorkspaceKeys),
    /// Another device published that version first: read the keys again.
    VersionTaken,
}

fn is(error: &Error, wanted: ErrorKind) -> bool {
    matches!(error, Error::Api { kind, .. } if *kind == wanted)
}

impl AccountApi<'_> {
    /// `GET /api/v1/account/key`; `None` while the account has none.
    pub async fn account_key(&self) -> Result<Option<AccountKey>> {
        match self
            .send(Method::GET, &["account", "key"], Body::Empty)
            .await
        {
            Ok(response) => json(response).await.map(Some),
            Err(error) if is(&error, ErrorKind::NotFound) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// `PUT /api/v1/account/key`: publishes (or replaces) the account's key pair.
    pub async fn put_account_key(&self, key: &NewAccountKey) -> Result<AccountKey> {
        let response = self
            .send(Method::PUT, &["account", "key"], Body::json(key)?)
            .await?;
        json(response).await
    }

    /// `GET /api/v1/workspaces/{id}/keys`; `None` when the server does not have the
    /// workspace (not registered yet) or the account no longer reaches it.
    pub async fn workspace_keys(&self, workspace_id: &str) -> Result<Option<WorkspaceKeys>> {
        match self
            .send(
                Method::GET,
                &["workspaces", workspace_id, "keys"],
                Body::Empty,
            )
            .await
        {
            Ok(response) => json(response).await.map(Some),
            Err(error) if is(&error, ErrorKind::NotFound) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// `POST /api/v1/workspaces/{id}/keys`.
    pub async fn publish_workspace_key(
        &self,
        workspace_id: &str,
        publish: &PublishWorkspaceKey,
    ) -> Result<Published> {
        match self
            .send(
                Method::POST,
                &["workspaces", workspace_id, "keys"],
                Body::json(publish)?,
            )
            .await
        {
            Ok(response) => json(response).await.map(Published::Stored),
            Err(error) if is(&error, ErrorKind::Conflict) => Ok(Published::VersionTaken),
            Err(error) => Err(error),
        }
    }
}
