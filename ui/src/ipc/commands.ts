// Generated from the IPC table (crates/client/src/app/ipc/mod.rs) by
// `cargo test -p courier-proto -p courier-client -p courier-workspace --features ts --lib`. Do not edit.
import type { AppSnapshot } from "../bindings/AppSnapshot";
import type { AvatarUpload } from "../bindings/AvatarUpload";
import type { BillingChangedEvent } from "../bindings/BillingChangedEvent";
import type { BillingOverview } from "../bindings/BillingOverview";
import type { CardInput } from "../bindings/CardInput";
import type { Collection } from "../bindings/Collection";
import type { DiscoverableTeam } from "../bindings/DiscoverableTeam";
import type { DiscoverySettings } from "../bindings/DiscoverySettings";
import type { Draft } from "../bindings/Draft";
import type { DraftKey } from "../bindings/DraftKey";
import type { EmailChange } from "../bindings/EmailChange";
import type { EntityKind } from "../bindings/EntityKind";
import type { Environment } from "../bindings/Environment";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { Folder } from "../bindings/Folder";
import type { Globals } from "../bindings/Globals";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { ImportSummary } from "../bindings/ImportSummary";
import type { Invitation } from "../bindings/Invitation";
import type { InvoiceDetail } from "../bindings/InvoiceDetail";
import type { InvoiceFormat } from "../bindings/InvoiceFormat";
import type { InvoicePage } from "../bindings/InvoicePage";
import type { JoinOutcome } from "../bindings/JoinOutcome";
import type { JoinRequest } from "../bindings/JoinRequest";
import type { Keep } from "../bindings/Keep";
import type { NewInvitations } from "../bindings/NewInvitations";
import type { NewSupportRequest } from "../bindings/NewSupportRequest";
import type { NotificationPreferences } from "../bindings/NotificationPreferences";
import type { OpenTabs } from "../bindings/OpenTabs";
import type { PasswordChange } from "../bindings/PasswordChange";
import type { Place } from "../bindings/Place";
import type { PlanChangeConfirmation } from "../bindings/PlanChangeConfirmation";
import type { PlanChangeOutcome } from "../bindings/PlanChangeOutcome";
import type { PlanChangePreview } from "../bindings/PlanChangePreview";
import type { PlanChoice } from "../bindings/PlanChoice";
import type { PlanOffer } from "../bindings/PlanOffer";
import type { Profile } from "../bindings/Profile";
import type { ProfileChangedEvent } from "../bindings/ProfileChangedEvent";
import type { ProfileUpdate } from "../bindings/ProfileUpdate";
import type { Request } from "../bindings/Request";
import type { RequestSpec } from "../bindings/RequestSpec";
import type { Response } from "../bindings/Response";
import type { RevokedSessions } from "../bindings/RevokedSessions";
import type { SendOptions } from "../bindings/SendOptions";
import type { Session } from "../bindings/Session";
import type { SignInChoice } from "../bindings/SignInChoice";
import type { SignInProgress } from "../bindings/SignInProgress";
import type { SignInStarted } from "../bindings/SignInStarted";
import type { SupportRequest } from "../bindings/SupportRequest";
import type { SyncConflict } from "../bindings/SyncConflict";
import type { SyncStatus } from "../bindings/SyncStatus";
import type { Team } from "../bindings/Team";
import type { TeamDiscovery } from "../bindings/TeamDiscovery";
import type { TeamFields } from "../bindings/TeamFields";
import type { TeamMember } from "../bindings/TeamMember";
import type { TeamRole } from "../bindings/TeamRole";
import type { TeamsChangedEvent } from "../bindings/TeamsChangedEvent";
import type { TreeColumns } from "../bindings/TreeColumns";
import type { Undo } from "../bindings/Undo";
import type { Variable } from "../bindings/Variable";
import type { WorkChanged } from "../bindings/WorkChanged";
import type { Workspace } from "../bindings/Workspace";
import type { WorkspaceList } from "../bindings/WorkspaceList";

