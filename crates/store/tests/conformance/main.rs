//! The storage conformance suite: every method of every area trait, against the
//! backend [`backend::open`] picks at run time (SQLite in a temporary folder, or the
//! database `COURIER_TEST_DATABASE_URL` names). The rules a backend must not get
//! wrong are the assertions: a replayed code or refresh token revokes its grant, a
//! spent or expired link is refused, an email change already taken changes nothing,
//! expiry starts at the `expires_at` second, unique values conflict.

#![allow(clippy::unwrap_used)]

mod accounts;
mod backend;
mod links;
mod oauth;
mod profiles;
mod sessions;
