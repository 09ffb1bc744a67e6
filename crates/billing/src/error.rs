//! The billing core's one error type. Each error has a stable [`Error::kind`] the server
//! and the apps branch on (`{kind, message}` over HTTP and IPC); the message is written
//! for the person reading it.

use crate::money::Currency;
use crate::plans::LimitRefusal;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// An amount left the range of `i64` minor units.
    #[error("the amount is out of range while computing {0}")]
    Overflow(&'static str),
    /// Two amounts in different currencies were combined.
    #[error("cannot combine {left} and {right} amounts")]
    CurrencyMismatch { left: Currency, right: Currency },
    /// A time, or a span of time, that the rules cannot use (before 1970, after 9999,
    /// outside the period it belongs to).
    #[error("{0}")]
    InvalidTime(String),
    /// An amount that cannot be used where it was given (a negative credit balance, a
    /// charge of nothing).
    #[error("{0}")]
    InvalidAmount(String),
    /// A plan change that cannot be made (no seats, too many seats).
    #[error("{0}")]
    InvalidChange(String),
    /// The change asked for is the plan the team already has.
    #[error("the team is already on this plan")]
    NoChange,
    /// A previewed change can no longer be confirmed as shown: the subscription or the
    /// credit balance changed, the preview expired, or it was altered. Preview again.
    #[error("{0}; preview the change again")]
    PreviewStale(&'static str),
    /// A card number or expiry the provider cannot take.
    #[error("{0}")]
    InvalidCard(String),
    /// No such customer, payment method or pending confirmation at the provider.
    #[error("{0}")]
    NotFound(String),
    /// An idempotency key was used again for a different charge.
    #[error("the idempotency key {0:?} was already used for another charge")]
    IdempotencyConflict(String),
    /// A webhook delivery whose signature header or payload cannot be read.
    #[error("malformed webhook: {0}")]
    WebhookMalformed(&'static str),
    /// A webhook delivery not signed with the endpoint's secret (or altered after).
    #[error("the webhook signature does not match")]
    WebhookSignature,
    /// A webhook delivery signed too long ago (or in the future).
    #[error("the webhook was signed {0} seconds away from now, outside the tolerance")]
    WebhookStale(i64),
    /// A webhook event already received.
    #[error("the webhook event {0} was already received")]
    WebhookReplayed(String),
    /// The team's plan does not allow what was asked; names the cheapest plan that does.
    #[error("{0}")]
    LimitReached(LimitRefusal),
}

impl Error {
    /// A stable, machine-readable name for this error.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Overflow(_) => "overflow",
            Error::CurrencyMismatch { .. } => "currency_mismatch",
            Error::InvalidTime(_) => "invalid_time",
            Error::InvalidAmount(_) => "invalid_amount",
            Error::InvalidChange(_) => "invalid_change",
            Error::NoChange => "no_change",
            Error::PreviewStale(_) => "preview_stale",
            Error::InvalidCard(_) => "invalid_card",
            Error::NotFound(_) => "not_found",
            Error::IdempotencyConflict(_) => "idempotency_conflict",
            Error::WebhookMalformed(_) => "webhook_malformed",
            Error::WebhookSignature => "webhook_signature",
            Error::WebhookStale(_) => "webhook_stale",
            Error::WebhookReplayed(_) => "webhook_replayed",
            Error::LimitReached(_) => "limit_reached",
        }
    }
}
