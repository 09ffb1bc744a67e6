//! The desktop's IPC, written once: every command the UI can call (its name, its
//! arguments and their types, its result) and every event the desktop pushes (its
//! name and payload). [`with_ipc_table!`](crate::with_ipc_table) hands the table to
//! a macro of the caller's, so each side is generated from it:
//!
//! - `src-tauri` makes one `#[tauri::command]` per entry, calling the function of
//!   the same name in its `commands::<area>` module with the arguments in order,
//!   and `tauri::generate_handler!` over all of them;
//! - here, [`UiEvent`] (what the state pushes through its [`Shell`](super::Shell));
//! - with the `ts` feature, a test writes `ui/src/ipc/commands.ts`, the typed map
//!   through which `ui/src/ipc` calls `invoke`.
//!
//! So a renamed command, argument or type fails to compile in Rust (the handler no
//! longer matches) and in TypeScript (the map no longer has it). Arguments are named
//! in snake_case here and travel in camelCase (`account_id` → `accountId`), as Tauri
//! maps them. To add a command: add its line here, write
//! `src-tauri/src/commands/<area>.rs::<name>(state, args…) -> Result<T>`, regenerate
//! with `cargo test -p courier-proto -p courier-client -p courier-workspace --features ts --lib`, and add
//! its wrapper in `ui/src/ipc/index.ts`.

#[cfg(all(test, feature = "ts"))]
mod typescript;

use serde::Serialize;

