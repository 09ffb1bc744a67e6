//! SQLite side of [`crate::rotations`]: a batch of refresh rotations in one
//! transaction on the single writer. The batch's tokens are read with one query; the
//! rows to write travel as one JSON array per statement (`json_each`), so the batch
//! costs the same handful of statements whatever its size. What each rotation does
//! is [`crate::rotations::plan`]'s call.

use std::collections::HashMap;

use serde_json::json;
use sqlx::SqlitePool;

use super::begin_write;
use super::grants::{GRANT_COLUMNS, chain_moved_on_in, revoke_in, rotate_alone, users_in};
use crate::grants::RefreshState;
use crate::rotations::{RotateTogether, Rotation, plan};
use crate::{Grant, RefreshOutcome, Result, RevokeReason, UnixTime};

/// The pools a rotation worker writes and reads through.
pub(super) struct SqliteRotations {
    pub reads: SqlitePool,
    pub writes: SqlitePool,
}

/// A token of the batch as read: `(digest, grant, client, used, revoked, expires, user)`.
type TokenRow = (
    String,
    String,
    String,
    Option<UnixTime>,
    Option<UnixTime>,
    UnixTime,
    String,
);

#[async_trait::async_trait]
impl RotateTogether for SqliteRotations {
    async fn rotate_alone(&self, rotation: &Rotation) -> Result<RefreshOutcome> {
        rotate_alone(&self.writes, &self.reads, rotation).await
    }

    async fn rotate_together(&self, batch: &[Rotation]) -> Result<Vec<Option<RefreshOutcome>>> {
        let mut tx = begin_write(&self.writes).await?;
        let digests: Vec<&str> = batch.iter().map(|r| r.digest.as_str()).collect();
        let rows: Vec<TokenRow> = sqlx::query_as(
            "SELECT r.digest, r.grant_id, g.client_id, r.used_at, g.revoked_at, g.expires_at, \
             g.user_id FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id \
             WHERE r.digest IN (SELECT value FROM json_each(?))",
        )
        .bind(json!(digests).to_string())
        .fetch_all(&mut *tx)
        .await?;
        let mut states = HashMap::new();
        for (digest, grant_id, client_id, used_at, revoked_at, expires_at, user_id) in rows {
            let chain_moved_on = chain_moved_on_in(&mut tx, &grant_id, &digest, used_at).await?;
            let state = RefreshState {
                grant_id,
                user_id,
                client_id,
                used_at,
                revoked_at,
                expires_at,
                chain_moved_on,
            };
            states.insert(digest, state);
        }
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
        sqlx::query(
            "UPDATE refresh_tokens SET used_at = j.now FROM \
             (SELECT value ->> 'spent' AS spent, value ->> 'now' AS now FROM json_each(?)) AS j \
             WHERE refresh_tokens.digest = j.spent",
        )
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO access_tokens (digest, grant_id, expires_at) \
             SELECT value ->> 'access', value ->> 'grant', value ->> 'access_expires' \
             FROM json_each(?)",
        )
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (digest, grant_id, created_at) \
             SELECT value ->> 'refresh', value ->> 'grant', value ->> 'now' FROM json_each(?) \
             WHERE value ->> 'refresh' IS NOT NULL",
        )
        .bind(&rows)
        .execute(&mut *tx)
        .await?;
        let sql = format!(
            "UPDATE grants SET last_used_at = j.now, user_agent = COALESCE(j.agent, user_agent), \
             ip = COALESCE(j.address, ip) FROM \
             (SELECT value ->> 'grant' AS grant_id, value ->> 'now' AS now, \
                     value ->> 'agent' AS agent, value ->> 'ip' AS address FROM json_each(?)) AS j \
             WHERE grants.id = j.grant_id RETURNING {GRANT_COLUMNS}"
        );
        let updated: Vec<Grant> = sqlx::query_as(&sql).bind(&rows).fetch_all(&mut *tx).await?;
        tx.commit().await?;

        // Read after the commit, on the read pool: the single writer is free sooner.
        let user_ids: Vec<String> = updated.iter().map(|g| g.user_id.clone()).collect();
        let users = users_in(&self.reads, &user_ids).await?;
        Ok(plan.finish(updated, &users))
    }
}
