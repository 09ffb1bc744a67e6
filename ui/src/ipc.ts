// The one door to the Rust side: a typed function per Tauri command and `subscribe` for
// the events it pushes. Nothing else in the UI imports '@tauri-apps/api', so tests mock
// this module alone. Every function rejects with an IpcError ({kind, message}), never a
// bare string, so callers can branch on `kind` (and, for "invalid_input", on `fields`).
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";

import type { AppSnapshot } from "./bindings/AppSnapshot";
import type { AvatarUpload } from "./bindings/AvatarUpload";
import type { EmailChange } from "./bindings/EmailChange";
import type { IpcError } from "./bindings/IpcError";
import type { NewSupportRequest } from "./bindings/NewSupportRequest";
import type { NotificationPreferences } from "./bindings/NotificationPreferences";
import type { PasswordChange } from "./bindings/PasswordChange";
import type { Profile } from "./bindings/Profile";
import type { ProfileChangedEvent } from "./bindings/ProfileChangedEvent";
import type { ProfileUpdate } from "./bindings/ProfileUpdate";
import type { RevokedSessions } from "./bindings/RevokedSessions";
import type { Session } from "./bindings/Session";
import type { SignInChoice } from "./bindings/SignInChoice";
import type { SignInProgress } from "./bindings/SignInProgress";
import type { SignInStarted } from "./bindings/SignInStarted";
import type { SupportRequest } from "./bindings/SupportRequest";

/** The events the Rust side emits, by name, with their payloads. */
export type IpcEvents = {
  account_changed: AppSnapshot;
  signin_progress: SignInProgress;
  /** The server says an account's profile changed (here or on another device). */
  profile_changed: ProfileChangedEvent;
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
  if (isIpcError(error)) {
    const { kind, message, fields } = error;
    return Array.isArray(fields) ? { kind, message, fields } : { kind, message };
  }
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

// Account settings: each talks to the account's server through Rust, which holds the token.
export const accountProfile = (accountId: string) => call<Profile>("account_profile", { accountId });
export const updateProfile = (accountId: string, update: ProfileUpdate) =>
  call<Profile>("update_profile", { accountId, update });
export const uploadAvatar = (accountId: string, avatar: AvatarUpload) =>
  call<Profile>("upload_avatar", { accountId, avatar });
export const removeAvatar = (accountId: string) => call<Profile>("remove_avatar", { accountId });
export const changeEmail = (accountId: string, change: EmailChange) =>
  call<Profile>("change_email", { accountId, change });
export const cancelEmailChange = (accountId: string) =>
  call<Profile>("cancel_email_change", { accountId });
export const changePassword = (accountId: string, change: PasswordChange) =>
  call<null>("change_password", { accountId, change });
export const notificationPreferences = (accountId: string) =>
  call<NotificationPreferences>("notification_preferences", { accountId });
export const setNotificationPreferences = (accountId: string, preferences: NotificationPreferences) =>
  call<NotificationPreferences>("set_notification_preferences", { accountId, preferences });
export const listSessions = (accountId: string) => call<Session[]>("list_sessions", { accountId });
export const revokeSession = (accountId: string, sessionId: string) =>
  call<null>("revoke_session", { accountId, sessionId });
export const revokeOtherSessions = (accountId: string) =>
  call<RevokedSessions>("revoke_other_sessions", { accountId });
export const supportRequests = (accountId: string) =>
  call<SupportRequest[]>("support_requests", { accountId });
export const submitSupportRequest = (accountId: string, request: NewSupportRequest) =>
  call<SupportRequest>("submit_support_request", { accountId, request });

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
