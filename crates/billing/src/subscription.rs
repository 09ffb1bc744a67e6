//! A team's subscription and every way it moves: [`start`], [`preview_change`] /
//! [`apply_change`] (Edit Plan), [`renew`] at the end of a period, and [`move_to_free`]
//! when payment never came. Each returns the new subscription, the invoice it costs (if
//! any) and the team's credit balance after it; the server stores all three.
//!
//! How a change takes effect:
//! - same cycle, another tier or seat count: at once; the unused time of the old plan is
//!   credited and the rest of the period on the new one charged ([`crate::proration`]).
//!   When that is a net credit (fewer seats, a lower tier) nothing is refunded: it is
//!   carried to the credit balance and taken off the next invoice;
//! - monthly → annual, or any paid plan from Free: a new period starts at once (the
//!   unused monthly time credited, the whole new period charged);
//! - annual → monthly, or a move to Free: at the end of the paid period (scheduled);
//!   nothing is credited, the time was paid for and is used;
//! - choosing the current plan while a change is scheduled cancels the scheduled change;
//!   an immediate change also replaces a scheduled one.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::invoice::{Invoice, InvoiceLine, LineKind};
use crate::money::Money;
use crate::period::{Period, Schedule, UnixTime};
use crate::plans::{Cycle, Tier};
use crate::proration::{prorated_charge, unused_time_credit};

/// The most seats one subscription may have.
pub const MAX_SEATS: u32 = 100_000;
/// How long a preview can be confirmed after it was made.
pub const PREVIEW_LIFETIME_SECONDS: i64 = 10 * 60;

/// A plan as a team chooses it: tier, cycle and seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Choice {
    pub tier: Tier,
    pub cycle: Cycle,
    pub seats: u32,
}

impl Choice {
    /// The price of one period of this choice.
    pub fn price(&self) -> Result<Money> {
        self.tier.price(self.cycle, self.seats)
    }

    fn validate(self) -> Result<Choice> {
        if (1..=MAX_SEATS).contains(&self.seats) {
            Ok(self)
        } else {
            Err(Error::InvalidChange(format!(
                "a plan has from 1 to {MAX_SEATS} seats, not {}",
                self.seats
            )))
        }
    }

    fn line(&self, kind: LineKind, covers: Period, amount: Money) -> InvoiceLine {
        InvoiceLine {
            kind,
            tier: self.tier,
            cycle: self.cycle,
            seats: self.seats,
            covers,
            amount,
        }
    }
}

/// A team's subscription: its plan, the current period, and a change waiting for the
/// period's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub tier: Tier,
    pub cycle: Cycle,
    pub seats: u32,
    /// Where the periods are counted from (see [`Schedule`]).
    pub anchor: UnixTime,
    /// The current period; one of the schedule's.
    pub period: Period,
    /// The plan the subscription renews into instead of its own.
    pub scheduled: Option<Choice>,
}

impl Subscription {
    pub fn choice(&self) -> Choice {
        Choice {
            tier: self.tier,
            cycle: self.cycle,
            seats: self.seats,
        }
    }

    pub fn schedule(&self) -> Schedule {
        Schedule {
            anchor: self.anchor,
            cycle: self.cycle,
        }
    }

    /// Starts `choice` with its first period beginning at `at`.
    fn begin(choice: Choice, at: UnixTime) -> Result<Subscription> {
        let period = Schedule {
            anchor: at,
            cycle: choice.cycle,
        }
        .period(0)?;
        Ok(Subscription {
            tier: choice.tier,
            cycle: choice.cycle,
            seats: choice.seats,
            anchor: at,
            period,
            scheduled: None,
        })
    }

    fn with_choice(self, choice: Choice) -> Subscription {
        Subscription {
            tier: choice.tier,
            cycle: choice.cycle,
            seats: choice.seats,
            scheduled: None,
            ..self
        }
    }
}

/// What a start, a change or a renewal leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Billed {
    pub subscription: Subscription,
    /// What it costs now; `None` when there is nothing to bill (a scheduled change, Free).
    pub invoice: Option<Invoice>,
    /// The team's credit balance after the invoice.
    pub credit_balance: Money,
}

