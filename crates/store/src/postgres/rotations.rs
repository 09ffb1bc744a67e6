//! PostgreSQL side of [`crate::rotations`]: a batch of refresh rotations in one
//! transaction, in five round trips whatever its size: begin; lock the grants of all
//! the batch's tokens in id order (the order of every multi-grant lock, so batches of
//! two instances cannot deadlock); read the tokens with their chains and accounts
//! (after the locks, so what it reads is what the locks protect); one statement that
//! writes every table over arrays (`UNNEST`, data-modifying `WITH`); commit. What each
//! rotation does is [`crate::rotations::plan`]'s call.

use sqlx::{PgPool, Row as _};

use super::grants::{GRANT_COLUMNS, revoke_in, rotate_alone};
use crate::rotations::{RotateTogether, Rotation, Writing, batch_states, plan};
use crate::{Grant, RefreshOutcome, Result, RevokeReason, UnixTime};

/// The pool a rotation worker writes through.
pub(super) struct PgRotations {
    pub pool: PgPool,
}

/// Every statement of a batch finds its rows by key. With array parameters the
/// planner may pick a scan of the whole token table when its statistics are stale (a
/// young table that grows by thousands of rows a second looks empty to it), so the
/// batch's transaction does not let it.
const BEGIN: &str = "BEGIN; SET LOCAL enable_seqscan = off";

/// Locks the grants of the tokens `$1` in id order. `refresh_tokens.grant_id` never
/// changes, so finding the grants before their locks is safe.
const LOCK_GRANTS: &str = "SELECT id FROM grants \
     WHERE id IN (SELECT grant_id FROM refresh_tokens WHERE digest = ANY($1)) \
     ORDER BY id FOR UPDATE";

/// The tokens `$1` with their grants, whether a spent one's chain has moved on
/// (asked only of a spent token: `CASE` decides in order, `AND` may not), and
/// their accounts (columns with [`User`]'s names); a token whose grant is not among
/// the locked `$2` (issued since the lock) comes without them.
const READ_BATCH: &str = "SELECT r.digest, r.grant_id, r.used_at, g.id IS NOT NULL AS locked, \
     g.client_id, g.revoked_at, g.expires_at AS grant_expires_at, g.user_id, \
     CASE WHEN r.used_at IS NULL THEN FALSE ELSE EXISTS (SELECT 1 FROM refresh_tokens n \
        WHERE n.grant_id = r.grant_id AND n.digest <> r.digest \
        AND n.created_at >= r.used_at AND n.used_at IS NOT NULL) END AS chain_moved_on, \
     u.id, u.email, u.username, u.password_hash, u.name, u.email_confirmed_at, u.created_at \
     FROM refresh_tokens r LEFT JOIN grants g ON g.id = r.grant_id AND g.id = ANY($2) \
     LEFT JOIN users u ON u.id = g.user_id WHERE r.digest = ANY($1)";

/// The batch's writes, returning each updated grant: `$1`–`$4` one row per writing
/// rotation (grant, time, agent, address), `$5`–`$7` its access token, `$8`–`$9` the
/// tokens spent now, `$10`–`$12` the new refresh tokens. `= ANY` probes the primary
/// key for each token, where a join with the array alone could be planned as a scan.
fn write_batch() -> String {
    format!(
        "WITH spent AS ( \
           UPDATE refresh_tokens SET used_at = s.at \
           FROM UNNEST($8::text[], $9::bigint[]) AS s(digest, at) \
           WHERE refresh_tokens.digest = ANY($8) AND refresh_tokens.digest = s.digest), \
         access AS ( \
           INSERT INTO access_tokens (digest, grant_id, expires_at) \
           SELECT * FROM UNNEST($5::text[], $6::text[], $7::bigint[])), \
         refresh AS ( \
           INSERT INTO refresh_tokens (digest, grant_id, created_at) \
           SELECT * FROM UNNEST($10::text[], $11::text[], $12::bigint[])) \
         UPDATE grants SET last_used_at = u.at, \
           user_agent = COALESCE(u.agent, grants.user_agent), ip = COALESCE(u.address, grants.ip) \
         FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[]) \
              AS u(grant_id, at, agent, address) \
         WHERE grants.id = ANY($1) AND grants.id = u.grant_id RETURNING {GRANT_COLUMNS}"
    )
}

