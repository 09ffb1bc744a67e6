//! PostgreSQL side of [`WorkspaceSync`]: `synced_workspaces`, `synced_entities`,
//! `synced_operations`. A push locks its workspace's row (`FOR UPDATE`) before it
//! reads anything, so pushes to one workspace from several instances take sequence
//! numbers one after another; each operation is judged
//! ([`crate::workspaces::judge_operation`]) against the entity read inside it. The
//! membership that grants access is read in the same statement, and a member's
//! removal (which deletes its `team_members` row) waits for, or is seen by, it.

use super::{PgStore, Tx};
use crate::workspaces::{
    ENTITY_COLUMNS, EntityRow, Verdict, WORKSPACE_COLUMNS, WorkspaceRow, changes_page,
    entity_record, judge_operation, may_delete, workspace_record,
};
use crate::{
    ChangesPage, EntityRecord, Operation, OperationResult, Pushed, Result, UnixTime,
    WorkspaceCreation, WorkspaceDeletion, WorkspaceOwner, WorkspaceRecord, WorkspaceSync,
};

/// The workspace `$1` if the account `$2` reaches it (its own, or its team's).
fn reachable(select: &str) -> String {
    format!(
        "SELECT {select} FROM synced_workspaces w WHERE w.id = $1 AND (w.owner_user = $2 \
         OR w.owner_team IN (SELECT team_id FROM team_members WHERE user_id = $2))"
    )
}

async fn workspace_in_tx(tx: &mut Tx, user_id: &str, id: &str) -> Result<Option<WorkspaceRecord>> {
    // Locked: pushes to one workspace take its sequence numbers one at a time.
    let row: Option<WorkspaceRow> =
        sqlx::query_as(&format!("{} FOR UPDATE", reachable(WORKSPACE_COLUMNS)))
            .bind(id)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    row.map(workspace_record).transpose()
}

async fn entity_in_tx(
    tx: &mut Tx,
    workspace_id: &str,
    entity: &str,
    id: &str,
) -> Result<Option<EntityRecord>> {
    let row: Option<EntityRow> = sqlx::query_as(&format!(
        "SELECT {ENTITY_COLUMNS} FROM synced_entities \
         WHERE workspace_id = $1 AND entity = $2 AND id = $3"
    ))
    .bind(workspace_id)
    .bind(entity)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(entity_record))
}

/// What an operation with this id already did in the workspace, if it was applied.
async fn applied_before(
    tx: &mut Tx,
    workspace_id: &str,
    operation_id: &str,
) -> Result<Option<OperationResult>> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT revision, seq FROM synced_operations WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace_id)
    .bind(operation_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(revision, seq)| OperationResult::Applied { revision, seq }))
}

async fn remember(
    tx: &mut Tx,
    workspace_id: &str,
    operation_id: &str,
    (revision, seq): (i64, i64),
    now: UnixTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO synced_operations (workspace_id, id, revision, seq, applied_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(workspace_id)
    .bind(operation_id)
    .bind(revision)
    .bind(seq)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn write_entity(
    tx: &mut Tx,
    workspace_id: &str,
    operation: &Operation,
    (revision, seq): (i64, i64),
    now: UnixTime,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO synced_entities (workspace_id, entity, id, fields, revision, seq, changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (workspace_id, entity, id) DO UPDATE SET fields = excluded.fields, \
         revision = excluded.revision, seq = excluded.seq, changed_at = excluded.changed_at",
    )
    .bind(workspace_id)
    .bind(&operation.entity)
    .bind(&operation.entity_id)
    .bind(&operation.fields)
    .bind(revision)
    .bind(seq)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Judges and applies one operation; `seq` is the workspace's sequence number so far.
async fn apply(
    tx: &mut Tx,
    workspace_id: &str,
    operation: &Operation,
    seq: &mut i64,
    now: UnixTime,
) -> Result<OperationResult> {
    if let Some(done) = applied_before(tx, workspace_id, &operation.id).await? {
        return Ok(done);
    }
    let current = entity_in_tx(tx, workspace_id, &operation.entity, &operation.entity_id).await?;
    let applied = match judge_operation(current.as_ref().map(EntityRecord::standing), operation) {
        Verdict::Conflict => return Ok(OperationResult::Conflict { current }),
        Verdict::AlreadyDone { revision } => {
            (revision, current.as_ref().map_or(*seq, |entity| entity.seq))
        }
        Verdict::Write { revision } => {
            *seq += 1;
            write_entity(tx, workspace_id, operation, (revision, *seq), now).await?;
            (revision, *seq)
        }
    };
    remember(tx, workspace_id, &operation.id, applied, now).await?;
    Ok(OperationResult::Applied {
        revision: applied.0,
        seq: applied.1,
    })
}

/// The accounts that reach the workspace: its owner, or its team's members.
async fn audience_in<'e>(db: impl sqlx::PgExecutor<'e>, workspace_id: &str) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT owner_user FROM synced_workspaces WHERE id = $1 AND owner_user IS NOT NULL \
             UNION SELECT m.user_id FROM synced_workspaces w \
             JOIN team_members m ON m.team_id = w.owner_team WHERE w.id = $1",
    )
    .bind(workspace_id)
    .fetch_all(db)
    .await?)
}

