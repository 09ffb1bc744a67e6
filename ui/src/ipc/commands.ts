// Generated from the IPC table (crates/client/src/app/ipc/mod.rs) by
// `cargo test -p courier-proto -p courier-client --features ts --lib`. Do not edit.
import type { AppSnapshot } from "../bindings/AppSnapshot";
import type { AvatarUpload } from "../bindings/AvatarUpload";
import type { EmailChange } from "../bindings/EmailChange";
import type { NewSupportRequest } from "../bindings/NewSupportRequest";
import type { NotificationPreferences } from "../bindings/NotificationPreferences";
import type { PasswordChange } from "../bindings/PasswordChange";
import type { Profile } from "../bindings/Profile";
import type { ProfileChangedEvent } from "../bindings/ProfileChangedEvent";
import type { ProfileUpdate } from "../bindings/ProfileUpdate";
import type { RevokedSessions } from "../bindings/RevokedSessions";
import type { Session } from "../bindings/Session";
import type { SignInChoice } from "../bindings/SignInChoice";
import type { SignInProgress } from "../bindings/SignInProgress";
import type { SignInStarted } from "../bindings/SignInStarted";
import type { SupportRequest } from "../bindings/SupportRequest";

/** Every command the desktop answers: its arguments (as `invoke` sends them) and result. */
export type Commands = {
  /** Everything the screens start from. */
  app_snapshot: { args: undefined; result: AppSnapshot };
  /** Makes account `id` the active one. */
  switch_account: { args: { id: string }; result: AppSnapshot };
  /** Revokes account `id`'s sign-in at its server and forgets its tokens. */
  sign_out: { args: { id: string }; result: AppSnapshot };
  sign_out_all: { args: undefined; result: AppSnapshot };
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
  /** The UI has drawn its first real screen (the startup benchmark's mark). */
  first_screen_ready: { args: undefined; result: null };
};

/** Every event the desktop pushes, by name, with its payload. */
export type Events = {
  /** The accounts or the token store changed: the new snapshot. */
  account_changed: AppSnapshot;
  /** How a sign-in started by `start_sign_in` ended. */
  signin_progress: SignInProgress;
  /** The server says an account's profile changed (here or on another device). */
  profile_changed: ProfileChangedEvent;
};
