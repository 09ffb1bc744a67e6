// Sync as server state: each account's status (["sync_status", accountId]) and each
// workspace's conflicts (["sync_conflicts", workspaceId]), kept current by what Rust
// pushes: `sync_status` replaces the account's status (and re-reads conflicts when the
// count moved), `work_changed` re-reads every work query of the workspaces a round wrote
// into (the sidebar, open requests, environments), so what another device changed shows
// up without anyone asking. Also the synced secrets' recovery key: unlocking this device
// with it, and reading the one this device keeps.
import {
  type QueryClient,
  skipToken,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useEffect } from "react";

import type { EntityKind } from "../../bindings/EntityKind";
import type { IpcError } from "../../bindings/IpcError";
import type { Keep } from "../../bindings/Keep";
import type { SyncConflict } from "../../bindings/SyncConflict";
import type { SyncStatus } from "../../bindings/SyncStatus";
import * as ipc from "../../ipc";

export const syncStatusKey = (accountId: string) => ["sync_status", accountId] as const;
export const conflictsKey = (workspaceId: string) => ["sync_conflicts", workspaceId] as const;
const recoveryKeyKey = (accountId: string) => ["recovery_key", accountId] as const;

export const useSyncStatus = (accountId: string | undefined) =>
  useQuery<SyncStatus, IpcError>({
    queryKey: ["sync_status", accountId],
    queryFn: accountId === undefined ? skipToken : () => ipc.syncStatus(accountId),
    // Changes arrive as sync_status.
    staleTime: Infinity,
  });

export const useConflicts = (workspaceId: string | undefined) =>
  useQuery<SyncConflict[], IpcError>({
    queryKey: ["sync_conflicts", workspaceId],
    queryFn: workspaceId === undefined ? skipToken : () => ipc.syncConflicts(workspaceId),
    staleTime: Infinity,
  });

export const useSyncNow = () =>
  useMutation<null, IpcError, string>({
    mutationKey: ["sync_now"],
    mutationFn: (accountId) => ipc.syncNow(accountId),
  });

/** Unlocks the account's synced secrets with the recovery key as typed (Rust ignores
 * dashes and spaces). A sync round follows; `secrets_locked` turns false when it ends. */
export const useUnlockSecrets = (accountId: string) =>
  useMutation<null, IpcError, string>({
    mutationKey: ["unlock_secrets", accountId],
    mutationFn: (recoveryKey) => ipc.unlockSecrets(accountId, recoveryKey),
  });

/**
 * The recovery key this device keeps (null when it never had it), asked only while
 * `shown` (after Show recovery key) and kept no longer: hidden, what was read leaves the
 * cache, and showing it again asks Rust again.
 */
export function useRecoveryKey(accountId: string, shown: boolean) {
  const queryClient = useQueryClient();
  const query = useQuery<string | null, IpcError>({
    queryKey: recoveryKeyKey(accountId),
    queryFn: () => ipc.recoveryKey(accountId),
    enabled: shown,
    gcTime: 0,
    staleTime: 0,
  });
  useEffect(() => {
    if (!shown) queryClient.removeQueries({ queryKey: recoveryKeyKey(accountId), exact: true });
  }, [shown, accountId, queryClient]);
  return query;
}

type Resolution = { workspaceId: string; entity: EntityKind; entityId: string; keep: Keep };

/** Keep mine / keep theirs for one conflict, or (without `entity`) keep all mine. */
export function useResolveConflict() {
  const queryClient = useQueryClient();
  return useMutation<SyncConflict[], IpcError, Resolution | { workspaceId: string }>({
    mutationKey: ["resolve_conflict"],
    mutationFn: (resolution) =>
      "entity" in resolution
        ? ipc.resolveConflict(
            resolution.workspaceId,
            resolution.entity,
            resolution.entityId,
            resolution.keep,
          )
        : ipc.keepAllMine(resolution.workspaceId),
    onSuccess: (left, { workspaceId }) => {
      queryClient.setQueryData(conflictsKey(workspaceId), left);
      refreshWork(queryClient, [workspaceId]);
    },
  });
}

/** The work queries that hold a workspace's contents. */
const workQueries = new Set([
  "workspaces",
  "workspace_tree",
  "request",
  "environments",
  "globals",
  "request_urls",
]);

/** Re-reads what a sync round may have changed (requests are keyed by their own id,
 * so every open request is asked again: a cheap local read). */
function refreshWork(queryClient: QueryClient, workspaceIds: string[]) {
  void queryClient.invalidateQueries({
    predicate: (query) => {
      const [command, id] = query.queryKey;
      if (typeof command !== "string" || !workQueries.has(command)) return false;
      return command === "request" || command === "workspaces" || workspaceIds.includes(String(id));
    },
  });
  for (const id of workspaceIds) void queryClient.invalidateQueries({ queryKey: conflictsKey(id) });
}

/** Keeps sync state current from Rust's events. Mounted once, in the shell. */
export function useSyncEvents() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const stopStatus = ipc.subscribe("sync_status", (status) => {
      const before = queryClient.getQueryData<SyncStatus>(syncStatusKey(status.account_id));
      queryClient.setQueryData(syncStatusKey(status.account_id), status);
      if (before?.conflicts !== status.conflicts)
        void queryClient.invalidateQueries({ queryKey: ["sync_conflicts"] });
    });
    const stopWork = ipc.subscribe("work_changed", ({ workspace_ids }) =>
      refreshWork(queryClient, workspace_ids),
    );
    return () => {
      stopStatus();
      stopWork();
    };
  }, [queryClient]);
}
