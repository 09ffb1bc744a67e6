//! What syncing a workspace needs on the device, independent of the transport: order
//! keys that let two devices place items without renumbering ([`order_key`]), the
//! three-way merge of an entity changed on both sides ([`merge`]), and one round of
//! push and pull through whatever reaches the server ([`round`]), and the end-to-end
//! keys that let other devices read synced secret values ([`keys`]). What the device
//! keeps between rounds is the database's (`db::sync_state`).

pub mod keys;
pub mod merge;
pub mod order_key;
pub mod round;

pub use round::{RoundReport, SyncFailure, SyncServer, sync_round};
