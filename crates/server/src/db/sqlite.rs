//! The SQLite store: one file in WAL mode. Reads use a pool of connections; every
//! write goes through a pool of exactly one, so writers queue in-process (first come,
//! first served) instead of spinning in SQLite's busy handler, whose back-off sleeps
//! made write latency jump by tens of milliseconds under load. Write transactions
//! still begin `IMMEDIATE` and keep a busy timeout, for other processes on the same
//! file. WAL checkpoints run in the background rather than inside whichever request
//! happens to fill the log.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use super::{
    AccessContext, AuthCode, AuthRequest, ClientSeen, Grant, IssuedTokens, LinkOutcome,
    LinkPurpose, MailLink, NewWebSession, RedeemOutcome, RefreshOutcome, RevokeReason, Store, User,
    WebSession,
};
use courier_proto::NotificationPreferences;

use crate::clock::UnixTime;
use crate::error::{Error, Result};

pub struct SqliteStore {
    reads: SqlitePool,
    writes: SqlitePool,
    checkpoints: tokio::task::JoinHandle<()>,
}

/// How often the write-ahead log is folded back into the database file.
const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

impl Drop for SqliteStore {
    fn drop(&mut self) {
        self.checkpoints.abort();
    }
}

const USER_COLUMNS: &str =
    "id, email, username, password_hash, name, email_confirmed_at, created_at";
const GRANT_COLUMNS: &str = "id, user_id, client_id, scope, keep_signed_in, auth_time, \
     created_at, expires_at, device_name, device_os, user_agent, ip, first_used_at, last_used_at";

impl SqliteStore {
    /// Opens (creating if needed) the database at `url` and runs the migrations.
    pub async fn open(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Checkpoints run from `checkpoint_forever`, never inside a request.
            .pragma("wal_autocheckpoint", "0");
        let writes = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writes).await?;
        let reads = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .connect_with(options)
            .await?;
        let checkpoints = tokio::spawn(checkpoint_forever(reads.clone()));
        Ok(Self {
            reads,
            writes,
            checkpoints,
        })
    }

    async fn write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.writes.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// Folds the log into the database without blocking writers (`PASSIVE`).
async fn checkpoint_forever(reads: SqlitePool) {
    let mut interval = tokio::time::interval(CHECKPOINT_INTERVAL);
    loop {
        interval.tick().await;
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&reads)
            .await
        {
            tracing::warn!(%error, "WAL checkpoint failed");
        }
    }
}

async fn user_in(tx: &mut Transaction<'static, Sqlite>, id: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?)
}

