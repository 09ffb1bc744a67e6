//! Billing periods to the second, in Unix seconds (UTC). A subscription's periods follow
//! from its anchor: period `k` starts `k` cycles of calendar months after the anchor, on
//! the anchor's day of the month clamped to the month's last day and at the anchor's time
//! of day (Stripe's rule: Jan 31 → Feb 29 → Mar 31 → Apr 30; an annual Feb 29 anchor
//! renews on Feb 28 and again on Feb 29 in a leap year). Owns the small civil-calendar
//! arithmetic (Howard Hinnant's days-from-civil) so no date crate is needed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::plans::Cycle;

/// Seconds since 1970-01-01T00:00:00Z.
pub type UnixTime = i64;

/// The first second the calendar handles: 1970-01-01T00:00:00Z.
pub const EARLIEST: UnixTime = 0;
/// The last second the calendar handles: 9999-12-31T23:59:59Z.
pub const LATEST: UnixTime = 253_402_300_799;
pub const SECONDS_PER_DAY: i64 = 86_400;

/// A day of the proleptic Gregorian calendar, between 1970 and 9999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// A valid day between 1970-01-01 and 9999-12-31, or an error.
    pub fn new(year: i64, month: u32, day: u32) -> Result<Date> {
        if !(1970..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
        {
            return Err(Error::InvalidTime(format!(
                "{year}-{month:02}-{day:02} is not a day between 1970 and 9999"
            )));
        }
        Ok(Date { year, month, day })
    }

    /// The day `time` falls on.
    pub fn of(time: UnixTime) -> Result<Date> {
        in_range(time)?;
        let (year, month, day) = civil_from_days(time.div_euclid(SECONDS_PER_DAY));
        Ok(Date { year, month, day })
    }

    /// The first second of this day.
    pub fn midnight(self) -> UnixTime {
        days_from_civil(self.year, self.month, self.day) * SECONDS_PER_DAY
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn in_range(time: UnixTime) -> Result<()> {
    if (EARLIEST..=LATEST).contains(&time) {
        Ok(())
    } else {
        Err(Error::InvalidTime(format!(
            "{time} is not a time between 1970 and 9999"
        )))
    }
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (valid for any year ≥ 0).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Years start in March, so the leap day is the last day of the year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of a day count since 1970-01-01 (inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are small by construction: day in 1..=31, month in 1..=12.
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// A span of time `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub start: UnixTime,
    pub end: UnixTime,
}

impl Period {
    /// Its length in seconds.
    pub fn seconds(&self) -> i64 {
        self.end.saturating_sub(self.start)
    }

    pub fn contains(&self, time: UnixTime) -> bool {
        (self.start..self.end).contains(&time)
    }

    /// The part of this period from `time` to its end; `time` must lie inside it.
    pub fn rest_from(&self, time: UnixTime) -> Result<Period> {
        if !self.contains(time) {
            return Err(Error::InvalidTime(format!(
                "{time} is outside the period {}..{}",
                self.start, self.end
            )));
        }
        Ok(Period {
            start: time,
            end: self.end,
        })
    }
}

/// The periods of a subscription: an anchor and a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Schedule {
    pub anchor: UnixTime,
    pub cycle: Cycle,
}

impl Schedule {
    /// Where period `index` starts (and period `index - 1` ends).
    pub fn boundary(&self, index: u32) -> Result<UnixTime> {
        let anchor_day = Date::of(self.anchor)?;
        let time_of_day = self.anchor.rem_euclid(SECONDS_PER_DAY);
        let months = i64::from(index) * i64::from(self.cycle.months());
        let month_index = anchor_day.year * 12 + i64::from(anchor_day.month - 1) + months;
        let year = month_index.div_euclid(12);
        let month = u32::try_from(month_index.rem_euclid(12)).unwrap_or(0) + 1;
        let day = anchor_day.day.min(days_in_month(year, month));
        let boundary = Date::new(year, month, day)?.midnight() + time_of_day;
        in_range(boundary)?;
        Ok(boundary)
    }

    /// Period `index` (0 starts at the anchor).
    pub fn period(&self, index: u32) -> Result<Period> {
        let end_index = index
            .checked_add(1)
            .ok_or_else(|| Error::InvalidTime("too many periods".into()))?;
        Ok(Period {
            start: self.boundary(index)?,
            end: self.boundary(end_index)?,
        })
    }

    /// The period containing `time`, which must not precede the anchor.
    pub fn period_at(&self, time: UnixTime) -> Result<Period> {
        if time < self.anchor {
            return Err(Error::InvalidTime(format!(
                "{time} precedes the billing anchor {}",
                self.anchor
            )));
        }
        let (anchor_day, day) = (Date::of(self.anchor)?, Date::of(time)?);
        let months =
            (day.year - anchor_day.year) * 12 + i64::from(day.month) - i64::from(anchor_day.month);
        let estimate = u32::try_from(months / i64::from(self.cycle.months()))
            .map_err(|_| Error::InvalidTime("too many periods".into()))?;
        // The estimate's boundary lies in `time`'s month or before it, and the next one
        // in a later month; only a later day or hour in the same month can put `time`
        // in the period before.
        let index = if self.boundary(estimate)? > time {
            estimate.saturating_sub(1)
        } else {
            estimate
        };
        self.period(index)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(year: i64, month: u32, day: u32, hour: i64) -> UnixTime {
        Date::new(year, month, day).unwrap().midnight() + hour * 3_600
    }

    #[test]
    fn known_days_convert_both_ways() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().midnight(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().midnight(), 951_868_800);
        assert_eq!(Date::new(2024, 2, 29).unwrap().midnight(), 1_709_164_800);
        assert_eq!(Date::of(LATEST).unwrap(), Date::new(9999, 12, 31).unwrap());
        assert_eq!(
            Date::of(1_709_164_800 + 86_399).unwrap().to_string(),
            "2024-02-29"
        );
        assert!(Date::of(-1).is_err());
        assert!(Date::of(LATEST + 1).is_err());
        assert!(Date::new(2023, 2, 29).is_err());
        assert!(Date::new(2100, 2, 29).is_err());
        assert!(Date::new(2000, 2, 29).is_ok());
    }

    /// The days of a schedule's first `last + 1` boundaries.
    fn boundary_days(schedule: &Schedule, last: u32) -> Vec<String> {
        let day = |index| {
            Date::of(schedule.boundary(index).unwrap())
                .unwrap()
                .to_string()
        };
        (0..=last).map(day).collect()
    }

    #[test]
    fn a_month_end_anchor_stays_on_the_month_end_through_a_year() {
        let schedule = Schedule {
            anchor: at(2024, 1, 31, 9),
            cycle: Cycle::Monthly,
        };
        let days = boundary_days(&schedule, 12);
        assert_eq!(
            days,
            [
                "2024-01-31",
                "2024-02-29",
                "2024-03-31",
                "2024-04-30",
                "2024-05-31",
                "2024-06-30",
                "2024-07-31",
                "2024-08-31",
                "2024-09-30",
                "2024-10-31",
                "2024-11-30",
                "2024-12-31",
                "2025-01-31",
            ]
        );
        // The time of day is kept.
        assert_eq!(schedule.boundary(1).unwrap(), at(2024, 2, 29, 9));
        // And in a common year February ends on the 28th.
        assert_eq!(schedule.boundary(13).unwrap(), at(2025, 2, 28, 9));
    }

    #[test]
    fn a_leap_day_annual_anchor_renews_on_feb_28_until_the_next_leap_year() {
        let schedule = Schedule {
            anchor: at(2024, 2, 29, 0),
            cycle: Cycle::Annual,
        };
        let days = boundary_days(&schedule, 4);
        assert_eq!(
            days,
            [
                "2024-02-29",
                "2025-02-28",
                "2026-02-28",
                "2027-02-28",
                "2028-02-29"
            ]
        );
    }

    #[test]
    fn the_period_at_a_time_contains_it_and_starts_on_a_boundary() {
        let schedule = Schedule {
            anchor: at(2024, 1, 31, 9),
            cycle: Cycle::Monthly,
        };
        // One second before the boundary of Feb 29 09:00 is still January's period.
        let february = at(2024, 2, 29, 9);
        let january = schedule.period_at(february - 1).unwrap();
        assert_eq!(
            january,
            Period {
                start: schedule.anchor,
                end: february
            }
        );
        assert_eq!(january.seconds(), 29 * SECONDS_PER_DAY);
        // The boundary itself starts the next period.
        assert_eq!(
            schedule.period_at(february).unwrap(),
            schedule.period(1).unwrap()
        );
        assert!(schedule.period_at(schedule.anchor - 1).is_err());
    }

    #[test]
    fn the_rest_of_a_period_starts_inside_it() {
        let period = Period {
            start: 100,
            end: 200,
        };
        assert_eq!(
            period.rest_from(150).unwrap(),
            Period {
                start: 150,
                end: 200
            }
        );
        assert_eq!(period.rest_from(100).unwrap(), period);
        assert_eq!(period.rest_from(200).unwrap_err().kind(), "invalid_time");
        assert!(period.rest_from(99).is_err());
    }

    #[test]
    fn periods_end_before_the_end_of_the_calendar() {
        let schedule = Schedule {
            anchor: at(9999, 12, 1, 0),
            cycle: Cycle::Monthly,
        };
        assert_eq!(schedule.period(1).unwrap_err().kind(), "invalid_time");
        assert!(
            Schedule {
                anchor: -5,
                cycle: Cycle::Annual
            }
            .period(0)
            .is_err()
        );
        assert!(schedule.period(u32::MAX).is_err());
    }
}
