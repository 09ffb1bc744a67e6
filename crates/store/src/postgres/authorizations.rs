//! PostgreSQL side of [`Authorizations`]: `auth_requests` and `auth_codes`. Reads a
//! code's state with its row locked (`FOR UPDATE`), so of two instances presenting the
//! same code at once one redeems it and the other, once the first has committed,
//! finds it used and revokes what it issued; what redeeming or burning does is
//! [`crate::authorizations::redemption`] and [`crate::authorizations::burning`]'s call.
//! A request completes or cancels once through a conditional `UPDATE`.

use super::{PgStore, Tx, grants};
use crate::authorizations::{Burning, CodeState, Redemption, burning, redemption};
use crate::{
    Accounts as _, AuthCode, AuthRequest, Authorizations, Grant, IssuedTokens, RedeemOutcome,
    Result, RevokeReason, RevokedGrant, UnixTime,
};

/// The state of the code `digest`, read inside `tx` and locked until it ends: a
/// concurrent redemption or burn of the same code waits, then reads what this one wrote.
async fn code_state_in(tx: &mut Tx, digest: &str) -> Result<Option<CodeState>> {
    let row: Option<(String, UnixTime, Option<UnixTime>, Option<String>)> = sqlx::query_as(
        "SELECT user_id, expires_at, used_at, grant_id FROM auth_codes WHERE digest = $1 \
         FOR UPDATE",
    )
    .bind(digest)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(
        row.map(|(user_id, expires_at, used_at, grant_id)| CodeState {
            user_id,
            expires_at,
            used_at,
            grant_id,
        }),
    )
}

#[async_trait::async_trait]
impl Authorizations for PgStore {
    async fn insert_auth_request(&self, request: &AuthRequest) -> Result<()> {
        sqlx::query(
            "INSERT INTO auth_requests (id, client_id, redirect_uri, scope, state, nonce, \
             code_challenge, prompt, login_hint, device_name, device_os, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&request.id)
        .bind(&request.client_id)
        .bind(&request.redirect_uri)
        .bind(&request.scope)
        .bind(&request.state)
        .bind(&request.nonce)
        .bind(&request.code_challenge)
        .bind(&request.prompt)
        .bind(&request.login_hint)
        .bind(&request.device_name)
        .bind(&request.device_os)
        .bind(request.created_at)
        .bind(request.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn auth_request(&self, id: &str) -> Result<Option<AuthRequest>> {
        Ok(sqlx::query_as(
            "SELECT id, client_id, redirect_uri, scope, state, nonce, code_challenge, prompt, \
             login_hint, device_name, device_os, created_at, expires_at, completed_at \
             FROM auth_requests WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn complete_auth_request(&self, code: &AuthCode, now: UnixTime) -> Result<bool> {
        let mut tx = self.write().await?;
        let completed = sqlx::query(
            "UPDATE auth_requests SET completed_at = $1 \
             WHERE id = $2 AND completed_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(&code.request_id)
        .execute(&mut *tx)
        .await?;
        if completed.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO auth_codes (digest, request_id, user_id, client_id, redirect_uri, scope, \
             nonce, code_challenge, keep_signed_in, auth_time, device_name, device_os, \
             created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&code.digest)
        .bind(&code.request_id)
        .bind(&code.user_id)
        .bind(&code.client_id)
        .bind(&code.redirect_uri)
        .bind(&code.scope)
        .bind(&code.nonce)
        .bind(&code.code_challenge)
        .bind(code.keep_signed_in)
        .bind(code.auth_time)
        .bind(&code.device_name)
        .bind(&code.device_os)
        .bind(code.created_at)
        .bind(code.expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn cancel_auth_request(&self, id: &str, now: UnixTime) -> Result<bool> {
        let cancelled = sqlx::query(
            "UPDATE auth_requests SET completed_at = $1 \
             WHERE id = $2 AND completed_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(cancelled.rows_affected() == 1)
    }

    async fn auth_code(&self, digest: &str) -> Result<Option<AuthCode>> {
        Ok(sqlx::query_as(
            "SELECT digest, request_id, user_id, client_id, redirect_uri, scope, nonce, \
             code_challenge, keep_signed_in, auth_time, device_name, device_os, created_at, \
             expires_at FROM auth_codes WHERE digest = $1",
        )
        .bind(digest)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn redeem_code(
        &self,
        digest: &str,
        now: UnixTime,
        grant: &Grant,
        tokens: &IssuedTokens,
    ) -> Result<RedeemOutcome> {
        let mut tx = self.write().await?;
        match redemption(code_state_in(&mut tx, digest).await?, now) {
            Redemption::Unknown => return Ok(RedeemOutcome::Unknown),
            Redemption::Expired => return Ok(RedeemOutcome::Expired),
            Redemption::Replayed(revoked) => {
                if let Some(RevokedGrant { grant_id, .. }) = &revoked {
                    grants::revoke_in(&mut tx, grant_id, now, RevokeReason::CodeReuse).await?;
                    tx.commit().await?;
                }
                return Ok(RedeemOutcome::Reused(revoked));
            }
            Redemption::Redeem => {}
        }
        grants::insert_in(&mut tx, grant).await?;
        grants::insert_tokens_in(&mut tx, &grant.id, tokens, now).await?;
        sqlx::query("UPDATE auth_codes SET used_at = $1, grant_id = $2 WHERE digest = $3")
            .bind(now)
            .bind(&grant.id)
            .bind(digest)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        // Read after the commit: the code's lock is released sooner.
        let user = self.user_by_id(&grant.user_id).await?;
        match user {
            Some(user) => Ok(RedeemOutcome::Redeemed {
                grant: Box::new(grant.clone()),
                user: Box::new(user),
            }),
            None => Ok(RedeemOutcome::Unknown),
        }
    }

    async fn burn_code(&self, digest: &str, now: UnixTime) -> Result<Option<RevokedGrant>> {
        let mut tx = self.write().await?;
        let revoked = match burning(code_state_in(&mut tx, digest).await?, now) {
            Burning::Nothing => None,
            Burning::Spend => {
                sqlx::query("UPDATE auth_codes SET used_at = $1 WHERE digest = $2")
                    .bind(now)
                    .bind(digest)
                    .execute(&mut *tx)
                    .await?;
                None
            }
            Burning::Revoke(revoked) => {
                grants::revoke_in(&mut tx, &revoked.grant_id, now, RevokeReason::CodeReuse).await?;
                Some(revoked)
            }
        };
        tx.commit().await?;
        Ok(revoked)
    }
}
