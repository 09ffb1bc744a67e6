// A stand-in for src/ipc/index.ts: every command a vi.fn with a sensible default, and events
// delivered by `emit`. Test files install it with (paths relative to the test file)
//   vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));
import { act } from "@testing-library/react";
import { vi } from "vitest";

import type { AppSnapshot } from "../src/bindings/AppSnapshot";
import type * as Ipc from "../src/ipc";
import type { IpcEvents } from "../src/ipc";
import {
  billingOverview,
  discovery,
  firstLaunch,
  planOffers,
  preferences,
  profile,
  session,
  started,
  syncStatus,
  teamMember,
  treeColumns,
  workspace,
} from "./fixtures";

type IpcModule = typeof Ipc;
type Handler = (payload: never) => void;

const handlers = new Map<keyof IpcEvents, Set<Handler>>();
/** How many sign-ins start_sign_in has started since the last reset (Rust's numbering). */
let attempts = 0;

function subscribe<E extends keyof IpcEvents>(event: E, handler: (payload: IpcEvents[E]) => void) {
  const forEvent = handlers.get(event) ?? new Set<Handler>();
  handlers.set(event, forEvent);
  forEvent.add(handler as Handler);
  return () => {
    forEvent.delete(handler as Handler);
  };
}

export const ipc = {
  appSnapshot: vi.fn<IpcModule["appSnapshot"]>(),
  startSignIn: vi.fn<IpcModule["startSignIn"]>(),
  reopenBrowser: vi.fn<IpcModule["reopenBrowser"]>(),
  cancelSignIn: vi.fn<IpcModule["cancelSignIn"]>(),
  switchAccount: vi.fn<IpcModule["switchAccount"]>(),
  signOut: vi.fn<IpcModule["signOut"]>(),
  signOutAll: vi.fn<IpcModule["signOutAll"]>(),
  skipSignIn: vi.fn<IpcModule["skipSignIn"]>(),
  continueWithoutKeyring: vi.fn<IpcModule["continueWithoutKeyring"]>(),
  retryKeyring: vi.fn<IpcModule["retryKeyring"]>(),
  firstScreenReady: vi.fn<IpcModule["firstScreenReady"]>(),
  accountProfile: vi.fn<IpcModule["accountProfile"]>(),
  updateProfile: vi.fn<IpcModule["updateProfile"]>(),
  uploadAvatar: vi.fn<IpcModule["uploadAvatar"]>(),
  removeAvatar: vi.fn<IpcModule["removeAvatar"]>(),
  changeEmail: vi.fn<IpcModule["changeEmail"]>(),
  cancelEmailChange: vi.fn<IpcModule["cancelEmailChange"]>(),
  changePassword: vi.fn<IpcModule["changePassword"]>(),
  notificationPreferences: vi.fn<IpcModule["notificationPreferences"]>(),
  setNotificationPreferences: vi.fn<IpcModule["setNotificationPreferences"]>(),
  listSessions: vi.fn<IpcModule["listSessions"]>(),
  revokeSession: vi.fn<IpcModule["revokeSession"]>(),
  revokeOtherSessions: vi.fn<IpcModule["revokeOtherSessions"]>(),
  supportRequests: vi.fn<IpcModule["supportRequests"]>(),
  submitSupportRequest: vi.fn<IpcModule["submitSupportRequest"]>(),
  teams: vi.fn<IpcModule["teams"]>(),
  createTeam: vi.fn<IpcModule["createTeam"]>(),
  teamUrlSuggestion: vi.fn<IpcModule["teamUrlSuggestion"]>(),
  updateTeam: vi.fn<IpcModule["updateTeam"]>(),
  teamMembers: vi.fn<IpcModule["teamMembers"]>(),
  setMemberRole: vi.fn<IpcModule["setMemberRole"]>(),
  removeMember: vi.fn<IpcModule["removeMember"]>(),
  leaveTeam: vi.fn<IpcModule["leaveTeam"]>(),
  teamInvitations: vi.fn<IpcModule["teamInvitations"]>(),
  invite: vi.fn<IpcModule["invite"]>(),
  resendInvitation: vi.fn<IpcModule["resendInvitation"]>(),
  cancelInvitation: vi.fn<IpcModule["cancelInvitation"]>(),
  teamDiscovery: vi.fn<IpcModule["teamDiscovery"]>(),
  setTeamDiscovery: vi.fn<IpcModule["setTeamDiscovery"]>(),
  discoverableTeams: vi.fn<IpcModule["discoverableTeams"]>(),
  joinTeam: vi.fn<IpcModule["joinTeam"]>(),
  withdrawJoinRequest: vi.fn<IpcModule["withdrawJoinRequest"]>(),
  joinRequests: vi.fn<IpcModule["joinRequests"]>(),
  approveJoinRequest: vi.fn<IpcModule["approveJoinRequest"]>(),
  declineJoinRequest: vi.fn<IpcModule["declineJoinRequest"]>(),
  billingPlans: vi.fn<IpcModule["billingPlans"]>(),
  teamBilling: vi.fn<IpcModule["teamBilling"]>(),
  previewPlanChange: vi.fn<IpcModule["previewPlanChange"]>(),
  changePlan: vi.fn<IpcModule["changePlan"]>(),
  openPaymentConfirmation: vi.fn<IpcModule["openPaymentConfirmation"]>(),
  replaceCard: vi.fn<IpcModule["replaceCard"]>(),
  setBillingEmail: vi.fn<IpcModule["setBillingEmail"]>(),
  invoices: vi.fn<IpcModule["invoices"]>(),
  invoice: vi.fn<IpcModule["invoice"]>(),
  saveInvoice: vi.fn<IpcModule["saveInvoice"]>(),
  workspaces: vi.fn<IpcModule["workspaces"]>(),
  createWorkspace: vi.fn<IpcModule["createWorkspace"]>(),
  workspaceTree: vi.fn<IpcModule["workspaceTree"]>(),
  createCollection: vi.fn<IpcModule["createCollection"]>(),
  renameCollection: vi.fn<IpcModule["renameCollection"]>(),
  deleteCollection: vi.fn<IpcModule["deleteCollection"]>(),
  createFolder: vi.fn<IpcModule["createFolder"]>(),
  renameFolder: vi.fn<IpcModule["renameFolder"]>(),
  deleteFolder: vi.fn<IpcModule["deleteFolder"]>(),
  createRequest: vi.fn<IpcModule["createRequest"]>(),
  renameRequest: vi.fn<IpcModule["renameRequest"]>(),
  deleteRequest: vi.fn<IpcModule["deleteRequest"]>(),
  restore: vi.fn<IpcModule["restore"]>(),
  request: vi.fn<IpcModule["request"]>(),
  saveRequest: vi.fn<IpcModule["saveRequest"]>(),
  unresolvedVariables: vi.fn<IpcModule["unresolvedVariables"]>(),
  sendRequest: vi.fn<IpcModule["sendRequest"]>(),
  cancelSend: vi.fn<IpcModule["cancelSend"]>(),
  environments: vi.fn<IpcModule["environments"]>(),
  createEnvironment: vi.fn<IpcModule["createEnvironment"]>(),
  updateEnvironment: vi.fn<IpcModule["updateEnvironment"]>(),
  deleteEnvironment: vi.fn<IpcModule["deleteEnvironment"]>(),
  setActiveEnvironment: vi.fn<IpcModule["setActiveEnvironment"]>(),
  globals: vi.fn<IpcModule["globals"]>(),
  setGlobals: vi.fn<IpcModule["setGlobals"]>(),
  chooseOpenFile: vi.fn<IpcModule["chooseOpenFile"]>(),
  chooseSaveFile: vi.fn<IpcModule["chooseSaveFile"]>(),
  history: vi.fn<IpcModule["history"]>(),
  clearHistory: vi.fn<IpcModule["clearHistory"]>(),
  drafts: vi.fn<IpcModule["drafts"]>(),
  saveDraft: vi.fn<IpcModule["saveDraft"]>(),
  discardDraft: vi.fn<IpcModule["discardDraft"]>(),
  openTabs: vi.fn<IpcModule["openTabs"]>(),
  setOpenTabs: vi.fn<IpcModule["setOpenTabs"]>(),
  sendOptions: vi.fn<IpcModule["sendOptions"]>(),
  setSendOptions: vi.fn<IpcModule["setSendOptions"]>(),
  copyAsCurl: vi.fn<IpcModule["copyAsCurl"]>(),
  saveResponseBody: vi.fn<IpcModule["saveResponseBody"]>(),
  setEncryptValues: vi.fn<IpcModule["setEncryptValues"]>(),
  renameWorkspace: vi.fn<IpcModule["renameWorkspace"]>(),
  deleteWorkspace: vi.fn<IpcModule["deleteWorkspace"]>(),
  requestUrls: vi.fn<IpcModule["requestUrls"]>(),
  duplicateRequest: vi.fn<IpcModule["duplicateRequest"]>(),
  duplicateFolder: vi.fn<IpcModule["duplicateFolder"]>(),
  duplicateCollection: vi.fn<IpcModule["duplicateCollection"]>(),
  moveRequest: vi.fn<IpcModule["moveRequest"]>(),
  moveFolder: vi.fn<IpcModule["moveFolder"]>(),
  moveCollectionToWorkspace: vi.fn<IpcModule["moveCollectionToWorkspace"]>(),
  importFile: vi.fn<IpcModule["importFile"]>(),
  exportCollection: vi.fn<IpcModule["exportCollection"]>(),
  requestFromCurl: vi.fn<IpcModule["requestFromCurl"]>(),
  syncStatus: vi.fn<IpcModule["syncStatus"]>(),
  syncNow: vi.fn<IpcModule["syncNow"]>(),
  syncConflicts: vi.fn<IpcModule["syncConflicts"]>(),
  resolveConflict: vi.fn<IpcModule["resolveConflict"]>(),
  keepAllMine: vi.fn<IpcModule["keepAllMine"]>(),
  unlockSecrets: vi.fn<IpcModule["unlockSecrets"]>(),
  recoveryKey: vi.fn<IpcModule["recoveryKey"]>(),
};

