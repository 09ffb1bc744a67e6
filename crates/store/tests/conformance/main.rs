//! The storage conformance suite: every method of every area trait, against the
//! backend [`backend::open`] picks at run time (SQLite in a temporary folder, or the
//! database `COURIER_TEST_DATABASE_URL` names). The rules a backend must not get
//! wrong are the assertions: a replayed code or refresh token revokes its grant, a
//! spent or expired link is refused, an email change already taken changes nothing,
//! expiry starts at the `expires_at` second, unique values conflict, a queued mail
//! comes back after its lease or backoff until abandoned and loses its body once done,
//! a synced operation applies only on its base revision and only once, a workspace key
//! version is taken once, a billing write lands only on the revision it read.

#![allow(clippy::unwrap_used)]

mod accounts;
mod backend;
mod billing;
mod discovery;
mod links;
mod mail_queue;
mod oauth;
mod profiles;
mod server_secrets;
mod sessions;
mod sync_keys;
mod teams;
mod workspaces;
