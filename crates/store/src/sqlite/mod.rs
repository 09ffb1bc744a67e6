//! The SQLite store: one file in WAL mode. Reads use a pool of connections; every
//! write goes through a pool of exactly one, so writers queue in-process (first come,
//! first served) instead of spinning in SQLite's busy handler, whose back-off sleeps
//! made write latency jump by tens of milliseconds under load. Write transactions
//! still begin `IMMEDIATE` and keep a busy timeout, for other processes on the same
//! file. WAL checkpoints run in the background rather than inside whichever request
//! happens to fill the log.

mod profiles;

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::{
    AccessContext, AuthCode, AuthRequest, ClientSeen, EarlierGrants, Grant, IssuedTokens,
    KeepSessions, LinkOutcome, LinkPurpose, MailLink, NewWebSession, RedeemOutcome, RefreshOutcome,
    RevokeReason, RevokedGrant, SessionRecord, SessionSource, Store, User, WebSession,
};
use courier_proto::NotificationPreferences;

use crate::{Result, StoreError, UnixTime};

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

/// Ends the live sessions of `user_id` that `keep` does not name; returns their ids.
async fn revoke_sessions_in(
    tx: &mut Transaction<'static, Sqlite>,
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
    let grants: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM grants WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? \
         AND id != ?",
    )
    .bind(user_id)
    .bind(now)
    .bind(kept)
    .fetch_all(&mut **tx)
    .await?;
    let mut ended = Vec::with_capacity(grants.len());
    for (grant_id,) in grants {
        revoke_in(tx, &grant_id, now, reason).await?;
        ended.push(grant_id);
    }
    let browsers: Vec<(String,)> = sqlx::query_as(
        "UPDATE web_sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL \
         AND expires_at > ? AND id != ? RETURNING id",
    )
    .bind(now)
    .bind(user_id)
    .bind(now)
    .bind(kept)
    .fetch_all(&mut **tx)
    .await?;
    ended.extend(browsers.into_iter().map(|(id,)| id));
    Ok(ended)
}

/// Stores a mail link, on the write pool or inside a transaction.
async fn insert_mail_link_with<'e, E>(executor: E, link: &MailLink) -> Result<()>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
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
    .execute(executor)
    .await?;
    Ok(())
}

/// A mail link that can still be used: whose account, and the address it was sent to.
struct LiveLink {
    user_id: String,
    email: String,
}

/// The link behind `digest` if it is unused and unexpired, else why not; read inside `tx`.
async fn live_mail_link_in(
    tx: &mut Transaction<'static, Sqlite>,
    digest: &str,
    purpose: LinkPurpose,
    now: UnixTime,
) -> Result<Result<LiveLink, LinkOutcome>> {
    let row: Option<(String, String, UnixTime, Option<UnixTime>)> = sqlx::query_as(
        "SELECT user_id, email, expires_at, used_at FROM mail_links \
         WHERE digest = ? AND purpose = ?",
    )
    .bind(digest)
    .bind(purpose.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        None => Err(LinkOutcome::Unknown),
        Some((_, _, _, Some(_))) => Err(LinkOutcome::AlreadyUsed),
        Some((_, _, expires_at, None)) if now >= expires_at => Err(LinkOutcome::Expired),
        Some((user_id, email, _, None)) => Ok(LiveLink { user_id, email }),
    })
}

/// Like [`live_mail_link_in`], and marks a live link used (the caller's transaction
/// decides whether that sticks).
async fn spend_mail_link_in(
    tx: &mut Transaction<'static, Sqlite>,
    digest: &str,
    purpose: LinkPurpose,
    now: UnixTime,
) -> Result<Result<LiveLink, LinkOutcome>> {
    let live = live_mail_link_in(tx, digest, purpose, now).await?;
    if live.is_ok() {
        sqlx::query("UPDATE mail_links SET used_at = ? WHERE digest = ?")
            .bind(now)
            .bind(digest)
            .execute(&mut **tx)
            .await?;
    }
    Ok(live)
}

