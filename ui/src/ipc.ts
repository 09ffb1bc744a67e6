// The one door to the Rust side: a typed function per Tauri command and `subscribe` for
// the events it pushes. Nothing else in the UI imports '@tauri-apps/api', so tests mock
// this module alone. Every function rejects with an IpcError ({kind, message}), never a
// bare string, so callers can branch on `kind`.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type { AppSnapshot } from "./bindings/AppSnapshot";
import type { IpcError } from "./bindings/IpcError";
import type { SignInChoice } from "./bindings/SignInChoice";
import type { SignInProgress } from "./bindings/SignInProgress";
import type { SignInStarted } from "./bindings/SignInStarted";

/** The events the Rust side emits, by name, with their payloads. */
export type IpcEvents = {
  account_changed: AppSnapshot;
  signin_progress: SignInProgress;
};

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
  if (isIpcError(error)) return { kind: error.kind, message: error.message };
  if (error instanceof Error) return { kind: "internal", message: error.message };
  return { kind: "internal", message: String(error) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toIpcError(error);
  }
}

export const appSnapshot = () => call<AppSnapshot>("app_snapshot");
export const startSignIn = (choice: SignInChoice) =>
  call<SignInStarted>("start_sign_in", { choice });
export const reopenBrowser = () => call<null>("reopen_browser");
export const cancelSignIn = () => call<null>("cancel_sign_in");
export const switchAccount = (id: string) => call<AppSnapshot>("switch_account", { id });
export const signOut = (id: string) => call<AppSnapshot>("sign_out", { id });
export const signOutAll = () => call<AppSnapshot>("sign_out_all");
export const skipSignIn = () => call<AppSnapshot>("skip_sign_in");
export const continueWithoutKeyring = () => call<AppSnapshot>("continue_without_keyring");
export const retryKeyring = () => call<AppSnapshot>("retry_keyring");
export const firstScreenReady = () => call<null>("first_screen_ready");

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
