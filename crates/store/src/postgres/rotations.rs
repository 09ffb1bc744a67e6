//! PostgreSQL side of [`crate::rotations`]: a batch of refresh rotations in one
//! transaction. It locks the grants of all the batch's tokens in id order (the order
//! of every multi-grant lock, so batches of two instances cannot deadlock), reads the
//! tokens, and writes each table with one statement over arrays (`UNNEST`), so the
//! batch costs the same handful of round trips whatever its size. What each rotation
//! does is [`crate::rotations::plan`]'s call.

use std::collections::{BTreeMap, HashMap};

use sqlx::PgPool;

use super::grants::{GRANT_COLUMNS, chain_moved_on_in, revoke_in, rotate_alone, users_in};
use crate::grants::RefreshState;
use crate::rotations::{RotateTogether, Rotation, Writing, plan};
use crate::{Grant, RefreshOutcome, Result, RevokeReason, UnixTime};

/// The pool a rotation worker writes through.
pub(super) struct PgRotations {
    pub pool: PgPool,
}

/// A locked grant: `(user, client, revoked, expires)` by id.
type GrantRow = (String, String, String, Option<UnixTime>, UnixTime);

#[async_trait::async_trait]
impl RotateTogether for PgRotations {
    async fn rotate_alone(&self, rotation: &Rotation) -> Result<RefreshOutcome> {
        rotate_alone(&self.pool, rotation).await
    }

    async fn rotate_together(&self, batch: &[Rotation]) -> Result<Vec<Option<RefreshOutcome>>> {
        let mut tx = self.pool.begin().await?;
        // Every statement below finds its rows by key. With array parameters the planner
        // may pick a scan of the whole token table when its statistics are stale (a
        // young table that grows by thousands of rows a second looks empty to it), so
        // this transaction does not let it.
        sqlx::query("SET LOCAL enable_seqscan = off")
            .execute(&mut *tx)
            .await?;
        let digests: Vec<&str> = batch.iter().map(|r| r.digest.as_str()).collect();
        // `refresh_tokens.grant_id` never changes, so finding the grants before their
        // locks is safe; the tokens are read once the grants are locked.
        let grants: Vec<GrantRow> = sqlx::query_as(
            "SELECT id, user_id, client_id, revoked_at, expires_at FROM grants \
             WHERE id IN (SELECT grant_id FROM refresh_tokens WHERE digest = ANY($1)) \
             ORDER BY id FOR UPDATE",
        )
        .bind(&digests)
        .fetch_all(&mut *tx)
        .await?;
        let grants: HashMap<String, GrantRow> =
            grants.into_iter().map(|row| (row.0.clone(), row)).collect();
        let tokens: Vec<(String, String, Option<UnixTime>)> = sqlx::query_as(
            "SELECT digest, grant_id, used_at FROM refresh_tokens WHERE digest = ANY($1)",
        )
        .bind(&digests)
        .fetch_all(&mut *tx)
        .await?;
        let mut states = HashMap::new();
        for (digest, grant_id, used_at) in tokens {
            // A grant not locked above: left to the lone path, which locks it.
            let Some((_, user_id, client_id, revoked_at, expires_at)) = grants.get(&grant_id)
            else {
                states.insert(digest, None);
                continue;
            };
            let chain_moved_on = chain_moved_on_in(&mut tx, &grant_id, &digest, used_at).await?;
            let state = RefreshState {
                grant_id,
                user_id: user_id.clone(),
                client_id: client_id.clone(),
                used_at,
                revoked_at: *revoked_at,
                expires_at: *expires_at,
                chain_moved_on,
            };
            states.insert(digest, Some(state));
        }
        let plan = plan(batch, |r| match states.get(&r.digest) {
            Some(Some(state)) => Some(Some(state.clone())),
            Some(None) => None,
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
        // One statement per second the batch spans (almost always one): `= ANY` probes
        // the primary key for each token, where a join with the array could be planned
        // as a scan of every refresh token ever issued.
        for (at, spent) in &rows.spent {
            sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE digest = ANY($2)")
                .bind(at)
                .bind(spent)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO access_tokens (digest, grant_id, expires_at) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[])",
        )
        .bind(&rows.access)
        .bind(&rows.grant)
        .bind(&rows.access_expires)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO refresh_tokens (digest, grant_id, created_at) \
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[])",
        )
        .bind(&rows.refresh)
        .bind(&rows.refresh_grant)
        .bind(&rows.refresh_at)
        .execute(&mut *tx)
        .await?;
        let sql = format!(
            "UPDATE grants SET last_used_at = u.at, \
             user_agent = COALESCE(u.agent, grants.user_agent), ip = COALESCE(u.address, grants.ip) \
             FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[]) \
                  AS u(grant_id, at, agent, address) \
             WHERE grants.id = ANY($1) AND grants.id = u.grant_id RETURNING {GRANT_COLUMNS}"
        );
        let updated: Vec<Grant> = sqlx::query_as(&sql)
            .bind(&rows.grant)
            .bind(&rows.at)
            .bind(&rows.agent)
            .bind(&rows.address)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;

        // Read after the commit: the grants' locks are released sooner.
        let user_ids: Vec<String> = updated.iter().map(|g| g.user_id.clone()).collect();
        let users = users_in(&self.pool, &user_ids).await?;
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
    /// Tokens spent now (not an honest retry's, already spent), by the time spent.
    spent: BTreeMap<UnixTime, Vec<String>>,
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
                let spent = rows.spent.entry(rotation.now).or_default();
                spent.push(rotation.digest.clone());
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
