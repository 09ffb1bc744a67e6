// The work area's server state in TanStack Query, keyed by command: the workspace list
// (per account), each workspace's tree, each saved request, each workspace's environments
// and globals, its History, and (read once at start) its drafts and open tabs.
import { useQuery } from "@tanstack/react-query";
import type { Draft } from "../../bindings/Draft";
import type { Environment } from "../../bindings/Environment";
import type { Globals } from "../../bindings/Globals";
import type { HistoryEntry } from "../../bindings/HistoryEntry";
import type { IpcError } from "../../bindings/IpcError";
import type { OpenTabs } from "../../bindings/OpenTabs";
import type { Request } from "../../bindings/Request";
import type { SendOptions } from "../../bindings/SendOptions";
import type { TreeColumns } from "../../bindings/TreeColumns";
import type { WorkspaceList } from "../../bindings/WorkspaceList";
import * as ipc from "../../ipc";

export const workspacesKey = (accountId: string | null) => ["workspaces", accountId] as const;
export const treeKey = (workspaceId: string) => ["workspace_tree", workspaceId] as const;
export const requestKey = (id: string) => ["request", id] as const;
export const environmentsKey = (workspaceId: string) => ["environments", workspaceId] as const;
export const globalsKey = (workspaceId: string) => ["globals", workspaceId] as const;
export const historyKey = (workspaceId: string) => ["history", workspaceId] as const;
export const draftsKey = (workspaceId: string) => ["drafts", workspaceId] as const;
export const openTabsKey = (workspaceId: string) => ["open_tabs", workspaceId] as const;

export const useWorkspaces = (accountId: string | null) =>
  useQuery<WorkspaceList, IpcError>({
    queryKey: workspacesKey(accountId),
    queryFn: ipc.workspaces,
    retry: false,
  });

export const useTree = (workspaceId: string | undefined) =>
  useQuery<TreeColumns, IpcError>({
    queryKey: treeKey(workspaceId ?? ""),
    queryFn: () => ipc.workspaceTree(workspaceId ?? ""),
    enabled: workspaceId !== undefined,
    retry: false,
  });

export const useRequest = (id: string) =>
  useQuery<Request, IpcError>({
    queryKey: requestKey(id),
    queryFn: () => ipc.request(id),
    staleTime: Infinity,
    retry: false,
  });

export const useEnvironments = (workspaceId: string) =>
  useQuery<Environment[], IpcError>({
    queryKey: environmentsKey(workspaceId),
    queryFn: () => ipc.environments(workspaceId),
    retry: false,
  });

export const useGlobals = (workspaceId: string) =>
  useQuery<Globals, IpcError>({
    queryKey: globalsKey(workspaceId),
    queryFn: () => ipc.globals(workspaceId),
    retry: false,
  });

export const useHistory = (workspaceId: string) =>
  useQuery<HistoryEntry[], IpcError>({
    queryKey: historyKey(workspaceId),
    queryFn: () => ipc.history(workspaceId),
    retry: false,
  });

/** The drafts as they were when the workspace was first shown: editors start from them. */
export const useDrafts = (workspaceId: string) =>
  useQuery<Draft[], IpcError>({
    queryKey: draftsKey(workspaceId),
    queryFn: () => ipc.drafts(workspaceId),
    staleTime: Infinity,
    retry: false,
  });

/** The tabs kept at the last run: read once, then the tab strip is the truth. */
export const useOpenTabs = (workspaceId: string) =>
  useQuery<OpenTabs, IpcError>({
    queryKey: openTabsKey(workspaceId),
    queryFn: () => ipc.openTabs(workspaceId),
    enabled: workspaceId !== "",
    staleTime: Infinity,
    retry: false,
  });

export const sendOptionsKey = (workspaceId: string) => ["send_options", workspaceId] as const;

/** How the workspace's requests are sent (timeout, redirects, TLS verification). */
export const useSendOptions = (workspaceId: string) =>
  useQuery<SendOptions, IpcError>({
    queryKey: sendOptionsKey(workspaceId),
    queryFn: () => ipc.sendOptions(workspaceId),
    retry: false,
  });

export const requestUrlsKey = (workspaceId: string) => ["request_urls", workspaceId] as const;

/** Each request's URL by id, for the sidebar's filter: read once filtering starts. */
export const useRequestUrls = (workspaceId: string, enabled: boolean) =>
  useQuery<Record<string, string | undefined>, IpcError>({
    queryKey: requestUrlsKey(workspaceId),
    queryFn: () => ipc.requestUrls(workspaceId),
    enabled,
    retry: false,
  });