/// Edit Plan's preview: exactly what confirming will do, for [`apply_change`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePreview {
    /// The subscription the change was previewed on.
    pub from: Subscription,
    /// The credit balance it was previewed with.
    pub credit_balance: Money,
    pub change: Choice,
    /// The second the proration is computed at.
    pub at: UnixTime,
    /// When the new plan starts: `at`, or the end of the current period.
    pub takes_effect: UnixTime,
    pub outcome: Billed,
}

/// Subscribes to `choice` from `at`: a first period starts, charged whole.
pub fn start(choice: Choice, at: UnixTime, credit_balance: Money) -> Result<Billed> {
    let subscription = Subscription::begin(choice.validate()?, at)?;
    new_period_now(subscription, None, credit_balance, at)
}

/// What changing `current` to `change` at `at` (inside the current period) costs and
/// leads to. Pure: [`apply_change`] confirms it.
pub fn preview_change(
    current: &Subscription,
    credit_balance: Money,
    change: Choice,
    at: UnixTime,
) -> Result<ChangePreview> {
    let change = change.validate()?;
    let rest = current.period.rest_from(at)?;
    let preview = |takes_effect: UnixTime, outcome: Billed| ChangePreview {
        from: *current,
        credit_balance,
        change,
        at,
        takes_effect,
        outcome,
    };
    let unbilled = |subscription: Subscription| Billed {
        subscription,
        invoice: None,
        credit_balance,
    };

    if change == current.choice() {
        if current.scheduled.is_none() {
            return Err(Error::NoChange);
        }
        let cancelled = Subscription {
            scheduled: None,
            ..*current
        };
        return Ok(preview(at, unbilled(cancelled)));
    }
    if current.tier == Tier::Free {
        let billed = new_period_now(Subscription::begin(change, at)?, None, credit_balance, at)?;
        return Ok(preview(at, billed));
    }
    let waits_for_period_end = change.tier == Tier::Free
        || (current.cycle, change.cycle) == (Cycle::Annual, Cycle::Monthly);
    if waits_for_period_end {
        let scheduled = Subscription {
            scheduled: Some(change),
            ..*current
        };
        return Ok(preview(current.period.end, unbilled(scheduled)));
    }

    let old = current.choice();
    let credit = old.line(
        LineKind::UnusedTime,
        rest,
        unused_time_credit(old.price()?, &current.period, &rest)?,
    );
    if current.cycle != change.cycle {
        // Monthly → annual: the year starts now.
        let billed = new_period_now(
            Subscription::begin(change, at)?,
            Some(credit),
            credit_balance,
            at,
        )?;
        return Ok(preview(at, billed));
    }
    let charge = change.line(
        LineKind::RemainingTime,
        rest,
        prorated_charge(change.price()?, &current.period, &rest)?,
    );
    let (invoice, credit_balance_after) =
        Invoice::settle(at, rest, vec![credit, charge], credit_balance)?;
    let billed = Billed {
        subscription: current.with_choice(change),
        invoice: Some(invoice),
        credit_balance: credit_balance_after,
    };
    Ok(preview(at, billed))
}

/// Confirms a preview at `now`: the result is exactly the preview's, or the preview is
/// refused as stale (the subscription or balance changed, more than
/// [`PREVIEW_LIFETIME_SECONDS`] passed, or the preview was altered on its way back).
pub fn apply_change(
    current: &Subscription,
    credit_balance: Money,
    preview: &ChangePreview,
    now: UnixTime,
) -> Result<Billed> {
    if preview.from != *current || preview.credit_balance != credit_balance {
        return Err(Error::PreviewStale("the plan changed since this preview"));
    }
    if !(0..=PREVIEW_LIFETIME_SECONDS).contains(&now.saturating_sub(preview.at)) {
        return Err(Error::PreviewStale("this preview has expired"));
    }
    let fresh = preview_change(current, credit_balance, preview.change, preview.at)?;
    if fresh != *preview {
        return Err(Error::PreviewStale(
            "this preview does not match the plan's prices",
        ));
    }
    Ok(fresh.outcome)
}

