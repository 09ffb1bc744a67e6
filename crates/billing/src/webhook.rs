//! Events a payment provider sends asynchronously, and how they are trusted: signed with
//! HMAC-SHA256 over `"{timestamp}.{payload}"` in a Stripe-style header
//! `t=<unix seconds>,v1=<hex>` (several `v1` while a secret rotates), accepted only
//! within a tolerance of the injected `now`, and only once per event id. Pure: the
//! caller keeps the ids it has seen ([`SeenEvents`]); an id need only be remembered for
//! the tolerance window, since an older delivery is refused as stale anyway.

use std::collections::{BTreeSet, HashSet};
use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::money::Money;
use crate::period::UnixTime;

/// How far a delivery's timestamp may be from `now`, either way.
pub const TOLERANCE_SECONDS: i64 = 5 * 60;

/// The secret a provider and Courier's webhook endpoint share. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        WebhookSecret(secret.into())
    }

    /// An HMAC-SHA256 keyed with a key derived from this secret for `purpose` alone, so
    /// a tag made for one purpose is never valid for another, nor as a signature.
    pub(crate) fn derived_mac(&self, purpose: &str) -> Result<Hmac<Sha256>> {
        let mut derive = hmac(&self.0)?;
        derive.update(b"courier-billing derived key\0");
        derive.update(purpose.as_bytes());
        hmac(&derive.finalize().into_bytes())
    }

    fn mac(&self, timestamp: i64, payload: &str) -> Result<Hmac<Sha256>> {
        let mut mac = hmac(&self.0)?;
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        Ok(mac)
    }
}

/// An HMAC-SHA256 keyed with `key`.
fn hmac(key: &[u8]) -> Result<Hmac<Sha256>> {
    // HMAC takes keys of any length, so this does not fail in practice.
    <Hmac<Sha256> as Mac>::new_from_slice(key)
        .map_err(|_| Error::WebhookMalformed("the secret cannot key HMAC-SHA256"))
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// What an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "charge.succeeded")]
    ChargeSucceeded,
    #[serde(rename = "charge.failed")]
    ChargeFailed,
    /// The charge waits for the cardholder's extra confirmation step.
    #[serde(rename = "charge.requires_confirmation")]
    ChargeRequiresConfirmation,
}

/// The charge an event reports on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeEvent {
    pub id: String,
    pub invoice_reference: String,
    pub amount: Money,
    /// Why it failed (`card_declined`, `insufficient_funds`, …), for `charge.failed`.
    pub failure: Option<String>,
}

/// One webhook event, as its JSON payload carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventKind,
    pub created: UnixTime,
    pub charge: ChargeEvent,
}

/// A delivery: the signature header's value and the exact payload it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedEvent {
    pub signature: String,
    pub payload: String,
}

impl SignedEvent {
    /// Serializes `event` and signs it at `now`.
    pub fn new(secret: &WebhookSecret, event: &Event, now: UnixTime) -> Result<SignedEvent> {
        let payload = serde_json::to_string(event)
            .map_err(|_| Error::WebhookMalformed("the event cannot be serialized"))?;
        Ok(SignedEvent {
            signature: sign(secret, now, &payload)?,
            payload,
        })
    }
}

/// The signature header for `payload` signed at `timestamp`: `t=…,v1=…`.
pub fn sign(secret: &WebhookSecret, timestamp: UnixTime, payload: &str) -> Result<String> {
    let digest = secret.mac(timestamp, payload)?.finalize().into_bytes();
    Ok(format!("t={timestamp},v1={}", hex::encode(digest)))
}

/// The event in `payload` if `signature` is a valid signature of it with `secret`,
/// made within [`TOLERANCE_SECONDS`] of `now`. Does not check for replays: see [`accept`].
pub fn verify(
    secret: &WebhookSecret,
    signature: &str,
    payload: &str,
    now: UnixTime,
) -> Result<Event> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in signature.split(',') {
        match item.trim().split_once('=') {
            Some(("t", value)) if timestamp.is_none() => {
                let value = value.parse::<i64>();
                timestamp = Some(value.map_err(|_| Error::WebhookMalformed("bad timestamp"))?);
            }
            Some(("t", _)) => return Err(Error::WebhookMalformed("two timestamps")),
            Some(("v1", value)) => signatures.push(value),
            // Other schemes (`v0`, future ones) are not ours to check.
            Some(_) => {}
            None => return Err(Error::WebhookMalformed("not a t=…,v1=… header")),
        }
    }
    let timestamp = timestamp.ok_or(Error::WebhookMalformed("no timestamp"))?;
    let mac = secret.mac(timestamp, payload)?;
    // `verify_slice` compares in constant time.
    let matches = signatures.iter().any(|candidate| {
        hex::decode(candidate).is_ok_and(|bytes| mac.clone().verify_slice(&bytes).is_ok())
    });
    if !matches {
        return Err(Error::WebhookSignature);
    }
    let age = now.saturating_sub(timestamp);
    if age.saturating_abs() > TOLERANCE_SECONDS {
        return Err(Error::WebhookStale(age));
    }
    serde_json::from_str(payload)
        .map_err(|_| Error::WebhookMalformed("the payload is not an event"))
}

