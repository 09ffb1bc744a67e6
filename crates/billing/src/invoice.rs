//! Invoices: their lines, and how a team's credit balance meets them. A total is never
//! negative: credit applies up to the subtotal, and a negative subtotal (a downgrade's
//! credit) is carried to the balance for the next invoice, never paid out.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Money;
use crate::period::{Date, Period, UnixTime};
use crate::plans::{Cycle, Tier};

/// What a line bills for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// A whole period at the plan's price.
    Subscription,
    /// The rest of a period on the new plan, prorated.
    RemainingTime,
    /// Credit for the rest of a period paid on the old plan, prorated (negative).
    UnusedTime,
}

/// One line of an invoice: a plan over a span of time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub kind: LineKind,
    pub tier: Tier,
    pub cycle: Cycle,
    pub seats: u32,
    /// The time this line pays for.
    pub covers: Period,
    pub amount: Money,
}

impl InvoiceLine {
    /// The line as a person reads it: "Unused time on 5 seats of Basic (monthly) from
    /// 2024-01-16 to 2024-02-01".
    pub fn description(&self) -> String {
        let what = match self.kind {
            LineKind::Subscription => "",
            LineKind::RemainingTime => "Remaining time on ",
            LineKind::UnusedTime => "Unused time on ",
        };
        let seats = if self.seats == 1 { "seat" } else { "seats" };
        format!(
            "{what}{} {seats} of {} ({}) from {} to {}",
            self.seats,
            self.tier,
            self.cycle.name(),
            day(self.covers.start),
            day(self.covers.end),
        )
    }
}

pub(crate) fn day(time: UnixTime) -> String {
    Date::of(time).map_or_else(|_| time.to_string(), |date| date.to_string())
}

/// An invoice. `total = subtotal − credit_applied + credit_carried`, and `total ≥ 0`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub issued_at: UnixTime,
    /// The span of service the invoice is for.
    pub period: Period,
    pub lines: Vec<InvoiceLine>,
    /// The sum of the lines; negative when credits exceed charges.
    pub subtotal: Money,
    /// Credit taken from the team's balance (≥ 0).
    pub credit_applied: Money,
    /// A negative subtotal moved to the team's balance (≥ 0).
    pub credit_carried: Money,
    /// What the team pays (≥ 0).
    pub total: Money,
}

impl Invoice {
    /// Totals `lines` and meets them with `credit_balance` (≥ 0). Returns the invoice
    /// and the balance left after it.
    pub fn settle(
        issued_at: UnixTime,
        period: Period,
        lines: Vec<InvoiceLine>,
        credit_balance: Money,
    ) -> Result<(Invoice, Money)> {
        if credit_balance.is_negative() {
            return Err(Error::InvalidAmount(format!(
                "a credit balance cannot be negative ({credit_balance})"
            )));
        }
        let currency = credit_balance.currency();
        let zero = Money::zero(currency);
        let subtotal = Money::sum(currency, lines.iter().map(|line| &line.amount))?;
        let (credit_applied, credit_carried) = if subtotal.is_negative() {
            (zero, subtotal.checked_neg()?)
        } else {
            (credit_balance.min(subtotal)?, zero)
        };
        let total = subtotal
            .checked_sub(credit_applied)?
            .checked_add(credit_carried)?;
        let balance = credit_balance
            .checked_sub(credit_applied)?
            .checked_add(credit_carried)?;
        let invoice = Invoice {
            issued_at,
            period,
            lines,
            subtotal,
            credit_applied,
            credit_carried,
            total,
        };
        Ok((invoice, balance))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    pub(crate) const JANUARY: Period = Period {
        start: 1_704_067_200,
        end: 1_706_745_600,
    };

    /// A line for 5 seats of Basic, monthly, over January 2024.
    pub(crate) fn line(kind: LineKind, cents: i64) -> InvoiceLine {
        InvoiceLine {
            kind,
            tier: Tier::Basic,
            cycle: Cycle::Monthly,
            seats: 5,
            covers: JANUARY,
            amount: Money::usd(cents),
        }
    }

    #[test]
    fn credit_applies_up_to_the_subtotal() {
        let lines = vec![line(LineKind::Subscription, 4_000)];
        let (invoice, balance) =
            Invoice::settle(JANUARY.start, JANUARY, lines.clone(), Money::usd(1_500)).unwrap();
        assert_eq!(
            (
                invoice.subtotal,
                invoice.credit_applied,
                invoice.total,
                balance
            ),
            (
                Money::usd(4_000),
                Money::usd(1_500),
                Money::usd(2_500),
                Money::usd(0)
            )
        );
        let (invoice, balance) =
            Invoice::settle(JANUARY.start, JANUARY, lines, Money::usd(10_000)).unwrap();
        assert_eq!((invoice.total, balance), (Money::usd(0), Money::usd(6_000)));
    }

    #[test]
    fn a_negative_subtotal_is_carried_not_paid() {
        let lines = vec![
            line(LineKind::UnusedTime, -2_065),
            line(LineKind::RemainingTime, 825),
        ];
        let (invoice, balance) =
            Invoice::settle(JANUARY.start, JANUARY, lines, Money::usd(100)).unwrap();
        assert_eq!(invoice.subtotal, Money::usd(-1_240));
        assert_eq!(invoice.credit_applied, Money::usd(0));
        assert_eq!(invoice.credit_carried, Money::usd(1_240));
        assert_eq!(invoice.total, Money::usd(0));
        assert_eq!(balance, Money::usd(1_340));
    }

    #[test]
    fn a_negative_balance_is_refused() {
        let error = Invoice::settle(0, JANUARY, vec![], Money::usd(-1)).unwrap_err();
        assert_eq!(error.kind(), "invalid_amount");
    }

    #[test]
    fn lines_read_as_sentences() {
        assert_eq!(
            line(LineKind::UnusedTime, -2_065).description(),
            "Unused time on 5 seats of Basic (monthly) from 2024-01-01 to 2024-02-01"
        );
        let one = InvoiceLine {
            seats: 1,
            ..line(LineKind::Subscription, 800)
        };
        assert_eq!(
            one.description(),
            "1 seat of Basic (monthly) from 2024-01-01 to 2024-02-01"
        );
    }
}
