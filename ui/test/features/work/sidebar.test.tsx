// The sidebar against the fake IPC: the filter narrows the tree as one types and Escape
// clears it; Alt+↓ on a request asks Rust to move it one place down in its parent; the
// Scratch Pad offers no rename or delete, and without an account no new workspace; a
// collection moves to another workspace when there is one; a renamed request is read
// again for its open editor.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Tree } from "../../../src/bindings/Tree";
import type { Workspace } from "../../../src/bindings/Workspace";
import { Sidebar } from "../../../src/features/work/Sidebar";
import { ipc, resetIpc } from "../../fakeIpc";
import { treeColumns } from "../../fixtures";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const meta = (id: string) => ({ id, revision: 1, created_at: 0, updated_at: 0 });
const pad: Workspace = {
  meta: meta("ws-pad"),
  name: "Scratch Pad",
  owner: { kind: "scratch_pad" },
  active_environment: null,
  encrypt_values: false,
};
const tree: Tree = {
  workspace_id: "ws-pad",
  collections: [{ id: "c", name: "Shop API", position: 0 }],
  folders: [{ id: "f", collection_id: "c", parent_id: null, name: "Orders", position: 2 }],
  requests: [
    { id: "r1", collection_id: "c", folder_id: null, name: "Health", method: "GET", position: 0 },
    { id: "r2", collection_id: "c", folder_id: null, name: "Login", method: "POST", position: 1 },
    {
      id: "r3",
      collection_id: "c",
      folder_id: "f",
      name: "List orders",
      method: "GET",
      position: 0,
    },
  ],
};

const work: Workspace = {
  meta: meta("ws-work"),
  name: "Payments",
  owner: { kind: "account", account: "ada" },
  active_environment: null,
  encrypt_values: false,
};

function renderSidebar(
  signedIn = false,
  workspaces: Workspace[] = [pad],
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } }),
) {
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={client}>
      <Sidebar
        workspaces={workspaces}
        workspace={pad}
        teamOf={{}}
        teams={[]}
        signedIn={signedIn}
        onChooseWorkspace={() => {}}
        openRequest={null}
        onOpenRequest={() => {}}
      />
    </QueryClientProvider>,
  );
  return user;
}

const rowNames = () =>
  screen.queryAllByRole("treeitem").map((row) => row.querySelector(".work-row-name")?.textContent);

beforeEach(() => {
  resetIpc();
  ipc.workspaceTree.mockResolvedValue(treeColumns(tree));
  ipc.requestUrls.mockResolvedValue({ r1: "/health", r2: "/login", r3: "{{base}}/orders" });
});

