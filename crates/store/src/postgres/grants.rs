//! PostgreSQL side of [`Grants`]: `grants`, `access_tokens` and `refresh_tokens`.
//! What presenting a refresh token does is [`crate::grants::refreshing`]'s call; here
//! the grant row is the lock of its token chain: a rotation locks the grant
//! (`FOR UPDATE`) before it reads the token's state, so two instances presenting the
//! same token, or a token and its successor, decide one after the other and each sees
//! what the other committed (a token spends once, a replay revokes once). Revoking
//! updates the same row, so it too waits for a rotation in flight, or makes it
//! find the grant revoked.

use sqlx::PgPool;

use super::accounts::USER_COLUMNS;
use super::{PgStore, Tx};
use crate::grants::{RefreshState, Refreshing, refreshing, rotated, signing_out};
use crate::rotations::{Rotation, RotationHold};
use crate::{
    AccessContext, ClientSeen, EarlierGrants, Grant, Grants, IssuedTokens, RefreshOutcome, Result,
    RevokeReason, RevokedGrant, UnixTime, User,
};

pub(super) const GRANT_COLUMNS: &str = "id, user_id, client_id, scope, keep_signed_in, auth_time, \
     created_at, expires_at, device_name, device_os, user_agent, ip, first_used_at, last_used_at";

