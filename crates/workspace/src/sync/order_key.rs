//! Fractional order keys for sync: an item's place among its siblings as a string that
//! sorts byte-wise, so placing an item between two others gives it a key between
//! theirs and changes nothing else. Two devices that place items offline never have to
//! renumber each other's siblings (the spaced integers of [`crate::db`] do, when two
//! neighbours leave no room), so a move stays one operation in the outbox.
//!
//! A key is a fraction in base 62 written with the digits `0-9A-Za-z` (whose ASCII
//! order is their value order): `"V"` is 31/62, `"0V"` is 31/62². A key never ends in
//! `0`, so there is always room below it; there is always room between two keys, and
//! above the last one. A key grows by a digit for every 31 items added at the end of a
//! list, and for every 5 to 30 placed again and again at one spot.

use std::fmt;

/// The digits of a key, in value order.
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE: u32 = 62;

/// Why no key could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderKeyError {
    /// Not a key: empty, a character outside `0-9A-Za-z`, or a trailing `0`.
    Invalid(String),
    /// The key asked to come first does not sort before the other.
    OutOfOrder { before: String, after: String },
}

impl fmt::Display for OrderKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(key) => write!(f, "{key:?} is not an order key"),
            Self::OutOfOrder { before, after } => {
                write!(f, "order key {before:?} does not sort before {after:?}")
            }
        }
    }
}

impl std::error::Error for OrderKeyError {}

/// A key that sorts after `before` (or first, when `None`) and before `after` (or
/// last, when `None`).
pub fn key_between(before: Option<&str>, after: Option<&str>) -> Result<String, OrderKeyError> {
    let low = before.map(digits).transpose()?.unwrap_or_default();
    let high = after.map(digits).transpose()?;
    if let (Some(before), Some(after)) = (before, after)
        && before >= after
    {
        return Err(OrderKeyError::OutOfOrder {
            before: before.to_owned(),
            after: after.to_owned(),
        });
    }
    let key = midpoint(&low, high.as_deref());
    Ok(key
        .iter()
        .map(|&digit| char::from(DIGITS[usize::from(digit)]))
        .collect())
}

/// `count` keys in order, after `before` and before `after`, for placing several
/// items together (an import, a pasted folder).
pub fn keys_between(
    before: Option<&str>,
    after: Option<&str>,
    count: usize,
) -> Result<Vec<String>, OrderKeyError> {
    let mut keys = Vec::with_capacity(count);
    let mut previous = before.map(str::to_owned);
    for _ in 0..count {
        let key = key_between(previous.as_deref(), after)?;
        previous = Some(key.clone());
        keys.push(key);
    }
    Ok(keys)
}

/// The digit values of `key`, checked.
fn digits(key: &str) -> Result<Vec<u8>, OrderKeyError> {
    let invalid = || OrderKeyError::Invalid(key.to_owned());
    if key.is_empty() || key.ends_with('0') {
        return Err(invalid());
    }
    key.bytes()
        .map(|byte| {
            DIGITS
                .iter()
                .position(|&digit| digit == byte)
                .and_then(|at| u8::try_from(at).ok())
                .ok_or_else(invalid)
        })
        .collect()
}

