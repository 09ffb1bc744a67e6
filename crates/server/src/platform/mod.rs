//! Platform pieces the domains and the HTTP layer build on, with no account rules:
//! time, secrets and tokens, private files and folders, the public origin, the signing key, password hashing,
//! proof of work, rate limits, outgoing mail, the payment provider, the in-process event hub, the caps on
//! its channels and the access-token cache it keeps in step, `User-Agent`
//! reading and field validation.

pub(crate) mod access_cache;
pub(crate) mod bus_postgres;
pub(crate) mod channel_slots;
pub(crate) mod clock;
pub(crate) mod crypto;
pub(crate) mod files;
pub(crate) mod hub;
pub(crate) mod issuer;
pub(crate) mod keys;
pub(crate) mod mail;
pub(crate) mod password;
pub(crate) mod payments;
pub(crate) mod pow;
pub(crate) mod ratelimit;
pub(crate) mod useragent;
pub(crate) mod validate;