#[async_trait::async_trait]
impl RotateTogether for PgRotations {
    async fn rotate_alone(&self, rotation: &Rotation) -> Result<RefreshOutcome> {
        rotate_alone(&self.pool, rotation).await
    }

    async fn rotate_together(&self, batch: &[Rotation]) -> Result<Vec<Option<RefreshOutcome>>> {
        let mut tx = self.pool.begin_with(BEGIN).await?;
        let digests: Vec<&str> = batch.iter().map(|r| r.digest.as_str()).collect();
        let locked: Vec<String> = sqlx::query_scalar(LOCK_GRANTS)
            .bind(&digests)
            .fetch_all(&mut *tx)
            .await?;
        let rows = sqlx::query(READ_BATCH)
            .bind(&digests)
            .bind(&locked)
            .fetch_all(&mut *tx)
            .await?;
        // A token whose grant was not locked (issued since) is left to the lone path,
        // which locks it; a token not found at all is unknown.
        let mut unlocked = Vec::new();
        let mut locked_rows = Vec::with_capacity(rows.len());
        for row in rows {
            if row.try_get::<bool, _>("locked")? {
                locked_rows.push(row);
            } else {
                unlocked.push(row.try_get::<String, _>("digest")?);
            }
        }
        let (states, users) = batch_states(&locked_rows)?;
        let plan = plan(batch, |r| match states.get(&r.digest) {
            Some(state) => Some(Some(state.clone())),
            None if unlocked.contains(&r.digest) => None,
            None => Some(None),
        });
        for (revoked, now) in &plan.revoke {
            revoke_in(&mut tx, &revoked.grant_id, *now, RevokeReason::RefreshReuse).await?;
        }
        if plan.writing.is_empty() {
            tx.commit().await?;
            return Ok(plan.outcomes);
        }

        let rows = Columns::of(batch, &plan.writing);
        let updated: Vec<Grant> = sqlx::query_as(&write_batch())
            .bind(&rows.grant)
            .bind(&rows.at)
            .bind(&rows.agent)
            .bind(&rows.address)
            .bind(&rows.access)
            .bind(&rows.grant)
            .bind(&rows.access_expires)
            .bind(&rows.spent)
            .bind(&rows.spent_at)
            .bind(&rows.refresh)
            .bind(&rows.refresh_grant)
            .bind(&rows.refresh_at)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(plan.finish(updated, &users))
    }
}

/// The rows a batch writes, one array per column (what `UNNEST` takes).
#[derive(Default)]
struct Columns {
    /// Per writing rotation: its grant, time, access token and client.
    grant: Vec<String>,
    at: Vec<UnixTime>,
    access: Vec<String>,
    access_expires: Vec<UnixTime>,
    agent: Vec<Option<String>>,
    address: Vec<Option<String>>,
    /// Tokens spent now (not an honest retry's, already spent), and when.
    spent: Vec<String>,
    spent_at: Vec<UnixTime>,
    /// New refresh tokens.
    refresh: Vec<String>,
    refresh_grant: Vec<String>,
    refresh_at: Vec<UnixTime>,
}

impl Columns {
    fn of(batch: &[Rotation], writing: &[Writing]) -> Self {
        let mut rows = Self::default();
        for Writing {
            index,
            grant_id,
            spends,
        } in writing
        {
            let rotation = &batch[*index];
            rows.grant.push(grant_id.clone());
            rows.at.push(rotation.now);
            rows.access.push(rotation.tokens.access_digest.clone());
            rows.access_expires.push(rotation.tokens.access_expires_at);
            rows.agent.push(rotation.seen.user_agent.clone());
            rows.address.push(rotation.seen.ip.clone());
            if *spends {
                rows.spent.push(rotation.digest.clone());
                rows.spent_at.push(rotation.now);
            }
            if let Some(refresh) = &rotation.tokens.refresh_digest {
                rows.refresh.push(refresh.clone());
                rows.refresh_grant.push(grant_id.clone());
                rows.refresh_at.push(rotation.now);
            }
        }
        rows
    }
}