async fn insert_tokens(
    tx: &mut Transaction<'static, Sqlite>,
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

async fn revoke_in(
    tx: &mut Transaction<'static, Sqlite>,
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

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn create_user(&self, user: &User) -> Result<()> {
        let result = sqlx::query(
            "INSERT INTO users (id, email, email_lower, username, username_lower, password_hash, \
             name, email_confirmed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(user.email.to_lowercase())
        .bind(&user.username)
        .bind(user.username.to_lowercase())
        .bind(&user.password_hash)
        .bind(&user.name)
        .bind(user.email_confirmed_at)
        .bind(user.created_at)
        .execute(&self.writes)
        .await;
        match result {
            Ok(_) => Ok(()),
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                Err(Error::Conflict("email or username"))
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?");
        Ok(sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.reads)
            .await?)
    }

    async fn user_by_login(&self, identifier: &str) -> Result<Option<User>> {
        let lower = identifier.to_lowercase();
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email_lower = ?1 OR username_lower = ?1 \
             ORDER BY email_lower = ?1 DESC LIMIT 1"
        );
        Ok(sqlx::query_as(&sql)
            .bind(lower)
            .fetch_optional(&self.reads)
            .await?)
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email_lower = ?");
        Ok(sqlx::query_as(&sql)
            .bind(email.to_lowercase())
            .fetch_optional(&self.reads)
            .await?)
    }

    async fn username_taken(&self, username: &str) -> Result<bool> {
        let found: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM users WHERE username_lower = ?")
            .bind(username.to_lowercase())
            .fetch_optional(&self.reads)
            .await?;
        Ok(found.is_some())
    }

    async fn insert_mail_link(&self, link: &MailLink) -> Result<()> {
        sqlx::query(
            "INSERT INTO mail_links (digest, user_id, purpose, email, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&link.digest)
        .bind(&link.user_id)
        .bind(link.purpose.as_str())
        .bind(&link.email)
        .bind(link.created_at)
        .bind(link.expires_at)
        .execute(&self.writes)
        .await?;
        Ok(())
    }

    async fn use_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome> {
        let mut tx = self.write().await?;
        let row: Option<(String, String, UnixTime, Option<UnixTime>)> = sqlx::query_as(
            "SELECT user_id, email, expires_at, used_at FROM mail_links \
             WHERE digest = ? AND purpose = ?",
        )
        .bind(digest)
        .bind(purpose.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id, email, expires_at, used_at)) = row else {
            return Ok(LinkOutcome::Unknown);
        };
        if used_at.is_some() {
            return Ok(LinkOutcome::AlreadyUsed);
        }
        if now >= expires_at {
            return Ok(LinkOutcome::Expired);
        }
        sqlx::query("UPDATE mail_links SET used_at = ? WHERE digest = ?")
            .bind(now)
            .bind(digest)
            .execute(&mut *tx)
            .await?;
        match purpose {
            LinkPurpose::ConfirmEmail => {
                sqlx::query(
                    "UPDATE users SET email_confirmed_at = COALESCE(email_confirmed_at, ?) \
                     WHERE id = ? AND email_lower = ?",
                )
                .bind(now)
                .bind(&user_id)
                .bind(email.to_lowercase())
                .execute(&mut *tx)
                .await?;
            }
            LinkPurpose::ChangeEmail => {
                // The new address replaces the old one only if it is still the one
                // waiting; a unique violation (taken meanwhile) rolls everything back.
                sqlx::query(
                    "UPDATE users SET email = ?, email_lower = ?, email_confirmed_at = ?, \
                     pending_email = NULL, updated_at = ? \
                     WHERE id = ? AND lower(pending_email) = ?",
                )
                .bind(&email)
                .bind(email.to_lowercase())
                .bind(now)
                .bind(now)
                .bind(&user_id)
                .bind(email.to_lowercase())
                .execute(&mut *tx)
                .await?;
            }
            // Spending a reset link alone changes nothing; setting the new password
            // is its own transaction that spends the link too.
            LinkPurpose::ResetPassword => {}
        }
        tx.commit().await?;
        Ok(LinkOutcome::Used { user_id })
    }

    async fn create_web_session(
        &self,
        session: &NewWebSession,
        replaces: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        if let Some(old) = replaces {
            sqlx::query("DELETE FROM web_sessions WHERE digest = ?")
                .bind(old)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO web_sessions (digest, id, user_id, keep_signed_in, created_at, \
             expires_at, last_seen_at, user_agent, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&session.digest)
        .bind(&session.id)
        .bind(&session.user_id)
        .bind(session.keep_signed_in)
        .bind(session.created_at)
        .bind(session.expires_at)
        .bind(session.created_at)
        .bind(&session.user_agent)
        .bind(&session.ip)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn web_session(&self, digest: &str, now: UnixTime) -> Result<Option<(WebSession, User)>> {
        let session: Option<WebSession> = sqlx::query_as(
            "SELECT id, user_id, keep_signed_in, created_at, expires_at FROM web_sessions \
             WHERE digest = ? AND revoked_at IS NULL AND expires_at > ?",
        )
        .bind(digest)
        .bind(now)
        .fetch_optional(&self.reads)
        .await?;
        let Some(session) = session else {
            return Ok(None);
        };
        let user = self.user_by_id(&session.user_id).await?;
        Ok(user.map(|user| (session, user)))
    }

    async fn end_web_session(&self, digest: &str, now: UnixTime) -> Result<()> {
        sqlx::query(
            "UPDATE web_sessions SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(digest)
        .execute(&self.writes)
        .await?;
        Ok(())
    }

    async fn insert_auth_request(&self, request: &AuthRequest) -> Result<()> {
        sqlx::query(
            "INSERT INTO auth_requests (id, client_id, redirect_uri, scope, state, nonce, \
             code_challenge, prompt, login_hint, device_name, device_os, created_at, expires_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        .execute(&self.writes)
        .await?;
        Ok(())
    }

    async fn auth_request(&self, id: &str) -> Result<Option<AuthRequest>> {
        Ok(sqlx::query_as(
            "SELECT id, client_id, redirect_uri, scope, state, nonce, code_challenge, prompt, \
             login_hint, device_name, device_os, created_at, expires_at, completed_at \
             FROM auth_requests WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.reads)
        .await?)
    }

    async fn complete_auth_request(&self, code: &AuthCode, now: UnixTime) -> Result<bool> {
        let mut tx = self.write().await?;
        let completed = sqlx::query(
            "UPDATE auth_requests SET completed_at = ? \
             WHERE id = ? AND completed_at IS NULL AND expires_at > ?",
        )
        .bind(now)
        .bind(&code.request_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if completed.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO auth_codes (digest, request_id, user_id, client_id, redirect_uri, scope, \
             nonce, code_challenge, keep_signed_in, auth_time, device_name, device_os, \
             created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            "UPDATE auth_requests SET completed_at = ? \
             WHERE id = ? AND completed_at IS NULL AND expires_at > ?",
        )
        .bind(now)
        .bind(id)
        .bind(now)
        .execute(&self.writes)
        .await?;
        Ok(cancelled.rows_affected() == 1)
    }

    async fn auth_code(&self, digest: &str) -> Result<Option<AuthCode>> {
        Ok(sqlx::query_as(
            "SELECT digest, request_id, user_id, client_id, redirect_uri, scope, nonce, \
             code_challenge, keep_signed_in, auth_time, device_name, device_os, created_at, \
             expires_at FROM auth_codes WHERE digest = ?",
        )
        .bind(digest)
        .fetch_optional(&self.reads)
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
        let row: Option<(UnixTime, Option<UnixTime>, Option<String>)> =
            sqlx::query_as("SELECT expires_at, used_at, grant_id FROM auth_codes WHERE digest = ?")
                .bind(digest)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((expires_at, used_at, first_grant)) = row else {
            return Ok(RedeemOutcome::Unknown);
        };
        if used_at.is_some() {
            if let Some(first_grant) = first_grant {
                revoke_in(&mut tx, &first_grant, now, RevokeReason::CodeReuse).await?;
                tx.commit().await?;
            }
            return Ok(RedeemOutcome::Reused);
        }
        if now >= expires_at {
            return Ok(RedeemOutcome::Expired);
        }
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
        .execute(&mut *tx)
        .await?;
        insert_tokens(&mut tx, &grant.id, tokens, now).await?;
        sqlx::query("UPDATE auth_codes SET used_at = ?, grant_id = ? WHERE digest = ?")
            .bind(now)
            .bind(&grant.id)
            .bind(digest)
            .execute(&mut *tx)
            .await?;
        let user = user_in(&mut tx, &grant.user_id).await?;
        tx.commit().await?;
        match user {
            Some(user) => Ok(RedeemOutcome::Redeemed {
                grant: Box::new(grant.clone()),
                user: Box::new(user),
            }),
            None => Ok(RedeemOutcome::Unknown),
        }
    }

    async fn burn_code(&self, digest: &str, now: UnixTime) -> Result<()> {
        let mut tx = self.write().await?;
        let row: Option<(Option<UnixTime>, Option<String>)> =
            sqlx::query_as("SELECT used_at, grant_id FROM auth_codes WHERE digest = ?")
                .bind(digest)
                .fetch_optional(&mut *tx)
                .await?;
        match row {
            Some((Some(_), Some(first_grant))) => {
                revoke_in(&mut tx, &first_grant, now, RevokeReason::CodeReuse).await?;
            }
            Some((None, _)) => {
                sqlx::query("UPDATE auth_codes SET used_at = ? WHERE digest = ?")
                    .bind(now)
                    .bind(digest)
                    .execute(&mut *tx)
                    .await?;
            }
            _ => {}
        }
        tx.commit().await?;
        Ok(())
    }

    async fn rotate_refresh_token(
        &self,
        digest: &str,
        client_id: &str,
        now: UnixTime,
        tokens: &IssuedTokens,
        seen: &ClientSeen,
    ) -> Result<RefreshOutcome> {
        let mut tx = self.write().await?;
        let row: Option<(String, String, Option<UnixTime>, Option<UnixTime>, UnixTime)> =
            sqlx::query_as(
                "SELECT r.grant_id, g.client_id, r.used_at, g.revoked_at, g.expires_at \
                 FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id WHERE r.digest = ?",
            )
            .bind(digest)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((grant_id, grant_client, used_at, revoked_at, expires_at)) = row else {
            return Ok(RefreshOutcome::Invalid);
        };
        if grant_client != client_id || revoked_at.is_some() || now >= expires_at {
            return Ok(RefreshOutcome::Invalid);
        }
        if used_at.is_some() {
            revoke_in(&mut tx, &grant_id, now, RevokeReason::RefreshReuse).await?;
            tx.commit().await?;
            return Ok(RefreshOutcome::Reused);
        }
        sqlx::query("UPDATE refresh_tokens SET used_at = ? WHERE digest = ?")
            .bind(now)
            .bind(digest)
            .execute(&mut *tx)
            .await?;
        insert_tokens(&mut tx, &grant_id, tokens, now).await?;
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
        let user = match &grant {
            Some(grant) => self.user_by_id(&grant.user_id).await?,
            None => None,
        };
        match (grant, user) {
            (Some(grant), Some(user)) => Ok(RefreshOutcome::Rotated {
                grant: Box::new(grant),
                user: Box::new(user),
            }),
            _ => Ok(RefreshOutcome::Invalid),
        }
    }

    async fn access_context(&self, digest: &str, now: UnixTime) -> Result<Option<AccessContext>> {
        let row: Option<(
            String,
            String,
            UnixTime,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<UnixTime>,
            UnixTime,
        )> = sqlx::query_as(
            "SELECT g.id, g.scope, g.last_used_at, u.id, u.email, u.username, \
                 u.password_hash, u.name, u.email_confirmed_at, u.created_at \
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
                id,
                email,
                username,
                password_hash,
                name,
                confirmed,
                created_at,
            )| {
                AccessContext {
                    grant_id,
                    scope,
                    last_used_at,
                    user: User {
                        id,
                        email,
                        username,
                        password_hash,
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

    async fn revoke_grant_of_token(&self, digest: &str, now: UnixTime) -> Result<bool> {
        let mut tx = self.write().await?;
        let grant: Option<(String,)> = sqlx::query_as(
            "SELECT grant_id FROM refresh_tokens WHERE digest = ?1 \
             UNION ALL SELECT grant_id FROM access_tokens WHERE digest = ?1 LIMIT 1",
        )
        .bind(digest)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((grant_id,)) = grant else {
            return Ok(false);
        };
        revoke_in(&mut tx, &grant_id, now, RevokeReason::SignedOut).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn notification_preferences(&self, user_id: &str) -> Result<NotificationPreferences> {
        let stored: Option<(Option<String>,)> =
            sqlx::query_as("SELECT notification_prefs FROM users WHERE id = ?")
                .bind(user_id)
                .fetch_optional(&self.reads)
                .await?;
        // Unset, or written by a version that had other categories: the defaults.
        Ok(stored
            .and_then(|(json,)| json)
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    async fn set_notification_preferences(
        &self,
        user_id: &str,
        preferences: &NotificationPreferences,
        now: UnixTime,
    ) -> Result<()> {
        let json = serde_json::to_string(preferences)
            .map_err(|error| Error::Config(format!("notification preferences: {error}")))?;
        sqlx::query("UPDATE users SET notification_prefs = ?, updated_at = ? WHERE id = ?")
            .bind(json)
            .bind(now)
            .bind(user_id)
            .execute(&self.writes)
            .await?;
        Ok(())
    }

    async fn purge_expired(&self, now: UnixTime) -> Result<u64> {
        let mut tx = self.write().await?;
        let mut purged = 0;
        for sql in [
            "DELETE FROM access_tokens WHERE expires_at <= ?1",
            "DELETE FROM auth_requests WHERE expires_at <= ?1",
            // Spent codes stay until well past expiry so a late replay still finds them.
            "DELETE FROM auth_codes WHERE expires_at <= ?1 - 86400",
            "DELETE FROM web_sessions WHERE expires_at <= ?1",
            "DELETE FROM mail_links WHERE expires_at <= ?1 - 86400",
        ] {
            purged += sqlx::query(sql)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(purged)
    }
}
