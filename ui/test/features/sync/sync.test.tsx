// Sync in the UI against the fake IPC: the header's indicator follows `sync_status`
// (synced, offline with the changes waiting, an error with Retry) and Sync now asks Rust;
// the conflicts panel lists a workspace's conflicts, shows both sides field by field, and
// settles one (keep mine / keep theirs) or all; `work_changed` re-reads the sidebar.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { SyncConflict } from "../../../src/bindings/SyncConflict";
import type { SyncStatus } from "../../../src/bindings/SyncStatus";
import { ConflictsPanel } from "../../../src/features/sync/ConflictsPanel";
import { useSyncEvents } from "../../../src/features/sync/queries";
import { SyncIndicator } from "../../../src/features/sync/SyncIndicator";
import { useTree } from "../../../src/features/work/queries";
import { emit, ipc, resetIpc } from "../../fakeIpc";
import { treeColumns } from "../../fixtures";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

function Events() {
  useSyncEvents();
  return null;
}

function TreeProbe({ workspaceId }: { workspaceId: string }) {
  useTree(workspaceId);
  return null;
}

function renderWith(ui: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={client}>
      <Events />
      {ui}
    </QueryClientProvider>,
  );
  return { user };
}

const status = (changes: Partial<SyncStatus>): SyncStatus => ({
  account_id: "ada",
  state: "synced",
  pending: 0,
  conflicts: 0,
  synced_at: null,
  error: null,
  ...changes,
});

const urlConflict: SyncConflict = {
  workspace_id: "ws-1",
  entity: "request",
  entity_id: "r1",
  name: "List invoices",
  conflict: {
    kind: "fields",
    fields: [
      {
        field: "spec.url",
        mine: "https://api.test/v3/invoices",
        theirs: "https://api.test/v2/invoices",
      },
    ],
  },
  at: 0,
};

describe("sync indicator", () => {
  beforeEach(() => resetIpc());

  it("follows sync_status: synced, then offline with changes waiting, then an error with Retry", async () => {
    const { user } = renderWith(<SyncIndicator accountId="ada" />);
    expect(await screen.findByRole("button", { name: "Sync: Synced" })).toBeInTheDocument();

    emit(
      "sync_status",
      status({ state: "offline", pending: 3, error: "cannot reach accounts.courier.test" }),
    );
    const offline = await screen.findByRole("button", { name: "Sync: Offline, 3 changes waiting" });
    await user.click(offline);
    const panel = screen.getByRole("region", { name: "Sync" });
    expect(panel).toHaveTextContent("3 changes waiting to sync.");
    expect(within(panel).getByRole("alert")).toHaveTextContent("cannot reach");
    await user.click(within(panel).getByRole("button", { name: "Sync now" }));
    expect(ipc.syncNow).toHaveBeenCalledWith("ada");

    emit("sync_status", status({ state: "error", error: "the sign-in has ended" }));
    expect(await within(panel).findByRole("button", { name: "Retry" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("region", { name: "Sync" })).not.toBeInTheDocument();
  });
});

describe("conflicts panel", () => {
  beforeEach(() => resetIpc());

  it("shows both sides of a field and keeps mine", async () => {
    ipc.syncConflicts.mockResolvedValue([urlConflict]);
    const { user } = renderWith(<ConflictsPanel workspaceId="ws-1" />);
    const panel = await screen.findByRole("region", { name: "Sync conflicts" });
    expect(panel).toHaveTextContent("1 sync conflict");
    expect(panel).toHaveTextContent("Changed here and on another device: URL.");
    await user.click(within(panel).getByRole("button", { name: "See both" }));
    const row = within(panel).getByRole("row", { name: /URL/ });
    expect(row).toHaveTextContent("https://api.test/v3/invoices");
    expect(row).toHaveTextContent("https://api.test/v2/invoices");

    // Rust settles it: nothing left to list.
    ipc.resolveConflict.mockResolvedValue([]);
    ipc.syncConflicts.mockResolvedValue([]);
    await user.click(within(panel).getByRole("button", { name: "Keep mine" }));
    expect(ipc.resolveConflict).toHaveBeenCalledWith("ws-1", "request", "r1", "mine");
    await waitFor(() =>
      expect(screen.queryByRole("region", { name: "Sync conflicts" })).not.toBeInTheDocument(),
    );
  });

  it("keeps all mine for the workspace", async () => {
    ipc.syncConflicts.mockResolvedValue([
      urlConflict,
      { ...urlConflict, entity_id: "r2", conflict: { kind: "changed_there" } },
    ]);
    const { user } = renderWith(<ConflictsPanel workspaceId="ws-1" />);
    const panel = await screen.findByRole("region", { name: "Sync conflicts" });
    expect(panel).toHaveTextContent("2 sync conflicts");
    expect(panel).toHaveTextContent("Changed on another device after you deleted it here.");
    await user.click(within(panel).getByRole("button", { name: "Keep all mine" }));
    expect(ipc.keepAllMine).toHaveBeenCalledWith("ws-1");
  });
});

describe("work_changed", () => {
  beforeEach(() => resetIpc());

  it("re-reads the sidebar of the workspaces a round wrote into, and no other", async () => {
    ipc.workspaceTree.mockImplementation(async (workspaceId) =>
      treeColumns({ workspace_id: workspaceId, collections: [], folders: [], requests: [] }),
    );
    renderWith(
      <>
        <TreeProbe workspaceId="ws-1" />
        <TreeProbe workspaceId="ws-2" />
      </>,
    );
    await waitFor(() => expect(ipc.workspaceTree).toHaveBeenCalledTimes(2));
    emit("work_changed", { account_id: "ada", workspace_ids: ["ws-1"] });
    await waitFor(() => expect(ipc.workspaceTree).toHaveBeenCalledTimes(3));
    expect(ipc.workspaceTree).toHaveBeenLastCalledWith("ws-1");
  });
});
