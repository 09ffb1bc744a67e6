//! Caps on open event channels: at most so many per account and per address, so one
//! account or one machine cannot hold thousands of sockets open. A [`Slot`] is one
//! open channel; dropping it gives its place back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Which cap a new channel would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    Account,
    Address,
}

#[derive(Debug)]
pub struct ChannelSlots {
    per_account: usize,
    per_address: usize,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    by_account: HashMap<String, usize>,
    by_address: HashMap<String, usize>,
}

impl ChannelSlots {
    pub fn with_caps(per_account: usize, per_address: usize) -> Self {
        Self {
            per_account,
            per_address,
            open: Mutex::default(),
        }
    }

    /// Takes a slot for a channel of `account` from `address`, or says which cap is full.
    pub fn take(self: &Arc<Self>, account: &str, address: &str) -> Result<Slot, Full> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.by_account.get(account).copied().unwrap_or(0) >= self.per_account {
            return Err(Full::Account);
        }
        if open.by_address.get(address).copied().unwrap_or(0) >= self.per_address {
            return Err(Full::Address);
        }
        *open.by_account.entry(account.to_owned()).or_default() += 1;
        *open.by_address.entry(address.to_owned()).or_default() += 1;
        Ok(Slot {
            slots: Arc::clone(self),
            account: account.to_owned(),
            address: address.to_owned(),
        })
    }
}

/// One open channel's place; given back on drop.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<ChannelSlots>,
    account: String,
    address: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self
            .slots
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        give_back(&mut open.by_account, &self.account);
        give_back(&mut open.by_address, &self.address);
    }
}

/// Counts one fewer for `key`, forgetting it at zero so the maps stay small.
fn give_back(counts: &mut HashMap<String, usize>, key: &str) {
    if let Some(count) = counts.get_mut(key) {
        *count -= 1;
        if *count == 0 {
            counts.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_per_account_and_per_address_and_places_come_back() {
        let slots = Arc::new(ChannelSlots::with_caps(2, 3));
        let a1 = slots.take("ada", "10.0.0.1").expect("first");
        let _a2 = slots.take("ada", "10.0.0.2").expect("second");
        assert_eq!(slots.take("ada", "10.0.0.3").unwrap_err(), Full::Account);
        let _b1 = slots.take("bob", "10.0.0.1").expect("bob");
        let _c1 = slots.take("cy", "10.0.0.1").expect("cy");
        assert_eq!(slots.take("dee", "10.0.0.1").unwrap_err(), Full::Address);
        drop(a1);
        assert!(
            slots.take("dee", "10.0.0.1").is_ok(),
            "the address has a place again"
        );
        let open = slots.open.lock().unwrap_or_else(PoisonError::into_inner);
        assert_eq!(
            open.by_account.get("dee"),
            None,
            "a dropped slot is forgotten"
        );
    }
}
