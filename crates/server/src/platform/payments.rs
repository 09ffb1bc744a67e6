//! The payment provider the server charges through, and the secret its webhook events
//! are signed with. The embedded provider is `courier_billing`'s test mode, which
//! works offline (the card number decides the outcome). Every call hands back the
//! signed events the provider sent about it; the billing domain takes them through the
//! same verification as `POST /api/v1/billing/webhook`, where a hosted provider would
//! deliver them. Calls are short and synchronous, so a plain mutex serialises them.

use std::sync::{Mutex, PoisonError};

use courier_billing::webhook::{SignedEvent, WebhookSecret};
use courier_billing::{Charge, Money, PaymentProvider, TestModeProvider, UnixTime};

use crate::error::Result;
use crate::platform::crypto::new_id;
use courier_store::Store;

/// The name of the webhook secret among the server's shared secrets.
const WEBHOOK_SECRET_NAME: &str = "billing-webhook-secret";

/// The provider and its webhook secret.
pub struct Payments {
    provider: Mutex<TestModeProvider>,
    secret: WebhookSecret,
}

impl Payments {
    /// The test-mode provider, signing with the installation's webhook secret (the same
    /// on every instance, so a token made on one charges on another).
    pub async fn test_mode(store: &dyn Store) -> Result<Self> {
        let secret = store
            .shared_secret(
                WEBHOOK_SECRET_NAME,
                &crate::platform::crypto::new_token("whsec"),
            )
            .await?;
        let secret = WebhookSecret::new(secret.into_bytes());
        let instance = new_id();
        Ok(Self {
            provider: Mutex::new(TestModeProvider::new(secret.clone(), &instance)),
            secret,
        })
    }

    /// Runs `call` on the provider; returns its result and the events it sent.
    pub fn call<T>(
        &self,
        call: impl FnOnce(&mut dyn PaymentProvider) -> courier_billing::Result<T>,
    ) -> (courier_billing::Result<T>, Vec<SignedEvent>) {
        let mut provider = self.provider.lock().unwrap_or_else(PoisonError::into_inner);
        let result = call(&mut *provider);
        (result, provider.take_events())
    }

    /// What the webhook endpoint checks signatures with.
    pub fn webhook_secret(&self) -> &WebhookSecret {
        &self.secret
    }

    /// A payment waiting for the cardholder's confirmation (test mode's bank page):
    /// its amount and the invoice it pays.
    pub fn awaiting(&self, handle: &str) -> Option<(Money, String)> {
        let provider = self.provider.lock().unwrap_or_else(PoisonError::into_inner);
        provider.awaiting(handle)
    }

    /// The cardholder confirmed (`true`) or refused the payment `handle` on test mode's
    /// bank page; `None` when no payment waits under that handle.
    pub fn answer_confirmation(
        &self,
        handle: &str,
        confirmed: bool,
        now: UnixTime,
    ) -> Option<(Charge, Vec<SignedEvent>)> {
        let mut provider = self.provider.lock().unwrap_or_else(PoisonError::into_inner);
        let charge = if confirmed {
            provider.confirm(handle, now)
        } else {
            provider.fail_confirmation(handle, now)
        };
        Some((charge.ok()?, provider.take_events()))
    }
}
