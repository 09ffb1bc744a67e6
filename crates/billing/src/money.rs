//! Money as whole minor units (cents) of one currency. Every operation is checked: an
//! amount that would leave `i64` is an [`Error::Overflow`], never a panic or a wrap, and
//! amounts of two currencies never mix. Owns the one place where a fraction of a minor
//! unit is rounded ([`Money::prorate`]). No floating point, here or anywhere in the crate.

#![deny(clippy::arithmetic_side_effects)]

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The currencies amounts can be in. Prices are in US dollars today; the type keeps
/// the currency next to every amount so a second one cannot be added by accident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "USD")]
    Usd,
}

impl Currency {
    /// The ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Which way a fraction of a minor unit goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Toward negative infinity.
    Down,
    /// Toward positive infinity.
    Up,
}

/// An amount in minor units (cents for USD). Negative amounts are credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// An amount in US cents.
    pub const fn usd(cents: i64) -> Self {
        Money::new(cents, Currency::Usd)
    }

    pub const fn zero(currency: Currency) -> Self {
        Money::new(0, currency)
    }

    /// The amount in minor units.
    pub const fn minor(self) -> i64 {
        self.minor
    }

    pub const fn currency(self) -> Currency {
        self.currency
    }

    pub const fn is_negative(self) -> bool {
        self.minor < 0
    }

    pub const fn is_zero(self) -> bool {
        self.minor == 0
    }

    pub fn checked_add(self, other: Money) -> Result<Money> {
        let currency = self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(Error::Overflow("a sum"))?;
        Ok(Money::new(minor, currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money> {
        let currency = self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(Error::Overflow("a difference"))?;
        Ok(Money::new(minor, currency))
    }

    pub fn checked_neg(self) -> Result<Money> {
        let minor = self
            .minor
            .checked_neg()
            .ok_or(Error::Overflow("a negation"))?;
        Ok(Money::new(minor, self.currency))
    }

    /// The amount times a count (a seat price times the seats).
    pub fn checked_times(self, count: u32) -> Result<Money> {
        let minor = self
            .minor
            .checked_mul(i64::from(count))
            .ok_or(Error::Overflow("a product"))?;
        Ok(Money::new(minor, self.currency))
    }

    /// The smaller of two amounts of one currency.
    pub fn min(self, other: Money) -> Result<Money> {
        self.same_currency(other)?;
        Ok(if other.minor < self.minor {
            other
        } else {
            self
        })
    }

    /// `self × part / whole`, computed exactly in 128 bits and rounded once, the way
    /// `rounding` says. `part` must lie in `0..=whole` and `whole` be positive, so the
    /// result is never larger in size than `self`.
    pub fn prorate(self, part: i64, whole: i64, rounding: Rounding) -> Result<Money> {
        if whole <= 0 || part < 0 || part > whole {
            return Err(Error::InvalidTime(format!(
                "cannot prorate {part} seconds of a {whole}-second period"
            )));
        }
        let numerator = i128::from(self.minor)
            .checked_mul(i128::from(part))
            .ok_or(Error::Overflow("a proration"))?;
        let whole = i128::from(whole);
        let floor = numerator
            .checked_div_euclid(whole)
            .ok_or(Error::Overflow("a proration"))?;
        let rounded = match rounding {
            Rounding::Down => floor,
            Rounding::Up if numerator.checked_rem_euclid(whole) == Some(0) => floor,
            Rounding::Up => floor.checked_add(1).ok_or(Error::Overflow("a proration"))?,
        };
        let minor = i64::try_from(rounded).map_err(|_| Error::Overflow("a proration"))?;
        Ok(Money::new(minor, self.currency))
    }

    /// The sum of amounts, all in `currency` (zero for none).
    pub fn sum<'a>(
        currency: Currency,
        amounts: impl IntoIterator<Item = &'a Money>,
    ) -> Result<Money> {
        amounts
            .into_iter()
            .try_fold(Money::zero(currency), |total, amount| {
                total.checked_add(*amount)
            })
    }

    fn same_currency(self, other: Money) -> Result<Currency> {
        if self.currency == other.currency {
            Ok(self.currency)
        } else {
            Err(Error::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

impl fmt::Display for Money {
    /// `-12.34 USD`: whole units, two decimals, the code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let size = self.minor.unsigned_abs();
        let (units, cents) = (size / 100, size % 100);
        write!(f, "{sign}{units}.{cents:02} {}", self.currency)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]

    use super::*;

    #[test]
    fn sums_and_differences_are_exact() {
        let a = Money::usd(1_999);
        let b = Money::usd(-2_000);
        assert_eq!(a.checked_add(b).unwrap(), Money::usd(-1));
        assert_eq!(a.checked_sub(b).unwrap(), Money::usd(3_999));
        assert_eq!(
            Money::sum(Currency::Usd, &[a, b, a]).unwrap(),
            Money::usd(1_998)
        );
        assert_eq!(Money::sum(Currency::Usd, &[]).unwrap(), Money::usd(0));
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let max = Money::usd(i64::MAX);
        let min = Money::usd(i64::MIN);
        assert_eq!(
            max.checked_add(Money::usd(1)).unwrap_err().kind(),
            "overflow"
        );
        assert_eq!(
            min.checked_sub(Money::usd(1)).unwrap_err().kind(),
            "overflow"
        );
        assert_eq!(min.checked_neg().unwrap_err().kind(), "overflow");
        assert_eq!(max.checked_times(2).unwrap_err().kind(), "overflow");
        assert_eq!(max.checked_times(1).unwrap(), max);
    }

    #[test]
    fn proration_rounds_once_in_the_direction_asked() {
        let price = Money::usd(1_000);
        // 1000 × 1 / 3 = 333.33…
        assert_eq!(
            price.prorate(1, 3, Rounding::Down).unwrap(),
            Money::usd(333)
        );
        assert_eq!(price.prorate(1, 3, Rounding::Up).unwrap(), Money::usd(334));
        // Exact results are not moved.
        assert_eq!(price.prorate(1, 2, Rounding::Up).unwrap(), Money::usd(500));
        assert_eq!(price.prorate(3, 3, Rounding::Down).unwrap(), price);
        assert_eq!(price.prorate(0, 3, Rounding::Up).unwrap(), Money::usd(0));
        // The largest amounts cannot overflow: the product is taken in 128 bits.
        let max = Money::usd(i64::MAX);
        assert_eq!(max.prorate(i64::MAX, i64::MAX, Rounding::Up).unwrap(), max);
    }

    #[test]
    fn proration_outside_its_period_is_refused() {
        let price = Money::usd(1_000);
        let error = price.prorate(4, 3, Rounding::Down).unwrap_err();
        assert_eq!(error.kind(), "invalid_time");
        assert!(price.prorate(-1, 3, Rounding::Down).is_err());
        assert!(price.prorate(0, 0, Rounding::Down).is_err());
    }

    #[test]
    fn displays_whole_units_and_cents() {
        assert_eq!(Money::usd(123_456).to_string(), "1234.56 USD");
        assert_eq!(Money::usd(-5).to_string(), "-0.05 USD");
        assert_eq!(
            Money::usd(i64::MIN).to_string(),
            "-92233720368547758.08 USD"
        );
    }
}
