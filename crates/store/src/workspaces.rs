//! Synced workspaces: the server's copy of the work Courier's apps sync, kept as a
//! revision log. A workspace belongs to an account or to a team; each entity in it (the
//! workspace's own settings, a collection, folder, request, environment, variable set)
//! is a kind, an id, its fields (JSON text the server does not read), a revision that
//! grows by one per change, and the workspace's change sequence at its last change.
//! A deleted entity stays as a tombstone, so a device that was away learns of it.
//!
//! Devices push operations ("set these fields" or "delete"), each made on the revision
//! the device last saw. The rule both backends apply inside the pushing transaction is
//! [`judge_operation`]: an operation on the current revision is applied (one more
//! revision, the next sequence number); one on an older revision is refused with the
//! entity as it stands, for the device to merge field by field and push again. An
//! operation's id is remembered with what it did, so the same operation delivered
//! twice is applied once and answered the same way both times.
//!
//! Access is decided in the same statement or transaction as the read or write, never
//! before it: an account removed from a team cannot push or pull its workspaces from
//! that moment on, whatever request was already on its way.
//!
//! Deleting a workspace removes it with its entities, operations and keys (the
//! foreign keys cascade); who may is [`may_delete`].

use crate::{Result, StoreError, TeamRole, UnixTime};

/// Who a synced workspace belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkspaceOwner {
    /// An account's own workspace: only that account reaches it.
    Account(String),
    /// A team's workspace: every member reaches it.
    Team(String),
}

/// A synced workspace as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRecord {
    pub id: String,
    pub owner: WorkspaceOwner,
    /// The sequence number of its last change (0: none yet).
    pub seq: i64,
    pub created_at: UnixTime,
}

/// What [`WorkspaceSync::create_workspace`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkspaceCreation {
    Created(WorkspaceRecord),
    /// The caller already has this workspace with this owner (a device sending its
    /// creation again): nothing changed.
    Exists(WorkspaceRecord),
    /// The id is another owner's workspace, or the team is not one the caller is in.
    Refused,
}

/// What [`WorkspaceSync::delete_workspace`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkspaceDeletion {
    /// Gone, with everything in it. `audience`: the accounts that reached it just
    /// before, to tell.
    Deleted { audience: Vec<String> },
    /// The caller does not reach it (or it does not exist).
    NotFound,
    /// A team's workspace and the caller is not one of the team's admins.
    Forbidden,
}

/// One entity as it stands on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRecord {
    /// Its kind (`collection`, `request`, …), as the apps name it.
    pub entity: String,
    pub id: String,
    pub revision: i64,
    /// The workspace's sequence number at its last change.
    pub seq: i64,
    /// Its fields as a JSON text; `None` once deleted.
    pub fields: Option<String>,
}

/// A change a device made to one entity, on the revision it last saw (0: it thinks the
/// entity is new).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Chosen by the device; unique within the workspace.
    pub id: String,
    pub entity: String,
    pub entity_id: String,
    pub base_revision: i64,
    /// The entity's fields after the change (JSON text); `None` deletes it.
    pub fields: Option<String>,
}

/// What became of one pushed operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationResult {
    /// Applied now or earlier: the entity's revision and the sequence number it was
    /// applied at.
    Applied { revision: i64, seq: i64 },
    /// Not applied: the entity changed since the operation's base (or, for a create,
    /// already exists; for an update, does not). `None`: the server never had it.
    Conflict { current: Option<EntityRecord> },
}

/// What a push did: one result per operation, in order, and the workspace's sequence
/// number after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub results: Vec<OperationResult>,
    pub seq: i64,
    /// Some operation was written now (not only refused, or applied before).
    pub changed: bool,
}

/// Entities changed after a sequence number, oldest change first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangesPage {
    pub changes: Vec<EntityRecord>,
    /// Where the next pull starts: the last change listed when there are `more`,
    /// otherwise the workspace's sequence number when this page was read.
    pub seq: i64,
    /// More changes wait after `seq`.
    pub more: bool,
}