/** Every command the desktop answers: its arguments (as `invoke` sends them) and result. */
export type Commands = {
  /** Everything the screens start from. */
  app_snapshot: { args: undefined; result: AppSnapshot };
  /** Makes account `id` the active one. */
  switch_account: { args: { id: string }; result: AppSnapshot };
  /**
   * Revokes account `id`'s sign-in at its server and forgets its tokens; its
   * workspaces stay on this device unless `remove_work`.
   */
  sign_out: { args: { id: string; removeWork: boolean }; result: AppSnapshot };
  sign_out_all: { args: { removeWork: boolean }; result: AppSnapshot };
  /** **Skip** on the welcome screen: it is not shown again. */
  skip_sign_in: { args: undefined; result: AppSnapshot };
  /** Keeps tokens in memory for this run (no keyring could be reached). */
  continue_without_keyring: { args: undefined; result: AppSnapshot };
  retry_keyring: { args: undefined; result: AppSnapshot };
  /** Opens the browser; how it ends comes as `signin_progress`. */
  start_sign_in: { args: { choice: SignInChoice }; result: SignInStarted };
  reopen_browser: { args: undefined; result: null };
  /** Stops waiting; the attempt ends as `sign_in_cancelled`. */
  cancel_sign_in: { args: undefined; result: null };
  account_profile: { args: { accountId: string }; result: Profile };
  update_profile: { args: { accountId: string; update: ProfileUpdate }; result: Profile };
  upload_avatar: { args: { accountId: string; avatar: AvatarUpload }; result: Profile };
  remove_avatar: { args: { accountId: string }; result: Profile };
  change_email: { args: { accountId: string; change: EmailChange }; result: Profile };
  cancel_email_change: { args: { accountId: string }; result: Profile };
  change_password: { args: { accountId: string; change: PasswordChange }; result: null };
  notification_preferences: { args: { accountId: string }; result: NotificationPreferences };
  set_notification_preferences: { args: { accountId: string; preferences: NotificationPreferences }; result: NotificationPreferences };
  list_sessions: { args: { accountId: string }; result: Array<Session> };
  revoke_session: { args: { accountId: string; sessionId: string }; result: null };
  revoke_other_sessions: { args: { accountId: string }; result: RevokedSessions };
  support_requests: { args: { accountId: string }; result: Array<SupportRequest> };
  submit_support_request: { args: { accountId: string; request: NewSupportRequest }; result: SupportRequest };
  /** The account's teams, with its role in each. */
  teams: { args: { accountId: string }; result: Array<Team> };
  /** A new team with the account as its admin. */
  create_team: { args: { accountId: string; fields: TeamFields }; result: Team };
  /** A free team URL made from `name`. */
  team_url_suggestion: { args: { accountId: string; name: string }; result: string };
  update_team: { args: { accountId: string; teamId: string; fields: TeamFields }; result: Team };
  team_members: { args: { accountId: string; teamId: string }; result: Array<TeamMember> };
  set_member_role: { args: { accountId: string; teamId: string; userId: string; role: TeamRole }; result: TeamMember };
  remove_member: { args: { accountId: string; teamId: string; userId: string }; result: null };
  leave_team: { args: { accountId: string; teamId: string }; result: null };
  team_invitations: { args: { accountId: string; teamId: string }; result: Array<Invitation> };
  /** One mail per address; inviting an address again resends its link. */
  invite: { args: { accountId: string; teamId: string; invitations: NewInvitations }; result: Array<Invitation> };
  resend_invitation: { args: { accountId: string; teamId: string; invitationId: string }; result: Invitation };
  cancel_invitation: { args: { accountId: string; teamId: string; invitationId: string }; result: null };
  team_discovery: { args: { accountId: string; teamId: string }; result: TeamDiscovery };
  set_team_discovery: { args: { accountId: string; teamId: string; settings: DiscoverySettings }; result: TeamDiscovery };
  /** Teams the account may join, found by its address's domain. */
  discoverable_teams: { args: { accountId: string }; result: Array<DiscoverableTeam> };
  join_team: { args: { accountId: string; teamId: string }; result: JoinOutcome };
  withdraw_join_request: { args: { accountId: string; teamId: string }; result: null };
  join_requests: { args: { accountId: string; teamId: string }; result: Array<JoinRequest> };
  approve_join_request: { args: { accountId: string; teamId: string; requestId: string }; result: TeamMember };
  decline_join_request: { args: { accountId: string; teamId: string; requestId: string }; result: null };
  /** Every plan's tier, prices and limits, cheapest first. */
  billing_plans: { args: { accountId: string }; result: Array<PlanOffer> };
  /**
   * A team's billing dashboard (admins and billing managers; `forbidden`
   * for members).
   */
  team_billing: { args: { accountId: string; teamId: string }; result: BillingOverview };
  /** What changing to `plan` charges now; confirm with its `at` and total. */
  preview_plan_change: { args: { accountId: string; teamId: string; plan: PlanChoice }; result: PlanChangePreview };
  /**
   * Confirms a preview (`payment_failed` beside `card`, `conflict` when
   * stale); a payment the bank must confirm opens its page in the browser.
   */
  change_plan: { args: { accountId: string; teamId: string; confirmation: PlanChangeConfirmation }; result: PlanChangeOutcome };
  /** Opens the page of the payment waiting for the bank's confirmation again. */
  open_payment_confirmation: { args: { accountId: string; teamId: string }; result: null };
  /** A new card on file (a past-due invoice is retried with it). */
  replace_card: { args: { accountId: string; teamId: string; card: CardInput }; result: BillingOverview };
  set_billing_email: { args: { accountId: string; teamId: string; billingEmail: string }; result: BillingOverview };
  /** The invoices older than `before` (null: the newest), a page at a time. */
  invoices: { args: { accountId: string; teamId: string; before: string | null }; result: InvoicePage };
  invoice: { args: { accountId: string; teamId: string; invoiceId: string }; result: InvoiceDetail };
  /**
   * Asks where to save an invoice's document and writes it there: its
   * path, or null when the person cancels.
   */
  save_invoice: { args: { accountId: string; teamId: string; invoiceId: string; format: InvoiceFormat }; result: string | null };
  /** The Scratch Pad and the active account's workspaces. */
  workspaces: { args: undefined; result: WorkspaceList };
  /**
   * A new workspace of the active account's, or (with `team_id`) of
   * one of its teams, shared with the team's members.
   */
  create_workspace: { args: { name: string; teamId: string | null }; result: Workspace };
  rename_workspace: { args: { id: string; name: string }; result: Workspace };
  delete_workspace: { args: { id: string }; result: Undo };
  /** The sidebar: a workspace's collections, folders and requests, by columns. */
  workspace_tree: { args: { workspaceId: string }; result: TreeColumns };
  create_collection: { args: { workspaceId: string; name: string }; result: Collection };
  rename_collection: { args: { id: string; name: string }; result: Collection };
  delete_collection: { args: { id: string }; result: Undo };
  create_folder: { args: { place: Place; name: string }; result: Folder };
  rename_folder: { args: { id: string; name: string }; result: Folder };
  delete_folder: { args: { id: string }; result: Undo };
  create_request: { args: { place: Place; name: string }; result: Request };
  rename_request: { args: { id: string; name: string }; result: Request };
  delete_request: { args: { id: string }; result: Undo };
  /** Undo: puts back what a delete removed (once). */
  restore: { args: { token: string }; result: null };
  request: { args: { id: string }; result: Request };
  /** Saves an edited request; refused as `conflict` when it changed since. */
  save_request: { args: { request: Request }; result: Request };
  /** The `{{names}}` of an edited request that have no value now. */
  unresolved_variables: { args: { workspaceId: string; requestId: string; spec: RequestSpec }; result: Array<string> };
  /**
   * Sends the editor's copy of a saved request; `send_id` is for
   * `cancel_send`. Refused with `unresolved_variables` (and their
   * names) before anything goes out.
   */
  send_request: { args: { sendId: string; workspaceId: string; requestId: string; spec: RequestSpec; options: SendOptions }; result: Response };
  /** Stops a send; it ends as `cancelled`. */
  cancel_send: { args: { sendId: string }; result: null };
  environments: { args: { workspaceId: string }; result: Array<Environment> };
  create_environment: { args: { workspaceId: string; name: string }; result: Environment };
  update_environment: { args: { environment: Environment }; result: Environment };
  delete_environment: { args: { id: string }; result: Undo };
  set_active_environment: { args: { workspaceId: string; environmentId: string | null }; result: Workspace };
  globals: { args: { workspaceId: string }; result: Globals };
  set_globals: { args: { workspaceId: string; variables: Array<Variable> }; result: Globals };
  /** The newest sends of a workspace first. */
  history: { args: { workspaceId: string }; result: Array<HistoryEntry> };
  /** Empties a workspace's History. */
  clear_history: { args: { workspaceId: string }; result: null };
  /** A workspace's unsaved editor changes, most recent first. */
  drafts: { args: { workspaceId: string }; result: Array<Draft> };
  /** Keeps (or replaces) the unsaved spec of an open tab. */
  save_draft: { args: { workspaceId: string; key: DraftKey; spec: RequestSpec }; result: Draft };
  /** Forgets a tab's unsaved changes (nothing to forget is fine). */
  discard_draft: { args: { workspaceId: string; key: DraftKey }; result: null };
  /** The tabs a workspace had open, to bring back at start. */
  open_tabs: { args: { workspaceId: string }; result: OpenTabs };
  /** Keeps a workspace's open tabs; returns what was kept. */
  set_open_tabs: { args: { workspaceId: string; tabs: OpenTabs }; result: OpenTabs };
  /** How the workspace's requests are sent (timeout, redirects, TLS). */
  send_options: { args: { workspaceId: string }; result: SendOptions };
  set_send_options: { args: { workspaceId: string; options: SendOptions }; result: SendOptions };
  /**
   * The editor's copy of a saved request as a curl command: `{{names}}`
   * kept unless `resolve_values` (secret values included then).
   */
  copy_as_curl: { args: { workspaceId: string; requestId: string; spec: RequestSpec; resolveValues: boolean }; result: string };
  /** Writes a response body (base64) to `path`. */
  save_response_body: { args: { path: string; bodyBase64: string }; result: null };
  /** Seals every variable value of the workspace, not only secret ones. */
  set_encrypt_values: { args: { workspaceId: string; on: boolean }; result: Workspace };
  /**
   * The sidebar's tree actions: a copy right after the original, and moves
   * (another parent, or another place among the siblings).
   * Each request's URL by id, for the sidebar's filter.
   */
  request_urls: { args: { workspaceId: string }; result: { [key in string]: string } };
  duplicate_request: { args: { id: string }; result: Request };
  /** A folder or collection copied with everything in it. */
  duplicate_folder: { args: { id: string }; result: Folder };
  duplicate_collection: { args: { id: string }; result: Collection };
  move_request: { args: { id: string; place: Place }; result: Request };
  move_folder: { args: { id: string; place: Place }; result: Folder };
  /**
   * Moves a collection with everything in it to another workspace (the
   * Scratch Pad's work into a synced one): a copy there, then the delete here.
   */
  move_collection_to_workspace: { args: { id: string; workspaceId: string }; result: Collection };
  /**
   * Import and export (the path the person chose; the file is read and
   * written on the Rust side), and a request from a pasted curl command.
   */
  import_file: { args: { workspaceId: string; path: string }; result: ImportSummary };
  export_collection: { args: { collectionId: string; path: string; format: ExportFormat; includeSecrets: boolean }; result: null };
  request_from_curl: { args: { place: Place; command: string }; result: Request };
  /**
   * Where an account's sync stands (the header's indicator); changes come
   * as `sync_status`.
   */
  sync_status: { args: { accountId: string }; result: SyncStatus };
  /** **Sync now** (and **Retry**): a round for the account at once. */
  sync_now: { args: { accountId: string }; result: null };
  /** The conflicts left to decide in a workspace. */
  sync_conflicts: { args: { workspaceId: string }; result: Array<SyncConflict> };
  /** Settles one conflict: the server's version stays, or this device's wins. */
  resolve_conflict: { args: { workspaceId: string; entity: EntityKind; entityId: string; keep: Keep }; result: Array<SyncConflict> };
  /** **Keep all mine** for a whole workspace. */
  keep_all_mine: { args: { workspaceId: string }; result: Array<SyncConflict> };
  /**
   * Unlocks the account's synced secret values on this device with the
   * recovery key the person typed (refused beside `recovery_key` when it
   * does not open them); a sync round follows.
   */
  unlock_secrets: { args: { accountId: string; recoveryKey: string }; result: null };
  /**
   * The account's recovery key, when this device keeps it (it made the
   * account's key, or was unlocked with it): **Show recovery key**.
   */
  recovery_key: { args: { accountId: string }; result: string | null };
  /** The UI has drawn its first real screen (the startup benchmark's mark). */
  first_screen_ready: { args: undefined; result: null };
  /**
   * The OS's dialog for a file to read (`extensions` without dots; empty:
   * any); its path, or null when the person cancels.
   */
  choose_open_file: { args: { title: string; extensions: Array<string> }; result: string | null };
  /** The OS's dialog for where to write a new file; its path, or null. */
  choose_save_file: { args: { title: string; suggestedName: string }; result: string | null };
};

/** Every event the desktop pushes, by name, with its payload. */
export type Events = {
  /** The accounts or the token store changed: the new snapshot. */
  account_changed: AppSnapshot;
  /** How a sign-in started by `start_sign_in` ended. */
  signin_progress: SignInProgress;
  /** The server says an account's profile changed (here or on another device). */
  profile_changed: ProfileChangedEvent;
  /** A team of an account's changed, or the account joined or left one. */
  teams_changed: TeamsChangedEvent;
  /** A team's plan or billing changed (a payment confirmed, a renewal, a downgrade). */
  billing_changed: BillingChangedEvent;
  /** An account's sync moved on (syncing, synced, offline, an error, the counts). */
  sync_status: SyncStatus;
  /** A sync round wrote into these workspaces: their screens read them again. */
  work_changed: WorkChanged;
};
