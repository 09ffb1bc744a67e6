//! The payment provider seam ([`PaymentProvider`]) and the embedded [`TestModeProvider`],
//! which really works offline: the card number decides what happens, as in Stripe's test
//! mode. Card numbers live only inside this module ([`CardNumber`] cannot be printed,
//! copied or serialized); what leaves it is the provider's token, the last four digits
//! and the brand, which is all Courier stores. Outcomes are also sent as signed webhook
//! events ([`crate::webhook`]), the way a real provider reports them asynchronously.
//!
//! Test mode's customer ids and payment-method tokens carry what they stand for and are
//! authenticated, so no table of them is kept: a token reads
//! `pm_test_<behaviour>_<instance>_<n>_<tag>`, where the tag is HMAC-SHA256 (keyed from
//! the provider's secret) over the rest and the customer it belongs to, cut to 128 bits
//! and written in lowercase hex. Any provider built with the same secret, after a restart
//! or on another server instance, charges it; a token altered, forged, made with another
//! secret or shown with another customer is refused as [`Error::NotFound`].

use std::collections::BTreeMap;
use std::fmt;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::money::Money;
use crate::period::{Date, UnixTime};
use crate::webhook::{ChargeEvent, Event, EventKind, SignedEvent, WebhookSecret};

/// A card number that passed the Luhn check. Its digits never leave this module.
pub struct CardNumber(String);

impl CardNumber {
    /// Reads a number typed with or without spaces and dashes: 12 to 19 digits that pass
    /// the Luhn check.
    pub fn parse(typed: &str) -> Result<CardNumber> {
        let digits: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::InvalidCard(
                "a card number has 12 to 19 digits".into(),
            ));
        }
        if !passes_luhn(&digits) {
            return Err(Error::InvalidCard("this card number has a typo".into()));
        }
        Ok(CardNumber(digits))
    }

    fn last4(&self) -> String {
        let digits = self.0.as_str();
        digits
            .get(digits.len().saturating_sub(4)..)
            .unwrap_or_default()
            .to_owned()
    }

    fn brand(&self) -> CardBrand {
        let prefix = |length: usize| self.0.get(..length).and_then(|p| p.parse::<u32>().ok());
        match (prefix(1), prefix(2), prefix(4)) {
            (Some(4), _, _) => CardBrand::Visa,
            (_, Some(34 | 37), _) => CardBrand::Amex,
            (_, Some(51..=55), _) | (_, _, Some(2221..=2720)) => CardBrand::Mastercard,
            _ => CardBrand::Other,
        }
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(…{})", self.last4())
    }
}

fn passes_luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .map(|byte| u32::from(byte - b'0'))
        .enumerate()
        .map(|(position, digit)| match (position % 2, digit * 2) {
            (0, _) => digit,
            (_, doubled) if doubled > 9 => doubled - 9,
            (_, doubled) => doubled,
        })
        .sum();
    sum.is_multiple_of(10)
}

/// What the person typed into the card form.
#[derive(Debug)]
pub struct CardDetails {
    pub number: CardNumber,
    pub exp_month: u32,
    pub exp_year: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardBrand {
    Visa,
    Mastercard,
    Amex,
    Other,
}

/// A card attached at the provider: all Courier keeps of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethod {
    /// The provider's token, used to charge the card.
    pub token: String,
    pub last4: String,
    pub brand: CardBrand,
    pub exp_month: u32,
    pub exp_year: i64,
}

/// A charge to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChargeRequest<'a> {
    pub customer: &'a str,
    pub payment_method: &'a str,
    pub amount: Money,
    /// Courier's invoice this pays, echoed in webhook events.
    pub invoice_reference: &'a str,
    /// The same key returns the same charge instead of charging twice.
    pub idempotency_key: &'a str,
}

/// How a charge went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum ChargeOutcome {
    Succeeded,
    Declined {
        reason: String,
    },
    InsufficientFunds,
    /// The cardholder must confirm (3-D Secure); [`PaymentProvider::confirm`] with the
    /// handle once they have. The result also arrives as a webhook event.
    RequiresConfirmation {
        handle: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub id: String,
    pub amount: Money,
    pub outcome: ChargeOutcome,
}

