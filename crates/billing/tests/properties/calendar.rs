//! Properties of the billing calendar, checked against the `time` crate as an
//! independent oracle: any second's date, any anchor's boundaries (clamped to the month's
//! end, time of day kept), and the period found for any time.

use courier_billing::Cycle;
use courier_billing::period::{Date, LATEST, Schedule, UnixTime};
use proptest::prelude::*;

use crate::strategies::{anchors, cycles};
use time::{Month, OffsetDateTime, util::days_in_month};

fn oracle_date(time: UnixTime) -> time::Date {
    OffsetDateTime::from_unix_timestamp(time).unwrap().date()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn every_second_falls_on_the_oracles_date(time in 0..=LATEST) {
        let ours = Date::of(time).unwrap();
        let oracle = oracle_date(time);
        prop_assert_eq!(
            (ours.year, ours.month, ours.day),
            (i64::from(oracle.year()), u32::from(u8::from(oracle.month())), u32::from(oracle.day()))
        );
        prop_assert!(Date::of(time).unwrap().midnight() <= time);
        prop_assert!(time - Date::of(time).unwrap().midnight() < 86_400);
    }

    #[test]
    fn boundaries_keep_the_anchor_day_clamped_and_its_time(
        anchor in anchors(), cycle in cycles(), index in 0_u32..400,
    ) {
        let schedule = Schedule { anchor, cycle };
        let start = OffsetDateTime::from_unix_timestamp(anchor).unwrap();
        let months = i64::from(index) * i64::from(cycle.months())
            + i64::from(u8::from(start.month())) - 1;
        let year = start.year() + i32::try_from(months / 12).unwrap();
        let month = Month::try_from(u8::try_from(months % 12 + 1).unwrap()).unwrap();
        let day = start.day().min(days_in_month(month, year));
        let expected = time::Date::from_calendar_date(year, month, day)
            .unwrap()
            .with_time(start.time())
            .assume_utc()
            .unix_timestamp();
        prop_assert_eq!(schedule.boundary(index).unwrap(), expected);
    }

    #[test]
    fn periods_are_whole_months_or_years_and_the_period_at_a_time_holds_it(
        anchor in anchors(), cycle in cycles(), offset in 0_i64..(200 * 366 * 86_400),
    ) {
        let schedule = Schedule { anchor, cycle };
        let time = anchor + offset;
        let period = schedule.period_at(time).unwrap();
        prop_assert!(period.contains(time));
        let days = period.seconds() / 86_400;
        match cycle {
            Cycle::Monthly => prop_assert!((28..=31).contains(&days), "{} days", days),
            Cycle::Annual => prop_assert!((365..=366).contains(&days), "{} days", days),
        }
        // The period found is one of the schedule's: its start is a boundary.
        let next = schedule.period_at(period.end).unwrap();
        prop_assert_eq!(next.start, period.end);
        prop_assert_eq!(schedule.period_at(period.start).unwrap(), period);
    }
}
