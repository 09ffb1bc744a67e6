// The one door to the Rust side: a typed function per Tauri command and `subscribe` for
// the events it pushes. Nothing else in the UI imports '@tauri-apps/api', so tests mock
// this module alone. Every function rejects with an IpcError ({kind, message}), never a
// bare string, so callers can branch on `kind` (and, for "invalid_input", on `fields`).
// Command names, arguments, results and event payloads come from ./commands.ts, generated
// from the Rust command table: a renamed command or argument is a type error here.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type { AvatarUpload } from "../bindings/AvatarUpload";
import type { CardInput } from "../bindings/CardInput";
import type { DiscoverySettings } from "../bindings/DiscoverySettings";
import type { DraftKey } from "../bindings/DraftKey";
import type { EmailChange } from "../bindings/EmailChange";
import type { EntityKind } from "../bindings/EntityKind";
import type { Environment } from "../bindings/Environment";
import type { ExportFormat } from "../bindings/ExportFormat";
import type { InvoiceFormat } from "../bindings/InvoiceFormat";
import type { IpcError } from "../bindings/IpcError";
import type { Keep } from "../bindings/Keep";
import type { NewInvitations } from "../bindings/NewInvitations";
import type { NewSupportRequest } from "../bindings/NewSupportRequest";
import type { NotificationPreferences } from "../bindings/NotificationPreferences";
import type { OpenTabs } from "../bindings/OpenTabs";
import type { PasswordChange } from "../bindings/PasswordChange";
import type { Place } from "../bindings/Place";
import type { PlanChangeConfirmation } from "../bindings/PlanChangeConfirmation";
import type { PlanChoice } from "../bindings/PlanChoice";
import type { ProfileUpdate } from "../bindings/ProfileUpdate";
import type { Request } from "../bindings/Request";
import type { RequestSpec } from "../bindings/RequestSpec";
import type { SendOptions } from "../bindings/SendOptions";
import type { SignInChoice } from "../bindings/SignInChoice";
import type { TeamFields } from "../bindings/TeamFields";
import type { TeamRole } from "../bindings/TeamRole";
import type { Variable } from "../bindings/Variable";
import type { Commands, Events } from "./commands";

/** The events the Rust side emits, by name, with their payloads. */
export type IpcEvents = Events;

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).kind === "string" &&
    typeof (value as IpcError).message === "string"
  );
}

/** Whatever a command rejected with, as an IpcError (Tauri itself rejects with strings). */
export function toIpcError(error: unknown): IpcError {
  if (isIpcError(error)) {
    const { kind, message, fields, variables } = error;
    return {
      kind,
      message,
      ...(Array.isArray(fields) ? { fields } : {}),
      ...(Array.isArray(variables) ? { variables } : {}),
    };
  }
  if (error instanceof Error) return { kind: "internal", message: error.message };
  return { kind: "internal", message: String(error) };
}

/** A command's arguments: none, or the one object `invoke` sends. */
type ArgsOf<K extends keyof Commands> = Commands[K]["args"] extends undefined
  ? []
  : [args: Commands[K]["args"]];

async function call<K extends keyof Commands>(
  command: K,
  ...args: ArgsOf<K>
): Promise<Commands[K]["result"]> {
  try {
    return await invoke<Commands[K]["result"]>(command, args[0]);
  } catch (error) {
    throw toIpcError(error);
  }
}

export const appSnapshot = () => call("app_snapshot");
export const startSignIn = (choice: SignInChoice) => call("start_sign_in", { choice });
export const reopenBrowser = () => call("reopen_browser");
export const cancelSignIn = () => call("cancel_sign_in");
export const switchAccount = (id: string) => call("switch_account", { id });
export const signOut = ({ id, removeWork }: { id: string; removeWork: boolean }) =>
  call("sign_out", { id, removeWork });
export const signOutAll = (removeWork: boolean) => call("sign_out_all", { removeWork });
export const skipSignIn = () => call("skip_sign_in");
export const continueWithoutKeyring = () => call("continue_without_keyring");
export const retryKeyring = () => call("retry_keyring");
export const firstScreenReady = () => call("first_screen_ready");