/// Synced workspaces and their revision log. Every method is one transaction (or one
/// statement) and checks the caller's access inside it; `None` answers "no such
/// workspace for this account", whether it does not exist or is someone else's.
#[async_trait::async_trait]
pub trait WorkspaceSync: Send + Sync {
    /// Registers a workspace (a device's id for it) for an account or, when `owner` is a
    /// team, for a team `user_id` is a member of.
    async fn create_workspace(
        &self,
        id: &str,
        owner: &WorkspaceOwner,
        user_id: &str,
        now: UnixTime,
    ) -> Result<WorkspaceCreation>;
    /// The workspaces the account reaches: its own and its teams', oldest first.
    async fn workspaces_of(&self, user_id: &str) -> Result<Vec<WorkspaceRecord>>;
    async fn workspace_for(&self, user_id: &str, id: &str) -> Result<Option<WorkspaceRecord>>;
    /// Applies `operations` in order, each by [`judge_operation`], in one transaction.
    async fn push(
        &self,
        user_id: &str,
        workspace_id: &str,
        operations: &[Operation],
        now: UnixTime,
    ) -> Result<Option<Pushed>>;
    /// Up to `limit` entities whose last change came after `since`, by sequence.
    async fn changes_since(
        &self,
        user_id: &str,
        workspace_id: &str,
        since: i64,
        limit: u32,
    ) -> Result<Option<ChangesPage>>;
    /// The accounts that reach the workspace (its owner, or its team's members), to
    /// tell of a change.
    async fn audience(&self, workspace_id: &str) -> Result<Vec<String>>;
    /// Deletes the workspace, its entities, operations and keys, if the caller may
    /// ([`may_delete`]); access, the audience and the delete are one transaction.
    async fn delete_workspace(
        &self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<WorkspaceDeletion>;
}

/// Who may delete a workspace the caller reaches: an account's own workspace, its owner
/// (the only account that reaches it); a team's, the team's admins only (`role`: the
/// caller's role in the owning team).
pub(crate) fn may_delete(owner: &WorkspaceOwner, role: Option<TeamRole>) -> bool {
    match owner {
        WorkspaceOwner::Account(_) => true,
        WorkspaceOwner::Team(_) => role == Some(TeamRole::Admin),
    }
}

/// What stands on the server for an operation's entity, as [`judge_operation`] needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Standing {
    pub revision: i64,
    pub deleted: bool,
}

/// What to do with one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Write the operation's fields (or the tombstone) at this revision.
    Write {
        revision: i64,
    },
    /// Deleting what is already deleted at the base revision: nothing to write.
    AlreadyDone {
        revision: i64,
    },
    Conflict,
}

/// The rule: an operation applies only on the revision it was made on. A create
/// (base 0) applies when the server never had the entity; an edit or delete when the
/// entity's revision is its base. Setting fields on a tombstone at its revision brings
/// the entity back (a device keeping its edit over another's delete).
pub(crate) fn judge_operation(standing: Option<Standing>, operation: &Operation) -> Verdict {
    let deletes = operation.fields.is_none();
    match standing {
        None if operation.base_revision == 0 && !deletes => Verdict::Write { revision: 1 },
        None => Verdict::Conflict,
        Some(now) if now.revision != operation.base_revision => Verdict::Conflict,
        Some(now) if now.deleted && deletes => Verdict::AlreadyDone {
            revision: now.revision,
        },
        Some(now) => Verdict::Write {
            revision: now.revision + 1,
        },
    }
}

/// How many entities one pull lists at most.
pub const MAX_PAGE: u32 = 1000;

/// `id, owner_user, owner_team, seq, created_at`, as both backends select them.
pub(crate) type WorkspaceRow = (String, Option<String>, Option<String>, i64, UnixTime);

pub(crate) const WORKSPACE_COLUMNS: &str = "w.id, w.owner_user, w.owner_team, w.seq, w.created_at";

/// A stored workspace; a row with neither owner (the schema forbids it) is an error.
pub(crate) fn workspace_record(
    (id, owner_user, owner_team, seq, created_at): WorkspaceRow,
) -> Result<WorkspaceRecord> {
    let owner = match (owner_user, owner_team) {
        (Some(user), None) => WorkspaceOwner::Account(user),
        (None, Some(team)) => WorkspaceOwner::Team(team),
        _ => {
            return Err(StoreError::Encode {
                what: "synced workspace",
                message: format!("workspace {id} has no single owner"),
            });
        }
    };
    Ok(WorkspaceRecord {
        id,
        owner,
        seq,
        created_at,
    })
}

