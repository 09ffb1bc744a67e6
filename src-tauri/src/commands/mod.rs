//! What each IPC command does, one function per command named as in the command
//! table (`courier_client::with_ipc_table!`), grouped by the table's areas. Each
//! takes the desktop state and the command's arguments in the table's order and
//! calls one function of `courier-client`; `crate::ipc` wraps them as Tauri
//! commands and maps their errors to `{kind, message, fields?}`.

/// Calls `AccountApi::$call($args…)` for `$account_id` and answers through the state
/// (a sign-in the server ended pushes `account_changed`).
macro_rules! on_account {
    ($state:expr, $account_id:expr, $call:ident ( $($arg:expr),* $(,)? )) => {{
        let courier = $state.courier().await?;
        let result = courier.api(&$account_id).$call($($arg),*).await;
        $state.answer(result).await
    }};
}

pub mod accounts;
pub mod billing;
pub mod files;
pub mod settings;
pub mod signin;
pub mod sync;
pub mod teams;
pub mod window;
pub mod work;
