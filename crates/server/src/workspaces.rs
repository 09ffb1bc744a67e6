//! Workspace sync: registering a device's workspace (its own or a team's), pushing
//! operations and pulling changes, and telling every account that reaches a workspace
//! when it changed (`WorkspaceChanged` on their events channels; a device that misses
//! one pulls what it lacks at its next connection, so a lost event costs nothing), and
//! deleting one (`WorkspaceDeleted` to everyone who reached it; a device that misses it
//! finds the workspace gone from the list at its next whole round).
//! What is applied, refused or remembered is the store's rule
//! (`courier_store::WorkspaceSync`); this checks the input and speaks the API's
//! types. Nothing here knows about HTTP.

use courier_proto::{
    EntityFields, EntityKind, MAX_PUSH_OPERATIONS, NewSyncedWorkspace, OperationOutcome,
    PushOutcome, ServerEvent, SyncOperation, SyncedEntity, SyncedWorkspace, WorkspaceChanges,
};
use courier_store::{
    EntityRecord, Operation, OperationResult, Store, WorkspaceCreation, WorkspaceDeletion,
    WorkspaceOwner, WorkspaceRecord,
};

use crate::error::Error;
use crate::platform::clock::Clock;
use crate::platform::hub::EventHub;

/// What the sync rules need.
pub struct Deps<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    /// Tells the other devices and teammates of a change.
    pub events: &'a EventHub,
    /// Whether plans' limits on workspaces are enforced (`billing.enforce_limits`).
    pub enforce_plan_limits: bool,
}