// Account settings: each talks to the account's server through Rust, which holds the token.
export const accountProfile = (accountId: string) => call("account_profile", { accountId });
export const updateProfile = (accountId: string, update: ProfileUpdate) =>
  call("update_profile", { accountId, update });
export const uploadAvatar = (accountId: string, avatar: AvatarUpload) =>
  call("upload_avatar", { accountId, avatar });
export const removeAvatar = (accountId: string) => call("remove_avatar", { accountId });
export const changeEmail = (accountId: string, change: EmailChange) =>
  call("change_email", { accountId, change });
export const cancelEmailChange = (accountId: string) => call("cancel_email_change", { accountId });
export const changePassword = (accountId: string, change: PasswordChange) =>
  call("change_password", { accountId, change });
export const notificationPreferences = (accountId: string) =>
  call("notification_preferences", { accountId });
export const setNotificationPreferences = (
  accountId: string,
  preferences: NotificationPreferences,
) => call("set_notification_preferences", { accountId, preferences });
export const listSessions = (accountId: string) => call("list_sessions", { accountId });
export const revokeSession = (accountId: string, sessionId: string) =>
  call("revoke_session", { accountId, sessionId });
export const revokeOtherSessions = (accountId: string) =>
  call("revoke_other_sessions", { accountId });
export const supportRequests = (accountId: string) => call("support_requests", { accountId });
export const submitSupportRequest = (accountId: string, request: NewSupportRequest) =>
  call("submit_support_request", { accountId, request });

// Teams: the account's teams, members and roles, invitations, discovery and join requests.
export const teams = (accountId: string) => call("teams", { accountId });
export const createTeam = (accountId: string, fields: TeamFields) =>
  call("create_team", { accountId, fields });
export const teamUrlSuggestion = (accountId: string, name: string) =>
  call("team_url_suggestion", { accountId, name });
export const updateTeam = (accountId: string, teamId: string, fields: TeamFields) =>
  call("update_team", { accountId, teamId, fields });
export const teamMembers = (accountId: string, teamId: string) =>
  call("team_members", { accountId, teamId });
export const setMemberRole = (accountId: string, teamId: string, userId: string, role: TeamRole) =>
  call("set_member_role", { accountId, teamId, userId, role });
export const removeMember = (accountId: string, teamId: string, userId: string) =>
  call("remove_member", { accountId, teamId, userId });
export const leaveTeam = (accountId: string, teamId: string) =>
  call("leave_team", { accountId, teamId });
export const teamInvitations = (accountId: string, teamId: string) =>
  call("team_invitations", { accountId, teamId });
export const invite = (accountId: string, teamId: string, invitations: NewInvitations) =>
  call("invite", { accountId, teamId, invitations });
export const resendInvitation = (accountId: string, teamId: string, invitationId: string) =>
  call("resend_invitation", { accountId, teamId, invitationId });
export const cancelInvitation = (accountId: string, teamId: string, invitationId: string) =>
  call("cancel_invitation", { accountId, teamId, invitationId });
export const teamDiscovery = (accountId: string, teamId: string) =>
  call("team_discovery", { accountId, teamId });
export const setTeamDiscovery = (accountId: string, teamId: string, settings: DiscoverySettings) =>
  call("set_team_discovery", { accountId, teamId, settings });
export const discoverableTeams = (accountId: string) => call("discoverable_teams", { accountId });
export const joinTeam = (accountId: string, teamId: string) =>
  call("join_team", { accountId, teamId });
export const withdrawJoinRequest = (accountId: string, teamId: string) =>
  call("withdraw_join_request", { accountId, teamId });
export const joinRequests = (accountId: string, teamId: string) =>
  call("join_requests", { accountId, teamId });
export const approveJoinRequest = (accountId: string, teamId: string, requestId: string) =>
  call("approve_join_request", { accountId, teamId, requestId });
export const declineJoinRequest = (accountId: string, teamId: string, requestId: string) =>
  call("decline_join_request", { accountId, teamId, requestId });

