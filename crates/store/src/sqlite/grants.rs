//! SQLite side of [`Grants`]: `grants`, `access_tokens` and `refresh_tokens`. Reads a
//! refresh token's state; what presenting it does is [`crate::grants::refreshing`]'s
//! call.

use sqlx::SqlitePool;

use super::accounts::USER_COLUMNS;
use super::{SqliteStore, Tx, begin_write};
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
         last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    sqlx::query("INSERT INTO access_tokens (digest, grant_id, expires_at) VALUES (?, ?, ?)")
        .bind(&tokens.access_digest)
        .bind(grant_id)
        .bind(tokens.access_expires_at)
        .execute(&mut **tx)
        .await?;
    if let Some(refresh) = &tokens.refresh_digest {
        sqlx::query("INSERT INTO refresh_tokens (digest, grant_id, created_at) VALUES (?, ?, ?)")
            .bind(refresh)
            .bind(grant_id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Revokes `grant_id` inside `tx` (an earlier revocation's reason stays).
pub(super) async fn revoke_in(
    tx: &mut Tx,
    grant_id: &str,
    now: UnixTime,
    reason: RevokeReason,
) -> Result<()> {
    sqlx::query(
        "UPDATE grants SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(reason.as_str())
    .bind(grant_id)
    .execute(&mut **tx)
    .await?;
    // Tokens of a revoked grant are useless; deleting them keeps lookups to one index probe.
    sqlx::query("DELETE FROM access_tokens WHERE grant_id = ?")
        .bind(grant_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The accounts `ids`, read on the read pool.
pub(super) async fn users_in(reads: &SqlitePool, ids: &[String]) -> Result<Vec<User>> {
    let sql =
        format!("SELECT {USER_COLUMNS} FROM users WHERE id IN (SELECT value FROM json_each(?))");
    Ok(sqlx::query_as(&sql)
        .bind(serde_json::json!(ids).to_string())
        .fetch_all(reads)
        .await?)
}

/// The state of the refresh token `digest` and its grant, read inside `tx`.
async fn refresh_state_in(tx: &mut Tx, digest: &str) -> Result<Option<RefreshState>> {
    #[allow(clippy::type_complexity)]
    let row: Option<(
        String,
        String,
        Option<UnixTime>,
        Option<UnixTime>,
        UnixTime,
        String,
    )> = sqlx::query_as(
        "SELECT r.grant_id, g.client_id, r.used_at, g.revoked_at, g.expires_at, g.user_id \
             FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id WHERE r.digest = ?",
    )
    .bind(digest)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((grant_id, client_id, used_at, revoked_at, expires_at, user_id)) = row else {
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
        "SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE grant_id = ? \
         AND digest != ? AND created_at >= ? AND used_at IS NOT NULL)",
    )
    .bind(grant_id)
    .bind(digest)
    .bind(used_at)
    .fetch_one(&mut **tx)
    .await?)
}

/// One rotation in a transaction of its own: the path of a lone refresh, and of a
/// rotation a batch left out ([`crate::rotations`]).
pub(super) async fn rotate_alone(
    writes: &SqlitePool,
    reads: &SqlitePool,
    rotation: &Rotation,
) -> Result<RefreshOutcome> {
    let Rotation {
        digest,
        client_id,
        now,
        tokens,
        seen,
        reuse_grace,
    } = rotation;
    let now = *now;
    let mut tx = begin_write(writes).await?;
    let state = refresh_state_in(&mut tx, digest).await?;
    let grant_id = match refreshing(state, client_id, now, *reuse_grace) {
        Refreshing::Invalid => return Ok(RefreshOutcome::Invalid),
        Refreshing::Replayed(revoked) => {
            revoke_in(&mut tx, &revoked.grant_id, now, RevokeReason::RefreshReuse).await?;
            tx.commit().await?;
            return Ok(RefreshOutcome::Reused(revoked));
        }
        Refreshing::Rotate { grant_id } => {
            sqlx::query("UPDATE refresh_tokens SET used_at = ? WHERE digest = ?")
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
        "UPDATE grants SET last_used_at = ?, user_agent = COALESCE(?, user_agent), \
         ip = COALESCE(?, ip) WHERE id = ? RETURNING {GRANT_COLUMNS}"
    );
    let grant: Option<Grant> = sqlx::query_as(&sql)
        .bind(now)
        .bind(&seen.user_agent)
        .bind(&seen.ip)
        .bind(&grant_id)
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    // Read after the commit, on the read pool: the single writer is free sooner.
    let Some(grant) = grant else {
        return Ok(RefreshOutcome::Invalid);
    };
    let user = users_in(reads, std::slice::from_ref(&grant.user_id)).await?;
    Ok(rotated(grant, &user))
}

#[async_trait::async_trait]
impl Grants for SqliteStore {
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
                 WHERE a.digest = ?1 AND a.expires_at > ?2 AND g.revoked_at IS NULL \
                 AND g.expires_at > ?2",
        )
        .bind(digest)
        .bind(now)
        .fetch_optional(&self.reads)
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
                confirmed,
                created_at,
            )| {
                AccessContext {
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
                        email_confirmed_at: confirmed,
                        created_at,
                    },
                }
            },
        ))
    }

    async fn touch_grant(&self, grant_id: &str, now: UnixTime) -> Result<()> {
        sqlx::query("UPDATE grants SET last_used_at = ? WHERE id = ? AND last_used_at < ?")
            .bind(now)
            .bind(grant_id)
            .bind(now)
            .execute(&self.writes)
            .await?;
        Ok(())
    }

    async fn grant(&self, grant_id: &str) -> Result<Option<Grant>> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM grants WHERE id = ?");
        Ok(sqlx::query_as(&sql)
            .bind(grant_id)
            .fetch_optional(&self.reads)
            .await?)
    }

    async fn grant_of_refresh_token(&self, digest: &str) -> Result<Option<Grant>> {
        let sql = format!(
            "SELECT {GRANT_COLUMNS} FROM grants \
             WHERE id = (SELECT grant_id FROM refresh_tokens WHERE digest = ?)"
        );
        Ok(sqlx::query_as(&sql)
            .bind(digest)
            .fetch_optional(&self.reads)
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
        let grant: Option<(String, String, Option<UnixTime>)> = sqlx::query_as(
            "SELECT g.id, g.user_id, g.revoked_at FROM grants g WHERE g.id IN \
             (SELECT grant_id FROM refresh_tokens WHERE digest = ?1 \
              UNION ALL SELECT grant_id FROM access_tokens WHERE digest = ?1) LIMIT 1",
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
            "SELECT COUNT(*), COALESCE(SUM(?8 IS NOT NULL AND ip IS ?8 AND CASE WHEN ?3 \
                 THEN device_name IS ?4 AND device_os IS ?5 \
                 ELSE device_name IS NULL AND device_os IS NULL AND ?6 IS NOT NULL \
                      AND user_agent IS ?6 END), 0) \
             FROM grants WHERE user_id = ?1 AND id != ?2 AND created_at <= ?7",
        )
        .bind(&grant.user_id)
        .bind(&grant.id)
        .bind(by_device)
        .bind(&grant.device_name)
        .bind(&grant.device_os)
        .bind(&grant.user_agent)
        .bind(grant.created_at)
        .bind(&grant.ip)
        .fetch_one(&self.reads)
        .await?;
        Ok(EarlierGrants {
            any: any > 0,
            same_device: same > 0,
        })
    }
}
