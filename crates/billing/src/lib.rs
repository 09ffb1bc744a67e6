//! Courier's billing rules, as pure functions over plain data (issue #14's domain core).
//!
//! Money is whole minor units in an `i64` ([`Money`]); every operation is checked and
//! no floating point is used anywhere (`clippy::float_arithmetic` is denied).
//! [`plans`] is the catalog: tiers, cycles, per-seat prices and each tier's
//! [`Limits`], with [`check_limit`] answering with the upgrade path. [`period`] is the
//! calendar: a [`Schedule`] (anchor + cycle) gives each [`Period`] to the second.
//! [`subscription`] moves a [`Subscription`]: [`start`], Edit Plan's [`preview_change`]
//! and [`apply_change`] (the same computation, so the invoice is the preview), and
//! [`renew`]. [`proration`] holds the one rounding rule: a charge for part of a period
//! rounds down, a credit for unused time rounds up in size, each line once.
//! [`invoice`] meets lines with the team's credit balance (totals never negative; a net
//! credit is carried, never refunded). [`document`] prints an invoice for people:
//! [`invoice_html`] (self-contained, every piece of text escaped) and [`invoice_pdf`]
//! (PDF 1.4 written by hand, A4, flowing onto further pages). [`dunning`] is what
//! follows a failed payment.
//! [`provider`] is the [`PaymentProvider`] seam and [`TestModeProvider`], which works
//! offline (the card number decides the outcome; only a token, the last four digits and
//! the brand leave it). Its customer ids and tokens carry what they stand for under an
//! HMAC-SHA256 tag keyed from its secret (`pm_test_<behaviour>_<instance>_<n>_<tag>`),
//! so they charge after a restart and on every instance with the same secret, and an
//! altered or forged one is not found; only idempotency keys and payments awaiting
//! confirmation are kept in memory. [`webhook`] signs and verifies its asynchronous
//! events (HMAC-SHA256, `t=…,v1=…`, a five-minute tolerance, each event id once).
//!
//! ```
//! use courier_billing::{Choice, Cycle, Money, Tier, apply_change, preview_change, renew, start};
//!
//! // 2024-01-01: a team starts Basic, monthly, 5 seats (40.00 USD).
//! let jan_1 = 1_704_067_200;
//! let basic = Choice { tier: Tier::Basic, cycle: Cycle::Monthly, seats: 5 };
//! let started = start(basic, jan_1, Money::usd(0))?;
//!
//! // On Jan 16 (16 of 31 days left) Edit Plan previews Professional…
//! let jan_16 = jan_1 + 15 * 86_400;
//! let pro = Choice { tier: Tier::Professional, ..basic };
//! let preview = preview_change(&started.subscription, started.credit_balance, pro, jan_16)?;
//! let total = preview.outcome.invoice.as_ref().map(|invoice| invoice.total);
//! assert_eq!(total, Some(Money::usd(1_805))); // −20.65 unused Basic, +38.70 Professional
//!
//! // …and confirming a minute later bills exactly that.
//! let changed = apply_change(&started.subscription, started.credit_balance, &preview, jan_16 + 60)?;
//! assert_eq!(changed, preview.outcome);
//! let february = renew(&changed.subscription, changed.credit_balance)?;
//! assert_eq!(february.invoice.map(|invoice| invoice.total), Some(Money::usd(7_500)));
//! # Ok::<(), courier_billing::Error>(())
//! ```
//!
//! Not here: storage, HTTP, clocks and I/O. The server stores subscriptions, invoices
//! and payment states, passes in the time, and calls these functions.

#![deny(clippy::float_arithmetic, clippy::indexing_slicing)]

pub mod document;
pub mod dunning;
mod error;
pub mod invoice;
pub mod money;
pub mod period;
pub mod plans;
pub mod proration;
pub mod provider;
pub mod subscription;
pub mod webhook;

pub use document::{InvoiceHeading, InvoiceStatus, SELLER, invoice_html, invoice_pdf};
pub use dunning::{DunningAction, PaymentEvent, PaymentState};
pub use error::{Error, Result};
pub use invoice::{Invoice, InvoiceLine, LineKind};
pub use money::{Currency, Money, Rounding};
pub use period::{Date, Period, Schedule, UnixTime};
pub use plans::{Cycle, LimitRefusal, Limits, Plan, Tier, Usage, check_limit};
pub use proration::{prorated_charge, unused_time_credit};
pub use provider::{
    CardBrand, CardDetails, CardNumber, Charge, ChargeOutcome, ChargeRequest, PaymentMethod,
    PaymentProvider, TestModeProvider,
};
pub use subscription::{
    Billed, ChangePreview, Choice, Subscription, apply_change, move_to_free, preview_change, renew,
    start,
};
