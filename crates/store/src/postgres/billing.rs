//! PostgreSQL side of [`Billing`]: `billing_accounts`, `billing_invoices` and
//! `billing_webhook_events`. A write locks its team's account row (`FOR UPDATE`) before
//! it compares the revision ([`crate::billing::next_revision`]), so of two instances
//! writing from one read the second waits and then sees the revision moved; the first
//! write of an account inserts it only if no other write did meanwhile (`ON CONFLICT DO
//! NOTHING`: then the revision moved too). The account, its new invoices and their
//! updates are one transaction: on any refusal none of them is written.

use super::PgStore;
use crate::billing::{
    ACCOUNT, AccountRow, DUE, INSERT_ACCOUNT, INSERT_INVOICE, INVOICE_COUNT, InvoiceRow,
    RECORD_EVENT, REVISION, UPDATE_ACCOUNT, UPDATE_INVOICE, USAGE, account_record, bind_account,
    bind_invoice, bind_update, check_updated, check_write, count, invoice_record, invoice_sql,
    invoice_taken, invoices_sql, next_revision, usage, written,
};
use crate::{
    Billing, BillingAccountRecord, BillingWrite, InvoiceRecord, Result, TeamUsage, UnixTime,
};

#[async_trait::async_trait]
impl Billing for PgStore {
    async fn billing_account(&self, team_id: &str) -> Result<Option<BillingAccountRecord>> {
        let row: Option<AccountRow> = sqlx::query_as(ACCOUNT)
            .bind(team_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(account_record))
    }

    async fn save_billing(&self, write: &BillingWrite) -> Result<Option<BillingAccountRecord>> {
        check_write(write)?;
        let mut tx = self.write().await?;
        let stored: Option<i64> = sqlx::query_scalar(&format!("{REVISION} FOR UPDATE"))
            .bind(&write.team_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(revision) = next_revision(stored, write.expected_revision) else {
            return Ok(None);
        };
        let statement = if stored.is_none() {
            INSERT_ACCOUNT
        } else {
            UPDATE_ACCOUNT
        };
        let landed = bind_account(sqlx::query(statement), write, revision)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if landed != 1 {
            return Ok(None);
        }
        for invoice in &write.new_invoices {
            bind_invoice(sqlx::query(INSERT_INVOICE), invoice)
                .execute(&mut *tx)
                .await
                .map_err(invoice_taken)?;
        }
        for update in &write.invoice_updates {
            let rows = bind_update(sqlx::query(UPDATE_INVOICE), write, update)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            check_updated(rows, write, update)?;
        }
        tx.commit().await?;
        Ok(Some(written(write, revision)))
    }

    async fn invoices(
        &self,
        team_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<InvoiceRecord>> {
        let sql = invoices_sql(before.is_some());
        let mut query = sqlx::query_as(&sql).bind(team_id).bind(i64::from(limit));
        if let Some(before) = before {
            query = query.bind(before);
        }
        let rows: Vec<InvoiceRow> = query.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(invoice_record).collect())
    }

    async fn invoice_count(&self, team_id: &str) -> Result<u32> {
        let n: i64 = sqlx::query_scalar(INVOICE_COUNT)
            .bind(team_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(count(n))
    }

    async fn invoice(&self, invoice_id: &str) -> Result<Option<InvoiceRecord>> {
        let row: Option<InvoiceRow> = sqlx::query_as(&invoice_sql())
            .bind(invoice_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(invoice_record))
    }

    async fn billing_due(&self, now: UnixTime, limit: u32) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(DUE)
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?)
    }

    async fn record_webhook_event(&self, event_id: &str, received_at: UnixTime) -> Result<bool> {
        let done = sqlx::query(RECORD_EVENT)
            .bind(event_id)
            .bind(received_at)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn team_usage(&self, team_id: &str, now: UnixTime) -> Result<TeamUsage> {
        let counts: (i64, i64, i64) = sqlx::query_as(USAGE)
            .bind(team_id)
            .bind(now)
            .fetch_one(&self.pool)
            .await?;
        Ok(usage(counts))
    }
}
