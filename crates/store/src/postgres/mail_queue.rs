//! PostgreSQL side of [`MailQueue`]: the `mail_queue` table. Every instance's worker
//! claims from the same queue, so a claim locks the due rows it takes with
//! `FOR UPDATE SKIP LOCKED`: another instance claiming at the same moment passes over
//! them and takes the next due mails (or none), and by the time their locks go their
//! lease has moved `due_at` past now, so each mail goes to exactly one claimer. What a
//! claim or a failure does to a row is [`crate::mail_queue::claiming`]'s and
//! [`crate::mail_queue::after_failure`]'s call.

use super::{PgStore, Tx};
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

/// A stored attempt count; one out of range reads as used up (the mail is given up).
fn attempts_from(stored: i64) -> u32 {
    u32::try_from(stored).unwrap_or(u32::MAX)
}

/// Gives up on the mails `ids` inside `tx`, clearing their bodies and links.
async fn abandon_in(tx: &mut Tx, ids: &[String], now: UnixTime) -> Result<()> {
    sqlx::query(&format!(
        "UPDATE mail_queue SET status = 'abandoned', finished_at = $1, {FINISHED} \
         WHERE id = ANY($2)"
    ))
    .bind(now)
    .bind(ids)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MailQueue for PgStore {
    async fn enqueue_mail(&self, mail: &OutgoingMail) -> Result<()> {
        sqlx::query(
            "INSERT INTO mail_queue (id, recipient, subject, body, links, queued_at, due_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(&mail.id)
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(links_json(&mail.links)?)
        .bind(mail.queued_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn claim_mails(&self, now: UnixTime, limit: u32) -> Result<Claimed> {
        // Every instance's worker asks every second and mostly finds nothing: one
        // statement first, so an idle queue costs no transaction.
        let any_due: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM mail_queue WHERE status = 'queued' AND due_at <= $1 LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if any_due.is_none() {
            return Ok(Claimed::default());
        }
        let mut tx = self.write().await?;
        let due: Vec<MailRow> = sqlx::query_as(&format!(
            "SELECT {MAIL_COLUMNS} FROM mail_queue WHERE status = 'queued' AND due_at <= $1 \
             ORDER BY due_at, id COLLATE \"C\" LIMIT $2 FOR UPDATE SKIP LOCKED"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Claimed::default();
        let (mut leased, mut attempts, mut until) = (Vec::new(), Vec::new(), Vec::new());
        for row in due {
            let tried = attempts_from(row.attempts);
            match claiming(tried, now) {
                Claiming::Lease {
                    attempt,
                    until: lease_end,
                } => {
                    leased.push(row.id.clone());
                    attempts.push(i64::from(attempt));
                    until.push(lease_end);
                    claimed.mails.push(ClaimedMail {
                        mail: row.into_mail(),
                        attempt,
                    });
                }
                Claiming::GiveUp => claimed.abandoned.push(AbandonedMail {
                    id: row.id,
                    subject: row.subject,
                    attempts: tried,
                }),
            }
        }
        if !leased.is_empty() {
            sqlx::query(
                "UPDATE mail_queue m SET attempts = v.attempt, due_at = v.until \
                 FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS v(id, attempt, until) \
                 WHERE m.id = v.id",
            )
            .bind(&leased)
            .bind(&attempts)
            .bind(&until)
            .execute(&mut *tx)
            .await?;
        }
        if !claimed.abandoned.is_empty() {
            let ids: Vec<String> = claimed.abandoned.iter().map(|m| m.id.clone()).collect();
            abandon_in(&mut tx, &ids, now).await?;
        }
        tx.commit().await?;
        Ok(claimed)
    }

    async fn mail_delivered(&self, id: &str, now: UnixTime) -> Result<()> {
        sqlx::query(&format!(
            "UPDATE mail_queue SET status = 'delivered', finished_at = $1, {FINISHED} \
             WHERE id = $2 AND status <> 'delivered'"
        ))
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mail_failed(&self, id: &str, attempt: u32, now: UnixTime) -> Result<MailFailure> {
        let mut tx = self.write().await?;
        // Locked: a claim taking the mail again meanwhile waits, or has counted its
        // attempt already and this report is stale.
        let state: Option<(String, i64)> =
            sqlx::query_as("SELECT status, attempts FROM mail_queue WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let state = state.map(|(status, attempts)| MailState {
            status: MailStatus::from_name(&status),
            attempts: attempts_from(attempts),
        });
        let failure = after_failure(state, attempt, now);
        match failure {
            MailFailure::RetryAt(due_at) => {
                sqlx::query("UPDATE mail_queue SET due_at = $1 WHERE id = $2")
                    .bind(due_at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            MailFailure::Abandoned => abandon_in(&mut tx, &[id.to_owned()], now).await?,
            MailFailure::Stale => {}
        }
        tx.commit().await?;
        Ok(failure)
    }

    async fn queued_mail(&self, id: &str) -> Result<Option<MailRecord>> {
        let row: Option<MailRow> = sqlx::query_as(&format!(
            "SELECT {MAIL_COLUMNS} FROM mail_queue WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
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
    attempts: i64,
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
            attempts: attempts_from(self.attempts),
            id: self.id,
            to: self.recipient,
            subject: self.subject,
            body: self.body,
            queued_at: self.queued_at,
            due_at: self.due_at,
            finished_at: self.finished_at,
        }
    }
}