// Billing (admins and billing managers): plans, a team's dashboard, Edit Plan's preview and
// confirmation, the card and billing email, invoices (viewed, or saved where the person chooses).
export const billingPlans = (accountId: string) => call("billing_plans", { accountId });
export const teamBilling = (accountId: string, teamId: string) =>
  call("team_billing", { accountId, teamId });
export const previewPlanChange = (accountId: string, teamId: string, plan: PlanChoice) =>
  call("preview_plan_change", { accountId, teamId, plan });
export const changePlan = (
  accountId: string,
  teamId: string,
  confirmation: PlanChangeConfirmation,
) => call("change_plan", { accountId, teamId, confirmation });
export const openPaymentConfirmation = (accountId: string, teamId: string) =>
  call("open_payment_confirmation", { accountId, teamId });
export const replaceCard = (accountId: string, teamId: string, card: CardInput) =>
  call("replace_card", { accountId, teamId, card });
export const setBillingEmail = (accountId: string, teamId: string, billingEmail: string) =>
  call("set_billing_email", { accountId, teamId, billingEmail });
export const invoices = (accountId: string, teamId: string, before: string | null) =>
  call("invoices", { accountId, teamId, before });
export const invoice = (accountId: string, teamId: string, invoiceId: string) =>
  call("invoice", { accountId, teamId, invoiceId });
export const saveInvoice = (
  accountId: string,
  teamId: string,
  invoiceId: string,
  format: InvoiceFormat,
) => call("save_invoice", { accountId, teamId, invoiceId, format });

/**
 * Calls `handler` for each `event` until the returned function is called. Safe to
 * unsubscribe before Tauri has finished registering the listener.
 */
export function subscribe<E extends keyof IpcEvents>(
  event: E,
  handler: (payload: IpcEvents[E]) => void,
): () => void {
  let stopped = false;
  let unlisten: (() => void) | undefined;
  listen<IpcEvents[E]>(event, (message) => {
    if (!stopped) handler(message.payload);
  }).then(
    (stop) => {
      if (stopped) stop();
      else unlisten = stop;
    },
    (error: unknown) => console.error(`cannot listen to ${event}:`, error),
  );
  return () => {
    stopped = true;
    unlisten?.();
  };
}

// Sync: the header's indicator, Sync now, the conflicts panel, and the synced secrets'
// recovery key (unlock this device with it; show the one this device keeps).
export const syncStatus = (accountId: string) => call("sync_status", { accountId });
export const syncNow = (accountId: string) => call("sync_now", { accountId });
export const syncConflicts = (workspaceId: string) => call("sync_conflicts", { workspaceId });
export const resolveConflict = (
  workspaceId: string,
  entity: EntityKind,
  entityId: string,
  keep: Keep,
) => call("resolve_conflict", { workspaceId, entity, entityId, keep });
export const keepAllMine = (workspaceId: string) => call("keep_all_mine", { workspaceId });
export const unlockSecrets = (accountId: string, recoveryKey: string) =>
  call("unlock_secrets", { accountId, recoveryKey });
export const recoveryKey = (accountId: string) => call("recovery_key", { accountId });

// The work area: workspaces, the sidebar's tree, the request editor, Send, environments.
export const workspaces = () => call("workspaces");
export const createWorkspace = (name: string, teamId: string | null = null) =>
  call("create_workspace", { name, teamId });
export const workspaceTree = (workspaceId: string) => call("workspace_tree", { workspaceId });
export const createCollection = (workspaceId: string, name: string) =>
  call("create_collection", { workspaceId, name });
export const renameCollection = (id: string, name: string) =>
  call("rename_collection", { id, name });
export const deleteCollection = (id: string) => call("delete_collection", { id });
export const createFolder = (place: Place, name: string) => call("create_folder", { place, name });
export const renameFolder = (id: string, name: string) => call("rename_folder", { id, name });
export const deleteFolder = (id: string) => call("delete_folder", { id });
export const createRequest = (place: Place, name: string) =>
  call("create_request", { place, name });
export const renameRequest = (id: string, name: string) => call("rename_request", { id, name });
export const deleteRequest = (id: string) => call("delete_request", { id });
export const restore = (token: string) => call("restore", { token });
export const request = (id: string) => call("request", { id });
export const saveRequest = (request: Request) => call("save_request", { request });
export const unresolvedVariables = (workspaceId: string, requestId: string, spec: RequestSpec) =>
  call("unresolved_variables", { workspaceId, requestId, spec });
