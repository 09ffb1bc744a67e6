//! Properties of changes, renewals and invoices: every line is exactly the documented
//! rounding of its exact share, a split period costs its price to within one minor unit,
//! a confirmed preview is its invoice, totals are never negative and credit is conserved.

use courier_billing::period::Schedule;
use courier_billing::{
    Billed, Choice, Cycle, Error, Invoice, LineKind, Money, Period, Subscription, Tier,
    apply_change, preview_change, prorated_charge, renew, start, unused_time_credit,
};
use proptest::prelude::*;

use crate::strategies::{anchors, balances, choices, subscriptions_at};

/// `price × part / whole` as an exact fraction's numerator over `whole`.
fn exact_share(price: Money, part: i64) -> i128 {
    i128::from(price.minor()) * i128::from(part)
}

fn floor_div(numerator: i128, whole: i64) -> i64 {
    i64::try_from(numerator.div_euclid(i128::from(whole))).unwrap()
}

fn ceil_div(numerator: i128, whole: i64) -> i64 {
    -floor_div(-numerator, whole)
}

/// The bookkeeping every invoice and balance keeps.
fn check_books(
    invoice: &Invoice,
    balance_before: Money,
    balance_after: Money,
) -> Result<(), TestCaseError> {
    let lines = invoice
        .lines
        .iter()
        .map(|line| line.amount.minor())
        .sum::<i64>();
    prop_assert_eq!(invoice.subtotal.minor(), lines);
    prop_assert!(
        !invoice.total.is_negative(),
        "negative total {}",
        invoice.total
    );
    prop_assert!(!invoice.credit_applied.is_negative());
    prop_assert!(!invoice.credit_carried.is_negative());
    prop_assert!(invoice.credit_applied.is_zero() || invoice.credit_carried.is_zero());
    prop_assert_eq!(
        invoice.total.minor(),
        invoice.subtotal.minor() - invoice.credit_applied.minor() + invoice.credit_carried.minor()
    );
    prop_assert_eq!(
        balance_after.minor(),
        balance_before.minor() - invoice.credit_applied.minor() + invoice.credit_carried.minor()
    );
    prop_assert!(!balance_after.is_negative());
    Ok(())
}