#[async_trait::async_trait]
impl WorkspaceSync for PgStore {
    async fn create_workspace(
        &self,
        id: &str,
        owner: &WorkspaceOwner,
        user_id: &str,
        now: UnixTime,
    ) -> Result<WorkspaceCreation> {
        let mut tx = self.write().await?;
        if let Some(existing) = workspace_in_tx(&mut tx, user_id, id).await? {
            return Ok(if existing.owner == *owner {
                WorkspaceCreation::Exists(existing)
            } else {
                WorkspaceCreation::Refused
            });
        }
        let (owner_user, owner_team) = owner.columns();
        let allowed = match owner {
            WorkspaceOwner::Account(account) => account == user_id,
            WorkspaceOwner::Team(team) => super::teams::team_role(&mut *tx, team, user_id)
                .await?
                .is_some(),
        };
        if !allowed {
            return Ok(WorkspaceCreation::Refused);
        }
        let inserted = sqlx::query(
            "INSERT INTO synced_workspaces (id, owner_user, owner_team, seq, created_by, created_at) \
             VALUES ($1, $2, $3, 0, $4, $5) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(owner_user)
        .bind(owner_team)
        .bind(user_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(WorkspaceCreation::Refused);
        }
        tx.commit().await?;
        Ok(WorkspaceCreation::Created(WorkspaceRecord {
            id: id.to_owned(),
            owner: owner.clone(),
            seq: 0,
            created_at: now,
        }))
    }

    async fn workspaces_of(&self, user_id: &str) -> Result<Vec<WorkspaceRecord>> {
        let rows: Vec<WorkspaceRow> = sqlx::query_as(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM synced_workspaces w WHERE w.owner_user = $1 \
             OR w.owner_team IN (SELECT team_id FROM team_members WHERE user_id = $1) \
             ORDER BY w.created_at, w.id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(workspace_record).collect()
    }

    async fn workspace_for(&self, user_id: &str, id: &str) -> Result<Option<WorkspaceRecord>> {
        let row: Option<WorkspaceRow> = sqlx::query_as(&reachable(WORKSPACE_COLUMNS))
            .bind(id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(workspace_record).transpose()
    }

    async fn push(
        &self,
        user_id: &str,
        workspace_id: &str,
        operations: &[Operation],
        now: UnixTime,
    ) -> Result<Option<Pushed>> {
        let mut tx = self.write().await?;
        let Some(workspace) = workspace_in_tx(&mut tx, user_id, workspace_id).await? else {
            return Ok(None);
        };
        let mut seq = workspace.seq;
        let mut results = Vec::with_capacity(operations.len());
        for operation in operations {
            results.push(apply(&mut tx, workspace_id, operation, &mut seq, now).await?);
        }
        if seq != workspace.seq {
            sqlx::query("UPDATE synced_workspaces SET seq = $1 WHERE id = $2")
                .bind(seq)
                .bind(workspace_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(Pushed {
            results,
            seq,
            changed: seq != workspace.seq,
        }))
    }

    async fn changes_since(
        &self,
        user_id: &str,
        workspace_id: &str,
        since: i64,
        limit: u32,
    ) -> Result<Option<ChangesPage>> {
        // One read transaction: the sequence number and the rows are one snapshot.
        let mut tx = self.pool.begin().await?;
        let seq: Option<i64> = sqlx::query_scalar(&reachable("w.seq"))
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(seq) = seq else {
            return Ok(None);
        };
        let rows: Vec<EntityRow> = sqlx::query_as(&format!(
            "SELECT {ENTITY_COLUMNS} FROM synced_entities \
             WHERE workspace_id = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4"
        ))
        .bind(workspace_id)
        .bind(since)
        .bind(seq)
        .bind(i64::from(limit) + 1)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(changes_page(rows, limit, seq)))
    }

    async fn audience(&self, workspace_id: &str) -> Result<Vec<String>> {
        audience_in(&self.pool, workspace_id).await
    }

    async fn delete_workspace(
        &self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<WorkspaceDeletion> {
        let mut tx = self.write().await?;
        let Some(workspace) = workspace_in_tx(&mut tx, user_id, workspace_id).await? else {
            return Ok(WorkspaceDeletion::NotFound);
        };
        let role = match &workspace.owner {
            WorkspaceOwner::Team(team) => super::teams::team_role(&mut *tx, team, user_id).await?,
            WorkspaceOwner::Account(_) => None,
        };
        if !may_delete(&workspace.owner, role) {
            return Ok(WorkspaceDeletion::Forbidden);
        }
        let audience = audience_in(&mut *tx, workspace_id).await?;
        // Entities, operations and key copies go with it (ON DELETE CASCADE).
        sqlx::query("DELETE FROM synced_workspaces WHERE id = $1")
            .bind(workspace_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(WorkspaceDeletion::Deleted { audience })
    }
}