/** The module vi.mock installs in place of src/ipc/index.ts (type-checked against it). */
export const fakeIpcModule: IpcModule = {
  ...ipc,
  subscribe,
  toIpcError: (error) => error as ReturnType<IpcModule["toIpcError"]>,
};

/**
 * Back to defaults: Rust answers `initial` to app_snapshot and accepts everything;
 * start_sign_in numbers its attempts 1, 2, 3… as Rust does; each account has a
 * configured profile (so Configure your account stays away unless a test wants it),
 * default preferences, this device as its one session and no support requests; no
 * teams (none to join either), and a team choice remembered by no account; every
 * account synced with its secrets readable here, and no recovery key kept on this device;
 * every team on Free with no invoices, its admins' billing readable;
 * only the Scratch Pad listed, and a new workspace created as asked ("ws-new").
 */
export function resetIpc(initial: AppSnapshot = firstLaunch()) {
  handlers.clear();
  attempts = 0;
  for (const fn of Object.values(ipc)) fn.mockReset();
  ipc.appSnapshot.mockResolvedValue(initial);
  ipc.startSignIn.mockImplementation(async () => started({ attempt: ++attempts }));
  ipc.reopenBrowser.mockResolvedValue(null);
  ipc.cancelSignIn.mockResolvedValue(null);
  ipc.firstScreenReady.mockResolvedValue(null);
  ipc.skipSignIn.mockResolvedValue({ ...initial, welcomeDone: true });
  ipc.accountProfile.mockImplementation(async (accountId) =>
    profile({ id: accountId, username: accountId }),
  );
  ipc.notificationPreferences.mockResolvedValue(preferences());
  ipc.listSessions.mockResolvedValue([session({ current: true })]);
  ipc.supportRequests.mockResolvedValue([]);
  localStorage.clear();
  ipc.teams.mockResolvedValue([]);
  ipc.discoverableTeams.mockResolvedValue([]);
  ipc.teamUrlSuggestion.mockImplementation(async (_accountId, name) =>
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, ""),
  );
  ipc.teamMembers.mockResolvedValue([teamMember()]);
  ipc.teamInvitations.mockResolvedValue([]);
  ipc.joinRequests.mockResolvedValue([]);
  ipc.teamDiscovery.mockResolvedValue(discovery());
  ipc.setTeamDiscovery.mockImplementation(async (_accountId, _teamId, settings) => ({
    ...discovery(),
    ...settings,
  }));
  ipc.removeMember.mockResolvedValue(null);
  ipc.leaveTeam.mockResolvedValue(null);
  ipc.cancelInvitation.mockResolvedValue(null);
  ipc.withdrawJoinRequest.mockResolvedValue(null);
  ipc.declineJoinRequest.mockResolvedValue(null);
  // Every team on Free, and its billing readable (the server refuses members: none here).
  ipc.billingPlans.mockResolvedValue(planOffers());
  ipc.teamBilling.mockImplementation(async (_accountId, teamId) =>
    billingOverview({ team_id: teamId }),
  );
  ipc.invoices.mockResolvedValue({ invoices: [], next: null });
  ipc.openPaymentConfirmation.mockResolvedValue(null);
  ipc.saveInvoice.mockResolvedValue(null);
  ipc.syncStatus.mockImplementation(async (accountId) => syncStatus({ account_id: accountId }));
  ipc.syncNow.mockResolvedValue(null);
  ipc.syncConflicts.mockResolvedValue([]);
  ipc.resolveConflict.mockResolvedValue([]);
  ipc.keepAllMine.mockResolvedValue([]);
  ipc.unlockSecrets.mockResolvedValue(null);
  ipc.recoveryKey.mockResolvedValue(null);
  ipc.workspaces.mockResolvedValue({
    workspaces: [workspace("ws-pad", "Scratch Pad", { kind: "scratch_pad" })],
    secrets: "sealed",
    account_id: null,
    team_of: {},
  });
  // Ada's own or a team's, Rust answers with the new workspace.
  ipc.createWorkspace.mockImplementation(async (name) => workspace("ws-new", name));
  ipc.workspaceTree.mockImplementation(async (workspaceId) =>
    treeColumns({ workspace_id: workspaceId, collections: [], folders: [], requests: [] }),
  );
  ipc.environments.mockResolvedValue([]);
  ipc.history.mockResolvedValue([]);
  ipc.drafts.mockResolvedValue([]);
  ipc.saveDraft.mockImplementation(async (workspaceId, key, spec) => ({
    workspace_id: workspaceId,
    key,
    spec,
    updated_at: 0,
  }));
  ipc.discardDraft.mockResolvedValue(null);
  ipc.openTabs.mockResolvedValue({ request_ids: [], active: null });
  ipc.setOpenTabs.mockImplementation(async (_workspaceId, tabs) => tabs);
  ipc.sendOptions.mockResolvedValue({
    timeout_ms: 30_000,
    follow_redirects: true,
    verify_tls: true,
  });
  ipc.globals.mockImplementation(async (workspaceId) => ({
    meta: { id: workspaceId, revision: 1, created_at: 0, updated_at: 0 },
    workspace_id: workspaceId,
    variables: [],
  }));
}

/** Delivers an event from Rust to every subscriber, as Tauri would. */
export function emit<E extends keyof IpcEvents>(event: E, payload: IpcEvents[E]) {
  act(() => {
    for (const handler of handlers.get(event) ?? [])
      (handler as (p: IpcEvents[E]) => void)(payload);
  });
}

export function subscriberCount(event: keyof IpcEvents): number {
  return handlers.get(event)?.size ?? 0;
}
