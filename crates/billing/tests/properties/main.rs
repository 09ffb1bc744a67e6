//! Property tests of the billing core through its public API: money arithmetic, the
//! calendar (against the `time` crate), and proration, previews, invoices and credit over
//! any change at any second of any period.

#![allow(clippy::unwrap_used)]

mod calendar;
mod money;
mod proration;
mod strategies;
