// Snapshots and accounts as Rust would send them, built from small overrides.
import type { AccountView } from "../src/bindings/AccountView";
import type { AppSnapshot } from "../src/bindings/AppSnapshot";
import type { SignInStarted } from "../src/bindings/SignInStarted";

export const KEYRING = 'the OS keyring (Secret Service), service "courier"';

export function account(overrides: Partial<AccountView> = {}): AccountView {
  return {
    id: "ada",
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
