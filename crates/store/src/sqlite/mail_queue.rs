//! SQLite side of [`MailQueue`]: the `mail_queue` table. Reads the rows; what a claim
//! or a failure does to them is [`crate::mail_queue::claiming`]'s and
//! [`crate::mail_queue::after_failure`]'s call.

use super::{SqliteStore, Tx};
use crate::mail_queue::{Claiming, MailState, after_failure, claiming};
use crate::{
    AbandonedMail, Claimed, ClaimedMail, MailFailure, MailQueue, MailRecord, MailStatus,
    OutgoingMail, Result, StoreError, UnixTime,
};

const MAIL_COLUMNS: &str =
    "id, recipient, subject, body, links, queued_at, status, attempts, due_at, finished_at";

/// What a finished mail keeps: no body, no links.
const FINISHED: &str = "body = NULL, links = '[]'";

fn links_json(links: &[String]) -> Result<String> {
    serde_json::to_string(links).map_err(|error| StoreError::Encode {
        what: "mail links",
        message: error.to_string(),
    })
}

/// Stored links; a value this version cannot read shows as none (they are only logged).
fn links_from(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// Gives up on the mail `id` inside `tx`, clearing its body and links.
async fn abandon_in(tx: &mut Tx, id: &str, now: UnixTime) -> Result<()> {
    sqlx::query(&format!(
        "UPDATE mail_queue SET status = 'abandoned', finished_at = ?, {FINISHED} WHERE id = ?"
    ))
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MailQueue for SqliteStore {
    async fn enqueue_mail(&self, mail: &OutgoingMail) -> Result<()> {
        sqlx::query(
            "INSERT INTO mail_queue (id, recipient, subject, body, links, queued_at, due_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&mail.id)
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(links_json(&mail.links)?)
        .bind(mail.queued_at)
        .bind(mail.queued_at)
        .execute(&self.writes)
        .await?;
        Ok(())
    }

    async fn claim_mails(&self, now: UnixTime, limit: u32) -> Result<Claimed> {
        // The worker asks every second and mostly finds nothing: a look on the read
        // pool first, so an idle queue never takes the one writer.
        let any_due: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM mail_queue WHERE status = 'queued' AND due_at <= ? LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&self.reads)
        .await?;
        if any_due.is_none() {
            return Ok(Claimed::default());
        }
        let mut tx = self.write().await?;
        let due: Vec<MailRow> = sqlx::query_as(&format!(
            "SELECT {MAIL_COLUMNS} FROM mail_queue WHERE status = 'queued' AND due_at <= ? \
             ORDER BY due_at, id LIMIT ?"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Claimed::default();
        for row in due {
            match claiming(row.attempts, now) {
                Claiming::Lease { attempt, until } => {
                    sqlx::query("UPDATE mail_queue SET attempts = ?, due_at = ? WHERE id = ?")
                        .bind(attempt)
                        .bind(until)
                        .bind(&row.id)
                        .execute(&mut *tx)
                        .await?;
                    claimed.mails.push(ClaimedMail {
                        mail: row.into_mail(),
                        attempt,
                    });
                }
                Claiming::GiveUp => {
                    abandon_in(&mut tx, &row.id, now).await?;
                    claimed.abandoned.push(AbandonedMail {
                        id: row.id,
                        subject: row.subject,
                        attempts: row.attempts,
                    });
                }
            }
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn mail_delivered(&self, id: &str, now: UnixTime) -> Result<()> {
        sqlx::query(&format!(
            "UPDATE mail_queue SET status = 'delivered', finished_at = ?, {FINISHED} \
             WHERE id = ? AND status <> 'delivered'"
        ))
        .bind(now)
        .bind(id)
        .execute(&self.writes)
        .await?;
        Ok(())
    }

    async fn mail_failed(&self, id: &str, attempt: u32, now: UnixTime) -> Result<MailFailure> {
        let mut tx = self.write().await?;
        let state: Option<(String, u32)> =
            sqlx::query_as("SELECT status, attempts FROM mail_queue WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let state = state.map(|(status, attempts)| MailState {
            status: MailStatus::from_name(&status),
            attempts,
        });
        let failure = after_failure(state, attempt, now);
        match failure {
            MailFailure::RetryAt(due_at) => {
                sqlx::query("UPDATE mail_queue SET due_at = ? WHERE id = ?")
                    .bind(due_at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            MailFailure::Abandoned => abandon_in(&mut tx, id, now).await?,
            MailFailure::Stale => {}
        }
        tx.commit().await?;
        Ok(failure)
    }

    async fn queued_mail(&self, id: &str) -> Result<Option<MailRecord>> {
        let row: Option<MailRow> = sqlx::query_as(&format!(
            "SELECT {MAIL_COLUMNS} FROM mail_queue WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.reads)
        .await?;
        Ok(row.map(MailRow::into_record))
    }
}

#[derive(sqlx::FromRow)]
struct MailRow {
    id: String,
    recipient: String,
    subject: String,
    body: Option<String>,
    links: String,
    queued_at: UnixTime,
    status: String,
    attempts: u32,
    due_at: UnixTime,
    finished_at: Option<UnixTime>,
}

impl MailRow {
    /// The mail as queued (a claim reads only queued rows, which have a body).
    fn into_mail(self) -> OutgoingMail {
        OutgoingMail {
            links: links_from(&self.links),
            id: self.id,
            to: self.recipient,
            subject: self.subject,
            body: self.body.unwrap_or_default(),
            queued_at: self.queued_at,
        }
    }

    fn into_record(self) -> MailRecord {
        MailRecord {
            links: links_from(&self.links),
            status: MailStatus::from_name(&self.status),
            id: self.id,
            to: self.recipient,
            subject: self.subject,
            body: self.body,
            queued_at: self.queued_at,
            attempts: self.attempts,
            due_at: self.due_at,
            finished_at: self.finished_at,
        }
    }
}
