//! Plans and billing as the server keeps them: one billing account per team that ever
//! left Free (`billing_accounts`), its invoices (`billing_invoices`), and the payment
//! provider's webhook events already taken (`billing_webhook_events`).
//!
//! The account's state (subscription, credit balance, payment standing, card on file,
//! a payment awaiting confirmation) is one document the server's billing domain writes
//! whole (`state`, JSON it owns); the store keeps beside it only what it is queried by:
//! the time the account next needs the server's attention (`due_at`: a renewal, a
//! retry, the end of a grace period). A write names the revision it read
//! ([`BillingWrite::expected_revision`]) and lands only if that is still the stored one,
//! together with its new and updated invoices, in one transaction: two admins
//! confirming changes at once, or a renewal racing a change, cannot both land, and an
//! invoice is never written without the state that billed it.
//!
//! Invoices are listed newest first by `(issued_at, id)`, a page at a time.

use crate::{Result, StoreError, UnixTime};

/// A team's billing account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingAccountRecord {
    pub team_id: String,
    /// The billing domain's document (JSON).
    pub state: String,
    /// When the account next needs attention; `None`: never by itself.
    pub due_at: Option<UnixTime>,
    /// 1 for the first write, one more for each write after.
    pub revision: i64,
    pub updated_at: UnixTime,
}

/// An invoice as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRecord {
    pub id: String,
    pub team_id: String,
    /// The number printed on it, unique within the team.
    pub number: String,
    pub issued_at: UnixTime,
    pub period_start: UnixTime,
    pub period_end: UnixTime,
    /// What the team pays, in minor units of `currency`.
    pub total_minor: i64,
    pub currency: String,
    /// `paid`, `open` or `void` (the billing domain's words).
    pub status: String,
    /// The billing domain's whole invoice (lines, credits), JSON.
    pub document: String,
    /// The provider's charge that pays it, once there is one.
    pub charge_id: Option<String>,
    pub updated_at: UnixTime,
}

/// An invoice's status moving on (a payment confirmed, failed for good, retried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceUpdate {
    pub id: String,
    pub status: String,
    pub charge_id: Option<String>,
}

/// One write of a team's billing: the new state, and the invoices it made or moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingWrite {
    pub team_id: String,
    /// The revision this write was computed from; `None` when the team had no billing
    /// account yet (the write creates it).
    pub expected_revision: Option<i64>,
    pub state: String,
    pub due_at: Option<UnixTime>,
    pub now: UnixTime,
    pub new_invoices: Vec<InvoiceRecord>,
    /// Invoices of this team whose status or charge changed.
    pub invoice_updates: Vec<InvoiceUpdate>,
}

/// What a team uses, counted against its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TeamUsage {
    pub members: u32,
    /// Invitations neither accepted, cancelled nor expired at the time asked.
    pub pending_invitations: u32,
    /// Synced workspaces that belong to the team.
    pub workspaces: u32,
}

/// Billing accounts, invoices and webhook events. Every method is one transaction.
#[async_trait::async_trait]
pub trait Billing: Send + Sync {
    /// The team's billing account, or `None` when it never had one (Free).
    async fn billing_account(&self, team_id: &str) -> Result<Option<BillingAccountRecord>>;

    /// Writes `write` if the team's stored revision is still `write.expected_revision`
    /// (`None`: no account yet). Returns the new record, or `None` when the revision
    /// moved (nothing written). `Conflict` when an invoice id or a team's invoice number
    /// exists already; an update naming another team's or no invoice writes nothing and
    /// is `NotFound` (the store has no such error: it is [`StoreError::Refused`], naming
    /// the invoice), as is a new invoice whose `team_id` is not the write's.
    async fn save_billing(&self, write: &BillingWrite) -> Result<Option<BillingAccountRecord>>;