/// Why a sync call was refused.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No such workspace, or the caller does not reach it (one answer for both).
    #[error("no such workspace")]
    NotFound,
    /// The id is already another owner's workspace, or the team is not the caller's.
    #[error("that workspace id cannot be used: it belongs to someone else")]
    IdTaken,
    /// A team's workspace, and the caller is not one of the team's admins.
    #[error("only the team's admins can delete a team's workspace")]
    AdminOnly,
    /// A field was refused: `(field, message)`.
    #[error("{1}")]
    Invalid(String, String),
    /// The team's plan allows no more workspaces; the message names the plan that does.
    #[error("{0}")]
    PlanLimit(String),
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<courier_store::StoreError> for SyncError {
    fn from(error: courier_store::StoreError) -> Self {
        SyncError::Internal(error.into())
    }
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

/// The longest id (workspace, entity, operation).
pub const MAX_ID_LEN: usize = 64;

/// The largest fields one entity may carry, as JSON.
pub const MAX_FIELDS_BYTES: usize = 256 * 1024;

/// How many changes a pull lists unless it asks for fewer.
pub const DEFAULT_PAGE: u32 = 500;

/// Ids are what devices make (UUIDs, or shorter): letters, digits, `-`, `_`.
fn checked_id(field: &str, id: &str) -> Result<()> {
    let fits = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if fits {
        Ok(())
    } else {
        Err(SyncError::Invalid(
            field.to_owned(),
            format!("Use 1–{MAX_ID_LEN} letters, digits, “-” or “_”."),
        ))
    }
}

fn workspace_view(record: WorkspaceRecord) -> SyncedWorkspace {
    SyncedWorkspace {
        team_id: match record.owner {
            WorkspaceOwner::Account(_) => None,
            WorkspaceOwner::Team(team) => Some(team),
        },
        id: record.id,
        seq: record.seq,
        created_at: record.created_at,
    }
}

/// An entity as the API shows it. Stored fields that no longer read as an object, or
/// a kind this build does not know, are a server fault, never a guess.
fn entity_view(record: EntityRecord) -> Result<SyncedEntity> {
    let entity = EntityKind::parse(&record.entity).ok_or_else(|| {
        Error::Corrupt(format!("stored entity kind {:?} is unknown", record.entity))
    })?;
    let fields = record
        .fields
        .map(|text| serde_json::from_str::<EntityFields>(&text))
        .transpose()
        .map_err(|error| Error::Corrupt(format!("stored fields do not read: {error}")))?;
    Ok(SyncedEntity {
        entity,
        id: record.id,
        revision: record.revision,
        seq: record.seq,
        fields,
    })
}

/// Registers a workspace made on a device; registering it again is not an error.
pub async fn create(
    deps: &Deps<'_>,
    user_id: &str,
    new: &NewSyncedWorkspace,
) -> Result<(bool, SyncedWorkspace)> {
    checked_id("id", &new.id)?;
    let owner = match &new.team_id {
        None => WorkspaceOwner::Account(user_id.to_owned()),
        Some(team) if team.len() <= MAX_ID_LEN => WorkspaceOwner::Team(team.clone()),
        Some(_) => return Err(SyncError::IdTaken),
    };
    let now = deps.clock.now();
    if let WorkspaceOwner::Team(team_id) = &owner
        && deps.store.workspace_for(user_id, &new.id).await?.is_none()
    {
        allow_workspace(deps, team_id, now).await?;
    }
    match deps
        .store
        .create_workspace(&new.id, &owner, user_id, now)
        .await?
    {
        WorkspaceCreation::Created(record) => {
            if matches!(owner, WorkspaceOwner::Team(_)) {
                tell_changed(deps, &record.id, record.seq).await;
            }
            Ok((true, workspace_view(record)))
        }
        WorkspaceCreation::Exists(record) => Ok((false, workspace_view(record))),
        WorkspaceCreation::Refused => Err(SyncError::IdTaken),
    }
}

pub async fn mine(store: &dyn Store, user_id: &str) -> Result<Vec<SyncedWorkspace>> {
    let records = store.workspaces_of(user_id).await?;
    Ok(records.into_iter().map(workspace_view).collect())
}

pub async fn one(store: &dyn Store, user_id: &str, id: &str) -> Result<SyncedWorkspace> {
    if id.len() > MAX_ID_LEN {
        return Err(SyncError::NotFound);
    }
    let record = store.workspace_for(user_id, id).await?;
    record.map(workspace_view).ok_or(SyncError::NotFound)
}

/// A pushed operation as the store takes it, or the field that was refused.
fn stored_operation(index: usize, operation: &SyncOperation) -> Result<Operation> {
    let at = |field: &str| format!("operations[{index}].{field}");
    checked_id(&at("id"), &operation.id)?;
    checked_id(&at("entity_id"), &operation.entity_id)?;
    if operation.base_revision < 0 {
        return Err(SyncError::Invalid(
            at("base_revision"),
            "A revision is 0 or more.".to_owned(),
        ));
    }
    let fields = operation
        .fields
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|error| SyncError::Invalid(at("fields"), error.to_string()))?;
    if fields
        .as_ref()
        .is_some_and(|text| text.len() > MAX_FIELDS_BYTES)
    {
        return Err(SyncError::Invalid(
            at("fields"),
            format!(
                "An entity's fields are at most {} KiB.",
                MAX_FIELDS_BYTES / 1024
            ),
        ));
    }
    Ok(Operation {
        id: operation.id.clone(),
        entity: operation.entity.as_str().to_owned(),
        entity_id: operation.entity_id.clone(),
        base_revision: operation.base_revision,
        fields,
    })
}

