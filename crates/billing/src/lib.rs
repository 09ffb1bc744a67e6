//! Courier's billing rules, as pure functions over plain data (issue #14's domain core).
//!
//! Money is whole minor units in an `i64` ([`Money`]); every operation is checked and
//! no floating point is used anywhere (`clippy::float_arithmetic` is denied).
//! [`plans`] is the catalog: tiers, cycles, per-seat prices and each tier's
//! [`Limits`], with [`check_limit`] answering with the upgrade path. [`period`] is the
//! calendar: a [`Schedule`] (anchor + cycle) gives each [`Period`] to the second.
//!
//! Not here: storage, HTTP, clocks and I/O. The server stores subscriptions, invoices
//! and payment states, passes in the time, and calls these functions.

#![deny(clippy::float_arithmetic, clippy::indexing_slicing)]

mod error;
pub mod money;
pub mod period;
pub mod plans;

pub use error::{Error, Result};
pub use money::{Currency, Money, Rounding};
pub use period::{Date, Period, Schedule, UnixTime};
pub use plans::{Cycle, LimitRefusal, Limits, Plan, Tier, Usage, check_limit};