    /// The team's invoices, newest first (`issued_at`, then `id`, descending), strictly
    /// older than `before` (an invoice id of this team) when given; at most `limit`.
    /// A `before` that is not one of the team's invoices lists nothing.
    async fn invoices(
        &self,
        team_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<InvoiceRecord>>;

    /// How many invoices the team has.
    async fn invoice_count(&self, team_id: &str) -> Result<u32>;

    /// One invoice by id, whichever team's it is (the webhook knows only the id).
    async fn invoice(&self, invoice_id: &str) -> Result<Option<InvoiceRecord>>;

    /// The teams whose `due_at` is at or before `now`, soonest first; at most `limit`.
    async fn billing_due(&self, now: UnixTime, limit: u32) -> Result<Vec<String>>;

    /// Records a webhook event id; `false` when it was recorded before (a replay).
    async fn record_webhook_event(&self, event_id: &str, received_at: UnixTime) -> Result<bool>;

    /// What the team uses now: members, pending invitations (unexpired at `now`) and
    /// its synced workspaces.
    async fn team_usage(&self, team_id: &str, now: UnixTime) -> Result<TeamUsage>;
}

// What both backends decide and run. sqlx binds `$n` by number on SQLite too, so each
// statement is written once; a backend adds only its lock.

/// Whether a write computed from `expected` may land on an account whose stored
/// revision is `stored` (`None`: no account): the revision it writes, or `None` when
/// the stored one moved (or the account a create expected not to exist is there).
pub(crate) fn next_revision(stored: Option<i64>, expected: Option<i64>) -> Option<i64> {
    (stored == expected).then(|| expected.map_or(1, |revision| revision + 1))
}

/// Refuses, before anything is read, a write whose new invoices name another team.
pub(crate) fn check_write(write: &BillingWrite) -> Result<()> {
    match write
        .new_invoices
        .iter()
        .find(|invoice| invoice.team_id != write.team_id)
    {
        Some(invoice) => Err(StoreError::Refused(format!(
            "invoice {} is team {}'s, not team {}'s",
            invoice.id, invoice.team_id, write.team_id
        ))),
        None => Ok(()),
    }
}

/// An invoice update that changed `rows` rows: one, or nothing of this team's to
/// update ([`Billing::save_billing`]'s `NotFound`), which undoes the whole write.
pub(crate) fn check_updated(rows: u64, write: &BillingWrite, update: &InvoiceUpdate) -> Result<()> {
    if rows == 1 {
        return Ok(());
    }
    Err(StoreError::Refused(format!(
        "no invoice {} of team {}",
        update.id, write.team_id
    )))
}

/// A unique violation on an invoice, named as such.
pub(crate) fn invoice_taken(error: sqlx::Error) -> StoreError {
    match StoreError::from(error) {
        StoreError::Conflict(_) => StoreError::Conflict("invoice id or number"),
        other => other,
    }
}

/// The account as a write that landed with `revision` left it.
pub(crate) fn written(write: &BillingWrite, revision: i64) -> BillingAccountRecord {
    BillingAccountRecord {
        team_id: write.team_id.clone(),
        state: write.state.clone(),
        due_at: write.due_at,
        revision,
        updated_at: write.now,
    }
}

/// Team `$1`'s stored revision (a backend appends its row lock).
pub(crate) const REVISION: &str = "SELECT revision FROM billing_accounts WHERE team_id = $1";

/// Creates team `$1`'s account (`state, due_at, revision, updated_at`); nothing when
/// another write created it first.
pub(crate) const INSERT_ACCOUNT: &str = "INSERT INTO billing_accounts \
     (team_id, state, due_at, revision, updated_at) VALUES ($1, $2, $3, $4, $5) \
     ON CONFLICT (team_id) DO NOTHING";

pub(crate) const UPDATE_ACCOUNT: &str = "UPDATE billing_accounts \
     SET state = $2, due_at = $3, revision = $4, updated_at = $5 WHERE team_id = $1";

/// Binds `write`'s account with `revision` to [`INSERT_ACCOUNT`] or [`UPDATE_ACCOUNT`].
pub(crate) fn bind_account<'q, DB: sqlx::Database>(
    query: Query<'q, DB>,
    write: &'q BillingWrite,
    revision: i64,
) -> Query<'q, DB>
where
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB>,
{
    query
        .bind(write.team_id.as_str())
        .bind(write.state.as_str())
        .bind(write.due_at)
        .bind(revision)
        .bind(write.now)
}

pub(crate) const INSERT_INVOICE: &str = "INSERT INTO billing_invoices \
     (id, team_id, number, issued_at, period_start, period_end, total_minor, currency, \
     status, document, charge_id, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

/// Binds a new invoice to [`INSERT_INVOICE`].
pub(crate) fn bind_invoice<'q, DB: sqlx::Database>(
    query: Query<'q, DB>,
    invoice: &'q InvoiceRecord,
) -> Query<'q, DB>
where
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB>,
{
    query
        .bind(invoice.id.as_str())
        .bind(invoice.team_id.as_str())
        .bind(invoice.number.as_str())
        .bind(invoice.issued_at)
        .bind(invoice.period_start)
        .bind(invoice.period_end)
        .bind(invoice.total_minor)
        .bind(invoice.currency.as_str())
        .bind(invoice.status.as_str())
        .bind(invoice.document.as_str())
        .bind(invoice.charge_id.as_deref())
        .bind(invoice.updated_at)
}

/// Moves invoice `$1` of team `$2` on (`status, charge_id, updated_at`).
pub(crate) const UPDATE_INVOICE: &str = "UPDATE billing_invoices \
     SET status = $3, charge_id = $4, updated_at = $5 WHERE id = $1 AND team_id = $2";

