//! The Tauri side of the command table (`courier_client::with_ipc_table!`): one
//! `#[tauri::command]` per entry, with the table's name, arguments and result,
//! calling `commands::<area>::<name>(&state, arguments…)` and mapping its error to
//! `{kind, message, fields?}`; and [`handler`], `tauri::generate_handler!` over all
//! of them. Nothing here is written by hand per command.

use std::sync::Arc;

use courier_client::app::DesktopState;
use courier_client::app::view::IpcError;
use tauri::ipc::Invoke;
use tauri::{Runtime, State};

use crate::commands;

macro_rules! tauri_commands {
    (
        commands { $( $area:ident {
            $( $(#[doc = $doc:literal])* $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $result:ty; )*
        } )* }
        events { $($events:tt)* }
    ) => {
        $($(
            $(#[doc = $doc])*
            #[tauri::command]
            async fn $name(
                state: State<'_, Arc<DesktopState>>,
                $($arg: $ty),*
            ) -> Result<$result, IpcError> {
                Ok(commands::$area::$name(&state, $($arg),*).await?)
            }
        )*)*

        /// Answers every command of the table.
        pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($($name),*),*]
        }
    };
}

courier_client::with_ipc_table!(tauri_commands);