/// The subscription's next period, at the end of the current one: the scheduled change
/// (if any) takes effect, and the period is charged whole, less the credit balance.
pub fn renew(current: &Subscription, credit_balance: Money) -> Result<Billed> {
    let next = current.scheduled.unwrap_or(current.choice());
    let at = current.period.end;
    if next.cycle != current.cycle {
        return new_period_now(Subscription::begin(next, at)?, None, credit_balance, at);
    }
    let period = current.schedule().period_at(at)?;
    let renewed = Subscription {
        period,
        ..current.with_choice(next)
    };
    new_period_now(renewed, None, credit_balance, at)
}

/// The subscription after payment never came: Free from `at`, same seats, with nothing
/// else touched (members, workspaces and the credit balance stay; Free's limits only
/// refuse adding more).
pub fn move_to_free(current: &Subscription, at: UnixTime) -> Result<Subscription> {
    let free = Choice {
        tier: Tier::Free,
        cycle: Cycle::Monthly,
        seats: current.seats,
    };
    Subscription::begin(free, at)
}

/// Bills `subscription`'s whole current period (after `credit`, if any) at `at`. A
/// period that costs nothing (Free) gets no invoice.
fn new_period_now(
    subscription: Subscription,
    credit: Option<InvoiceLine>,
    credit_balance: Money,
    at: UnixTime,
) -> Result<Billed> {
    let choice = subscription.choice();
    let price = choice.price()?;
    if price.is_zero() && credit.is_none() {
        return Ok(Billed {
            subscription,
            invoice: None,
            credit_balance,
        });
    }
    let charge = choice.line(LineKind::Subscription, subscription.period, price);
    let lines = credit.into_iter().chain([charge]).collect();
    let (invoice, credit_balance) =
        Invoice::settle(at, subscription.period, lines, credit_balance)?;
    Ok(Billed {
        subscription,
        invoice: Some(invoice),
        credit_balance,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::period::Date;

    const DAY: i64 = 86_400;

    fn day(year: i64, month: u32, day: u32) -> UnixTime {
        Date::new(year, month, day).unwrap().midnight()
    }

    fn choice(tier: Tier, cycle: Cycle, seats: u32) -> Choice {
        Choice { tier, cycle, seats }
    }

    /// Basic, monthly, 5 seats, from 2024-01-01 (a 31-day January), no credit.
    fn basic_five() -> Subscription {
        start(
            choice(Tier::Basic, Cycle::Monthly, 5),
            day(2024, 1, 1),
            Money::usd(0),
        )
        .unwrap()
        .subscription
    }

    /// The preview of `change` at `at`, with no credit balance.
    fn preview_of(current: &Subscription, change: Choice, at: UnixTime) -> ChangePreview {
        preview_change(current, Money::usd(0), change, at).unwrap()
    }

    fn amounts(invoice: &Invoice) -> Vec<i64> {
        invoice
            .lines
            .iter()
            .map(|line| line.amount.minor())
            .collect()
    }

    #[test]
    fn starting_charges_the_whole_first_period() {
        let billed = start(
            choice(Tier::Basic, Cycle::Monthly, 5),
            day(2024, 1, 31),
            Money::usd(0),
        )
        .unwrap();
        let invoice = billed.invoice.unwrap();
        assert_eq!(
            invoice.period,
            Period {
                start: day(2024, 1, 31),
                end: day(2024, 2, 29)
            }
        );
        assert_eq!(amounts(&invoice), [4_000]);
        assert_eq!(invoice.total, Money::usd(4_000));
        assert!(
            start(choice(Tier::Free, Cycle::Monthly, 3), 0, Money::usd(0))
                .unwrap()
                .invoice
                .is_none()
        );
    }

    #[test]
    fn an_upgrade_credits_the_unused_time_and_charges_the_rest() {
        // Half-way through January: 16 of 31 days remain.
        let at = day(2024, 1, 16);
        let current = basic_five();
        let preview = preview_of(&current, choice(Tier::Professional, Cycle::Monthly, 5), at);
        let invoice = preview.outcome.invoice.clone().unwrap();
        // 4000 × 16/31 = 2064.5…, credited as 2065; 7500 × 16/31 = 3870.9…, charged as 3870.
        assert_eq!(amounts(&invoice), [-2_065, 3_870]);
        assert_eq!(invoice.total, Money::usd(1_805));
        assert_eq!(
            invoice.period,
            Period {
                start: at,
                end: day(2024, 2, 1)
            }
        );
        assert_eq!(preview.takes_effect, at);
        assert_eq!(preview.outcome.subscription.tier, Tier::Professional);
        assert_eq!(preview.outcome.subscription.period, current.period);
        // Confirming a minute later gives exactly the preview.
        let applied = apply_change(&current, Money::usd(0), &preview, at + 60).unwrap();
        assert_eq!(applied, preview.outcome);
    }

    #[test]
    fn fewer_seats_credit_the_next_invoice_instead_of_refunding() {
        let at = day(2024, 1, 16);
        let current = basic_five();
        let preview = preview_of(&current, choice(Tier::Basic, Cycle::Monthly, 2), at);
        let invoice = preview.outcome.invoice.clone().unwrap();
        // 1600 × 16/31 = 825.8…, charged as 825.
        assert_eq!(amounts(&invoice), [-2_065, 825]);
        assert_eq!(
            (invoice.total, invoice.credit_carried),
            (Money::usd(0), Money::usd(1_240))
        );
        assert_eq!(preview.outcome.credit_balance, Money::usd(1_240));

        let renewed = renew(
            &preview.outcome.subscription,
            preview.outcome.credit_balance,
        )
        .unwrap();
        let invoice = renewed.invoice.unwrap();
        assert_eq!(
            invoice.period,
            Period {
                start: day(2024, 2, 1),
                end: day(2024, 3, 1)
            }
        );
        assert_eq!(amounts(&invoice), [1_600]);
        assert_eq!(
            (invoice.credit_applied, invoice.total),
            (Money::usd(1_240), Money::usd(360))
        );
        assert_eq!(renewed.credit_balance, Money::usd(0));
    }

    #[test]
    fn monthly_to_annual_starts_a_year_at_once() {
        let at = day(2024, 1, 16);
        let preview = preview_change(
            &basic_five(),
            Money::usd(0),
            choice(Tier::Basic, Cycle::Annual, 5),
            at,
        )
        .unwrap();
        let invoice = preview.outcome.invoice.unwrap();
        assert_eq!(amounts(&invoice), [-2_065, 40_000]);
        assert_eq!(invoice.total, Money::usd(37_935));
        let year = Period {
            start: at,
            end: day(2025, 1, 16),
        };
        assert_eq!(invoice.period, year);
        assert_eq!(preview.outcome.subscription.period, year);
        assert_eq!(preview.outcome.subscription.anchor, at);
    }

    #[test]
    fn annual_to_monthly_waits_for_the_end_of_the_year() {
        let annual = start(
            choice(Tier::Professional, Cycle::Annual, 2),
            day(2024, 2, 29),
            Money::usd(0),
        )
        .unwrap()
        .subscription;
        let monthly = choice(Tier::Professional, Cycle::Monthly, 2);
        let preview = preview_of(&annual, monthly, day(2024, 6, 1));
        assert_eq!(preview.takes_effect, day(2025, 2, 28));
        assert!(preview.outcome.invoice.is_none());
        assert_eq!(preview.outcome.subscription.scheduled, Some(monthly));
        assert_eq!(preview.outcome.subscription.tier, Tier::Professional);

        let renewed = renew(&preview.outcome.subscription, Money::usd(0)).unwrap();
        assert_eq!(renewed.subscription.choice(), monthly);
        assert_eq!(renewed.subscription.scheduled, None);
        assert_eq!(
            renewed.subscription.period,
            Period {
                start: day(2025, 2, 28),
                end: day(2025, 3, 28)
            }
        );
        assert_eq!(renewed.invoice.unwrap().total, Money::usd(3_000));
    }

    #[test]
    fn moving_to_free_waits_and_then_bills_nothing() {
        let current = basic_five();
        let free = choice(Tier::Free, Cycle::Monthly, 5);
        let preview = preview_of(&current, free, day(2024, 1, 10));
        assert_eq!(preview.takes_effect, day(2024, 2, 1));
        let renewed = renew(&preview.outcome.subscription, Money::usd(0)).unwrap();
        assert_eq!(renewed.subscription.tier, Tier::Free);
        assert!(renewed.invoice.is_none());
    }

    #[test]
    fn choosing_the_current_plan_cancels_a_scheduled_change() {
        let current = basic_five();
        let at = day(2024, 1, 10);
        let error = preview_change(&current, Money::usd(0), current.choice(), at).unwrap_err();
        assert_eq!(error.kind(), "no_change");
        let free = choice(Tier::Free, Cycle::Monthly, 5);
        let scheduled = preview_of(&current, free, at).outcome.subscription;
        let cancelled = preview_of(&scheduled, current.choice(), at);
        assert_eq!(cancelled.outcome.subscription, current);
        assert!(cancelled.outcome.invoice.is_none());
    }

    #[test]
    fn a_paid_plan_from_free_starts_a_period_at_once() {
        let free = start(
            choice(Tier::Free, Cycle::Monthly, 3),
            day(2024, 1, 1),
            Money::usd(0),
        )
        .unwrap();
        let at = day(2024, 1, 20) + 3_600;
        let preview = preview_of(
            &free.subscription,
            choice(Tier::Basic, Cycle::Monthly, 3),
            at,
        );
        let invoice = preview.outcome.invoice.unwrap();
        assert_eq!(amounts(&invoice), [2_400]);
        assert_eq!(
            invoice.period,
            Period {
                start: at,
                end: day(2024, 2, 20) + 3_600
            }
        );
    }

    #[test]
    fn a_stale_or_altered_preview_is_refused() {
        let current = basic_five();
        let at = day(2024, 1, 16);
        let preview = preview_of(&current, choice(Tier::Enterprise, Cycle::Monthly, 5), at);
        let stale = |error: Error| error.kind() == "preview_stale";

        assert!(stale(
            apply_change(
                &current,
                Money::usd(0),
                &preview,
                at + PREVIEW_LIFETIME_SECONDS + 1
            )
            .unwrap_err()
        ));
        assert!(stale(
            apply_change(&current, Money::usd(0), &preview, at - 1).unwrap_err()
        ));
        assert!(stale(
            apply_change(&current, Money::usd(5), &preview, at).unwrap_err()
        ));
        let other = Subscription {
            seats: 6,
            ..current
        };
        assert!(stale(
            apply_change(&other, Money::usd(0), &preview, at).unwrap_err()
        ));

        let mut altered = preview.clone();
        if let Some(invoice) = altered.outcome.invoice.as_mut() {
            invoice.total = Money::usd(1);
        }
        assert!(stale(
            apply_change(&current, Money::usd(0), &altered, at).unwrap_err()
        ));
        assert!(
            apply_change(
                &current,
                Money::usd(0),
                &preview,
                at + PREVIEW_LIFETIME_SECONDS
            )
            .is_ok()
        );
    }

    #[test]
    fn a_change_outside_the_period_or_without_seats_is_refused() {
        let current = basic_five();
        let pro = choice(Tier::Professional, Cycle::Monthly, 5);
        let error = preview_change(&current, Money::usd(0), pro, day(2024, 2, 1)).unwrap_err();
        assert_eq!(error.kind(), "invalid_time");
        let none = choice(Tier::Professional, Cycle::Monthly, 0);
        let error = preview_change(&current, Money::usd(0), none, day(2024, 1, 2)).unwrap_err();
        assert_eq!(error.kind(), "invalid_change");
        let error = start(
            choice(Tier::Basic, Cycle::Monthly, MAX_SEATS + 1),
            0,
            Money::usd(0),
        )
        .unwrap_err();
        assert_eq!(error.kind(), "invalid_change");
    }

    #[test]
    fn renewals_follow_the_anchor_and_free_after_failure_keeps_the_seats() {
        let mut billed = start(
            choice(Tier::Basic, Cycle::Monthly, 1),
            day(2024, 1, 31),
            Money::usd(0),
        )
        .unwrap();
        for expected_end in [day(2024, 3, 31), day(2024, 4, 30)] {
            billed = renew(&billed.subscription, billed.credit_balance).unwrap();
            assert_eq!(billed.subscription.period.end, expected_end);
        }
        let free = move_to_free(&billed.subscription, day(2024, 4, 14)).unwrap();
        assert_eq!((free.tier, free.seats), (Tier::Free, 1));
        assert_eq!(
            free.period,
            Period {
                start: day(2024, 4, 14),
                end: day(2024, 4, 14) + 30 * DAY
            }
        );
    }
}