/// Binds one of `write`'s invoice updates to [`UPDATE_INVOICE`].
pub(crate) fn bind_update<'q, DB: sqlx::Database>(
    query: Query<'q, DB>,
    write: &'q BillingWrite,
    update: &'q InvoiceUpdate,
) -> Query<'q, DB>
where
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB>,
    i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB>,
{
    query
        .bind(update.id.as_str())
        .bind(write.team_id.as_str())
        .bind(update.status.as_str())
        .bind(update.charge_id.as_deref())
        .bind(write.now)
}

/// A statement with its values, on either backend.
pub(crate) type Query<'q, DB> = sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>;

/// Team `$1`'s account.
pub(crate) const ACCOUNT: &str = "SELECT team_id, state, due_at, revision, updated_at \
     FROM billing_accounts WHERE team_id = $1";

/// `team_id, state, due_at, revision, updated_at`, as both backends select them.
pub(crate) type AccountRow = (String, String, Option<UnixTime>, i64, UnixTime);

pub(crate) fn account_record(
    (team_id, state, due_at, revision, updated_at): AccountRow,
) -> BillingAccountRecord {
    BillingAccountRecord {
        team_id,
        state,
        due_at,
        revision,
        updated_at,
    }
}

const INVOICE_COLUMNS: &str = "id, team_id, number, issued_at, period_start, period_end, \
     total_minor, currency, status, document, charge_id, updated_at";

/// Invoice `$1`, whichever team's.
pub(crate) fn invoice_sql() -> String {
    format!("SELECT {INVOICE_COLUMNS} FROM billing_invoices WHERE id = $1")
}

/// Team `$1`'s invoices, newest first, at most `$2`; with `before`, only those older
/// than its invoice `$3` (none when `$3` is not one of the team's).
pub(crate) fn invoices_sql(before: bool) -> String {
    let older = if before {
        " AND (issued_at, id) < \
         (SELECT issued_at, id FROM billing_invoices WHERE id = $3 AND team_id = $1)"
    } else {
        ""
    };
    format!(
        "SELECT {INVOICE_COLUMNS} FROM billing_invoices WHERE team_id = $1{older} \
         ORDER BY issued_at DESC, id DESC LIMIT $2"
    )
}

/// The columns of [`INVOICE_COLUMNS`], as both backends select them.
pub(crate) type InvoiceRow = (
    String,
    String,
    String,
    UnixTime,
    UnixTime,
    UnixTime,
    i64,
    String,
    String,
    String,
    Option<String>,
    UnixTime,
);

pub(crate) fn invoice_record(
    (
        id,
        team_id,
        number,
        issued_at,
        period_start,
        period_end,
        total_minor,
        currency,
        status,
        document,
        charge_id,
        updated_at,
    ): InvoiceRow,
) -> InvoiceRecord {
    InvoiceRecord {
        id,
        team_id,
        number,
        issued_at,
        period_start,
        period_end,
        total_minor,
        currency,
        status,
        document,
        charge_id,
        updated_at,
    }
}

pub(crate) const INVOICE_COUNT: &str = "SELECT COUNT(*) FROM billing_invoices WHERE team_id = $1";

/// Teams due at `$1`, soonest first (then by id), at most `$2`.
pub(crate) const DUE: &str = "SELECT team_id FROM billing_accounts \
     WHERE due_at IS NOT NULL AND due_at <= $1 ORDER BY due_at, team_id LIMIT $2";

/// Records webhook event `$1` received at `$2`; nothing when it was recorded before.
pub(crate) const RECORD_EVENT: &str = "INSERT INTO billing_webhook_events \
     (event_id, received_at) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING";

/// Team `$1`'s members, invitations pending at `$2`, and synced workspaces.
pub(crate) const USAGE: &str = "SELECT \
     (SELECT COUNT(*) FROM team_members WHERE team_id = $1), \
     (SELECT COUNT(*) FROM team_invitations WHERE team_id = $1 AND accepted_at IS NULL \
     AND cancelled_at IS NULL AND expires_at > $2), \
     (SELECT COUNT(*) FROM synced_workspaces WHERE owner_team = $1)";

/// A count as both backends read it (`COUNT(*)` is a 64-bit integer on both).
pub(crate) fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) fn usage((members, pending_invitations, workspaces): (i64, i64, i64)) -> TeamUsage {
    TeamUsage {
        members: count(members),
        pending_invitations: count(pending_invitations),
        workspaces: count(workspaces),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_lands_only_on_the_revision_it_read() {
        assert_eq!(next_revision(None, None), Some(1), "a create");
        assert_eq!(next_revision(Some(4), Some(4)), Some(5));
        assert_eq!(next_revision(Some(1), None), None, "created meanwhile");
        assert_eq!(next_revision(Some(5), Some(4)), None, "moved on");
        assert_eq!(next_revision(None, Some(4)), None, "no account to update");
    }
}
