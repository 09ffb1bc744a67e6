//! SQLite side of [`MailLinks`]: the `mail_links` table. Reads the row; whether it
//! can be used is [`crate::links::judge`]'s call.

use sqlx::Sqlite;

use super::{SqliteStore, Tx};
use crate::links::{LinkRow, LiveLink, judge, outcome};
use crate::{LinkOutcome, LinkPurpose, MailLink, MailLinks, Result, UnixTime};

/// Stores a mail link, on the write pool or inside a transaction.
pub(super) async fn insert_with<'e, E>(executor: E, link: &MailLink) -> Result<()>
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

/// The link behind `digest` for `purpose`, read with `executor`.
pub(super) async fn link_row_in<'e, E>(
    executor: E,
    digest: &str,
    purpose: LinkPurpose,
) -> Result<Option<LinkRow>>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let row: Option<(String, String, UnixTime, Option<UnixTime>)> = sqlx::query_as(
        "SELECT user_id, email, expires_at, used_at FROM mail_links \
         WHERE digest = ? AND purpose = ?",
    )
    .bind(digest)
    .bind(purpose.as_str())
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|(user_id, email, expires_at, used_at)| LinkRow {
        user_id,
        email,
        expires_at,
        used_at,
    }))
}

/// Judges the link inside `tx` and marks a live one used (the caller's transaction
/// decides whether that sticks).
pub(super) async fn spend_in(
    tx: &mut Tx,
    digest: &str,
    purpose: LinkPurpose,
    now: UnixTime,
) -> Result<Result<LiveLink, LinkOutcome>> {
    let live = judge(link_row_in(&mut **tx, digest, purpose).await?, now);
    if live.is_ok() {
        mark_used_in(tx, digest, now).await?;
    }
    Ok(live)
}

/// Spends every unspent `purpose` link of `user_id` inside `tx`.
pub(super) async fn spend_all_in(
    tx: &mut Tx,
    user_id: &str,
    purpose: LinkPurpose,
    now: UnixTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE mail_links SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(purpose.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks `user_id`'s address confirmed inside `tx` (keeping an earlier confirmation
/// time), if `email` (where a link went) is still its address, case-insensitively.
pub(super) async fn confirm_address_in(
    tx: &mut Tx,
    user_id: &str,
    email: &str,
    now: UnixTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE users SET email_confirmed_at = COALESCE(email_confirmed_at, ?) \
         WHERE id = ? AND email_lower = ?",
    )
    .bind(now)
    .bind(user_id)
    .bind(email.to_lowercase())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Marks the link `digest` used inside `tx`.
pub(super) async fn mark_used_in(tx: &mut Tx, digest: &str, now: UnixTime) -> Result<()> {
    sqlx::query("UPDATE mail_links SET used_at = ? WHERE digest = ?")
        .bind(now)
        .bind(digest)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MailLinks for SqliteStore {
    async fn insert_mail_link(&self, link: &MailLink) -> Result<()> {
        insert_with(&self.writes, link).await
    }

    async fn use_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome> {
        let mut tx = self.write().await?;
        let LiveLink { user_id, email } = match spend_in(&mut tx, digest, purpose, now).await? {
            Ok(live) => live,
            Err(outcome) => return Ok(outcome),
        };
        match purpose {
            LinkPurpose::ConfirmEmail => confirm_address_in(&mut tx, &user_id, &email, now).await?,
            // Spending these links alone changes nothing: an address change and a new
            // password each have their own transaction that spends the link too.
            LinkPurpose::ChangeEmail | LinkPurpose::ResetPassword => {}
        }
        tx.commit().await?;
        Ok(LinkOutcome::Used { user_id })
    }

    async fn check_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome> {
        // A read transaction on the read pool: never holds up the writer.
        let mut tx = self.reads.begin().await?;
        let row = link_row_in(&mut *tx, digest, purpose).await?;
        tx.rollback().await?;
        Ok(outcome(judge(row, now)))
    }
}
