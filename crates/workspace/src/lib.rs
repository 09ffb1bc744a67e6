//! `courier-workspace`: the work people do in Courier, kept on their device and
//! usable with or without an account. Tauri-free, so the desktop app's commands, the
//! CLI (`courier-cli run`) and the tests share it.
//!
//! - [`model`]: workspaces (the Scratch Pad and each account's own), collections,
//!   folders, requests, environments, globals and history; every entity has a stable
//!   id, a revision and timestamps.
//! - [`url_params`]: the URL and the parameters table kept in step.
//! - [`resolve`]: `{{variables}}` found, resolved with their precedence, and secret
//!   values masked.
//! - [`import`], [`postman`]: Postman collections (v2.1) and environments in and
//!   out; a broken file is refused whole with the place named, what Courier cannot
//!   hold comes with warnings.
//! - [`courier_format`]: Courier's own versioned collection file, lossless.
//! - [`curl`]: "Copy as curl" and pasting a curl command.
//! - [`send`]: a request's effective auth, resolved and checked ([`send::prepare`]),
//!   sent from Rust with reqwest (timeouts, redirects, TLS, cancellation), its
//!   response measured, and its history entry with secrets masked.
//! - [`run`]: a collection's requests sent in sidebar order and summed up (the
//!   CLI's `run`).
//! - [`db`]: the device's database of this work (SQLite, one file per profile):
//!   every change in one transaction with its revision and a change-log row, the
//!   sidebar tree and filter, delete with undo, history and unsaved drafts.
//! - [`seal`]: secret variable values encrypted at rest under a per-device key kept
//!   by a [`seal::KeyStore`] (the OS keyring in the app), or kept in memory only.
//! - [`clock`]: the injected clock every timestamp reads.

#![forbid(unsafe_code)]

pub mod clock;
pub mod courier_format;
pub mod curl;
pub mod curl_copy;
pub mod db;
pub mod import;
pub mod model;
pub mod postman;
pub mod resolve;
pub mod run;
pub mod seal;
pub mod send;
pub mod sync;
pub mod url_params;