/// The digits of a fraction strictly between `low` (possibly empty: zero) and `high`
/// (`None`: one), given `low < high` and neither ending in a zero digit; the result
/// does not end in zero either.
fn midpoint(low: &[u8], high: Option<&[u8]>) -> Vec<u8> {
    if let Some(high) = high {
        // The digits both share (`low` read with zeros past its end) stay as they are.
        let shared = high
            .iter()
            .enumerate()
            .take_while(|&(at, &digit)| low.get(at).copied().unwrap_or(0) == digit)
            .count();
        if shared > 0 {
            let mut key = high[..shared].to_vec();
            key.extend(midpoint(
                low.get(shared..).unwrap_or_default(),
                Some(&high[shared..]),
            ));
            return key;
        }
    }
    let low_digit = u32::from(low.first().copied().unwrap_or(0));
    let Some(high) = high else {
        // After everything: the middle for a first key, else the next digit up, so a
        // list that grows at its end adds a digit only every 31 items.
        if low.is_empty() {
            return vec![digit(BASE / 2)];
        }
        if low_digit + 1 < BASE {
            return vec![digit(low_digit + 1)];
        }
        let mut key = vec![digit(low_digit)];
        key.extend(midpoint(&low[1..], None));
        return key;
    };
    let high_digit = high.first().map_or(BASE, |&d| u32::from(d));
    if high_digit - low_digit > 1 {
        // Room for a digit between them: never zero, since it is above `low_digit`.
        return vec![digit((low_digit + high_digit) / 2)];
    }
    // Neighbouring digits. `high`'s first digit alone sorts above `low` and, when
    // `high` goes on (it does not end in zero), below it.
    if high.len() > 1 {
        return vec![high[0]];
    }
    let mut key = vec![digit(low_digit)];
    key.extend(midpoint(low.get(1..).unwrap_or_default(), None));
    key
}

fn digit(value: u32) -> u8 {
    u8::try_from(value).unwrap_or(u8::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn between(before: Option<&str>, after: Option<&str>) -> String {
        key_between(before, after).unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn the_first_key_is_the_middle_and_keys_go_above_and_below_it() {
        assert_eq!(between(None, None), "V");
        assert_eq!(between(Some("V"), None), "W");
        assert_eq!(between(Some("V5"), None), "W");
        assert_eq!(between(None, Some("V")), "F");
        assert_eq!(between(None, Some("1")), "0V");
        assert_eq!(between(Some("z"), None), "zV");
        assert_eq!(between(Some("V"), Some("W")), "VV");
        assert_eq!(between(Some("V"), Some("V1")), "V0V");
        assert_eq!(between(Some("Vz"), Some("W")), "VzV");
        assert_eq!(between(Some("A"), Some("A2")), "A1");
    }

    #[test]
    fn bad_keys_and_keys_out_of_order_are_refused() {
        for bad in ["", "V0", "a-b", "é"] {
            assert_eq!(
                key_between(Some(bad), None),
                Err(OrderKeyError::Invalid(bad.to_owned()))
            );
        }
        for (before, after) in [("W", "V"), ("V", "V")] {
            assert!(matches!(
                key_between(Some(before), Some(after)),
                Err(OrderKeyError::OutOfOrder { .. })
            ));
        }
    }

    /// A small deterministic generator, so a failure can be replayed.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, bound: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % bound.max(1)
        }
    }

    #[test]
    fn thousands_of_keys_placed_anywhere_stay_in_order_and_short() {
        let mut keys: Vec<String> = Vec::new();
        let mut random = Lcg(7);
        for _ in 0..5_000 {
            let at = random.below(keys.len() + 1);
            let before = at
                .checked_sub(1)
                .and_then(|i| keys.get(i))
                .map(String::as_str);
            let after = keys.get(at).map(String::as_str);
            let key = between(before, after);
            assert!(before.is_none_or(|before| before < key.as_str()));
            assert!(after.is_none_or(|after| key.as_str() < after));
            assert!(!key.ends_with('0'), "{key}");
            keys.insert(at, key);
        }
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        let longest = keys.iter().map(String::len).max().unwrap_or(0);
        assert!(
            longest <= 12,
            "random placement kept keys short, got {longest}"
        );
    }

    #[test]
    fn placing_again_and_again_at_one_spot_and_at_the_end_grows_slowly() {
        let mut low = between(None, None);
        let high = between(Some(&low), None);
        for _ in 0..60 {
            low = between(Some(&low), Some(&high));
        }
        assert!(low.len() <= 4, "60 placements at one spot: {low}");
        // Right after one item, again and again: each new key goes between it and the last.
        let first = between(None, None);
        let mut next = between(Some(&first), None);
        for _ in 0..60 {
            next = between(Some(&first), Some(&next));
        }
        assert!(
            next.len() <= 13,
            "60 placements right after one item: {next}"
        );
        let keys = keys_between(None, None, 1_000).unwrap_or_default();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(keys.last().is_some_and(|last| last.len() == 33), "{keys:?}");
    }
}