describe("the sidebar", () => {
  it("shows folders closed, filters as one types (URLs too) and Escape clears the filter", async () => {
    const user = renderSidebar();
    await screen.findByText("Shop API");
    expect(rowNames()).toEqual(["Shop API", "GET Health", "POST Login", "Orders"]);

    const filter = screen.getByRole("searchbox", { name: "Filter requests" });
    await user.type(filter, "orders");
    await waitFor(() => expect(rowNames()).toEqual(["Shop API", "Orders", "GET List orders"]));
    await user.clear(filter);
    await user.type(filter, "post");
    await waitFor(() => expect(rowNames()).toEqual(["Shop API", "POST Login"]));
    await user.type(filter, "{Escape}");
    expect(filter).toHaveValue("");
    expect(rowNames()).toEqual(["Shop API", "GET Health", "POST Login", "Orders"]);
  });

  it("moves a request one place down with Alt+↓ and keeps it focused", async () => {
    ipc.moveRequest.mockResolvedValue({} as never);
    const user = renderSidebar();
    const health = await screen.findByRole("button", { name: "GET Health" });
    health.focus();
    await user.keyboard("{Alt>}{ArrowDown}{/Alt}");
    expect(ipc.moveRequest).toHaveBeenCalledWith("r1", {
      collection_id: "c",
      folder_id: null,
      index: 1,
    });
    expect(ipc.workspaceTree).toHaveBeenCalledTimes(2);
    expect(screen.getByRole("button", { name: "GET Health" })).toHaveFocus();
    // At the top already: Alt+↑ on the first row asks for nothing.
    await user.keyboard("{Alt>}{ArrowUp}{/Alt}");
    expect(ipc.moveRequest).toHaveBeenCalledTimes(1);
  });

  it("moves the focus with End and Home, and the wheel scrolls the tree itself", async () => {
    const user = renderSidebar();
    (await screen.findByRole("button", { name: "GET Health" })).focus();
    await user.keyboard("{End}");
    expect(screen.getByRole("button", { name: "Orders" })).toHaveFocus();
    await user.keyboard("{Home}");
    expect(screen.getByRole("button", { name: "Shop API" })).toHaveFocus();
    const tree = screen.getByRole("tree", { name: "Collections" });
    const wheel = new WheelEvent("wheel", { deltaY: 3, deltaMode: 1, cancelable: true });
    tree.dispatchEvent(wheel);
    // Three lines of 30 px (the test page does no layout, so the box takes what it is given).
    expect(tree.scrollTop).toBe(90);
  });

  it("never pulls the focus back from a field outside the tree when it draws again", async () => {
    ipc.moveRequest.mockResolvedValue({} as never);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const user = userEvent.setup();
    const sidebar = (openRequest: string | null) => (
      <QueryClientProvider client={client}>
        <input aria-label="URL" />
        <Sidebar
          workspaces={[pad]}
          workspace={pad}
          teamOf={{}}
          teams={[]}
          signedIn={false}
          onChooseWorkspace={() => {}}
          openRequest={openRequest}
          onOpenRequest={() => {}}
        />
      </QueryClientProvider>
    );
    const { rerender } = render(sidebar(null));
    (await screen.findByRole("button", { name: "GET Health" })).focus();
    await user.keyboard("{Alt>}{ArrowDown}{/Alt}");
    expect(screen.getByRole("button", { name: "GET Health" })).toHaveFocus();
    // The person goes on typing in the editor's URL field while the app draws again.
    const url = screen.getByRole("textbox", { name: "URL" });
    await user.click(url);
    await user.type(url, "http");
    rerender(sidebar("r1"));
    await user.keyboard("://x");
    expect(url).toHaveFocus();
    expect(url).toHaveValue("http://x");
  });

  it("duplicates a folder or a collection with everything in it from the row's menu", async () => {
    ipc.duplicateFolder.mockResolvedValue({} as never);
    ipc.duplicateCollection.mockResolvedValue({} as never);
    const user = renderSidebar();
    await user.click(await screen.findByRole("button", { name: "Actions for Orders" }));
    await user.click(screen.getByRole("menuitem", { name: "Duplicate" }));
    expect(ipc.duplicateFolder).toHaveBeenCalledWith("f");
    await user.click(screen.getByRole("button", { name: "Actions for Shop API" }));
    await user.click(screen.getByRole("menuitem", { name: "Duplicate" }));
    expect(ipc.duplicateCollection).toHaveBeenCalledWith("c");
    expect(ipc.duplicateRequest).not.toHaveBeenCalled();
    // The tree is read again after each.
    await waitFor(() => expect(ipc.workspaceTree).toHaveBeenCalledTimes(3));
  });

  it("offers no rename or delete of the Scratch Pad, and new workspaces only when signed in", async () => {
    renderSidebar(false);
    await screen.findByText("Shop API");
    expect(screen.queryByRole("button", { name: "New workspace" })).not.toBeInTheDocument();
    expect(screen.getByText("Sign in to create more workspaces.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Rename workspace/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Delete workspace/ })).not.toBeInTheDocument();
  });

  it("moves a Scratch Pad collection into another workspace, offered only when there is one", async () => {
    const alone = renderSidebar(true);
    await alone.click(await screen.findByRole("button", { name: "Actions for Shop API" }));
    expect(screen.queryByRole("menuitem", { name: "Move to workspace…" })).not.toBeInTheDocument();
  });

  it("asks where and tells Rust to move the collection there", async () => {
    ipc.moveCollectionToWorkspace.mockResolvedValue({
      meta: meta("c2"),
      workspace_id: "ws-work",
      name: "Shop API",
      description: null,
      auth: { kind: "none" },
      variables: [],
      scripts: { pre_request: null, test: null },
      position: 0,
    });
    const user = renderSidebar(true, [pad, work]);
    await user.click(await screen.findByRole("button", { name: "Actions for Shop API" }));
    await user.click(screen.getByRole("menuitem", { name: "Move to workspace…" }));
    expect(
      screen.getByRole("combobox", { name: /Move “Shop API” with everything in it to/ }),
    ).toHaveValue("ws-work");
    await user.click(screen.getByRole("button", { name: "Move" }));
    expect(ipc.moveCollectionToWorkspace).toHaveBeenCalledWith("c", "ws-work");
    expect(await screen.findByRole("status")).toHaveTextContent("Moved “Shop API” to Payments.");
  });

  it("reads a renamed request again, so an open editor shows its new name", async () => {
    ipc.renameRequest.mockResolvedValue({} as never);
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(["request", "r1"], { name: "Health" });
    client.setQueryData(["request", "r2"], { name: "Login" });
    const user = renderSidebar(false, [pad], client);
    await user.click(await screen.findByRole("button", { name: "Actions for Health" }));
    await user.click(screen.getByRole("menuitem", { name: "Rename" }));
    const name = screen.getByRole("textbox", { name: /New name for “Health”/ });
    await user.clear(name);
    await user.type(name, "Health check{Enter}");
    expect(ipc.renameRequest).toHaveBeenCalledWith("r1", "Health check");
    await waitFor(() => expect(client.getQueryState(["request", "r1"])?.isInvalidated).toBe(true));
    expect(client.getQueryState(["request", "r2"])?.isInvalidated).toBe(false);
  });
});
