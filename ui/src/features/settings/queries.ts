// Account settings as server state: one query per reading command, keyed
// [command, accountId], and one mutation per changing command that puts its answer into
// the matching query (or refetches it when the answer does not carry the new state).
// `profile_changed` from Rust invalidates that account's profile.

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import type { AvatarUpload } from "../../bindings/AvatarUpload";
import type { EmailChange } from "../../bindings/EmailChange";
import type { IpcError } from "../../bindings/IpcError";
import type { NewSupportRequest } from "../../bindings/NewSupportRequest";
import type { NotificationPreferences } from "../../bindings/NotificationPreferences";
import type { PasswordChange } from "../../bindings/PasswordChange";
import type { Profile } from "../../bindings/Profile";
import type { ProfileUpdate } from "../../bindings/ProfileUpdate";
import type { RevokedSessions } from "../../bindings/RevokedSessions";
import type { Session } from "../../bindings/Session";
import type { SupportRequest } from "../../bindings/SupportRequest";
import * as ipc from "../../ipc";
import { snapshotKey } from "../../queries";

export const profileKey = (accountId: string) => ["account_profile", accountId] as const;
export const preferencesKey = (accountId: string) =>
  ["notification_preferences", accountId] as const;
export const sessionsKey = (accountId: string) => ["list_sessions", accountId] as const;
export const supportKey = (accountId: string) => ["support_requests", accountId] as const;

/** The account's own profile; `accountId` undefined (no signed-in account) asks nothing. */
export function useProfile(accountId: string | undefined) {
  return useQuery<Profile, IpcError>({
    queryKey: ["account_profile", accountId],
    queryFn: accountId === undefined ? skipToken : () => ipc.accountProfile(accountId),
    // Changes arrive as profile_changed; no need to ask again on every mount.
    staleTime: 60_000,
  });
}

export const useNotificationPreferences = (accountId: string) =>
  useQuery<NotificationPreferences, IpcError>({
    queryKey: preferencesKey(accountId),
    queryFn: () => ipc.notificationPreferences(accountId),
  });

export const useSessions = (accountId: string) =>
  useQuery<Session[], IpcError>({
    queryKey: sessionsKey(accountId),
    queryFn: () => ipc.listSessions(accountId),
  });

export const useSupportRequests = (accountId: string) =>
  useQuery<SupportRequest[], IpcError>({
    queryKey: supportKey(accountId),
    queryFn: () => ipc.supportRequests(accountId),
  });

/**
 * A command answering with the new profile: cached at once, and the snapshot asked
 * again, since the header shows the account's name and picture.
 */
function useProfileCommand<Variables>(
  command: string,
  accountId: string,
  run: (variables: Variables) => Promise<Profile>,
) {
  const queryClient = useQueryClient();
  return useMutation<Profile, IpcError, Variables>({
    mutationKey: [command, accountId],
    mutationFn: (variables) => run(variables),
    onSuccess: (profile) => {
      queryClient.setQueryData(profileKey(accountId), profile);
      void queryClient.invalidateQueries({ queryKey: snapshotKey });
    },
  });
}

export const useUpdateProfile = (accountId: string) =>
  useProfileCommand("update_profile", accountId, (update: ProfileUpdate) =>
    ipc.updateProfile(accountId, update),
  );
export const useUploadAvatar = (accountId: string) =>
  useProfileCommand("upload_avatar", accountId, (avatar: AvatarUpload) =>
    ipc.uploadAvatar(accountId, avatar),
  );
export const useRemoveAvatar = (accountId: string) =>
  useProfileCommand("remove_avatar", accountId, () => ipc.removeAvatar(accountId));
export const useChangeEmail = (accountId: string) =>
  useProfileCommand("change_email", accountId, (change: EmailChange) =>
    ipc.changeEmail(accountId, change),
  );
export const useCancelEmailChange = (accountId: string) =>
  useProfileCommand("cancel_email_change", accountId, () => ipc.cancelEmailChange(accountId));

export function useChangePassword(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation<null, IpcError, PasswordChange>({
    mutationKey: ["change_password", accountId],
    mutationFn: (change) => ipc.changePassword(accountId, change),
    // Unless kept, the other sessions were just revoked.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionsKey(accountId) }),
  });
}

export function useSetNotificationPreferences(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation<NotificationPreferences, IpcError, NotificationPreferences>({
    mutationKey: ["set_notification_preferences", accountId],
    mutationFn: (preferences) => ipc.setNotificationPreferences(accountId, preferences),
    onSuccess: (saved) => queryClient.setQueryData(preferencesKey(accountId), saved),
  });
}

export function useRevokeSession(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation<null, IpcError, string>({
    mutationKey: ["revoke_session", accountId],
    mutationFn: (sessionId) => ipc.revokeSession(accountId, sessionId),
    onSuccess: (_, sessionId) => {
      queryClient.setQueryData<Session[]>(sessionsKey(accountId), (sessions) =>
        sessions?.filter((session) => session.id !== sessionId),
      );
      return queryClient.invalidateQueries({ queryKey: sessionsKey(accountId) });
    },
  });
}

export function useRevokeOtherSessions(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation<RevokedSessions, IpcError, void>({
    mutationKey: ["revoke_other_sessions", accountId],
    mutationFn: () => ipc.revokeOtherSessions(accountId),
    onSuccess: () => {
      queryClient.setQueryData<Session[]>(sessionsKey(accountId), (sessions) =>
        sessions?.filter((session) => session.current),
      );
      return queryClient.invalidateQueries({ queryKey: sessionsKey(accountId) });
    },
  });
}

export function useSubmitSupportRequest(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation<SupportRequest, IpcError, NewSupportRequest>({
    mutationKey: ["submit_support_request", accountId],
    mutationFn: (request) => ipc.submitSupportRequest(accountId, request),
    onSuccess: (created) =>
      queryClient.setQueryData<SupportRequest[]>(supportKey(accountId), (requests) => [
        created,
        ...(requests ?? []).filter((request) => request.id !== created.id),
      ]),
  });
}

/** Refetches a profile when Rust says it changed. Mounted once, in App. */
export function useProfileEvents() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      ipc.subscribe("profile_changed", ({ accountId }) => {
        void queryClient.invalidateQueries({ queryKey: profileKey(accountId) });
      }),
    [queryClient],
  );
}