/// A payment provider, as the billing rules need it. Times are injected.
pub trait PaymentProvider {
    /// Creates the provider's customer for a team; returns its id.
    fn create_customer(&mut self, team_reference: &str) -> Result<String>;
    /// Attaches a card to a customer.
    fn attach_card(
        &mut self,
        customer: &str,
        card: CardDetails,
        now: UnixTime,
    ) -> Result<PaymentMethod>;
    /// Charges a positive amount to a customer's attached card.
    fn charge(&mut self, request: &ChargeRequest<'_>, now: UnixTime) -> Result<Charge>;
    /// Completes a charge after the cardholder's extra confirmation step.
    fn confirm(&mut self, handle: &str, now: UnixTime) -> Result<Charge>;
}

/// What a test card does when charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestBehaviour {
    Succeeds,
    Declines,
    InsufficientFunds,
    RequiresConfirmation,
}

impl TestBehaviour {
    const ALL: [TestBehaviour; 4] = [
        TestBehaviour::Succeeds,
        TestBehaviour::Declines,
        TestBehaviour::InsufficientFunds,
        TestBehaviour::RequiresConfirmation,
    ];

    /// Its word in a payment-method token (no `_`, which separates the token's parts).
    fn code(self) -> &'static str {
        match self {
            TestBehaviour::Succeeds => "succeeds",
            TestBehaviour::Declines => "declines",
            TestBehaviour::InsufficientFunds => "nofunds",
            TestBehaviour::RequiresConfirmation => "confirms",
        }
    }

    fn from_code(code: &str) -> Option<TestBehaviour> {
        Self::ALL
            .into_iter()
            .find(|behaviour| behaviour.code() == code)
    }
}

/// The card numbers test mode accepts, and what each does.
const TEST_CARDS: [(&str, TestBehaviour); 5] = [
    ("4242424242424242", TestBehaviour::Succeeds),
    ("5555555555554444", TestBehaviour::Succeeds),
    ("4000000000000002", TestBehaviour::Declines),
    ("4000000000009995", TestBehaviour::InsufficientFunds),
    ("4000002500003155", TestBehaviour::RequiresConfirmation),
];

/// What an id's tag is made for; each purpose has its own key derived from the secret.
const CUSTOMER_PURPOSE: &str = "test-mode customer id";
const PAYMENT_METHOD_PURPOSE: &str = "test-mode payment method token";
/// The length of an id's tag in bytes (128 bits; 32 hex digits).
const TAG_BYTES: usize = 16;

/// A charge waiting for its confirmation step.
#[derive(Debug, Clone)]
struct AwaitingConfirmation {
    charge: Charge,
    invoice_reference: String,
}

/// The offline provider: a real implementation of [`PaymentProvider`] whose outcomes
/// depend on the card number (4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is
/// declined, 4000 0000 0000 9995 has insufficient funds, 4000 0025 0000 3155 needs a
/// confirmation step). Every outcome is also queued as a signed webhook event for
/// [`TestModeProvider::take_events`].
///
/// Customers and cards need no memory: their ids are authenticated with the secret
/// (see the [module](self)), so they outlive the provider and work on every instance
/// built with the same secret. Charges are in memory: idempotency keys, and charges
/// awaiting their confirmation step. A pending confirmation is lost when the provider
/// is dropped (a server restart); its handle is then unknown, and the customer simply
/// pays again.
#[derive(Debug)]
pub struct TestModeProvider {
    secret: WebhookSecret,
    /// Goes into every id, so ids stay unique across restarts of the server.
    instance: String,
    issued: u64,
    charges: BTreeMap<String, (ChargeRequestKey, Charge)>,
    awaiting: BTreeMap<String, AwaitingConfirmation>,
    outbox: Vec<SignedEvent>,
}

// The server keeps the provider in a `Mutex` shared between threads.
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<TestModeProvider>();
};

/// What an idempotency key was first used for.
type ChargeRequestKey = (String, String, Money, String);

impl TestModeProvider {
    /// A provider signing its webhook events with `secret`; `instance` (e.g. a random
    /// id chosen at start-up) keeps its ids apart from an earlier instance's.
    pub fn new(secret: WebhookSecret, instance: &str) -> Self {
        TestModeProvider {
            secret,
            instance: instance.to_owned(),
            issued: 0,
            charges: BTreeMap::new(),
            awaiting: BTreeMap::new(),
            outbox: Vec::new(),
        }
    }

