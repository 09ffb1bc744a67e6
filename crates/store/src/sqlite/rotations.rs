//! SQLite side of [`crate::rotations`]: a batch of refresh rotations in one
//! transaction on the single writer, in four calls to the database whatever the
//! batch's size: begin; one read of the batch's tokens with their grants, chains and
//! accounts; one call of four set-wise statements that write (the rows travel as one
//! JSON array, `?1`, read with `json_each`); commit. Each call is a hand-off to the
//! connection's thread and back, which under load costs more than the statements.
//! What each rotation does is [`crate::rotations::plan`]'s call.

use serde_json::json;
use sqlx::SqlitePool;

use super::begin_write;
use super::grants::{GRANT_COLUMNS, revoke_in, rotate_alone};
use crate::rotations::{RotateTogether, Rotation, batch_states, plan};
use crate::{Grant, RefreshOutcome, Result, RevokeReason};

/// The pools a rotation worker writes and reads through.
pub(super) struct SqliteRotations {
    pub reads: SqlitePool,
    pub writes: SqlitePool,
}

/// The batch's tokens (`?1`: a JSON array of digests) with their grants, whether each
/// spent one's chain has moved on (asked only of a spent token, the rare path: `CASE`
/// decides in order, where `AND` may evaluate both sides and walk the chain), and
/// their accounts, whose columns keep [`User`]'s names. `CROSS JOIN` keeps SQLite's
/// join order: from the digests, each token by its key; left to choose, the planner
/// may start from the (few) accounts and walk every token of their grants.
const READ_BATCH: &str = "SELECT r.digest, r.grant_id, g.client_id, r.used_at, g.revoked_at, \
     g.expires_at AS grant_expires_at, g.user_id, \
     CASE WHEN r.used_at IS NULL THEN FALSE ELSE EXISTS (SELECT 1 FROM refresh_tokens n \
        WHERE n.grant_id = r.grant_id AND n.digest != r.digest \
        AND n.created_at >= r.used_at AND n.used_at IS NOT NULL) END AS chain_moved_on, \
     u.id, u.email, u.username, u.password_hash, u.name, u.email_confirmed_at, u.created_at \
     FROM json_each(?1) AS d CROSS JOIN refresh_tokens r ON r.digest = d.value \
     CROSS JOIN grants g ON g.id = r.grant_id CROSS JOIN users u ON u.id = g.user_id";

/// The batch's writes (`?1`: a JSON array of rows), returning each updated grant.
fn write_batch() -> String {
    format!(
        "UPDATE refresh_tokens SET used_at = j.now FROM \
         (SELECT value ->> 'spent' AS spent, value ->> 'now' AS now FROM json_each(?1)) AS j \
         WHERE refresh_tokens.digest = j.spent; \
         INSERT INTO access_tokens (digest, grant_id, expires_at) \
         SELECT value ->> 'access', value ->> 'grant', value ->> 'access_expires' \
         FROM json_each(?1); \
         INSERT INTO refresh_tokens (digest, grant_id, created_at) \
         SELECT value ->> 'refresh', value ->> 'grant', value ->> 'now' FROM json_each(?1) \
         WHERE value ->> 'refresh' IS NOT NULL; \
         UPDATE grants SET last_used_at = j.now, user_agent = COALESCE(j.agent, user_agent), \
         ip = COALESCE(j.address, ip) FROM \
         (SELECT value ->> 'grant' AS grant_id, value ->> 'now' AS now, \
                 value ->> 'agent' AS agent, value ->> 'ip' AS address FROM json_each(?1)) AS j \
         WHERE grants.id = j.grant_id RETURNING {GRANT_COLUMNS}"
    )
}

#[async_trait::async_trait]
impl RotateTogether for SqliteRotations {
    async fn rotate_alone(&self, rotation: &Rotation) -> Result<RefreshOutcome> {
        rotate_alone(&self.writes, &self.reads, rotation).await
    }

    async fn rotate_together(&self, batch: &[Rotation]) -> Result<Vec<Option<RefreshOutcome>>> {
        let mut tx = begin_write(&self.writes).await?;
        let digests: Vec<&str> = batch.iter().map(|r| r.digest.as_str()).collect();
        let rows = sqlx::query(READ_BATCH)
            .bind(json!(digests).to_string())
            .fetch_all(&mut *tx)
            .await?;
        let (states, users) = batch_states(&rows)?;
        let plan = plan(batch, |r| Some(states.get(&r.digest).cloned()));
        for (revoked, now) in &plan.revoke {
            revoke_in(&mut tx, &revoked.grant_id, *now, RevokeReason::RefreshReuse).await?;
        }
        if plan.writing.is_empty() {
            tx.commit().await?;
            return Ok(plan.outcomes);
        }

        let rows = json!(
            plan.writing
                .iter()
                .map(|writing| {
                    let rotation = &batch[writing.index];
                    json!({
                        "grant": writing.grant_id,
                        "spent": writing.spends.then_some(&rotation.digest),
                        "now": rotation.now,
                        "access": rotation.tokens.access_digest,
                        "access_expires": rotation.tokens.access_expires_at,
                        "refresh": rotation.tokens.refresh_digest,
                        "agent": rotation.seen.user_agent,
                        "ip": rotation.seen.ip,
                    })
                })
                .collect::<Vec<_>>()
        )
        .to_string();
        let updated: Vec<Grant> = sqlx::query_as(&write_batch())
            .bind(&rows)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(plan.finish(updated, &users))
    }
}
