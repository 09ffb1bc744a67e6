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

#![forbid(unsafe_code)]

pub mod clock;
pub mod db;
pub mod model;
pub mod resolve;
pub mod seal;
pub mod url_params;