    /// The signed webhook deliveries queued since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<SignedEvent> {
        std::mem::take(&mut self.outbox)
    }

    /// The charge waiting for its confirmation step under `handle`: its amount and the
    /// invoice reference it pays. `None` once confirmed or failed, for an unknown
    /// handle, and after a restart (pending confirmations are kept in memory).
    pub fn awaiting(&self, handle: &str) -> Option<(Money, String)> {
        self.awaiting
            .get(handle)
            .map(|waiting| (waiting.charge.amount, waiting.invoice_reference.clone()))
    }

    /// The cardholder failed or refused the confirmation step.
    pub fn fail_confirmation(&mut self, handle: &str, now: UnixTime) -> Result<Charge> {
        let awaiting = self.take_awaiting(handle)?;
        let outcome = ChargeOutcome::Declined {
            reason: "confirmation_failed".into(),
        };
        self.settle(awaiting.charge, outcome, &awaiting.invoice_reference, now)
    }

    /// `<instance>_<n>`, a part no other id of any instance has.
    fn next_unique(&mut self) -> String {
        self.issued = self.issued.saturating_add(1);
        format!("{}_{}", self.instance, self.issued)
    }

    fn next_id(&mut self, prefix: &str) -> String {
        format!("{prefix}_test_{}", self.next_unique())
    }

    /// The tag of `body` for `purpose`, bound to `owner` (the customer of a payment
    /// method; empty for a customer id). The body's length goes first, so no other
    /// split of the same bytes into body and owner has the same tag.
    fn tag(&self, purpose: &str, body: &str, owner: &str) -> Result<Hmac<Sha256>> {
        let mut mac = self.secret.derived_mac(purpose)?;
        let length = u64::try_from(body.len()).unwrap_or(u64::MAX);
        mac.update(&length.to_be_bytes());
        mac.update(body.as_bytes());
        mac.update(owner.as_bytes());
        Ok(mac)
    }

    /// `body` followed by `_` and its tag in lowercase hex.
    fn authenticated_id(&self, purpose: &str, body: &str, owner: &str) -> Result<String> {
        let digest = self.tag(purpose, body, owner)?.finalize().into_bytes();
        let tag = digest.get(..TAG_BYTES).unwrap_or_default();
        Ok(format!("{body}_{}", hex::encode(tag)))
    }

    /// The body of `id` if its tag is the one this secret makes for `purpose` and
    /// `owner` (compared in constant time). A tag in any other spelling is refused, so
    /// no two ids stand for the same thing.
    fn verified<'a>(&self, purpose: &str, id: &'a str, owner: &str) -> Option<&'a str> {
        let (body, tag) = id.rsplit_once('_')?;
        let lowercase_hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
        if tag.len() != 2 * TAG_BYTES || !tag.chars().all(lowercase_hex) {
            return None;
        }
        let tag = hex::decode(tag).ok()?;
        let mac = self.tag(purpose, body, owner).ok()?;
        mac.verify_truncated_left(&tag).ok()?;
        Some(body)
    }

    fn check_customer(&self, customer: &str) -> Result<()> {
        match self.verified(CUSTOMER_PURPOSE, customer, "") {
            Some(body) if body.starts_with("cus_test_") => Ok(()),
            _ => Err(Error::NotFound(format!("no customer {customer:?}"))),
        }
    }

    /// What the card behind `token` does, if `token` is one of this secret's tokens
    /// for `customer`.
    fn card_behaviour(&self, customer: &str, token: &str) -> Result<TestBehaviour> {
        self.check_customer(customer)?;
        self.verified(PAYMENT_METHOD_PURPOSE, token, customer)
            .and_then(|body| body.strip_prefix("pm_test_"))
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(code, _)| TestBehaviour::from_code(code))
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "no payment method {token:?} for customer {customer:?}"
                ))
            })
    }

    fn take_awaiting(&mut self, handle: &str) -> Result<AwaitingConfirmation> {
        self.awaiting
            .remove(handle)
            .ok_or_else(|| Error::NotFound(format!("no charge awaits confirmation {handle:?}")))
    }

    /// Gives `charge` its `outcome` and queues the webhook event saying so.
    fn settle(
        &mut self,
        charge: Charge,
        outcome: ChargeOutcome,
        invoice_reference: &str,
        now: UnixTime,
    ) -> Result<Charge> {
        let (kind, failure) = match &outcome {
            ChargeOutcome::Succeeded => (EventKind::ChargeSucceeded, None),
            ChargeOutcome::Declined { reason } => (EventKind::ChargeFailed, Some(reason.clone())),
            ChargeOutcome::InsufficientFunds => (
                EventKind::ChargeFailed,
                Some("insufficient_funds".to_owned()),
            ),
            ChargeOutcome::RequiresConfirmation { .. } => {
                (EventKind::ChargeRequiresConfirmation, None)
            }
        };
        let charge = Charge { outcome, ..charge };
        let event = Event {
            id: self.next_id("evt"),
            kind,
            created: now,
            charge: ChargeEvent {
                id: charge.id.clone(),
                invoice_reference: invoice_reference.to_owned(),
                amount: charge.amount,
                failure,
            },
        };
        self.outbox
            .push(SignedEvent::new(&self.secret, &event, now)?);
        Ok(charge)
    }
}