/// Event ids already received.
pub trait SeenEvents {
    /// Records `event_id`; `false` if it was already recorded.
    fn record(&mut self, event_id: &str) -> bool;
}

impl SeenEvents for HashSet<String> {
    fn record(&mut self, event_id: &str) -> bool {
        self.insert(event_id.to_owned())
    }
}

impl SeenEvents for BTreeSet<String> {
    fn record(&mut self, event_id: &str) -> bool {
        self.insert(event_id.to_owned())
    }
}

/// [`verify`], then refuses an event id already in `seen` (and records a new one).
pub fn accept(
    secret: &WebhookSecret,
    signature: &str,
    payload: &str,
    now: UnixTime,
    seen: &mut impl SeenEvents,
) -> Result<Event> {
    let event = verify(secret, signature, payload, now)?;
    if !seen.record(&event.id) {
        return Err(Error::WebhookReplayed(event.id));
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const NOW: UnixTime = 1_704_067_200;

    fn secret() -> WebhookSecret {
        WebhookSecret::new("whsec_test_courier")
    }

    fn delivery() -> SignedEvent {
        let event = Event {
            id: "evt_1".into(),
            kind: EventKind::ChargeSucceeded,
            created: NOW,
            charge: ChargeEvent {
                id: "ch_1".into(),
                invoice_reference: "inv_1".into(),
                amount: Money::usd(4_000),
                failure: None,
            },
        };
        SignedEvent::new(&secret(), &event, NOW).unwrap()
    }

    fn refusal(signature: &str, payload: &str, now: UnixTime) -> &'static str {
        verify(&secret(), signature, payload, now)
            .unwrap_err()
            .kind()
    }

    #[test]
    fn a_valid_signature_is_accepted_within_the_tolerance() {
        let delivery = delivery();
        assert!(delivery.payload.contains(r#""type":"charge.succeeded""#));
        for now in [NOW, NOW + TOLERANCE_SECONDS, NOW - TOLERANCE_SECONDS] {
            let event = verify(&secret(), &delivery.signature, &delivery.payload, now).unwrap();
            assert_eq!(
                (event.id.as_str(), event.charge.amount),
                ("evt_1", Money::usd(4_000))
            );
        }
    }

    #[test]
    fn a_tampered_payload_or_another_secret_is_refused() {
        let delivery = delivery();
        let tampered = delivery.payload.replace("4000", "1");
        assert_eq!(
            refusal(&delivery.signature, &tampered, NOW),
            "webhook_signature"
        );
        let other = verify(
            &WebhookSecret::new("whsec_other"),
            &delivery.signature,
            &delivery.payload,
            NOW,
        );
        assert_eq!(other.unwrap_err().kind(), "webhook_signature");
        // Moving the timestamp breaks the signature too.
        let moved = delivery
            .signature
            .replace(&format!("t={NOW}"), &format!("t={}", NOW + 1));
        assert_eq!(refusal(&moved, &delivery.payload, NOW), "webhook_signature");
    }

    #[test]
    fn a_stale_or_future_timestamp_is_refused() {
        let delivery = delivery();
        let late = NOW + TOLERANCE_SECONDS + 1;
        assert_eq!(
            refusal(&delivery.signature, &delivery.payload, late),
            "webhook_stale"
        );
        let early = NOW - TOLERANCE_SECONDS - 1;
        assert_eq!(
            refusal(&delivery.signature, &delivery.payload, early),
            "webhook_stale"
        );
    }

    #[test]
    fn a_replayed_event_is_refused() {
        let delivery = delivery();
        let mut seen = HashSet::new();
        let first = accept(
            &secret(),
            &delivery.signature,
            &delivery.payload,
            NOW,
            &mut seen,
        );
        assert!(first.is_ok());
        let again = accept(
            &secret(),
            &delivery.signature,
            &delivery.payload,
            NOW + 1,
            &mut seen,
        );
        assert_eq!(again.unwrap_err(), Error::WebhookReplayed("evt_1".into()));
    }

    #[test]
    fn any_matching_v1_is_enough_and_malformed_headers_are_refused() {
        let delivery = delivery();
        let rotated = format!("{},v1=00ff,v0=abc", delivery.signature);
        assert!(verify(&secret(), &rotated, &delivery.payload, NOW).is_ok());
        let unsigned = format!("t={NOW}");
        assert_eq!(
            refusal(&unsigned, &delivery.payload, NOW),
            "webhook_signature"
        );
        for header in ["", "v1=00", "t=soon,v1=00", &format!("t={NOW},t={NOW}")] {
            assert_eq!(
                refusal(header, &delivery.payload, NOW),
                "webhook_malformed",
                "{header}"
            );
        }
        let not_an_event = "{}";
        let signature = sign(&secret(), NOW, not_an_event).unwrap();
        assert_eq!(refusal(&signature, not_an_event, NOW), "webhook_malformed");
    }

    #[test]
    fn the_secret_is_never_printed() {
        assert_eq!(format!("{:?}", secret()), "WebhookSecret(…)");
    }
}