/// Sets the account's password hash inside `tx`.
async fn set_password_in(
    tx: &mut Transaction<'static, Sqlite>,
    user_id: &str,
    password_hash: &str,
    now: UnixTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?",
    )
    .bind(password_hash)
    .bind(now)
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What spending the link would do, read inside `tx`.
async fn mail_link_in(
    tx: &mut Transaction<'static, Sqlite>,
    digest: &str,
    purpose: LinkPurpose,
    now: UnixTime,
) -> Result<LinkOutcome> {
    Ok(match live_mail_link_in(tx, digest, purpose, now).await? {
        Ok(LiveLink { user_id, .. }) => LinkOutcome::Used { user_id },
        Err(outcome) => outcome,
    })
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
                Err(StoreError::Conflict("email or username"))
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
        insert_mail_link_with(&self.writes, link).await
    }

    async fn use_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome> {
        let mut tx = self.write().await?;
        let LiveLink { user_id, email } =
            match spend_mail_link_in(&mut tx, digest, purpose, now).await? {
                Ok(live) => live,
                Err(outcome) => return Ok(outcome),
            };
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
            // Spending these links alone changes nothing: an address change and a new
            // password each have their own transaction that spends the link too.
            LinkPurpose::ChangeEmail | LinkPurpose::ResetPassword => {}
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
            "SELECT id, user_id, keep_signed_in, created_at, expires_at, last_seen_at \
             FROM web_sessions WHERE digest = ? AND revoked_at IS NULL AND expires_at > ?",
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

    async fn touch_web_session(&self, id: &str, now: UnixTime) -> Result<()> {
        sqlx::query("UPDATE web_sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?")
            .bind(now)
            .bind(id)
            .bind(now)
            .execute(&self.writes)
            .await?;
        Ok(())
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
        let row: Option<(UnixTime, Option<UnixTime>, Option<String>, String)> = sqlx::query_as(
            "SELECT expires_at, used_at, grant_id, user_id FROM auth_codes WHERE digest = ?",
        )
        .bind(digest)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((expires_at, used_at, first_grant, code_user)) = row else {
            return Ok(RedeemOutcome::Unknown);
        };
        if used_at.is_some() {
            let mut revoked = None;
            if let Some(first_grant) = first_grant {
                revoke_in(&mut tx, &first_grant, now, RevokeReason::CodeReuse).await?;
                tx.commit().await?;
                revoked = Some(RevokedGrant {
                    grant_id: first_grant,
                    user_id: code_user,
                });
            }
            return Ok(RedeemOutcome::Reused(revoked));
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

    async fn burn_code(&self, digest: &str, now: UnixTime) -> Result<Option<RevokedGrant>> {
        let mut tx = self.write().await?;
        let row: Option<(String, Option<UnixTime>, Option<String>)> =
            sqlx::query_as("SELECT user_id, used_at, grant_id FROM auth_codes WHERE digest = ?")
                .bind(digest)
                .fetch_optional(&mut *tx)
                .await?;
        let revoked = match row {
            Some((user_id, Some(_), Some(first_grant))) => {
                revoke_in(&mut tx, &first_grant, now, RevokeReason::CodeReuse).await?;
                Some(RevokedGrant {
                    grant_id: first_grant,
                    user_id,
                })
            }
            Some((_, None, _)) => {
                sqlx::query("UPDATE auth_codes SET used_at = ? WHERE digest = ?")
                    .bind(now)
                    .bind(digest)
                    .execute(&mut *tx)
                    .await?;
                None
            }
            _ => None,
        };
        tx.commit().await?;
        Ok(revoked)
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
        .fetch_optional(&mut *tx)
        .await?;
        let Some((grant_id, grant_client, used_at, revoked_at, expires_at, user_id)) = row else {
            return Ok(RefreshOutcome::Invalid);
        };
        if grant_client != client_id || revoked_at.is_some() || now >= expires_at {
            return Ok(RefreshOutcome::Invalid);
        }
        if used_at.is_some() {
            revoke_in(&mut tx, &grant_id, now, RevokeReason::RefreshReuse).await?;
            tx.commit().await?;
            return Ok(RefreshOutcome::Reused(RevokedGrant { grant_id, user_id }));
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
        // Already revoked (a second sign-out): nothing new to tell anyone.
        Ok(revoked_at
            .is_none()
            .then_some(RevokedGrant { grant_id, user_id }))
    }

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
             last_used_at FROM grants WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.reads)
        .await?;
        #[allow(clippy::type_complexity)]
        let browsers: Vec<(String, Option<String>, Option<String>, UnixTime, UnixTime)> =
            sqlx::query_as(
                "SELECT id, user_agent, ip, created_at, last_seen_at FROM web_sessions \
                 WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?",
            )
            .bind(user_id)
            .bind(now)
            .fetch_all(&self.reads)
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
        sessions.sort_by(|a, b| {
            b.last_seen
                .cmp(&a.last_seen)
                .then(b.first_seen.cmp(&a.first_seen))
                .then(a.id.cmp(&b.id))
        });
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
        let grant: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM grants WHERE id = ? AND user_id = ? AND revoked_at IS NULL \
             AND expires_at > ?",
        )
        .bind(session_id)
        .bind(user_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let ended = if grant.is_some() {
            revoke_in(&mut tx, session_id, now, reason).await?;
            true
        } else {
            sqlx::query(
                "UPDATE web_sessions SET revoked_at = ? WHERE id = ? AND user_id = ? \
                 AND revoked_at IS NULL AND expires_at > ?",
            )
            .bind(now)
            .bind(session_id)
            .bind(user_id)
            .bind(now)
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

    async fn change_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: KeepSessions<'_>,
        now: UnixTime,
    ) -> Result<Vec<String>> {
        let mut tx = self.write().await?;
        set_password_in(&mut tx, user_id, password_hash, now).await?;
        let ended =
            revoke_sessions_in(&mut tx, user_id, keep, now, RevokeReason::PasswordChanged).await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn check_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome> {
        // A read transaction on the read pool: never holds up the writer.
        let mut tx = self.reads.begin().await?;
        let outcome = mail_link_in(&mut tx, digest, purpose, now).await?;
        tx.rollback().await?;
        Ok(outcome)
    }

    async fn reset_password(
        &self,
        digest: &str,
        password_hash: &str,
        now: UnixTime,
    ) -> Result<(LinkOutcome, Vec<String>)> {
        let mut tx = self.write().await?;
        let outcome = mail_link_in(&mut tx, digest, LinkPurpose::ResetPassword, now).await?;
        let LinkOutcome::Used { user_id } = &outcome else {
            return Ok((outcome, Vec::new()));
        };
        // This link and every other reset link of the account are spent: a new
        // password makes the older requests moot.
        sqlx::query(
            "UPDATE mail_links SET used_at = ? WHERE used_at IS NULL AND purpose = ? \
             AND (digest = ? OR user_id = ?)",
        )
        .bind(now)
        .bind(LinkPurpose::ResetPassword.as_str())
        .bind(digest)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        set_password_in(&mut tx, user_id, password_hash, now).await?;
        let ended = revoke_sessions_in(
            &mut tx,
            user_id,
            KeepSessions::None,
            now,
            RevokeReason::PasswordReset,
        )
        .await?;
        tx.commit().await?;
        Ok((outcome, ended))
    }

    async fn spend_challenge(&self, digest: &str, expires_at: UnixTime) -> Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO spent_challenges (digest, expires_at) VALUES (?, ?) \
             ON CONFLICT (digest) DO NOTHING",
        )
        .bind(digest)
        .bind(expires_at)
        .execute(&self.writes)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    async fn earlier_grants(&self, grant: &Grant) -> Result<EarlierGrants> {
        let by_device = grant.device_name.is_some() || grant.device_os.is_some();
        let (any, same): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN ?3 \
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
        .fetch_one(&self.reads)
        .await?;
        Ok(EarlierGrants {
            any: any > 0,
            same_device: same > 0,
        })
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
        let json = serde_json::to_string(preferences).map_err(|error| StoreError::Encode {
            what: "notification preferences",
            message: error.to_string(),
        })?;
        sqlx::query("UPDATE users SET notification_prefs = ?, updated_at = ? WHERE id = ?")
            .bind(json)
            .bind(now)
            .bind(user_id)
            .execute(&self.writes)
            .await?;
        Ok(())
    }

    async fn profile(&self, user_id: &str) -> Result<Option<crate::ProfileRecord>> {
        profiles::profile(self, user_id).await
    }

    async fn profile_by_username(&self, username: &str) -> Result<Option<crate::ProfileRecord>> {
        profiles::profile_by_username(self, username).await
    }

    async fn update_profile(
        &self,
        user_id: &str,
        changes: &crate::ProfileChanges,
        now: UnixTime,
    ) -> Result<Option<crate::ProfileRecord>> {
        profiles::update_profile(self, user_id, changes, now).await
    }

    async fn set_avatar(&self, avatar: &crate::NewAvatar) -> Result<()> {
        profiles::set_avatar(self, avatar).await
    }

    async fn delete_avatar(&self, user_id: &str, now: UnixTime) -> Result<bool> {
        profiles::delete_avatar(self, user_id, now).await
    }

    async fn avatar_png(&self, user_id: &str, version: &str) -> Result<Option<Vec<u8>>> {
        profiles::avatar_png(self, user_id, version).await
    }

    async fn request_email_change(
        &self,
        user_id: &str,
        new_email: Option<&str>,
        link: Option<&MailLink>,
        now: UnixTime,
    ) -> Result<()> {
        profiles::request_email_change(self, user_id, new_email, link, now).await
    }

    async fn confirm_email_change(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<crate::EmailChangeOutcome> {
        profiles::confirm_email_change(self, digest, now).await
    }

    async fn insert_support_request(&self, request: &crate::SupportRecord) -> Result<()> {
        profiles::insert_support_request(self, request).await
    }

    async fn support_requests(&self, user_id: &str) -> Result<Vec<crate::SupportRecord>> {
        profiles::support_requests(self, user_id).await
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
            "DELETE FROM spent_challenges WHERE expires_at <= ?1",
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