impl PaymentProvider for TestModeProvider {
    fn create_customer(&mut self, _team_reference: &str) -> Result<String> {
        let body = self.next_id("cus");
        self.authenticated_id(CUSTOMER_PURPOSE, &body, "")
    }

    fn attach_card(
        &mut self,
        customer: &str,
        card: CardDetails,
        now: UnixTime,
    ) -> Result<PaymentMethod> {
        self.check_customer(customer)?;
        let today = Date::of(now)?;
        if !(1..=12).contains(&card.exp_month)
            || (card.exp_year, card.exp_month) < (today.year, today.month)
        {
            return Err(Error::InvalidCard("this card has expired".into()));
        }
        let behaviour = TEST_CARDS
            .iter()
            .find(|(number, _)| *number == card.number.0)
            .map(|(_, behaviour)| *behaviour)
            .ok_or_else(|| {
                Error::InvalidCard(
                    "test mode takes only test cards, such as 4242 4242 4242 4242".into(),
                )
            })?;
        let body = format!("pm_test_{}_{}", behaviour.code(), self.next_unique());
        let token = self.authenticated_id(PAYMENT_METHOD_PURPOSE, &body, customer)?;
        Ok(PaymentMethod {
            token,
            last4: card.number.last4(),
            brand: card.number.brand(),
            exp_month: card.exp_month,
            exp_year: card.exp_year,
        })
    }

    fn charge(&mut self, request: &ChargeRequest<'_>, now: UnixTime) -> Result<Charge> {
        let key: ChargeRequestKey = (
            request.customer.to_owned(),
            request.payment_method.to_owned(),
            request.amount,
            request.invoice_reference.to_owned(),
        );
        if let Some((first, charge)) = self.charges.get(request.idempotency_key) {
            return if *first == key {
                Ok(charge.clone())
            } else {
                Err(Error::IdempotencyConflict(
                    request.idempotency_key.to_owned(),
                ))
            };
        }
        if request.amount.minor() <= 0 {
            return Err(Error::InvalidAmount(format!(
                "a charge must be positive, not {}",
                request.amount
            )));
        }
        let behaviour = self.card_behaviour(request.customer, request.payment_method)?;
        let charge = Charge {
            id: self.next_id("ch"),
            amount: request.amount,
            outcome: ChargeOutcome::Succeeded,
        };
        let outcome = match behaviour {
            TestBehaviour::Succeeds => ChargeOutcome::Succeeded,
            TestBehaviour::Declines => ChargeOutcome::Declined {
                reason: "card_declined".into(),
            },
            TestBehaviour::InsufficientFunds => ChargeOutcome::InsufficientFunds,
            TestBehaviour::RequiresConfirmation => ChargeOutcome::RequiresConfirmation {
                handle: self.next_id("confirm"),
            },
        };
        let charge = self.settle(charge, outcome, request.invoice_reference, now)?;
        if let ChargeOutcome::RequiresConfirmation { handle } = &charge.outcome {
            let awaiting = AwaitingConfirmation {
                charge: charge.clone(),
                invoice_reference: request.invoice_reference.to_owned(),
            };
            self.awaiting.insert(handle.clone(), awaiting);
        }
        self.charges
            .insert(request.idempotency_key.to_owned(), (key, charge.clone()));
        Ok(charge)
    }

