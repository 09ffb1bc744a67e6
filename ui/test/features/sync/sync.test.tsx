// Sync in the UI against the fake IPC: the header's indicator follows `sync_status`
// (synced, offline with the changes waiting, an error with Retry) and Sync now asks Rust;
// the conflicts panel lists a workspace's conflicts, shows both sides field by field, and
// settles one (keep mine / keep theirs) or all; `work_changed` re-reads the sidebar; an
// account whose synced secrets are locked here says so and unlocks with the recovery key.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { AppProviders, createQueryClient } from "../../../src/app/AppProviders";
import type { SyncConflict } from "../../../src/bindings/SyncConflict";
import { ConflictsPanel } from "../../../src/features/sync/ConflictsPanel";
import { useSyncEvents } from "../../../src/features/sync/queries";
import { SyncIndicator } from "../../../src/features/sync/SyncIndicator";
import { useTree } from "../../../src/features/work/queries";
import { emit, ipc, resetIpc } from "../../fakeIpc";
import { RECOVERY_KEY, syncStatus, treeColumns } from "../../fixtures";

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
  const user = userEvent.setup();
  render(
    <AppProviders client={createQueryClient()}>
      <Events />
      {ui}
    </AppProviders>,
  );
  return { user };
}

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
      syncStatus({ state: "offline", pending: 3, error: "cannot reach accounts.courier.test" }),
    );
    const offline = await screen.findByRole("button", { name: "Sync: Offline, 3 changes waiting" });
    await user.click(offline);
    const panel = screen.getByRole("region", { name: "Sync" });
    expect(panel).toHaveTextContent("3 changes waiting to sync.");
    expect(within(panel).getByRole("alert")).toHaveTextContent("cannot reach");
    await user.click(within(panel).getByRole("button", { name: "Sync now" }));
    expect(ipc.syncNow).toHaveBeenCalledWith("ada");

    emit("sync_status", syncStatus({ state: "error", error: "the sign-in has ended" }));
    expect(await within(panel).findByRole("button", { name: "Retry" })).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("region", { name: "Sync" })).not.toBeInTheDocument();
  });
});

describe("locked synced secrets", () => {
  beforeEach(() => {
    resetIpc();
    ipc.syncStatus.mockResolvedValue(syncStatus({ secrets_locked: true }));
  });

  async function openPanel() {
    const rendered = renderWith(<SyncIndicator accountId="ada" />);
    await rendered.user.click(
      await screen.findByRole("button", { name: "Sync: Synced, secrets locked" }),
    );
    const panel = screen.getByRole("region", { name: "Sync" });
    return {
      ...rendered,
      panel,
      field: within(panel).getByRole("textbox", { name: "Recovery key" }),
    };
  }

  it("the indicator says so, and its panel asks for the recovery key", async () => {
    const { panel, field } = await openPanel();
    expect(panel).toHaveTextContent(
      "Secret values from your other devices are locked on this device. Enter your recovery key to read them.",
    );
    expect(field).toHaveAttribute("autocomplete", "off");
    expect(field).toHaveAttribute("spellcheck", "false");
    expect(field).toHaveClass("input-code");
    expect(within(panel).getByRole("button", { name: "Unlock" })).toBeDisabled();
  });

  it("a refused key is said beside the field, and what was typed stays", async () => {
    const refusal = "that recovery key does not open this account's secrets";
    ipc.unlockSecrets.mockRejectedValue({
      kind: "invalid_input",
      message: refusal,
      fields: [{ field: "recovery_key", message: refusal }],
    });
    const { user, panel, field } = await openPanel();
    await user.type(field, "7K2M-Q9XA-WRNG");
    await user.click(within(panel).getByRole("button", { name: "Unlock" }));
    await waitFor(() => expect(field).toHaveAttribute("aria-invalid", "true"));
    expect(field).toHaveAccessibleDescription(refusal);
    expect(field).toHaveValue("7K2M-Q9XA-WRNG");
    expect(within(panel).getByRole("button", { name: "Unlock" })).toBeEnabled();
  });

  it("unlocks with the key as typed, says so, and the lock goes when the round ends", async () => {
    let finish: (value: null) => void = () => {};
    ipc.unlockSecrets.mockReturnValue(new Promise((resolve) => (finish = resolve)));
    const { user, panel, field } = await openPanel();
    const typed = RECOVERY_KEY.toLowerCase().replaceAll("-", " ");
    await user.type(field, typed);
    await user.click(within(panel).getByRole("button", { name: "Unlock" }));
    expect(ipc.unlockSecrets).toHaveBeenCalledWith("ada", typed);
    expect(within(panel).getByRole("button", { name: "Unlock" })).toBeDisabled();

    finish(null);
    await waitFor(() =>
      expect(within(panel).getByRole("status")).toHaveTextContent(
        "Unlocked — secrets will appear as they sync.",
      ),
    );
    expect(within(panel).queryByRole("textbox", { name: "Recovery key" })).not.toBeInTheDocument();

    emit("sync_status", syncStatus({ secrets_locked: false }));
    expect(await screen.findByRole("button", { name: "Sync: Synced" })).toBeInTheDocument();
    expect(within(panel).getByRole("status")).toHaveTextContent("Unlocked");
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
