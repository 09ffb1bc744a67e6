// Server state: the AppSnapshot in TanStack Query under ['app_snapshot'], the commands
// as mutations keyed by command name (those answering a snapshot put it in the cache),
// and the Rust events that keep the cached snapshot current. The sign-in flow
// (features/signin/SignInFlow.tsx) is the one other user of ipc.ts.

import { type QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";

import type { AccountView } from "./bindings/AccountView";
import type { AppSnapshot } from "./bindings/AppSnapshot";
import type { IpcError } from "./bindings/IpcError";
import * as ipc from "./ipc";

export const snapshotKey = ["app_snapshot"] as const;

export function useAppSnapshot() {
  return useQuery<AppSnapshot, IpcError>({
    queryKey: snapshotKey,
    queryFn: ipc.appSnapshot,
    // The snapshot changes only through commands and events, never by itself.
    staleTime: Infinity,
    retry: false,
  });
}

/** The cached snapshot; only for components rendered once it has loaded. */
export function useLoadedSnapshot(): AppSnapshot {
  const { data } = useAppSnapshot();
  if (!data) throw new Error("useLoadedSnapshot before the snapshot loaded");
  return data;
}

export function activeAccount(snapshot: AppSnapshot): AccountView | undefined {
  return snapshot.accounts.find((account) => account.active);
}

/** The commands that answer with a fresh snapshot, by command name. */
export type SnapshotCommand =
  | "switch_account"
  | "sign_out"
  | "sign_out_all"
  | "skip_sign_in"
  | "continue_without_keyring"
  | "retry_keyring";

function useSnapshotCommand<Variables = void>(
  command: SnapshotCommand,
  run: (variables: Variables) => Promise<AppSnapshot>,
) {
  const queryClient = useQueryClient();
  return useMutation<AppSnapshot, IpcError, Variables>({
    mutationKey: [command],
    // Only the variables: TanStack also passes a context the command must not receive.
    mutationFn: (variables) => run(variables),
    onSuccess: (snapshot) => queryClient.setQueryData(snapshotKey, snapshot),
  });
}

export const useSwitchAccount = () => useSnapshotCommand("switch_account", ipc.switchAccount);
export const useSignOut = () => useSnapshotCommand("sign_out", ipc.signOut);
export const useSignOutAll = () => useSnapshotCommand("sign_out_all", ipc.signOutAll);
export const useSkipSignIn = () => useSnapshotCommand("skip_sign_in", ipc.skipSignIn);
export const useContinueWithoutKeyring = () =>
  useSnapshotCommand("continue_without_keyring", ipc.continueWithoutKeyring);
export const useRetryKeyring = () => useSnapshotCommand("retry_keyring", ipc.retryKeyring);

export const useReopenBrowser = () =>
  useMutation<null, IpcError>({
    mutationKey: ["reopen_browser"],
    mutationFn: () => ipc.reopenBrowser(),
  });

/**
 * Puts a freshly signed-in account into the cached snapshot at once (active, the welcome
 * done), then asks for the authoritative snapshot in case `account_changed` is late.
 */
export function applySignedIn(queryClient: QueryClient, account: AccountView) {
  queryClient.setQueryData<AppSnapshot>(snapshotKey, (snapshot) => {
    if (!snapshot) return snapshot;
    const signedIn = { ...account, active: true };
    const accounts = snapshot.accounts.map((existing) =>
      existing.id === account.id ? signedIn : { ...existing, active: false },
    );
    if (!accounts.includes(signedIn)) accounts.push(signedIn);
    return { ...snapshot, accounts, welcomeDone: true };
  });
  void queryClient.invalidateQueries({ queryKey: snapshotKey });
}

/** Keeps the cached snapshot in step with what Rust pushes. Mounted once, in App. */
export function useSnapshotEvents() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const stopAccountChanged = ipc.subscribe("account_changed", (snapshot) =>
      queryClient.setQueryData(snapshotKey, snapshot),
    );
    const stopSignInProgress = ipc.subscribe("signin_progress", (progress) => {
      if (progress.state === "signedIn") applySignedIn(queryClient, progress.account);
      else if (progress.kind === "keyring_unavailable")
        void queryClient.invalidateQueries({ queryKey: snapshotKey });
    });
    return () => {
      stopAccountChanged();
      stopSignInProgress();
    };
  }, [queryClient]);
}
