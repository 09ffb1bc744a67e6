//! PostgreSQL side of [`WebSessions`] and [`Sessions`]: `web_sessions`, and the live
//! rows of `grants` and `web_sessions` together. Ending sessions locks the live grants
//! it ends (in id order, so two such operations on one account cannot deadlock) and
//! ends browsers with a conditional `UPDATE`, so of two at once each session is ended,
//! and reported, by one of them.

use super::{PgStore, Tx, grants};
use crate::sessions::newest_first;
use crate::{
    Accounts as _, KeepSessions, NewWebSession, Result, RevokeReason, SessionRecord, SessionSource,
    Sessions, UnixTime, User, WebSession, WebSessions,
};

/// Ends the live sessions of `user_id` that `keep` does not name; returns their ids.
pub(super) async fn revoke_sessions_in(
    tx: &mut Tx,
    user_id: &str,
    keep: KeepSessions<'_>,
    now: UnixTime,
    reason: RevokeReason,
) -> Result<Vec<String>> {
    let kept = match keep {
        KeepSessions::All => return Ok(Vec::new()),
        KeepSessions::Only(id) => id,
        KeepSessions::None => "",
    };
    // Rows are locked in id order (grants, then browsers); one revoked meanwhile by
    // another transaction is skipped: the lock waits for it, then the condition is
    // checked again on the row it left.
    let mut ended: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM grants WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 \
         AND id <> $3 ORDER BY id FOR UPDATE",
    )
    .bind(user_id)
    .bind(now)
    .bind(kept)
    .fetch_all(&mut **tx)
    .await?;
    if !ended.is_empty() {
        grants::revoke_all_in(tx, &ended, now, reason).await?;
    }
    let browsers: Vec<String> = sqlx::query_scalar(
        "UPDATE web_sessions SET revoked_at = $1 WHERE digest IN (SELECT digest FROM web_sessions \
         WHERE user_id = $2 AND revoked_at IS NULL AND expires_at > $1 AND id <> $3 \
         ORDER BY id FOR UPDATE) RETURNING id",
    )
    .bind(now)
    .bind(user_id)
    .bind(kept)
    .fetch_all(&mut **tx)
    .await?;
    ended.extend(browsers);
    Ok(ended)
}

#[async_trait::async_trait]
impl WebSessions for PgStore {
    async fn create_web_session(
        &self,
        session: &NewWebSession,
        replaces: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        if let Some(old) = replaces {
            sqlx::query("DELETE FROM web_sessions WHERE digest = $1")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO web_sessions (digest, id, user_id, keep_signed_in, created_at, \
             expires_at, last_seen_at, user_agent, ip) VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8)",
        )
        .bind(&session.digest)
        .bind(&session.id)
        .bind(&session.user_id)
        .bind(session.keep_signed_in)
        .bind(session.created_at)
        .bind(session.expires_at)
        .bind(&session.user_agent)
        .bind(&session.ip)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn web_session(&self, digest: &str, now: UnixTime) -> Result<Option<(WebSession, User)>> {
        let session: Option<WebSession> = sqlx::query_as(
            "SELECT id, user_id, keep_signed_in, created_at, expires_at, last_seen_at \
             FROM web_sessions WHERE digest = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(digest)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(session) = session else {
            return Ok(None);
        };
        let user = self.user_by_id(&session.user_id).await?;
        Ok(user.map(|user| (session, user)))
    }

    async fn end_web_session(&self, digest: &str, now: UnixTime) -> Result<()> {
        sqlx::query(
            "UPDATE web_sessions SET revoked_at = $1 WHERE digest = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(digest)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn touch_web_session(&self, id: &str, now: UnixTime) -> Result<()> {
        sqlx::query(
            "UPDATE web_sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1",
        )
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Sessions for PgStore {
    async fn live_sessions(&self, user_id: &str, now: UnixTime) -> Result<Vec<SessionRecord>> {
        #[allow(clippy::type_complexity)]
        let grants: Vec<(
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            UnixTime,
            UnixTime,
        )> = sqlx::query_as(
            "SELECT id, client_id, device_name, device_os, user_agent, ip, first_used_at, \
             last_used_at FROM grants WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        #[allow(clippy::type_complexity)]
        let browsers: Vec<(String, Option<String>, Option<String>, UnixTime, UnixTime)> =
            sqlx::query_as(
                "SELECT id, user_agent, ip, created_at, last_seen_at FROM web_sessions \
                 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2",
            )
            .bind(user_id)
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        let mut sessions: Vec<SessionRecord> = grants
            .into_iter()
            .map(
                |(id, client_id, device_name, device_os, user_agent, ip, first, last)| {
                    SessionRecord {
                        id,
                        source: SessionSource::Grant,
                        client_id: Some(client_id),
                        device_name,
                        device_os,
                        user_agent,
                        ip,
                        first_seen: first,
                        last_seen: last,
                    }
                },
            )
            .chain(
                browsers
                    .into_iter()
                    .map(|(id, user_agent, ip, first, last)| SessionRecord {
                        id,
                        source: SessionSource::Browser,
                        client_id: None,
                        device_name: None,
                        device_os: None,
                        user_agent,
                        ip,
                        first_seen: first,
                        last_seen: last,
                    }),
            )
            .collect();
        newest_first(&mut sessions);
        Ok(sessions)
    }

    async fn revoke_session(
        &self,
        user_id: &str,
        session_id: &str,
        now: UnixTime,
        reason: RevokeReason,
    ) -> Result<bool> {
        let mut tx = self.write().await?;
        // Locked: of two revocations at once, the second waits and finds it revoked.
        let grant: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM grants WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL \
             AND expires_at > $3 FOR UPDATE",
        )
        .bind(session_id)
        .bind(user_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let ended = if grant.is_some() {
            grants::revoke_in(&mut tx, session_id, now, reason).await?;
            true
        } else {
            sqlx::query(
                "UPDATE web_sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 \
                 AND revoked_at IS NULL AND expires_at > $1",
            )
            .bind(now)
            .bind(session_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1
        };
        tx.commit().await?;
        Ok(ended)
    }

    async fn revoke_sessions(
        &self,
        user_id: &str,
        keep: KeepSessions<'_>,
        now: UnixTime,
        reason: RevokeReason,
    ) -> Result<Vec<String>> {
        let mut tx = self.write().await?;
        let ended = revoke_sessions_in(&mut tx, user_id, keep, now, reason).await?;
        tx.commit().await?;
        Ok(ended)
    }
}
