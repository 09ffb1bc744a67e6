//! PostgreSQL side of [`Accounts`]: the `users` table and password changes. Two
//! accounts created at once with one address (in any case) meet in the unique index
//! on `email_lower`: the second waits for the first and gets a conflict. A password
//! change locks the account's row before its links and sessions (the order of
//! [`super::links`]), so it queues behind a reset or an email change of that account.

use super::{PgStore, Tx, links, sessions};
use crate::links::LiveLink;
use crate::{
    Accounts, KeepSessions, LinkOutcome, LinkPurpose, Result, RevokeReason, StoreError, UnixTime,
    User,
};

pub(super) const USER_COLUMNS: &str =
    "id, email, username, password_hash, name, email_confirmed_at, created_at";

/// Sets the account's password hash inside `tx` (locking its row), and cancels a
/// waiting email change (its links spent): a change asked for before the password
/// changed may be an intruder's, and must not complete after the owner took the
/// account back.
async fn set_password_in(
    tx: &mut Tx,
    user_id: &str,
    password_hash: &str,
    now: UnixTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, pending_email = NULL, \
         updated_at = $2 WHERE id = $3",
    )
    .bind(password_hash)
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    links::spend_all_in(tx, user_id, LinkPurpose::ChangeEmail, now).await
}

#[async_trait::async_trait]
impl Accounts for PgStore {
    async fn create_user(&self, user: &User) -> Result<()> {
        let result = sqlx::query(
            "INSERT INTO users (id, email, email_lower, username, username_lower, password_hash, \
             name, email_confirmed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
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
        .execute(&self.pool)
        .await;
        match result.map_err(StoreError::from) {
            Ok(_) => Ok(()),
            Err(StoreError::Conflict(_)) => Err(StoreError::Conflict("email or username")),
            Err(error) => Err(error),
        }
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        Ok(sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn user_by_login(&self, identifier: &str) -> Result<Option<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users WHERE email_lower = $1 OR username_lower = $1 \
             ORDER BY email_lower = $1 DESC LIMIT 1"
        );
        Ok(sqlx::query_as(&sql)
            .bind(identifier.to_lowercase())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email_lower = $1");
        Ok(sqlx::query_as(&sql)
            .bind(email.to_lowercase())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn username_taken(&self, username: &str) -> Result<bool> {
        let (taken,): (bool,) =
            sqlx::query_as("SELECT EXISTS (SELECT 1 FROM users WHERE username_lower = $1)")
                .bind(username.to_lowercase())
                .fetch_one(&self.pool)
                .await?;
        Ok(taken)
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
        let ended = sessions::revoke_sessions_in(
            &mut tx,
            user_id,
            keep,
            now,
            RevokeReason::PasswordChanged,
        )
        .await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn reset_password(
        &self,
        digest: &str,
        password_hash: &str,
        now: UnixTime,
    ) -> Result<(LinkOutcome, Vec<String>)> {
        let mut tx = self.write().await?;
        links::lock_owner_in(&mut tx, digest, LinkPurpose::ResetPassword).await?;
        let spent = links::spend_in(&mut tx, digest, LinkPurpose::ResetPassword, now).await?;
        let LiveLink { user_id, email } = match spent {
            Ok(live) => live,
            Err(refused) => return Ok((refused, Vec::new())),
        };
        // Every other reset link of the account is spent too: a new password makes
        // the older requests moot.
        links::spend_all_in(&mut tx, &user_id, LinkPurpose::ResetPassword, now).await?;
        set_password_in(&mut tx, &user_id, password_hash, now).await?;
        // Opening the link proved the mailbox, as a confirmation link would have.
        links::confirm_address_in(&mut tx, &user_id, &email, now).await?;
        let ended = sessions::revoke_sessions_in(
            &mut tx,
            &user_id,
            KeepSessions::None,
            now,
            RevokeReason::PasswordReset,
        )
        .await?;
        tx.commit().await?;
        Ok((LinkOutcome::Used { user_id }, ended))
    }
}