/// Applies a device's operations in order and, when any was applied, tells everyone
/// who reaches the workspace.
pub async fn push(
    deps: &Deps<'_>,
    user_id: &str,
    workspace_id: &str,
    operations: &[SyncOperation],
) -> Result<PushOutcome> {
    if workspace_id.len() > MAX_ID_LEN {
        return Err(SyncError::NotFound);
    }
    if operations.len() > MAX_PUSH_OPERATIONS {
        return Err(SyncError::Invalid(
            "operations".to_owned(),
            format!("Push at most {MAX_PUSH_OPERATIONS} operations at a time."),
        ));
    }
    let stored = operations
        .iter()
        .enumerate()
        .map(|(index, operation)| stored_operation(index, operation))
        .collect::<Result<Vec<_>>>()?;
    let now = deps.clock.now();
    let pushed = deps
        .store
        .push(user_id, workspace_id, &stored, now)
        .await?
        .ok_or(SyncError::NotFound)?;
    if pushed.changed {
        tell_changed(deps, workspace_id, pushed.seq).await;
    }
    let outcomes = pushed
        .results
        .into_iter()
        .map(|result| {
            Ok(match result {
                OperationResult::Applied { revision, seq } => {
                    OperationOutcome::Applied { revision, seq }
                }
                OperationResult::Conflict { current } => OperationOutcome::Conflict {
                    current: current.map(entity_view).transpose()?,
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PushOutcome {
        outcomes,
        seq: pushed.seq,
    })
}

/// Deletes the workspace with everything in it, if the caller may (its owner, or an
/// admin of its team), and tells everyone who reached it just before.
pub async fn delete(deps: &Deps<'_>, user_id: &str, workspace_id: &str) -> Result<()> {
    if workspace_id.len() > MAX_ID_LEN {
        return Err(SyncError::NotFound);
    }
    match deps.store.delete_workspace(workspace_id, user_id).await? {
        WorkspaceDeletion::Deleted { audience } => {
            let event = ServerEvent::WorkspaceDeleted {
                workspace_id: workspace_id.to_owned(),
            };
            for account in audience {
                deps.events.publish(&account, event.clone());
            }
            Ok(())
        }
        WorkspaceDeletion::NotFound => Err(SyncError::NotFound),
        WorkspaceDeletion::Forbidden => Err(SyncError::AdminOnly),
    }
}

/// The changes after `since`, up to `limit` (at most the store's page).
pub async fn pull(
    store: &dyn Store,
    user_id: &str,
    workspace_id: &str,
    since: i64,
    limit: Option<u32>,
) -> Result<WorkspaceChanges> {
    if workspace_id.len() > MAX_ID_LEN {
        return Err(SyncError::NotFound);
    }
    let limit = limit
        .unwrap_or(DEFAULT_PAGE)
        .clamp(1, courier_store::MAX_PAGE);
    let page = store
        .changes_since(user_id, workspace_id, since.max(0), limit)
        .await?
        .ok_or(SyncError::NotFound)?;
    Ok(WorkspaceChanges {
        changes: page
            .changes
            .into_iter()
            .map(entity_view)
            .collect::<Result<_>>()?,
        seq: page.seq,
        more: page.more,
    })
}

/// Tells every account that reaches the workspace of a change (`event`). A failure to
/// read who they are is logged, not answered: the change is stored, and devices read it
/// at their next connection.
pub(crate) async fn tell_audience(deps: &Deps<'_>, workspace_id: &str, event: ServerEvent) {
    match deps.store.audience(workspace_id).await {
        Ok(accounts) => {
            for account in accounts {
                deps.events.publish(&account, event.clone());
            }
        }
        Err(error) => tracing::warn!(%error, workspace_id, "could not tell of a workspace change"),
    }
}

/// Tells everyone who reaches the workspace that it changed up to `seq`.
async fn tell_changed(deps: &Deps<'_>, workspace_id: &str, seq: i64) {
    let event = ServerEvent::WorkspaceChanged {
        workspace_id: workspace_id.to_owned(),
        seq,
    };
    tell_audience(deps, workspace_id, event).await;
}

/// Refuses a new workspace for `team_id` beyond what its plan allows.
async fn allow_workspace(deps: &Deps<'_>, team_id: &str, now: i64) -> Result<()> {
    use crate::billing::limits::{self, Growth, LimitError};
    let growth = Growth::Workspace;
    limits::allow(deps.store, deps.enforce_plan_limits, team_id, growth, now)
        .await
        .map_err(|error| match error {
            LimitError::Reached(message) => SyncError::PlanLimit(message),
            LimitError::Internal(error) => SyncError::Internal(error),
        })
}
