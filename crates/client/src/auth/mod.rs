//! Signing in and keeping the result: the system browser ([`browser`]) opened on the
//! server's authorization URL ([`discovery`], [`oauth`]: PKCE, state, nonce, the code
//! exchange and refresh), the loopback listener it returns to ([`loopback`]), one
//! attempt with its five-minute window ([`signin`]) and the OS keyring that keeps the
//! tokens ([`vault`]). No account bookkeeping: that is [`crate::Courier`]'s.

pub mod browser;
pub mod discovery;
pub mod loopback;
pub mod oauth;
pub mod signin;
pub mod vault;
