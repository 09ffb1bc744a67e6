// Snapshots and accounts as Rust would send them, built from small overrides.

import type { AccountView } from "../src/bindings/AccountView";
import type { Amount } from "../src/bindings/Amount";
import type { AppSnapshot } from "../src/bindings/AppSnapshot";
import type { BillingOverview } from "../src/bindings/BillingOverview";
import type { DiscoverableTeam } from "../src/bindings/DiscoverableTeam";
import type { Invitation } from "../src/bindings/Invitation";
import type { InvoiceSummary } from "../src/bindings/InvoiceSummary";
import type { JoinRequest } from "../src/bindings/JoinRequest";
import type { NotificationPreferences } from "../src/bindings/NotificationPreferences";
import type { PlanOffer } from "../src/bindings/PlanOffer";
import type { PlanTier } from "../src/bindings/PlanTier";
import type { Profile } from "../src/bindings/Profile";
import type { RequestSpec } from "../src/bindings/RequestSpec";
import type { Session } from "../src/bindings/Session";
import type { SignInStarted } from "../src/bindings/SignInStarted";
import type { SupportRequest } from "../src/bindings/SupportRequest";
import type { SyncStatus } from "../src/bindings/SyncStatus";
import type { Team } from "../src/bindings/Team";
import type { TeamDiscovery } from "../src/bindings/TeamDiscovery";
import type { TeamMember } from "../src/bindings/TeamMember";
import type { Tree } from "../src/bindings/Tree";
import type { TreeColumns } from "../src/bindings/TreeColumns";
import type { Workspace } from "../src/bindings/Workspace";

export const KEYRING = 'the OS keyring (Secret Service), service "courier"';

export function account(overrides: Partial<AccountView> = {}): AccountView {
  return {
    id: "ada",
    userId: "ada",
    server: "accounts.courier.test",
    displayName: "Ada Lovelace",
    email: "ada@example.com",
    username: "ada",
    avatarUrl: null,
    initials: "AL",
    emailVerified: true,
    signedOut: false,
    active: true,
    ...overrides,
  };
}

export const grace = (overrides: Partial<AccountView> = {}) =>
  account({
    id: "grace",
    userId: "grace",
    server: "127.0.0.1:7878",
    displayName: "Grace Hopper",
    email: "grace@navy.test",
    username: "grace",
    initials: "GH",
    active: false,
    ...overrides,
  });

export function snapshot(overrides: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    accounts: [],
    vault: { state: "keyring", description: KEYRING },
    welcomeDone: false,
    defaultServer: "accounts.courier.test",
    ...overrides,
  };
}

export const firstLaunch = () => snapshot();
export const scratchPad = () => snapshot({ welcomeDone: true });
export const signedInAsAda = (overrides: Partial<AccountView> = {}) =>
  snapshot({ welcomeDone: true, accounts: [account(overrides)] });

/** start_sign_in's answer; Rust numbers attempts from 1, so by default this is the first. */
export function started(overrides: Partial<SignInStarted> = {}): SignInStarted {
  return {
    attempt: 1,
    url: "http://127.0.0.1:7878/oauth/authorize?client_id=courier-desktop&state=abc",
    deadline: Math.floor(Date.now() / 1000) + 300,
    browserError: null,
    ...overrides,
  };
}

/** Ada's profile as account_profile answers it: configured, private, no picture. */
export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    id: "ada",
    username: "ada",
    email: "ada@example.com",
    email_verified: true,
    pending_email: null,
    name: "Ada Lovelace",
    bio: null,
    website: null,
    links: [],
    avatar_url: null,
    public: false,
    configured: true,
    created_at: 1_700_000_000,
    ...overrides,
  };
}

export function preferences(
  overrides: Partial<NotificationPreferences> = {},
): NotificationPreferences {
  return {
    security: { email: true, in_app: true },
    usage: { email: true, in_app: true },
    monitors: { email: false, in_app: true },
    comments: { email: false, in_app: true },
    ...overrides,
  };
}

/** A session seen a minute ago, first seen a day before. */
export function session(overrides: Partial<Session> = {}): Session {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: "s-this",
    kind: "app",
    device_name: "ada-laptop",
    client: "Courier desktop",
    os: "Linux",
    ip: "127.0.0.1",
    first_seen: now - 86_400,
    last_seen: now - 60,
    current: false,
    ...overrides,
  };
}

export function supportRequest(overrides: Partial<SupportRequest> = {}): SupportRequest {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: "r1",
    category: "bug",
    subject: "Sync stalls",
    description: "It stops after a minute.",
    status: "open",
    created_at: now - 3600,
    updated_at: now - 3600,
    ...overrides,
  };
}

/** A request's spec as the editor starts one: `GET url`, nothing else. */
export function requestSpec(url: string): RequestSpec {
  return {
    method: "GET",
    url,
    params: [],
    headers: [],
    body: { mode: "none" },
    auth: { kind: "inherit" },
  };
}

/** A workspace of Ada's (or the Scratch Pad, with `owner` scratch_pad). */
export function workspace(
  id: string,
  name: string,
  owner: Workspace["owner"] = { kind: "account", account: "ada" },
): Workspace {
  return {
    meta: { id, revision: 1, created_at: 0, updated_at: 0 },
    name,
    owner,
    active_environment: null,
    encrypt_values: false,
  };
}

/** A team Ada is the admin of. */
export function team(overrides: Partial<Team> = {}): Team {
  return {
    id: "t-acme",
    name: "Acme QA",
    slug: "acme-qa",
    role: "admin",
    created_at: 1_700_000_000,
    ...overrides,
  };
}

