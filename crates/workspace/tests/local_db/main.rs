//! The local database through its public API, on real SQLite files in temporary
//! folders: the tree and its order, undo, the change log, encryption at rest (down to
//! the bytes on disk), history and drafts, and surviving a SIGKILL mid-write.

#![allow(clippy::unwrap_used)]

mod changes;
mod common;
mod crash;
mod history_drafts;
mod import;
mod secrets;
mod send_options;
mod sync_deletes;
mod trash;
mod tree;
mod workspaces;
