//! One sync round of a workspace, whatever carries it to the server ([`SyncServer`]):
//! register the workspace if the server does not have it yet, push everything pending
//! (merging what the server refuses, and pushing the merge again), then pull every
//! change after the device's sequence number and write it at once. Each step is
//! recorded in the database before the next starts, so a round cut anywhere (the app
//! killed, the connection dropped, the server gone) loses nothing and the next round
//! resends the same operations under the same ids.

use std::future::Future;

use courier_proto::{PushOutcome, SyncOperation, WorkspaceChanges};

use crate::db::{self, WorkspaceDb};

/// Why a round stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncFailure {
    /// The server could not be reached or did not answer (try again later).
    #[error("{0}")]
    Offline(String),
    /// The server refused (the message says why: signed out, a field refused…).
    #[error("{0}")]
    Refused(String),
    /// The server has no such workspace for the account: deleted elsewhere, or one the
    /// account no longer reaches (left its team).
    #[error("{0}")]
    Gone(String),
    /// The workspace does not sync on this device.
    #[error("this workspace does not sync")]
    NotSynced,
    #[error(transparent)]
    Local(#[from] db::Error),
}

/// The server's side of sync, as the account API offers it.
pub trait SyncServer {
    /// Registers a workspace made on this device (again without harm).
    fn register(
        &self,
        workspace_id: &str,
        team_id: Option<&str>,
    ) -> impl Future<Output = Result<(), SyncFailure>> + Send;
    fn push(
        &self,
        workspace_id: &str,
        operations: &[SyncOperation],
    ) -> impl Future<Output = Result<PushOutcome, SyncFailure>> + Send;
    /// One page of changes after `since`.
    fn pull(
        &self,
        workspace_id: &str,
        since: i64,
    ) -> impl Future<Output = Result<WorkspaceChanges, SyncFailure>> + Send;
}

/// What a round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundReport {
    /// Operations the server applied.
    pub pushed: u32,
    /// Refused operations merged with the server's entity.
    pub merged: u32,
    /// Conflicts those merges left to decide.
    pub conflicts: u32,
    /// Entities written from the server.
    pub pulled: u32,
    /// The server's sequence number the device has now.
    pub seq: i64,
}

/// At most this many operations go in one push.
pub const PUSH_BATCH: usize = 200;

/// A push stops growing past this many bytes of fields (the server takes 8 MiB).
const PUSH_BATCH_BYTES: usize = 2 * 1024 * 1024;

/// Pushes in one round at most: a merge makes its entity pending again once, so a
/// second pass sends merges; more passes mean someone keeps changing the same things,
/// and the next round continues.
const PUSH_PASSES: usize = 3;

/// Splits operations into pushes of at most [`PUSH_BATCH`] operations and about
/// [`PUSH_BATCH_BYTES`] of fields (one large entity alone may exceed it).
fn batches(operations: &[SyncOperation]) -> Vec<&[SyncOperation]> {
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, operation) in operations.iter().enumerate() {
        let size = operation.fields.as_ref().map_or(0, |fields| {
            serde_json::Value::Object(fields.clone()).to_string().len()
        });
        if index > start && (index - start == PUSH_BATCH || bytes + size > PUSH_BATCH_BYTES) {
            batches.push(&operations[start..index]);
            (start, bytes) = (index, 0);
        }
        bytes += size;
    }
    if start < operations.len() {
        batches.push(&operations[start..]);
    }
    batches
}

/// Syncs one workspace both ways.
pub async fn sync_round(
    db: &WorkspaceDb,
    server: &impl SyncServer,
    workspace_id: &str,
) -> Result<RoundReport, SyncFailure> {
    let target = db
        .sync_target(workspace_id)
        .await?
        .ok_or(SyncFailure::NotSynced)?;
    if !target.registered {
        server
            .register(workspace_id, target.team_id.as_deref())
            .await?;
        db.mark_registered(workspace_id).await?;
    }
    let mut report = RoundReport::default();
    for _ in 0..PUSH_PASSES {
        let operations = db.stage_outbox(workspace_id).await?;
        if operations.is_empty() {
            break;
        }
        for batch in batches(&operations) {
            let outcome = server.push(workspace_id, batch).await?;
            let record = db
                .record_push(workspace_id, batch, &outcome.outcomes)
                .await?;
            report.pushed += record.applied;
            report.merged += record.merged;
            report.conflicts += record.conflicts;
        }
    }
    let mut since = target.pulled_seq;
    let mut changes = Vec::new();
    loop {
        let page = server.pull(workspace_id, since).await?;
        changes.extend(page.changes);
        since = page.seq;
        if !page.more {
            break;
        }
    }
    report.pulled = db.apply_pulled(workspace_id, &changes, since).await?;
    report.seq = since;
    db.mark_synced(workspace_id).await?;
    Ok(report)
}
