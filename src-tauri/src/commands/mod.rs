//! What each IPC command does, one function per command named as in the command
//! table (`courier_client::with_ipc_table!`), grouped by the table's areas. Each
//! takes the desktop state and the command's arguments in the table's order and
//! calls one function of `courier-client`; `crate::ipc` wraps them as Tauri
//! commands and maps their errors to `{kind, message, fields?}`.

pub mod accounts;
pub mod files;
pub mod settings;
pub mod signin;
pub mod sync;
pub mod teams;
pub mod window;
pub mod work;
