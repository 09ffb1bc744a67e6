//! Properties of money arithmetic: exact when the result fits, an overflow error when
//! it does not, never a panic; proration rounds once, by less than one minor unit.

use courier_billing::{Money, Rounding};
use proptest::prelude::*;

fn fits(value: i128) -> Option<Money> {
    i64::try_from(value).ok().map(Money::usd)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn arithmetic_is_exact_or_an_overflow_error(a in any::<i64>(), b in any::<i64>(), count in any::<u32>()) {
        let (x, y) = (Money::usd(a), Money::usd(b));
        let (wide_a, wide_b) = (i128::from(a), i128::from(b));
        prop_assert_eq!(x.checked_add(y).ok(), fits(wide_a + wide_b));
        prop_assert_eq!(x.checked_sub(y).ok(), fits(wide_a - wide_b));
        prop_assert_eq!(x.checked_neg().ok(), fits(-wide_a));
        prop_assert_eq!(x.checked_times(count).ok(), fits(wide_a * i128::from(count)));
        if let Err(error) = x.checked_add(y) {
            prop_assert_eq!(error.kind(), "overflow");
        }
    }

    #[test]
    fn proration_is_within_one_minor_unit_of_exact(
        amount in any::<i64>(),
        whole in 1..=i64::MAX,
        share in 0..=u32::MAX,
    ) {
        // A part anywhere in 0..=whole, spread over the whole range.
        let part = i64::try_from(i128::from(whole) * i128::from(share) / i128::from(u32::MAX)).unwrap();
        let exact_scaled = i128::from(amount) * i128::from(part); // the exact result × whole
        let down = Money::usd(amount).prorate(part, whole, Rounding::Down).unwrap().minor();
        let up = Money::usd(amount).prorate(part, whole, Rounding::Up).unwrap().minor();
        let whole = i128::from(whole);
        prop_assert!(i128::from(down) * whole <= exact_scaled);
        prop_assert!(exact_scaled - i128::from(down) * whole < whole);
        prop_assert!(i128::from(up) * whole >= exact_scaled);
        prop_assert!(i128::from(up) * whole - exact_scaled < whole);
        prop_assert!(up - down <= 1);
    }

    #[test]
    fn proration_outside_its_period_is_an_error(amount in any::<i64>(), part in any::<i64>(), whole in any::<i64>()) {
        let result = Money::usd(amount).prorate(part, whole, Rounding::Up);
        prop_assert_eq!(result.is_ok(), whole > 0 && (0..=whole).contains(&part));
    }
}
