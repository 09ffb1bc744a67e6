//! PostgreSQL side of [`MailLinks`]: the `mail_links` table. Reads the row; whether it
//! can be used is [`crate::links::judge`]'s call.
//!
//! Lock order, for every transaction that spends a link: the account's `users` row
//! first ([`lock_owner_in`]), then the link's row ([`spend_in`]: `FOR UPDATE`). An
//! email-change request takes them in that order too (it updates `users`, then spends
//! the account's change links), so two transactions on one account queue instead of
//! deadlocking; and a link spent by several at once is judged by each only after the
//! one before it committed, so exactly one of them finds it unspent.

use sqlx::Postgres;

use super::{PgStore, Tx};
use crate::links::{LinkRow, LiveLink, judge, outcome};
use crate::{LinkOutcome, LinkPurpose, MailLink, MailLinks, Result, UnixTime};

/// Stores a mail link, on the pool or inside a transaction.
pub(super) async fn insert_with<'e, E>(executor: E, link: &MailLink) -> Result<()>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    sqlx::query(
        "INSERT INTO mail_links (digest, user_id, purpose, email, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
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

/// The columns [`judge`] reads, for `WHERE digest = $1 AND purpose = $2`.
const LINK_ROW: &str =
    "SELECT user_id, email, expires_at, used_at FROM mail_links WHERE digest = $1 AND purpose = $2";

/// The link behind `digest` for `purpose`, read with `executor`; `lock` takes its row
/// (`FOR UPDATE`) until the transaction ends.
async fn link_row_with<'e, E>(
    executor: E,
    digest: &str,
    purpose: LinkPurpose,
    lock: bool,
) -> Result<Option<LinkRow>>
where
    E: sqlx::Executor<'e, Database = Postgres>,
{
    let sql = if lock {
        format!("{LINK_ROW} FOR UPDATE")
    } else {
        LINK_ROW.to_owned()
    };
    let row: Option<(String, String, UnixTime, Option<UnixTime>)> = sqlx::query_as(&sql)
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

/// Locks (`FOR UPDATE`) the `users` row of the account the link `digest` belongs to,
/// if there is such a link: the first lock of every transaction that spends a link
/// and then writes to its account.
pub(super) async fn lock_owner_in(tx: &mut Tx, digest: &str, purpose: LinkPurpose) -> Result<()> {
    sqlx::query(
        "SELECT u.id FROM users u JOIN mail_links l ON l.user_id = u.id \
         WHERE l.digest = $1 AND l.purpose = $2 FOR UPDATE OF u",
    )
    .bind(digest)
    .bind(purpose.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(())
}

/// Locks the link's row inside `tx`, judges it and marks a live one used (the
/// caller's transaction decides whether that sticks). Call [`lock_owner_in`] first
/// when the transaction also writes to the account.
pub(super) async fn spend_in(
    tx: &mut Tx,
    digest: &str,
    purpose: LinkPurpose,
    now: UnixTime,
) -> Result<Result<LiveLink, LinkOutcome>> {
    let live = judge(link_row_with(&mut **tx, digest, purpose, true).await?, now);
    if live.is_ok() {
        sqlx::query("UPDATE mail_links SET used_at = $1 WHERE digest = $2")
            .bind(now)
            .bind(digest)
            .execute(&mut **tx)
            .await?;
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
        "UPDATE mail_links SET used_at = $1 \
         WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
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
        "UPDATE users SET email_confirmed_at = COALESCE(email_confirmed_at, $1) \
         WHERE id = $2 AND email_lower = $3",
    )
    .bind(now)
    .bind(user_id)
    .bind(email.to_lowercase())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MailLinks for PgStore {
    async fn insert_mail_link(&self, link: &MailLink) -> Result<()> {
        insert_with(&self.pool, link).await
    }

    async fn use_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome> {
        let mut tx = self.write().await?;
        lock_owner_in(&mut tx, digest, purpose).await?;
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
        // One statement: a consistent read, no lock.
        let row = link_row_with(&self.pool, digest, purpose, false).await?;
        Ok(outcome(judge(row, now)))
    }
}