    fn confirm(&mut self, handle: &str, now: UnixTime) -> Result<Charge> {
        let awaiting = self.take_awaiting(handle)?;
        self.settle(
            awaiting.charge,
            ChargeOutcome::Succeeded,
            &awaiting.invoice_reference,
            now,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::HashSet;

    use super::*;
    use crate::webhook::accept;

    const NOW: UnixTime = 1_704_067_200; // 2024-01-01

    fn secret() -> WebhookSecret {
        WebhookSecret::new("whsec_test")
    }

    fn card(number: &str) -> CardDetails {
        CardDetails {
            number: CardNumber::parse(number).unwrap(),
            exp_month: 12,
            exp_year: 2030,
        }
    }

    /// A provider with a customer holding the card `number`.
    fn with_card(number: &str) -> (TestModeProvider, String, PaymentMethod) {
        let mut provider = TestModeProvider::new(secret(), "a");
        let customer = provider.create_customer("team_1").unwrap();
        let method = provider.attach_card(&customer, card(number), NOW).unwrap();
        (provider, customer, method)
    }

    /// The charge of invoice `inv_1`: 40.00 USD.
    fn first_invoice<'a>(customer: &'a str, method: &'a PaymentMethod) -> ChargeRequest<'a> {
        ChargeRequest {
            customer,
            payment_method: &method.token,
            amount: Money::usd(4_000),
            invoice_reference: "inv_1",
            idempotency_key: "inv_1/1",
        }
    }

    fn charge_once(number: &str) -> (TestModeProvider, Charge) {
        let (mut provider, customer, method) = with_card(number);
        let request = first_invoice(&customer, &method);
        let charge = provider.charge(&request, NOW).unwrap();
        (provider, charge)
    }

    /// The one event the provider queued since the last look, verified as the webhook
    /// endpoint would.
    fn received(provider: &mut TestModeProvider, seen: &mut HashSet<String>) -> Event {
        let deliveries = provider.take_events();
        let [delivery] = deliveries.as_slice() else {
            panic!("expected one event, got {deliveries:?}");
        };
        accept(&secret(), &delivery.signature, &delivery.payload, NOW, seen).unwrap()
    }

    #[test]
    fn the_card_number_decides_the_outcome() {
        let outcomes = [
            ("4242 4242 4242 4242", ChargeOutcome::Succeeded),
            (
                "4000-0000-0000-0002",
                ChargeOutcome::Declined {
                    reason: "card_declined".into(),
                },
            ),
            ("4000000000009995", ChargeOutcome::InsufficientFunds),
        ];
        for (number, expected) in outcomes {
            let (mut provider, charge) = charge_once(number);
            assert_eq!(charge.outcome, expected, "{number}");
            let event = received(&mut provider, &mut HashSet::new());
            let kind = if expected == ChargeOutcome::Succeeded {
                EventKind::ChargeSucceeded
            } else {
                EventKind::ChargeFailed
            };
            assert_eq!((event.kind, &event.charge.id), (kind, &charge.id));
        }
    }

    #[test]
    fn a_confirmation_step_completes_through_confirm_and_a_webhook() {
        let (mut provider, charge) = charge_once("4000002500003155");
        let ChargeOutcome::RequiresConfirmation { handle } = charge.outcome.clone() else {
            panic!("{charge:?}");
        };
        let mut seen = HashSet::new();
        let waiting = received(&mut provider, &mut seen);
        assert_eq!(waiting.kind, EventKind::ChargeRequiresConfirmation);

        let confirmed = provider.confirm(&handle, NOW + 30).unwrap();
        assert_eq!(
            (confirmed.id.as_str(), confirmed.outcome),
            (charge.id.as_str(), ChargeOutcome::Succeeded)
        );
        let done = received(&mut provider, &mut seen);
        assert_eq!(
            (done.kind, done.charge.invoice_reference.as_str()),
            (EventKind::ChargeSucceeded, "inv_1")
        );
        assert_eq!(
            provider.confirm(&handle, NOW).unwrap_err().kind(),
            "not_found"
        );
    }

    #[test]
    fn a_failed_confirmation_fails_the_charge() {
        let (mut provider, charge) = charge_once("4000002500003155");
        let ChargeOutcome::RequiresConfirmation { handle } = charge.outcome else {
            panic!("no confirmation step");
        };
        let mut seen = HashSet::new();
        received(&mut provider, &mut seen);
        let failed = provider.fail_confirmation(&handle, NOW).unwrap();
        assert!(matches!(failed.outcome, ChargeOutcome::Declined { .. }));
        assert_eq!(
            received(&mut provider, &mut seen).kind,
            EventKind::ChargeFailed
        );
    }

    #[test]
    fn only_the_token_last_four_and_brand_leave_the_provider() {
        let (_, _, method) = with_card("4242 4242 4242 4242");
        assert_eq!(
            (method.last4.as_str(), method.brand),
            ("4242", CardBrand::Visa)
        );
        let stored = serde_json::to_string(&method).unwrap();
        assert!(!stored.contains("424242424242"), "{stored}");
        let details = format!("{:?}", card("4242424242424242"));
        assert!(!details.contains("424242424242"), "{details}");
        assert_eq!(
            with_card("5555 5555 5555 4444").2.brand,
            CardBrand::Mastercard
        );
    }

    #[test]
    fn bad_numbers_expired_cards_and_real_cards_are_refused() {
        assert_eq!(
            CardNumber::parse("4242 4242 4242 4241").unwrap_err().kind(),
            "invalid_card"
        );
        assert!(CardNumber::parse("4242").is_err());
        assert!(CardNumber::parse("4242 4242 4242 424x").is_err());
        let mut provider = TestModeProvider::new(secret(), "a");
        let customer = provider.create_customer("team_1").unwrap();
        let expired = CardDetails {
            exp_month: 12,
            exp_year: 2023,
            ..card("4242424242424242")
        };
        assert_eq!(
            provider
                .attach_card(&customer, expired, NOW)
                .unwrap_err()
                .kind(),
            "invalid_card"
        );
        // A valid number that is not a test card (Luhn-valid Visa).
        let real = provider.attach_card(&customer, card("4111111111111111"), NOW);
        assert_eq!(real.unwrap_err().kind(), "invalid_card");
        let unknown = provider.attach_card("cus_nobody", card("4242424242424242"), NOW);
        assert_eq!(unknown.unwrap_err().kind(), "not_found");
    }

    #[test]
    fn the_same_idempotency_key_charges_once() {
        let (mut provider, customer, method) = with_card("4242424242424242");
        let request = first_invoice(&customer, &method);
        let first = provider.charge(&request, NOW).unwrap();
        assert_eq!(provider.charge(&request, NOW + 5).unwrap(), first);
        assert_eq!(provider.take_events().len(), 1);
        let different = ChargeRequest {
            amount: Money::usd(1),
            ..request
        };
        assert_eq!(
            provider.charge(&different, NOW).unwrap_err().kind(),
            "idempotency_conflict"
        );
        let nothing = ChargeRequest {
            amount: Money::usd(0),
            idempotency_key: "k2",
            ..request
        };
        assert_eq!(
            provider.charge(&nothing, NOW).unwrap_err().kind(),
            "invalid_amount"
        );
        let elsewhere = ChargeRequest {
            customer: "cus_other",
            idempotency_key: "k3",
            ..request
        };
        assert_eq!(
            provider.charge(&elsewhere, NOW).unwrap_err().kind(),
            "not_found"
        );
    }

    /// The four test cards and what charging each gives.
    fn every_outcome() -> [(&'static str, ChargeOutcome); 4] {
        [
            ("4242 4242 4242 4242", ChargeOutcome::Succeeded),
            (
                "4000 0000 0000 0002",
                ChargeOutcome::Declined {
                    reason: "card_declined".into(),
                },
            ),
            ("4000 0000 0000 9995", ChargeOutcome::InsufficientFunds),
            (
                "4000 0025 0000 3155",
                ChargeOutcome::RequiresConfirmation {
                    handle: String::new(),
                },
            ),
        ]
    }

    #[test]
    fn a_token_made_on_one_instance_charges_on_another_with_the_same_secret() {
        for (number, expected) in every_outcome() {
            let (_first, customer, method) = with_card(number);
            // A restart, or another server instance: nothing shared but the secret.
            let mut second = TestModeProvider::new(secret(), "b");
            let charge = second
                .charge(&first_invoice(&customer, &method), NOW)
                .unwrap();
            match (&charge.outcome, &expected) {
                (
                    ChargeOutcome::RequiresConfirmation { handle },
                    ChargeOutcome::RequiresConfirmation { .. },
                ) => {
                    assert!(handle.contains("_b_"), "{handle}");
                    // A pending confirmation lives in memory: a third instance does not
                    // know it, the one that made it does.
                    let mut third = TestModeProvider::new(secret(), "c");
                    assert_eq!(third.awaiting(handle), None);
                    assert_eq!(third.confirm(handle, NOW).unwrap_err().kind(), "not_found");
                    let confirmed = second.confirm(handle, NOW).unwrap();
                    assert_eq!(confirmed.outcome, ChargeOutcome::Succeeded);
                }
                (outcome, expected) => assert_eq!(outcome, expected, "{number}"),
            }
            // The other instance also attaches cards to the first one's customers.
            let again = second.attach_card(&customer, card(number), NOW).unwrap();
            assert_ne!(again.token, method.token);
            assert!(again.token.starts_with("pm_test_"), "{}", again.token);
        }
    }

    #[test]
    fn a_token_or_customer_with_any_character_changed_is_refused() {
        let (mut provider, customer, method) = with_card("4000 0000 0000 0002");
        let altered = |id: &str, at: usize| -> String {
            id.char_indices()
                .map(|(index, c)| match (index == at, c) {
                    (false, c) => c,
                    (true, 'a') => 'b',
                    (true, c) if c.is_ascii_lowercase() => 'a',
                    (true, '_') => '-',
                    (true, _) => 'a',
                })
                .collect()
        };
        for at in 0..method.token.len() {
            let token = altered(&method.token, at);
            assert_ne!(token, method.token);
            let request = ChargeRequest {
                payment_method: &token,
                idempotency_key: &token,
                ..first_invoice(&customer, &method)
            };
            let error = provider.charge(&request, NOW).unwrap_err();
            assert_eq!(error.kind(), "not_found", "{token}");
        }
        // A declining card cannot become a succeeding one by its word in the token, and
        // the tag in capitals (the same bytes) is refused too: one spelling only.
        let upgraded = method.token.replacen("declines", "succeeds", 1);
        let (body, tag) = method.token.rsplit_once('_').unwrap();
        let shouting = format!("{body}_{}", tag.to_ascii_uppercase());
        for token in [upgraded, shouting] {
            let request = ChargeRequest {
                payment_method: &token,
                ..first_invoice(&customer, &method)
            };
            let error = provider.charge(&request, NOW).unwrap_err();
            assert_eq!(error.kind(), "not_found", "{token}");
        }

        for at in 0..customer.len() {
            let other = altered(&customer, at);
            let error = provider
                .attach_card(&other, card("4242424242424242"), NOW)
                .unwrap_err();
            assert_eq!(error.kind(), "not_found", "{other}");
        }
        // Nothing was charged or sent.
        assert!(provider.take_events().is_empty());
    }

    #[test]
    fn ids_from_a_provider_with_another_secret_are_refused() {
        let (_, customer, method) = with_card("4242 4242 4242 4242");
        let mut other = TestModeProvider::new(WebhookSecret::new("whsec_other"), "a");
        let error = other
            .charge(&first_invoice(&customer, &method), NOW)
            .unwrap_err();
        assert_eq!(error.kind(), "not_found");
        let error = other
            .attach_card(&customer, card("4242424242424242"), NOW)
            .unwrap_err();
        assert_eq!(error.kind(), "not_found");
        // The same instance name and counter under another secret give other ids.
        assert_ne!(other.create_customer("team_1").unwrap(), customer);
    }

    #[test]
    fn a_token_charges_only_for_its_own_customer() {
        let (mut provider, _, method) = with_card("4242 4242 4242 4242");
        let stranger = provider.create_customer("team_2").unwrap();
        let error = provider
            .charge(&first_invoice(&stranger, &method), NOW)
            .unwrap_err();
        assert_eq!(error.kind(), "not_found");
    }

    #[test]
    fn a_payment_awaiting_confirmation_shows_its_amount_and_invoice() {
        let (mut provider, charge) = charge_once("4000002500003155");
        let ChargeOutcome::RequiresConfirmation { handle } = charge.outcome else {
            panic!("no confirmation step");
        };
        assert_eq!(
            provider.awaiting(&handle),
            Some((Money::usd(4_000), "inv_1".to_owned()))
        );
        assert_eq!(provider.awaiting("confirm_test_a_99"), None);
        provider.confirm(&handle, NOW).unwrap();
        assert_eq!(provider.awaiting(&handle), None);
    }
}