/// Inserts a new grant inside `tx`.
pub(super) async fn insert_in(tx: &mut Tx, grant: &Grant) -> Result<()> {
    sqlx::query(
        "INSERT INTO grants (id, user_id, client_id, scope, keep_signed_in, auth_time, \
         created_at, expires_at, device_name, device_os, user_agent, ip, first_used_at, \
         last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&grant.id)
    .bind(&grant.user_id)
    .bind(&grant.client_id)
    .bind(&grant.scope)
    .bind(grant.keep_signed_in)
    .bind(grant.auth_time)
    .bind(grant.created_at)
    .bind(grant.expires_at)
    .bind(&grant.device_name)
    .bind(&grant.device_os)
    .bind(&grant.user_agent)
    .bind(&grant.ip)
    .bind(grant.first_used_at)
    .bind(grant.last_used_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores the digests of freshly issued tokens of `grant_id` inside `tx`.
pub(super) async fn insert_tokens_in(
    tx: &mut Tx,
    grant_id: &str,
    tokens: &IssuedTokens,
    now: UnixTime,
) -> Result<()> {
    sqlx::query("INSERT INTO access_tokens (digest, grant_id, expires_at) VALUES ($1, $2, $3)")
        .bind(&tokens.access_digest)
        .bind(grant_id)
        .bind(tokens.access_expires_at)
        .execute(&mut **tx)
        .await?;
    if let Some(refresh) = &tokens.refresh_digest {
        sqlx::query(
            "INSERT INTO refresh_tokens (digest, grant_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(refresh)
        .bind(grant_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Revokes the grants `grant_ids` inside `tx` (an earlier revocation's reason stays)
/// and deletes their access tokens. The `UPDATE` locks each grant row, so a rotation
/// in flight on one of them finishes first (its new access token is then deleted
/// here) or finds the grant revoked. A caller ending several locks them first, in id
/// order (`ORDER BY id FOR UPDATE`), as every other multi-grant lock is taken.
pub(super) async fn revoke_all_in(
    tx: &mut Tx,
    grant_ids: &[String],
    now: UnixTime,
    reason: RevokeReason,
) -> Result<()> {
    sqlx::query(
        "UPDATE grants SET revoked_at = $1, revoke_reason = $2 \
         WHERE id = ANY($3) AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(reason.as_str())
    .bind(grant_ids)
    .execute(&mut **tx)
    .await?;
    // Tokens of a revoked grant are useless; deleting them keeps lookups to one index probe.
    sqlx::query("DELETE FROM access_tokens WHERE grant_id = ANY($1)")
        .bind(grant_ids)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Revokes `grant_id` inside `tx` (an earlier revocation's reason stays).
pub(super) async fn revoke_in(
    tx: &mut Tx,
    grant_id: &str,
    now: UnixTime,
    reason: RevokeReason,
) -> Result<()> {
    revoke_all_in(tx, &[grant_id.to_owned()], now, reason).await
}

/// The state of the refresh token `digest` and its grant, read inside `tx` after
/// locking the grant row: every rotation of the grant's chain waits here for the one
/// before it, and then reads what it committed (each statement at READ COMMITTED sees
/// the rows committed before it began).
async fn refresh_state_in(tx: &mut Tx, digest: &str) -> Result<Option<RefreshState>> {
    // `refresh_tokens.grant_id` never changes, so finding the grant before its lock is
    // safe; the token's own row is read only once the grant is locked.
    let grant: Option<(String, String, String, Option<UnixTime>, UnixTime)> = sqlx::query_as(
        "SELECT id, user_id, client_id, revoked_at, expires_at FROM grants \
         WHERE id = (SELECT grant_id FROM refresh_tokens WHERE digest = $1) FOR UPDATE",
    )
    .bind(digest)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((grant_id, user_id, client_id, revoked_at, expires_at)) = grant else {
        return Ok(None);
    };
    // None: purged meanwhile (a spent token, a day after its use).
    let token: Option<(Option<UnixTime>,)> =
        sqlx::query_as("SELECT used_at FROM refresh_tokens WHERE digest = $1")
            .bind(digest)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((used_at,)) = token else {
        return Ok(None);
    };
    let chain_moved_on = chain_moved_on_in(tx, &grant_id, digest, used_at).await?;
    Ok(Some(RefreshState {
        grant_id,
        user_id,
        client_id,
        used_at,
        revoked_at,
        expires_at,
        chain_moved_on,
    }))
}

/// Whether a token of `grant_id` issued when (or after) the token `digest` was spent
/// at `used_at` has itself been used. Only a spent token (the rare path) asks.
pub(super) async fn chain_moved_on_in(
    tx: &mut Tx,
    grant_id: &str,
    digest: &str,
    used_at: Option<UnixTime>,
) -> Result<bool> {
    let Some(used_at) = used_at else {
        return Ok(false);
    };
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE grant_id = $1 \
         AND digest <> $2 AND created_at >= $3 AND used_at IS NOT NULL)",
    )
    .bind(grant_id)
    .bind(digest)
    .bind(used_at)
    .fetch_one(&mut **tx)
    .await?)
}

/// The accounts `ids`.
pub(super) async fn users_in(pool: &PgPool, ids: &[String]) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ANY($1)");
    Ok(sqlx::query_as(&sql).bind(ids).fetch_all(pool).await?)
}

/// One rotation in a transaction of its own: the path of a lone refresh, and of a
/// rotation a batch left out ([`crate::rotations`]).
pub(super) async fn rotate_alone(pool: &PgPool, rotation: &Rotation) -> Result<RefreshOutcome> {
    let Rotation {
        digest,
        client_id,
        now,
        tokens,
        seen,
        reuse_grace,
    } = rotation;
    let now = *now;
    let mut tx = pool.begin().await?;
    let state = refresh_state_in(&mut tx, digest).await?;
    let grant_id = match refreshing(state, client_id, now, *reuse_grace) {
        Refreshing::Invalid => return Ok(RefreshOutcome::Invalid),
        Refreshing::Replayed(revoked) => {
            revoke_in(&mut tx, &revoked.grant_id, now, RevokeReason::RefreshReuse).await?;
            tx.commit().await?;
            return Ok(RefreshOutcome::Reused(revoked));
        }
        Refreshing::Rotate { grant_id } => {
            sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE digest = $2")
                .bind(now)
                .bind(digest)
                .execute(&mut *tx)
                .await?;
            grant_id
        }
        // Already spent; the new pair joins its unused successor.
        Refreshing::Retry { grant_id } => grant_id,
    };
    insert_tokens_in(&mut tx, &grant_id, tokens, now).await?;
    let sql = format!(
        "UPDATE grants SET last_used_at = $1, user_agent = COALESCE($2, user_agent), \
         ip = COALESCE($3, ip) WHERE id = $4 RETURNING {GRANT_COLUMNS}"
    );
    let grant: Option<Grant> = sqlx::query_as(&sql)
        .bind(now)
        .bind(&seen.user_agent)
        .bind(&seen.ip)
        .bind(&grant_id)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    // Read after the commit: the grant's lock is released sooner.
    let Some(grant) = grant else {
        return Ok(RefreshOutcome::Invalid);
    };
    let users = users_in(pool, std::slice::from_ref(&grant.user_id)).await?;
    Ok(rotated(grant, &users))
}

#[async_trait::async_trait]
impl Grants for PgStore {
    async fn rotate_refresh_token(
        &self,
        digest: &str,
        client_id: &str,
        now: UnixTime,
        tokens: &IssuedTokens,
        seen: &ClientSeen,
        reuse_grace: UnixTime,
    ) -> Result<RefreshOutcome> {
        self.rotations
            .rotate(Rotation {
                digest: digest.to_owned(),
                client_id: client_id.to_owned(),
                now,
                tokens: tokens.clone(),
                seen: seen.clone(),
                reuse_grace,
            })
            .await
    }

    async fn hold_rotations(&self) -> RotationHold {
        self.rotations.hold().await
    }

    async fn access_context(&self, digest: &str, now: UnixTime) -> Result<Option<AccessContext>> {
        #[allow(clippy::type_complexity)]
        let row: Option<(
            String,
            String,
            UnixTime,
            UnixTime,
            String,
            String,
            String,
            UnixTime,
            Option<String>,
            Option<UnixTime>,
            UnixTime,
        )> = sqlx::query_as(
            "SELECT g.id, g.scope, g.last_used_at, g.expires_at, u.id, u.email, u.username, \
                 a.expires_at, u.name, u.email_confirmed_at, u.created_at \
                 FROM access_tokens a JOIN grants g ON g.id = a.grant_id \
                 JOIN users u ON u.id = g.user_id \
                 WHERE a.digest = $1 AND a.expires_at > $2 AND g.revoked_at IS NULL \
                 AND g.expires_at > $2",
        )
        .bind(digest)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(
                grant_id,
                scope,
                last_used_at,
                grant_expires_at,
                id,
                email,
                username,
                token_expires_at,
                name,
                email_confirmed_at,
                created_at,
            )| AccessContext {
                grant_id,
                scope,
                token_expires_at,
                grant_expires_at,
                last_used_at,
                user: User {
                    id,
                    email,
                    username,
                    password_hash: String::new(),
                    name,
                    email_confirmed_at,
                    created_at,
                },
            },
        ))
    }

    async fn touch_grant(&self, grant_id: &str, now: UnixTime) -> Result<()> {
        // One conditional statement: a concurrent touch waits for the row and then
        // re-checks the condition on what that one wrote, so time never moves back.
        sqlx::query("UPDATE grants SET last_used_at = $1 WHERE id = $2 AND last_used_at < $1")
            .bind(now)
            .bind(grant_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn grant(&self, grant_id: &str) -> Result<Option<Grant>> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM grants WHERE id = $1");
        Ok(sqlx::query_as(&sql)
            .bind(grant_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn grant_of_refresh_token(&self, digest: &str) -> Result<Option<Grant>> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM grants \
             WHERE id = (SELECT grant_id FROM refresh_tokens WHERE digest = $1)"
        );
        Ok(sqlx::query_as(&sql)
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn revoke_grant(
        &self,
        grant_id: &str,
        now: UnixTime,
        reason: RevokeReason,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        revoke_in(&mut tx, grant_id, now, reason).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_grant_of_token(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<Option<RevokedGrant>> {
        let mut tx = self.write().await?;
        // Locked, so of two sign-outs at once the second waits and reads the grant as
        // the first left it: revoked, nothing new to report.
        let grant: Option<(String, String, Option<UnixTime>)> = sqlx::query_as(
            "SELECT id, user_id, revoked_at FROM grants WHERE id = \
             (SELECT grant_id FROM refresh_tokens WHERE digest = $1 \
              UNION ALL SELECT grant_id FROM access_tokens WHERE digest = $1 LIMIT 1) \
             FOR UPDATE",
        )
        .bind(digest)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((grant_id, user_id, revoked_at)) = grant else {
            return Ok(None);
        };
        revoke_in(&mut tx, &grant_id, now, RevokeReason::SignedOut).await?;
        tx.commit().await?;
        Ok(signing_out(grant_id, user_id, revoked_at))
    }

    async fn earlier_grants(&self, grant: &Grant) -> Result<EarlierGrants> {
        let by_device = grant.device_name.is_some() || grant.device_os.is_some();
        let (any, same): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE $8::text IS NOT NULL \
                 AND ip IS NOT DISTINCT FROM $8 AND CASE WHEN $3 \
                 THEN device_name IS NOT DISTINCT FROM $4 AND device_os IS NOT DISTINCT FROM $5 \
                 ELSE device_name IS NULL AND device_os IS NULL AND $6::text IS NOT NULL \
                      AND user_agent IS NOT DISTINCT FROM $6 END) \
             FROM grants WHERE user_id = $1 AND id <> $2 AND created_at <= $7",
        )
        .bind(&grant.user_id)
        .bind(&grant.id)
        .bind(by_device)
        .bind(&grant.device_name)
        .bind(&grant.device_os)
        .bind(&grant.user_agent)
        .bind(grant.created_at)
        .bind(&grant.ip)
        .fetch_one(&self.pool)
        .await?;
        Ok(EarlierGrants {
            any: any > 0,
            same_device: same > 0,
        })
    }
}
