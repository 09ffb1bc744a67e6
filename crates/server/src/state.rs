//! What every handler can reach: storage, clock, keys, password hasher, rate limits,
//! mailer, the event hub and the public origin. Cheap to clone.

use std::sync::Arc;

use crate::platform::clock::Clock;
use crate::platform::hub::EventHub;
use crate::platform::keys::SigningKeys;
use crate::platform::mail::Mailer;
use crate::platform::password::PasswordHasher;
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
    /// The proof-of-work check of Trouble signing in? (its HMAC key and difficulty).
    pub pow: Arc<ProofOfWork>,
    pub settings: Arc<Settings>,
}

/// The server's public origin, exactly as it appears in discovery (`iss`).
#[derive(Debug, Clone)]
pub struct Issuer {
    base: Arc<str>,
    origin: Arc<str>,
    https: bool,
}

impl Issuer {
    /// Parses and normalises an issuer URL (no query, fragment or trailing slash).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = url::Url::parse(raw).map_err(|error| format!("issuer {raw:?}: {error}"))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(format!("issuer scheme must be http or https, not {other}")),
        };
        if url.query().is_some() || url.fragment().is_some() || url.cannot_be_a_base() {
            return Err(format!("issuer {raw:?} must not have a query or fragment"));
        }
        let base = url.as_str().trim_end_matches('/').to_owned();
        let origin = url.origin().ascii_serialization();
        Ok(Self {
            base: base.into(),
            origin: origin.into(),
            https,
        })
    }

    /// The issuer identifier.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// An absolute URL for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `scheme://host:port`, for checking `Origin` headers.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Cookies get `Secure` and the `__Host-` prefix when served over HTTPS.
    pub fn is_https(&self) -> bool {
        self.https
    }
}
