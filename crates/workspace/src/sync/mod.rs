//! What syncing a workspace needs on the device, independent of the transport: order
//! keys that let two devices place items without renumbering ([`order_key`]), and the
//! three-way merge of an entity changed on both sides ([`merge`]).

pub mod merge;
pub mod order_key;
