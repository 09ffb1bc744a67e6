//! Generators shared by the property tests: plans, anchors biased toward month ends and
//! leap days, and subscriptions somewhere in their history.

use courier_billing::period::{Date, Schedule, UnixTime};
use courier_billing::{Choice, Cycle, Money, Subscription, Tier};
use proptest::prelude::*;
use time::{Month, util::days_in_month};

/// Anchors anywhere from 1970 to 2200, half of them in the last days of a month.
pub fn anchors() -> impl Strategy<Value = UnixTime> {
    prop_oneof![
        0..=7_258_118_400_i64,
        (1970_i64..2200, 1_u32..=12, 0_u32..4, 0_i64..86_400).prop_map(
            |(year, month, back, second)| {
                let month_ = Month::try_from(u8::try_from(month).unwrap()).unwrap();
                let last = u32::from(days_in_month(month_, i32::try_from(year).unwrap()));
                Date::new(year, month, last - back).unwrap().midnight() + second
            }
        ),
    ]
}

pub fn cycles() -> impl Strategy<Value = Cycle> {
    prop_oneof![Just(Cycle::Monthly), Just(Cycle::Annual)]
}

pub fn choices() -> impl Strategy<Value = Choice> {
    (
        proptest::sample::select(Tier::ALL.to_vec()),
        cycles(),
        1_u32..=2_000,
    )
        .prop_map(|(tier, cycle, seats)| Choice { tier, cycle, seats })
}

pub fn balances() -> impl Strategy<Value = Money> {
    prop_oneof![Just(0_i64), 0_i64..1_000_000].prop_map(Money::usd)
}

/// A subscription in one of its first periods (up to 20 years in), and a second inside
/// that period.
pub fn subscriptions_at() -> impl Strategy<Value = (Subscription, UnixTime)> {
    (choices(), anchors(), 0_u32..240, any::<u64>()).prop_map(|(choice, anchor, index, share)| {
        let index = match choice.cycle {
            Cycle::Monthly => index,
            Cycle::Annual => index / 12,
        };
        let period = Schedule {
            anchor,
            cycle: choice.cycle,
        }
        .period(index)
        .unwrap();
        let offset = u64::try_from(period.seconds()).unwrap();
        let at = period.start + i64::try_from(share % offset).unwrap();
        let subscription = Subscription {
            tier: choice.tier,
            cycle: choice.cycle,
            seats: choice.seats,
            anchor,
            period,
            scheduled: None,
        };
        (subscription, at)
    })
}