impl WorkspaceOwner {
    /// The `(owner_user, owner_team)` columns.
    pub(crate) fn columns(&self) -> (Option<&str>, Option<&str>) {
        match self {
            WorkspaceOwner::Account(user) => (Some(user), None),
            WorkspaceOwner::Team(team) => (None, Some(team)),
        }
    }
}

/// `entity, id, revision, seq, fields`, as both backends select them.
pub(crate) type EntityRow = (String, String, i64, i64, Option<String>);

pub(crate) const ENTITY_COLUMNS: &str = "entity, id, revision, seq, fields";

pub(crate) fn entity_record((entity, id, revision, seq, fields): EntityRow) -> EntityRecord {
    EntityRecord {
        entity,
        id,
        revision,
        seq,
        fields,
    }
}

impl EntityRecord {
    pub(crate) fn standing(&self) -> Standing {
        Standing {
            revision: self.revision,
            deleted: self.fields.is_none(),
        }
    }
}

/// A page from up to `limit + 1` rows read after the cursor (the extra one only says
/// there are more) and the workspace's sequence number read before them.
pub(crate) fn changes_page(
    mut rows: Vec<EntityRow>,
    limit: u32,
    workspace_seq: i64,
) -> ChangesPage {
    let limit = limit as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    let changes: Vec<EntityRecord> = rows.into_iter().map(entity_record).collect();
    let seq = match changes.last() {
        Some(last) if more => last.seq,
        _ => workspace_seq,
    };
    ChangesPage { changes, seq, more }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(base_revision: i64, fields: Option<&str>) -> Operation {
        Operation {
            id: "op".into(),
            entity: "request".into(),
            entity_id: "r".into(),
            base_revision,
            fields: fields.map(str::to_owned),
        }
    }

    fn live(revision: i64) -> Option<Standing> {
        Some(Standing {
            revision,
            deleted: false,
        })
    }

    fn tombstone(revision: i64) -> Option<Standing> {
        Some(Standing {
            revision,
            deleted: true,
        })
    }

    #[test]
    fn only_a_teams_admins_delete_its_workspace() {
        let own = WorkspaceOwner::Account("ada".into());
        let team = WorkspaceOwner::Team("acme".into());
        assert!(may_delete(&own, None));
        assert!(may_delete(&team, Some(TeamRole::Admin)));
        for role in [None, Some(TeamRole::Member), Some(TeamRole::BillingManager)] {
            assert!(!may_delete(&team, role), "{role:?}");
        }
    }

    #[test]
    fn a_create_applies_only_to_an_entity_the_server_never_had() {
        let create = operation(0, Some("{}"));
        assert_eq!(
            judge_operation(None, &create),
            Verdict::Write { revision: 1 }
        );
        assert_eq!(judge_operation(live(1), &create), Verdict::Conflict);
        assert_eq!(judge_operation(tombstone(2), &create), Verdict::Conflict);
    }

    #[test]
    fn an_edit_or_delete_applies_only_on_the_current_revision() {
        let edit = operation(3, Some("{}"));
        let delete = operation(3, None);
        assert_eq!(
            judge_operation(live(3), &edit),
            Verdict::Write { revision: 4 }
        );
        assert_eq!(
            judge_operation(live(3), &delete),
            Verdict::Write { revision: 4 }
        );
        for stale in [live(4), live(2), tombstone(4)] {
            assert_eq!(judge_operation(stale, &edit), Verdict::Conflict);
            assert_eq!(judge_operation(stale, &delete), Verdict::Conflict);
        }
        assert_eq!(judge_operation(None, &edit), Verdict::Conflict);
        assert_eq!(judge_operation(None, &delete), Verdict::Conflict);
    }

    #[test]
    fn fields_set_on_a_tombstone_bring_it_back_and_a_second_delete_writes_nothing() {
        assert_eq!(
            judge_operation(tombstone(5), &operation(5, Some("{}"))),
            Verdict::Write { revision: 6 }
        );
        assert_eq!(
            judge_operation(tombstone(5), &operation(5, None)),
            Verdict::AlreadyDone { revision: 5 }
        );
    }
}