export const sendRequest = (
  sendId: string,
  workspaceId: string,
  requestId: string,
  spec: RequestSpec,
  options: SendOptions,
) => call("send_request", { sendId, workspaceId, requestId, spec, options });
export const cancelSend = (sendId: string) => call("cancel_send", { sendId });
export const environments = (workspaceId: string) => call("environments", { workspaceId });
export const createEnvironment = (workspaceId: string, name: string) =>
  call("create_environment", { workspaceId, name });
export const updateEnvironment = (environment: Environment) =>
  call("update_environment", { environment });
export const deleteEnvironment = (id: string) => call("delete_environment", { id });
export const setActiveEnvironment = (workspaceId: string, environmentId: string | null) =>
  call("set_active_environment", { workspaceId, environmentId });
export const globals = (workspaceId: string) => call("globals", { workspaceId });
export const setGlobals = (workspaceId: string, variables: Variable[]) =>
  call("set_globals", { workspaceId, variables });
export const sendOptions = (workspaceId: string) => call("send_options", { workspaceId });
export const setSendOptions = (workspaceId: string, options: SendOptions) =>
  call("set_send_options", { workspaceId, options });
export const copyAsCurl = (
  workspaceId: string,
  requestId: string,
  spec: RequestSpec,
  resolveValues: boolean,
) => call("copy_as_curl", { workspaceId, requestId, spec, resolveValues });
export const saveResponseBody = (path: string, bodyBase64: string) =>
  call("save_response_body", { path, bodyBase64 });
export const setEncryptValues = (workspaceId: string, on: boolean) =>
  call("set_encrypt_values", { workspaceId, on });

// The sidebar: workspaces, tree actions and moves, the filter's URLs, import and export.
export const renameWorkspace = (id: string, name: string) => call("rename_workspace", { id, name });
export const deleteWorkspace = (id: string) => call("delete_workspace", { id });
export const requestUrls = (workspaceId: string) => call("request_urls", { workspaceId });
export const duplicateRequest = (id: string) => call("duplicate_request", { id });
export const duplicateFolder = (id: string) => call("duplicate_folder", { id });
export const duplicateCollection = (id: string) => call("duplicate_collection", { id });
export const moveRequest = (id: string, place: Place) => call("move_request", { id, place });
export const moveFolder = (id: string, place: Place) => call("move_folder", { id, place });
export const moveCollectionToWorkspace = (id: string, workspaceId: string) =>
  call("move_collection_to_workspace", { id, workspaceId });
export const importFile = (workspaceId: string, path: string) =>
  call("import_file", { workspaceId, path });
export const exportCollection = (
  collectionId: string,
  path: string,
  format: ExportFormat,
  includeSecrets: boolean,
) => call("export_collection", { collectionId, path, format, includeSecrets });
export const requestFromCurl = (place: Place, command: string) =>
  call("request_from_curl", { place, command });

// Files: the OS's dialogs (the path comes back; commands that take it read or write the file).
export const chooseOpenFile = (title: string, extensions: string[] = []) =>
  call("choose_open_file", { title, extensions });
export const chooseSaveFile = (title: string, suggestedName: string) =>
  call("choose_save_file", { title, suggestedName });
export const history = (workspaceId: string) => call("history", { workspaceId });
export const clearHistory = (workspaceId: string) => call("clear_history", { workspaceId });
export const drafts = (workspaceId: string) => call("drafts", { workspaceId });
export const saveDraft = (workspaceId: string, key: DraftKey, spec: RequestSpec) =>
  call("save_draft", { workspaceId, key, spec });
export const discardDraft = (workspaceId: string, key: DraftKey) =>
  call("discard_draft", { workspaceId, key });
export const openTabs = (workspaceId: string) => call("open_tabs", { workspaceId });
export const setOpenTabs = (workspaceId: string, tabs: OpenTabs) =>
  call("set_open_tabs", { workspaceId, tabs });
