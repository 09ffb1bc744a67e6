// The work area's tabs against the fake IPC: the tabs kept at the last run come back,
// an editor with a draft starts from it and its tab is marked unsaved; opening requests
// adds tabs and keeps the strip; Ctrl+W closes the tab on screen; a request that leaves
// the tree closes its tab; History opens the request an entry was sent from.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Request } from "../../../src/bindings/Request";
import type { RequestNode } from "../../../src/bindings/RequestNode";
import { WorkArea } from "../../../src/features/work/WorkArea";
import { ipc, resetIpc } from "../../fakeIpc";
import { requestSpec as spec, treeColumns } from "../../fixtures";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const request = (id: string, name: string): Request => ({
  meta: { id, revision: 1, created_at: 0, updated_at: 0 },
  collection_id: "c1",
  folder_id: null,
  name,
  description: null,
  spec: spec(`https://api.test/${id}`),
  scripts: { pre_request: null, test: null },
  position: 0,
});

const node = (id: string, name: string): RequestNode => ({
  id,
  collection_id: "c1",
  folder_id: null,
  name,
  method: "GET",
  position: 0,
});

let nodes: RequestNode[];

function renderWorkArea() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={client}>
      <WorkArea accountId={null} />
    </QueryClientProvider>,
  );
  return { user, client };
}

const tabLabels = () =>
  within(screen.getByRole("tablist", { name: "Open requests" }))
    .queryAllByRole("tab")
    .map((tab) => tab.getAttribute("aria-label"));

describe("work area tabs", () => {
  beforeEach(() => {
    resetIpc();
    nodes = [node("r1", "Health"), node("r2", "Orders")];
    ipc.workspaceTree.mockImplementation(async (workspaceId) =>
      treeColumns({
        workspace_id: workspaceId,
        collections: [{ id: "c1", name: "Shop", position: 0 }],
        folders: [],
        requests: nodes,
      }),
    );
    ipc.request.mockImplementation(async (id) => request(id, id === "r1" ? "Health" : "Orders"));
    ipc.unresolvedVariables.mockResolvedValue([]);
  });

  it("brings back the kept tabs, the draft in its editor and marked unsaved", async () => {
    ipc.openTabs.mockResolvedValue({ request_ids: ["r1", "r2"], active: "r2" });
    ipc.drafts.mockResolvedValue([
      {
        workspace_id: "ws-pad",
        key: { kind: "request", request_id: "r2" },
        spec: spec("https://api.test/edited"),
        updated_at: 0,
      },
    ]);
    renderWorkArea();
    await waitFor(() => expect(tabLabels()).toEqual(["GET Health", "GET Orders (unsaved)"]));
    const urls = await screen.findAllByLabelText("URL");
    const shown = urls.find((input) => !input.closest("[hidden]")) as HTMLInputElement;
    expect(shown.value).toBe("https://api.test/edited");
    expect(screen.getByRole("tab", { name: "GET Orders (unsaved)" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
  });

  it("opening a request adds its tab and keeps the strip; Ctrl+W closes the tab on screen", async () => {
    const { user } = renderWorkArea();
    await user.click(await screen.findByRole("button", { name: "GET Health" }));
    await user.click(screen.getByRole("button", { name: "GET Orders" }));
    await waitFor(() => expect(tabLabels()).toEqual(["GET Health", "GET Orders"]));
    await waitFor(() =>
      expect(ipc.setOpenTabs).toHaveBeenLastCalledWith("ws-pad", {
        request_ids: ["r1", "r2"],
        active: "r2",
      }),
    );
    fireEvent.keyDown(window, { key: "w", ctrlKey: true });
    await waitFor(() => expect(tabLabels()).toEqual(["GET Health"]));
    expect(screen.getByRole("tab", { name: "GET Health" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
    await waitFor(() =>
      expect(ipc.setOpenTabs).toHaveBeenLastCalledWith("ws-pad", {
        request_ids: ["r1"],
        active: "r1",
      }),
    );
  });

  it("a request that leaves the tree closes its tab", async () => {
    ipc.openTabs.mockResolvedValue({ request_ids: ["r1", "r2"], active: "r1" });
    const { client } = renderWorkArea();
    await waitFor(() => expect(tabLabels()).toEqual(["GET Health", "GET Orders"]));
    nodes = [node("r1", "Health")];
    await client.invalidateQueries({ queryKey: ["workspace_tree", "ws-pad"] });
    await waitFor(() => expect(tabLabels()).toEqual(["GET Health"]));
  });

  it("History lists the sends and opens the request one came from", async () => {
    ipc.history.mockResolvedValue([
      {
        id: "h2",
        workspace_id: "ws-pad",
        request_id: "r2",
        sent_at: 2_000,
        method: "POST",
        url: "https://api.test/orders",
        status: 201,
        duration_ms: 12,
        size: 3,
        error: null,
      },
      {
        id: "h1",
        workspace_id: "ws-pad",
        request_id: "gone",
        sent_at: 1_000,
        method: "GET",
        url: "https://api.test/old",
        status: null,
        duration_ms: 5,
        size: 0,
        error: "connection refused",
      },
    ]);
    const { user } = renderWorkArea();
    await user.click(await screen.findByRole("button", { name: "History" }));
    const sent = await screen.findByRole("button", { name: "POST https://api.test/orders 201" });
    const deleted = screen.getByRole("button", {
      name: "GET https://api.test/old connection refused",
    });
    expect(deleted).toBeDisabled();
    await user.click(sent);
    await waitFor(() => expect(tabLabels()).toEqual(["GET Orders"]));
    expect(screen.queryByRole("region", { name: "History" })).toBeNull();

    ipc.clearHistory.mockResolvedValue(null);
    await user.click(screen.getByRole("button", { name: "History" }));
    await user.click(await screen.findByRole("button", { name: "Clear history" }));
    expect(ipc.clearHistory).toHaveBeenCalledWith("ws-pad");
  });
});