/** Ada as a member of a team (an admin). */
export function teamMember(overrides: Partial<TeamMember> = {}): TeamMember {
  return {
    user_id: "ada",
    username: "ada",
    name: "Ada Lovelace",
    email: "ada@example.com",
    role: "admin",
    joined_at: 1_700_000_000,
    ...overrides,
  };
}

/** A pending invitation sent an hour ago, valid for a week. */
export function invitation(overrides: Partial<Invitation> = {}): Invitation {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: "i1",
    email: "charles@example.com",
    role: "member",
    created_at: now - 3600,
    sent_at: now - 3600,
    expires_at: now + 7 * 86_400,
    expired: false,
    ...overrides,
  };
}

/** Discovery off; example.com claimable. */
export function discovery(overrides: Partial<TeamDiscovery> = {}): TeamDiscovery {
  return {
    enabled: false,
    join_policy: "approval",
    domains: [],
    claimable_domains: ["example.com"],
    ...overrides,
  };
}

export function discoverableTeam(overrides: Partial<DiscoverableTeam> = {}): DiscoverableTeam {
  return {
    id: "t-engines",
    name: "Analytical Engines",
    slug: "engines",
    domain: "example.com",
    member_count: 12,
    join_policy: "anyone",
    request_pending: false,
    ...overrides,
  };
}

export function joinRequest(overrides: Partial<JoinRequest> = {}): JoinRequest {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: "jr1",
    user_id: "grace",
    username: "grace",
    name: "Grace Hopper",
    email: "grace@example.com",
    created_at: now - 600,
    ...overrides,
  };
}

/** A recovery key as Rust shows it: 52 letters and digits in 13 groups of four. */
export const RECOVERY_KEY = "7K2M-Q9XA-HB4T-ZR8N-3WDP-LC6V-YF2J-M5KE-T8QS-A4GU-N7XB-R3HD-P6WZ";

/** An account's sync status: synced, nothing waiting, secrets readable on this device. */
export function syncStatus(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    account_id: "ada",
    state: "synced",
    pending: 0,
    conflicts: 0,
    synced_at: null,
    error: null,
    secrets_locked: false,
    ...overrides,
  };
}

/**
 * A tree written item by item, by columns as `workspace_tree` sends it (Rust's
 * `TreeColumns::from(Tree)`): parents by place, methods listed once.
 */
export function treeColumns(tree: Tree): TreeColumns {
  const collectionAt = (id: string) => tree.collections.findIndex((c) => c.id === id);
  const folderAt = (id: string | null) => tree.folders.findIndex((f) => f.id === id);
  const methods = [...new Set(tree.requests.map((r) => r.method))];
  return {
    workspace_id: tree.workspace_id,
    collections: tree.collections,
    folders: {
      id: tree.folders.map((f) => f.id),
      name: tree.folders.map((f) => f.name),
      collection: tree.folders.map((f) => collectionAt(f.collection_id)),
      parent: tree.folders.map((f) => folderAt(f.parent_id)),
      position: tree.folders.map((f) => f.position),
    },
    requests: {
      id: tree.requests.map((r) => r.id),
      name: tree.requests.map((r) => r.name),
      methods,
      method: tree.requests.map((r) => methods.indexOf(r.method)),
      collection: tree.requests.map((r) => collectionAt(r.collection_id)),
      folder: tree.requests.map((r) => folderAt(r.folder_id)),
      position: tree.requests.map((r) => r.position),
    },
  };
}

/** US dollars in cents. */
export const usd = (minor: number): Amount => ({ minor, currency: "USD" });

/** The catalog: Free, then Basic $8, Professional $15, Enterprise $30 a seat and month. */
export function planOffers(): PlanOffer[] {
  const offer = (
    tier: PlanTier,
    name: string,
    monthly: number,
    limits: Partial<PlanOffer> = {},
  ): PlanOffer => ({
    tier,
    name,
    monthly_seat_price: usd(monthly),
    annual_seat_price: usd(monthly * 10),
    max_members: null,
    max_workspaces: null,
    sso: false,
    audit_log: false,
    ...limits,
  });
  return [
    offer("free", "Free", 0, { max_members: 3, max_workspaces: 1 }),
    offer("basic", "Basic", 800, { max_members: 10, max_workspaces: 5 }),
    offer("professional", "Professional", 1500, { max_workspaces: 50, audit_log: true }),
    offer("enterprise", "Enterprise", 3000, { sso: true, audit_log: true }),
  ];
}

/** Acme QA's billing on Free: 3 seats used, 1 of 1 workspace, no card, no invoices. */
export function billingOverview(overrides: Partial<BillingOverview> = {}): BillingOverview {
  return {
    team_id: "t-acme",
    team_name: "Acme QA",
    plan: { tier: "free", cycle: "monthly", seats: 3 },
    period_start: null,
    period_end: null,
    next_invoice: null,
    scheduled: null,
    seats_used: 3,
    max_workspaces: 1,
    workspaces_used: 1,
    credit_balance: usd(0),
    card: null,
    billing_email: "ada@example.com",
    standing: { state: "current" },
    pending_payment: null,
    invoices: [],
    invoice_count: 0,
    ...overrides,
  };
}

/** A paid invoice of $120.00 for December 2026. */
export function invoiceSummary(overrides: Partial<InvoiceSummary> = {}): InvoiceSummary {
  return {
    id: "inv-7",
    number: "ACME-0007",
    issued_at: 1_796_083_200,
    period_start: 1_796_083_200,
    period_end: 1_798_761_600,
    total: usd(12_000),
    status: "paid",
    ...overrides,
  };
}