fn check_billed(billed: &Billed, balance_before: Money) -> Result<(), TestCaseError> {
    match &billed.invoice {
        Some(invoice) => check_books(invoice, balance_before, billed.credit_balance)?,
        None => prop_assert_eq!(billed.credit_balance, balance_before),
    }
    // The subscription's period is always one of its own schedule's.
    let subscription = &billed.subscription;
    prop_assert_eq!(
        subscription
            .schedule()
            .period_at(subscription.period.start)
            .unwrap(),
        subscription.period
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    #[test]
    fn every_line_is_its_exact_share_rounded_in_the_customers_favour(
        (current, at) in subscriptions_at(), change in choices(), balance in balances(),
    ) {
        let preview = match preview_change(&current, balance, change, at) {
            Err(Error::NoChange) => {
                prop_assert_eq!(change, current.choice());
                return Ok(());
            }
            result => result.unwrap(),
        };
        check_billed(&preview.outcome, balance)?;
        let period = current.period;
        let (rest, length) = (period.end - at, period.seconds());
        let kinds: Vec<LineKind> = preview.outcome.invoice.iter()
            .flat_map(|invoice| invoice.lines.iter().map(|line| line.kind))
            .collect();
        let waits = current.tier != Tier::Free
            && (change.tier == Tier::Free || (current.cycle, change.cycle) == (Cycle::Annual, Cycle::Monthly));
        if waits {
            prop_assert_eq!(preview.takes_effect, period.end);
            prop_assert_eq!(preview.outcome.subscription.scheduled, Some(change));
            prop_assert!(kinds.is_empty());
            return Ok(());
        }
        prop_assert_eq!(preview.takes_effect, at);
        prop_assert_eq!(preview.outcome.subscription.choice(), change);
        let expected_kinds = match (current.tier, current.cycle == change.cycle) {
            (Tier::Free, _) if change.tier == Tier::Free => vec![],
            (Tier::Free, _) => vec![LineKind::Subscription],
            (_, true) => vec![LineKind::UnusedTime, LineKind::RemainingTime],
            (_, false) => vec![LineKind::UnusedTime, LineKind::Subscription],
        };
        prop_assert_eq!(&kinds, &expected_kinds);
        for line in preview.outcome.invoice.iter().flat_map(|invoice| &invoice.lines) {
            match line.kind {
                LineKind::UnusedTime => {
                    let old = current.choice().price().unwrap();
                    prop_assert_eq!(line.amount.minor(), -ceil_div(exact_share(old, rest), length));
                    prop_assert_eq!(line.covers, Period { start: at, end: period.end });
                }
                LineKind::RemainingTime => {
                    let new = change.price().unwrap();
                    prop_assert_eq!(line.amount.minor(), floor_div(exact_share(new, rest), length));
                    prop_assert_eq!(line.covers, Period { start: at, end: period.end });
                }
                LineKind::Subscription => {
                    prop_assert_eq!(line.amount, change.price().unwrap());
                    let year_or_month = Schedule { anchor: at, cycle: change.cycle }.period(0).unwrap();
                    prop_assert_eq!(line.covers, year_or_month);
                }
            }
        }
    }

    #[test]
    fn a_period_split_at_any_second_costs_its_price_within_one_minor_unit(
        (subscription, at) in subscriptions_at(), price in 0_i64..10_000_000_000,
    ) {
        let price = Money::usd(price);
        let period = subscription.period;
        let (before, after) = (Period { start: period.start, end: at }, Period { start: at, end: period.end });
        let charged = prorated_charge(price, &period, &before).unwrap().minor()
            + prorated_charge(price, &period, &after).unwrap().minor();
        prop_assert!((price.minor() - 1..=price.minor()).contains(&charged), "{} for {}", charged, price);
        let credited = unused_time_credit(price, &period, &before).unwrap().minor()
            + unused_time_credit(price, &period, &after).unwrap().minor();
        prop_assert!((-price.minor() - 1..=-price.minor()).contains(&credited), "{} for {}", credited, price);
    }

    #[test]
    fn changing_and_changing_back_at_the_same_second_never_costs_the_customer(
        (current, at) in subscriptions_at(), seats in 1_u32..=2_000, tier in proptest::sample::select(Tier::ALL[1..].to_vec()),
    ) {
        prop_assume!(current.tier != Tier::Free && (tier, seats) != (current.tier, current.seats));
        let change = Choice { tier, seats, cycle: current.cycle };
        let there = preview_change(&current, Money::usd(0), change, at).unwrap().outcome;
        let back = preview_change(&there.subscription, Money::usd(0), current.choice(), at).unwrap().outcome;
        let net = there.invoice.unwrap().subtotal.minor() + back.invoice.unwrap().subtotal.minor();
        // Four lines, each rounded toward the customer by less than one unit.
        prop_assert!((-2..=0).contains(&net), "net {}", net);
        prop_assert_eq!(back.subscription, current);
    }

    #[test]
    fn a_confirmed_preview_is_exactly_its_invoice(
        (current, at) in subscriptions_at(), change in choices(), balance in balances(), delay in 0_i64..=600,
    ) {
        prop_assume!(change != current.choice());
        let preview = preview_change(&current, balance, change, at).unwrap();
        let applied = apply_change(&current, balance, &preview, at + delay).unwrap();
        prop_assert_eq!(applied, preview.outcome);
    }

    #[test]
    fn renewals_keep_the_books((current, _) in subscriptions_at(), next in choices(), balance in balances(), scheduled in any::<bool>()) {
        let current = Subscription { scheduled: scheduled.then_some(next), ..current };
        let renewed = renew(&current, balance).unwrap();
        check_billed(&renewed, balance)?;
        prop_assert_eq!(renewed.subscription.period.start, current.period.end);
        prop_assert_eq!(renewed.subscription.choice(), current.scheduled.unwrap_or(current.choice()));
        if let Some(invoice) = &renewed.invoice {
            prop_assert_eq!(invoice.subtotal, renewed.subscription.choice().price().unwrap());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_history_of_changes_and_renewals_keeps_the_books(
        first in choices(),
        anchor in anchors(),
        steps in proptest::collection::vec((choices(), any::<u64>(), any::<bool>()), 1..24),
    ) {
        let mut billed = start(first, anchor, Money::usd(0)).unwrap();
        check_billed(&billed, Money::usd(0))?;
        for (change, share, renews) in steps {
            let balance = billed.credit_balance;
            let current = billed.subscription;
            billed = if renews {
                renew(&current, balance).unwrap()
            } else {
                let offset = share % u64::try_from(current.period.seconds()).unwrap();
                let at = current.period.start + i64::try_from(offset).unwrap();
                match preview_change(&current, balance, change, at) {
                    Err(Error::NoChange) => continue,
                    result => apply_change(&current, balance, &result.unwrap(), at).unwrap(),
                }
            };
            check_billed(&billed, balance)?;
        }
    }
}
