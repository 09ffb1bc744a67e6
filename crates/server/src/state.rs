//! What every handler can reach: storage, clock, keys, password hasher, rate limits,
//! mailer, the event hub and the public origin. Cheap to clone. Domains never see it:
//! handlers hand each domain function only the pieces it names (its `Deps`).

use std::sync::Arc;

use crate::accounts::{self, recovery};
use crate::platform::channel_slots::ChannelSlots;
use crate::platform::clock::Clock;
use crate::platform::hub::EventHub;
use crate::platform::issuer::Issuer;
use crate::platform::keys::SigningKeys;
use crate::platform::mail::Mailer;
use crate::platform::password::PasswordHasher;
use crate::platform::payments::Payments;
use crate::platform::pow::ProofOfWork;
use crate::platform::ratelimit::RateLimiter;
use crate::settings::Settings;
use courier_store::Store;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub issuer: Issuer,
    pub keys: Arc<SigningKeys>,
    pub passwords: PasswordHasher,
    pub limiter: RateLimiter,
    pub mailer: Mailer,
    /// Pushes events to the account's open `/api/v1/events` channels.
    pub events: Arc<EventHub>,
    /// How many of those channels each account and address has open.
    pub event_channels: Arc<ChannelSlots>,
    /// The proof-of-work check of Trouble signing in? (its HMAC key and difficulty).
    pub pow: Arc<ProofOfWork>,
    pub settings: Arc<Settings>,
    /// The payment provider (test mode by default) and its webhook secret.
    pub payments: Arc<Payments>,
}

// Each domain names the few pieces it needs; the handlers build them from here.

impl<'a> From<&'a AppState> for accounts::signup::Deps<'a> {
    fn from(state: &'a AppState) -> Self {
        Self {
            store: &*state.store,
            clock: &*state.clock,
            passwords: &state.passwords,
            mailer: &state.mailer,
            issuer: &state.issuer,
        }
    }
}

impl<'a> From<&'a AppState> for accounts::password::Deps<'a> {
    fn from(state: &'a AppState) -> Self {
        Self {
            store: &*state.store,
            clock: &*state.clock,
            passwords: &state.passwords,
            mailer: &state.mailer,
            events: &state.events,
            limiter: &state.limiter,
            limits: &state.settings.rate_limits,
        }
    }
}

impl<'a> From<&'a AppState> for recovery::Deps<'a> {
    fn from(state: &'a AppState) -> Self {
        Self {
            store: &*state.store,
            clock: &*state.clock,
            passwords: &state.passwords,
            mailer: &state.mailer,
            issuer: &state.issuer,
            events: &state.events,
        }
    }
}

impl<'a> From<&'a AppState> for crate::teams::Deps<'a> {
    fn from(state: &'a AppState) -> Self {
        Self {
            store: &*state.store,
            clock: &*state.clock,
            mailer: &state.mailer,
            issuer: &state.issuer,
            limiter: &state.limiter,
            limits: &state.settings.rate_limits,
            events: &state.events,
            enforce_plan_limits: state.settings.billing.enforce_limits,
        }
    }
}

impl<'a> From<&'a AppState> for crate::workspaces::Deps<'a> {
    fn from(state: &'a AppState) -> Self {
        Self {
            store: &*state.store,
            clock: &*state.clock,
            events: &state.events,
            enforce_plan_limits: state.settings.billing.enforce_limits,
        }
    }
}

impl<'a> From<&'a AppState> for crate::billing::Deps<'a> {
    fn from(state: &'a AppState) -> Self {
        Self {
            store: &*state.store,
            clock: &*state.clock,
            payments: &state.payments,
            events: &state.events,
            mailer: &state.mailer,
            issuer: &state.issuer,
        }
    }
}
