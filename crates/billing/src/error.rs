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
            Error::LimitReached(_) => "limit_reached",
        }
    }
}
