//! The one proration rule. A line for part of a period is the period's price × the
//! part's seconds / the period's seconds, computed exactly and rounded once, always in
//! the customer's favour:
//!
//! - a **charge** for time to come is rounded **down** (never more than the exact share);
//! - a **credit** for time not used is rounded **up** in size (never less than the exact
//!   share), and is negative.
//!
//! So each line is within one minor unit of the exact share, a period split at any
//! second into two charged parts costs the whole price or one minor unit less, and the
//! preview and the invoice agree because both are made by these two functions.

use crate::error::{Error, Result};
use crate::money::{Money, Rounding};
use crate::period::Period;

/// What `part` of `period` costs at `price` for the whole period, rounded down.
pub fn prorated_charge(price: Money, period: &Period, part: &Period) -> Result<Money> {
    price.prorate(
        seconds_within(period, part)?,
        period.seconds(),
        Rounding::Down,
    )
}

/// The credit (negative) for `part` of `period` paid at `price` and not used, rounded up
/// in size.
pub fn unused_time_credit(price: Money, period: &Period, part: &Period) -> Result<Money> {
    price
        .prorate(
            seconds_within(period, part)?,
            period.seconds(),
            Rounding::Up,
        )?
        .checked_neg()
}

fn seconds_within(period: &Period, part: &Period) -> Result<i64> {
    if part.start < period.start || part.end > period.end || part.start > part.end {
        return Err(Error::InvalidTime(format!(
            "{}..{} is not inside the period {}..{}",
            part.start, part.end, period.start, period.end
        )));
    }
    Ok(part.seconds())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const PERIOD: Period = Period { start: 0, end: 3 };

    #[test]
    fn charges_round_down_and_credits_round_up_in_size() {
        let price = Money::usd(1_000);
        let third = Period { start: 2, end: 3 };
        assert_eq!(
            prorated_charge(price, &PERIOD, &third).unwrap(),
            Money::usd(333)
        );
        assert_eq!(
            unused_time_credit(price, &PERIOD, &third).unwrap(),
            Money::usd(-334)
        );
        assert_eq!(prorated_charge(price, &PERIOD, &PERIOD).unwrap(), price);
        assert_eq!(
            unused_time_credit(price, &PERIOD, &PERIOD).unwrap(),
            Money::usd(-1_000)
        );
    }

    #[test]
    fn a_part_outside_the_period_is_refused() {
        let price = Money::usd(1_000);
        for part in [
            Period { start: -1, end: 2 },
            Period { start: 1, end: 4 },
            Period { start: 2, end: 1 },
        ] {
            let error = prorated_charge(price, &PERIOD, &part).unwrap_err();
            assert_eq!(error.kind(), "invalid_time");
        }
    }
}