/// Calls `$callback! { commands { area { name(arg: Type, …) -> Result; … } … }
/// events { name => Variant(Payload); … } }` with the desktop's IPC table. Each
/// entry may carry `///` docs (they reach the generated TypeScript). Types are full
/// paths, so the callback can be anywhere.
#[macro_export]
macro_rules! with_ipc_table {
    ($callback:ident) => {
        $callback! {
            commands {
                accounts {
                    /// Everything the screens start from.
                    app_snapshot() -> $crate::app::view::AppSnapshot;
                    /// Makes account `id` the active one.
                    switch_account(id: String) -> $crate::app::view::AppSnapshot;
                    /// Revokes account `id`'s sign-in at its server and forgets its tokens; its
                    /// workspaces stay on this device unless `remove_work`.
                    sign_out(id: String, remove_work: bool) -> $crate::app::view::AppSnapshot;
                    sign_out_all(remove_work: bool) -> $crate::app::view::AppSnapshot;
                    /// **Skip** on the welcome screen: it is not shown again.
                    skip_sign_in() -> $crate::app::view::AppSnapshot;
                    /// Keeps tokens in memory for this run (no keyring could be reached).
                    continue_without_keyring() -> $crate::app::view::AppSnapshot;
                    retry_keyring() -> $crate::app::view::AppSnapshot;
                }
                signin {
                    /// Opens the browser; how it ends comes as `signin_progress`.
                    start_sign_in(choice: $crate::app::view::SignInChoice)
                        -> $crate::app::view::SignInStarted;
                    reopen_browser() -> ();
                    /// Stops waiting; the attempt ends as `sign_in_cancelled`.
                    cancel_sign_in() -> ();
                }
                settings {
                    account_profile(account_id: String) -> $crate::proto::Profile;
                    update_profile(account_id: String, update: $crate::proto::ProfileUpdate)
                        -> $crate::proto::Profile;
                    upload_avatar(account_id: String, avatar: $crate::app::view::AvatarUpload)
                        -> $crate::proto::Profile;
                    remove_avatar(account_id: String) -> $crate::proto::Profile;
                    change_email(account_id: String, change: $crate::proto::EmailChange)
                        -> $crate::proto::Profile;
                    cancel_email_change(account_id: String) -> $crate::proto::Profile;
                    change_password(account_id: String, change: $crate::proto::PasswordChange)
                        -> ();
                    notification_preferences(account_id: String)
                        -> $crate::proto::NotificationPreferences;
                    set_notification_preferences(
                        account_id: String,
                        preferences: $crate::proto::NotificationPreferences
                    ) -> $crate::proto::NotificationPreferences;
                    list_sessions(account_id: String) -> Vec<$crate::proto::Session>;
                    revoke_session(account_id: String, session_id: String) -> ();
                    revoke_other_sessions(account_id: String) -> $crate::proto::RevokedSessions;
                    support_requests(account_id: String) -> Vec<$crate::proto::SupportRequest>;
                    submit_support_request(
                        account_id: String,
                        request: $crate::proto::NewSupportRequest
                    ) -> $crate::proto::SupportRequest;
                }
                teams {
                    /// The account's teams, with its role in each.
                    teams(account_id: String) -> Vec<$crate::proto::Team>;
                    /// A new team with the account as its admin.
                    create_team(account_id: String, fields: $crate::proto::TeamFields)
                        -> $crate::proto::Team;
                    /// A free team URL made from `name`.
                    team_url_suggestion(account_id: String, name: String) -> String;
                    update_team(account_id: String, team_id: String, fields: $crate::proto::TeamFields)
                        -> $crate::proto::Team;
                    team_members(account_id: String, team_id: String)
                        -> Vec<$crate::proto::TeamMember>;
                    set_member_role(
                        account_id: String,
                        team_id: String,
                        user_id: String,
                        role: $crate::proto::TeamRole
                    ) -> $crate::proto::TeamMember;
                    remove_member(account_id: String, team_id: String, user_id: String) -> ();
                    leave_team(account_id: String, team_id: String) -> ();
                    team_invitations(account_id: String, team_id: String)
                        -> Vec<$crate::proto::Invitation>;
                    /// One mail per address; inviting an address again resends its link.
                    invite(account_id: String, team_id: String, invitations: $crate::proto::NewInvitations)
                        -> Vec<$crate::proto::Invitation>;
                    resend_invitation(account_id: String, team_id: String, invitation_id: String)
                        -> $crate::proto::Invitation;
                    cancel_invitation(account_id: String, team_id: String, invitation_id: String)
                        -> ();
                    team_discovery(account_id: String, team_id: String)
                        -> $crate::proto::TeamDiscovery;
                    set_team_discovery(
                        account_id: String,
                        team_id: String,
                        settings: $crate::proto::DiscoverySettings
                    ) -> $crate::proto::TeamDiscovery;
                    /// Teams the account may join, found by its address's domain.
                    discoverable_teams(account_id: String) -> Vec<$crate::proto::DiscoverableTeam>;
                    join_team(account_id: String, team_id: String) -> $crate::proto::JoinOutcome;
                    withdraw_join_request(account_id: String, team_id: String) -> ();
                    join_requests(account_id: String, team_id: String)
                        -> Vec<$crate::proto::JoinRequest>;
                    approve_join_request(account_id: String, team_id: String, request_id: String)
                        -> $crate::proto::TeamMember;
                    decline_join_request(account_id: String, team_id: String, request_id: String)
                        -> ();
                }
                billing {
                    /// Every plan's tier, prices and limits, cheapest first.
                    billing_plans(account_id: String) -> Vec<$crate::proto::PlanOffer>;
                    /// A team's billing dashboard (admins and billing managers; `forbidden`
                    /// for members).
                    team_billing(account_id: String, team_id: String)
                        -> $crate::proto::BillingOverview;
                    /// What changing to `plan` charges now; confirm with its `at` and total.
                    preview_plan_change(
                        account_id: String,
                        team_id: String,
                        plan: $crate::proto::PlanChoice
                    ) -> $crate::proto::PlanChangePreview;
                    /// Confirms a preview (`payment_failed` beside `card`, `conflict` when
                    /// stale); a payment the bank must confirm opens its page in the browser.
                    change_plan(
                        account_id: String,
                        team_id: String,
                        confirmation: $crate::proto::PlanChangeConfirmation
                    ) -> $crate::proto::PlanChangeOutcome;
                    /// Opens the page of the payment waiting for the bank's confirmation again.
                    open_payment_confirmation(account_id: String, team_id: String) -> ();
                    /// A new card on file (a past-due invoice is retried with it).
                    replace_card(account_id: String, team_id: String, card: $crate::proto::CardInput)
                        -> $crate::proto::BillingOverview;
                    set_billing_email(account_id: String, team_id: String, billing_email: String)
                        -> $crate::proto::BillingOverview;
                    /// The invoices older than `before` (null: the newest), a page at a time.
                    invoices(account_id: String, team_id: String, before: Option<String>)
                        -> $crate::proto::InvoicePage;
                    invoice(account_id: String, team_id: String, invoice_id: String)
                        -> $crate::proto::InvoiceDetail;
                    /// Asks where to save an invoice's document and writes it there: its
                    /// path, or null when the person cancels.
                    save_invoice(
                        account_id: String,
                        team_id: String,
                        invoice_id: String,
                        format: $crate::api::InvoiceFormat
                    ) -> Option<String>;
                }
                work {
                    /// The Scratch Pad and the active account's workspaces.
                    workspaces() -> $crate::app::work::WorkspaceList;
                    /// A new workspace of the active account's, or (with `team_id`) of
                    /// one of its teams, shared with the team's members.
                    create_workspace(name: String, team_id: Option<String>)
                        -> $crate::workspace::model::Workspace;
                    rename_workspace(id: String, name: String) -> $crate::workspace::model::Workspace;
                    delete_workspace(id: String) -> $crate::app::work::Undo;
                    /// The sidebar: a workspace's collections, folders and requests, by columns.
                    workspace_tree(workspace_id: String) -> $crate::workspace::db::TreeColumns;
                    create_collection(workspace_id: String, name: String)
                        -> $crate::workspace::model::Collection;
                    rename_collection(id: String, name: String) -> $crate::workspace::model::Collection;
                    delete_collection(id: String) -> $crate::app::work::Undo;
                    create_folder(place: $crate::workspace::db::Place, name: String) -> $crate::workspace::model::Folder;
                    rename_folder(id: String, name: String) -> $crate::workspace::model::Folder;
                    delete_folder(id: String) -> $crate::app::work::Undo;
                    create_request(place: $crate::workspace::db::Place, name: String) -> $crate::workspace::model::Request;
                    rename_request(id: String, name: String) -> $crate::workspace::model::Request;
                    delete_request(id: String) -> $crate::app::work::Undo;
                    /// Undo: puts back what a delete removed (once).
                    restore(token: String) -> ();
                    request(id: String) -> $crate::workspace::model::Request;
                    /// Saves an edited request; refused as `conflict` when it changed since.
                    save_request(request: $crate::workspace::model::Request) -> $crate::workspace::model::Request;
                    /// The `{{names}}` of an edited request that have no value now.
                    unresolved_variables(
                        workspace_id: String,
                        request_id: String,
                        spec: $crate::workspace::model::RequestSpec
                    ) -> Vec<String>;
                    /// Sends the editor's copy of a saved request; `send_id` is for
                    /// `cancel_send`. Refused with `unresolved_variables` (and their
                    /// names) before anything goes out.
                    send_request(
                        send_id: String,
                        workspace_id: String,
                        request_id: String,
                        spec: $crate::workspace::model::RequestSpec,
                        options: $crate::workspace::model::SendOptions
                    ) -> $crate::workspace::send::Response;
                    /// Stops a send; it ends as `cancelled`.
                    cancel_send(send_id: String) -> ();
                    environments(workspace_id: String) -> Vec<$crate::workspace::model::Environment>;
                    create_environment(workspace_id: String, name: String)
                        -> $crate::workspace::model::Environment;
                    update_environment(environment: $crate::workspace::model::Environment)
                        -> $crate::workspace::model::Environment;
                    delete_environment(id: String) -> $crate::app::work::Undo;
                    set_active_environment(workspace_id: String, environment_id: Option<String>)
                        -> $crate::workspace::model::Workspace;
                    globals(workspace_id: String) -> $crate::workspace::model::Globals;
                    set_globals(workspace_id: String, variables: Vec<$crate::workspace::model::Variable>)
                        -> $crate::workspace::model::Globals;
                    /// The newest sends of a workspace first.
                    history(workspace_id: String) -> Vec<$crate::workspace::model::HistoryEntry>;
                    /// Empties a workspace's History.
                    clear_history(workspace_id: String) -> ();
                    /// A workspace's unsaved editor changes, most recent first.
                    drafts(workspace_id: String) -> Vec<$crate::workspace::db::Draft>;
                    /// Keeps (or replaces) the unsaved spec of an open tab.
                    save_draft(
                        workspace_id: String,
                        key: $crate::workspace::db::DraftKey,
                        spec: $crate::workspace::model::RequestSpec
                    ) -> $crate::workspace::db::Draft;
                    /// Forgets a tab's unsaved changes (nothing to forget is fine).
                    discard_draft(workspace_id: String, key: $crate::workspace::db::DraftKey) -> ();
                    /// The tabs a workspace had open, to bring back at start.
                    open_tabs(workspace_id: String) -> $crate::workspace::db::OpenTabs;
                    /// Keeps a workspace's open tabs; returns what was kept.
                    set_open_tabs(workspace_id: String, tabs: $crate::workspace::db::OpenTabs)
                        -> $crate::workspace::db::OpenTabs;
                    /// How the workspace's requests are sent (timeout, redirects, TLS).
                    send_options(workspace_id: String) -> $crate::workspace::model::SendOptions;
                    set_send_options(workspace_id: String, options: $crate::workspace::model::SendOptions)
                        -> $crate::workspace::model::SendOptions;
                    /// The editor's copy of a saved request as a curl command: `{{names}}`
                    /// kept unless `resolve_values` (secret values included then).
                    copy_as_curl(
                        workspace_id: String,
                        request_id: String,
                        spec: $crate::workspace::model::RequestSpec,
                        resolve_values: bool
                    ) -> String;
                    /// Writes a response body (base64) to `path`.
                    save_response_body(path: String, body_base64: String) -> ();
                    /// Seals every variable value of the workspace, not only secret ones.
                    set_encrypt_values(workspace_id: String, on: bool)
                        -> $crate::workspace::model::Workspace;
                    /// The sidebar's tree actions: a copy right after the original, and moves
                    /// (another parent, or another place among the siblings).
                    /// Each request's URL by id, for the sidebar's filter.
                    request_urls(workspace_id: String)
                        -> std::collections::HashMap<String, String>;
                    duplicate_request(id: String) -> $crate::workspace::model::Request;
                    /// A folder or collection copied with everything in it.
                    duplicate_folder(id: String) -> $crate::workspace::model::Folder;
                    duplicate_collection(id: String) -> $crate::workspace::model::Collection;
                    move_request(id: String, place: $crate::workspace::db::Place)
                        -> $crate::workspace::model::Request;
                    move_folder(id: String, place: $crate::workspace::db::Place)
                        -> $crate::workspace::model::Folder;
                    /// Moves a collection with everything in it to another workspace (the
                    /// Scratch Pad's work into a synced one): a copy there, then the delete here.
                    move_collection_to_workspace(id: String, workspace_id: String)
                        -> $crate::workspace::model::Collection;
                    /// Import and export (the path the person chose; the file is read and
                    /// written on the Rust side), and a request from a pasted curl command.
                    import_file(workspace_id: String, path: String)
                        -> $crate::app::transfer::ImportSummary;
                    export_collection(
                        collection_id: String,
                        path: String,
                        format: $crate::app::transfer::ExportFormat,
                        include_secrets: bool
                    ) -> ();
                    request_from_curl(place: $crate::workspace::db::Place, command: String)
                        -> $crate::workspace::model::Request;
                }
                sync {
                    /// Where an account's sync stands (the header's indicator); changes come
                    /// as `sync_status`.
                    sync_status(account_id: String) -> $crate::app::work_sync::SyncStatus;
                    /// **Sync now** (and **Retry**): a round for the account at once.
                    sync_now(account_id: String) -> ();
                    /// The conflicts left to decide in a workspace.
                    sync_conflicts(workspace_id: String) -> Vec<$crate::workspace::db::SyncConflict>;
                    /// Settles one conflict: the server's version stays, or this device's wins.
                    resolve_conflict(
                        workspace_id: String,
                        entity: $crate::workspace::model::EntityKind,
                        entity_id: String,
                        keep: $crate::workspace::db::Keep
                    ) -> Vec<$crate::workspace::db::SyncConflict>;
                    /// **Keep all mine** for a whole workspace.
                    keep_all_mine(workspace_id: String) -> Vec<$crate::workspace::db::SyncConflict>;
                    /// Unlocks the account's synced secret values on this device with the
                    /// recovery key the person typed (refused beside `recovery_key` when it
                    /// does not open them); a sync round follows.
                    unlock_secrets(account_id: String, recovery_key: String) -> ();
                    /// The account's recovery key, when this device keeps it (it made the
                    /// account's key, or was unlocked with it): **Show recovery key**.
                    recovery_key(account_id: String) -> Option<String>;
                }
                window {
                    /// The UI has drawn its first real screen (the startup benchmark's mark).
                    first_screen_ready() -> ();
                }
                files {
                    /// The OS's dialog for a file to read (`extensions` without dots; empty:
                    /// any); its path, or null when the person cancels.
                    choose_open_file(title: String, extensions: Vec<String>) -> Option<String>;
                    /// The OS's dialog for where to write a new file; its path, or null.
                    choose_save_file(title: String, suggested_name: String) -> Option<String>;
                }
            }
            events {
                /// The accounts or the token store changed: the new snapshot.
                account_changed => AccountChanged($crate::app::view::AppSnapshot);
                /// How a sign-in started by `start_sign_in` ended.
                signin_progress => SignInProgress($crate::app::view::SignInProgress);
                /// The server says an account's profile changed (here or on another device).
                profile_changed => ProfileChanged($crate::app::view::ProfileChangedEvent);
                /// A team of an account's changed, or the account joined or left one.
                teams_changed => TeamsChanged($crate::app::view::TeamsChangedEvent);
                /// A team's plan or billing changed (a payment confirmed, a renewal, a downgrade).
                billing_changed => BillingChanged($crate::app::view::BillingChangedEvent);
                /// An account's sync moved on (syncing, synced, offline, an error, the counts).
                sync_status => SyncStatus($crate::app::work_sync::SyncStatus);
                /// A sync round wrote into these workspaces: their screens read them again.
                work_changed => WorkChanged($crate::app::work_sync::WorkChanged);
            }
        }
    };
}

/// Builds [`UiEvent`] from the table's events.
macro_rules! ui_event {
    (
        commands { $($commands:tt)* }
        events { $( $(#[doc = $doc:literal])* $name:ident => $variant:ident($payload:ty); )* }
    ) => {
        /// An event for the UI, serialised as its payload alone and sent under
        /// [`UiEvent::name`].
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(untagged)]
        pub enum UiEvent {
            $( $(#[doc = $doc])* $variant($payload), )*
        }

        impl UiEvent {
            /// The event's name, as the UI subscribes to it.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Self::$variant(_) => stringify!($name), )*
                }
            }
        }
    };
}

crate::with_ipc_table!(ui_event);
