// The environment editor against the fake IPC: a secret value stays out of the page's
// markup until shown, Save sends the table, and without a keyring the Secret column says
// values are kept for this session only.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Environment } from "../../../src/bindings/Environment";
import { EnvironmentEditor } from "../../../src/features/work/EnvironmentEditor";
import { ipc, resetIpc } from "../../fakeIpc";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const local: Environment = {
  meta: { id: "env-local", revision: 1, created_at: 0, updated_at: 0 },
  workspace_id: "ws-pad",
  name: "Local",
  variables: [
    { key: "base", value: "http://127.0.0.1:1", enabled: true, secret: false },
    { key: "token", value: "TOP-SECRET-1", enabled: true, secret: true },
  ],
};

function renderEditor(memoryOnly = false) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const user = userEvent.setup();
  const view = render(
    <QueryClientProvider client={client}>
      <EnvironmentEditor
        workspaceId="ws-pad"
        accountId={null}
        memoryOnly={memoryOnly}
        onClose={() => {}}
      />
    </QueryClientProvider>,
  );
  return { user, ...view };
}

describe("environment editor", () => {
  beforeEach(() => {
    resetIpc();
    ipc.environments.mockResolvedValue([local]);
    ipc.updateEnvironment.mockImplementation(async (e) => ({
      ...e,
      meta: { ...e.meta, revision: e.meta.revision + 1 },
    }));
  });

  it("masks a secret value until Show, and keeps it out of the markup", async () => {
    const { user, container } = renderEditor();
    await user.click(await screen.findByRole("button", { name: "Local" }));
    const value = await screen.findByLabelText("Variable value 2");
    expect(value).toHaveAttribute("type", "password");
    expect((value as HTMLInputElement).value).toBe("TOP-SECRET-1");
    expect(container.innerHTML).not.toContain("TOP-SECRET-1");
    expect(container.innerHTML).toContain("http://127.0.0.1:1");

    await user.click(screen.getByRole("button", { name: "Show" }));
    expect(screen.getByLabelText("Variable value 2")).toHaveValue("TOP-SECRET-1");
    expect(screen.getByLabelText("Variable value 2")).not.toHaveAttribute("type", "password");
    await user.click(screen.getByRole("button", { name: "Hide" }));
    expect(container.innerHTML).not.toContain("TOP-SECRET-1");
  });

  it("renames and saves the table", async () => {
    const { user } = renderEditor();
    await user.click(await screen.findByRole("button", { name: "Local" }));
    const name = await screen.findByLabelText("Environment name");
    await user.clear(name);
    await user.type(name, "Staging");
    await user.type(screen.getByLabelText("Variable key 3"), "page");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(ipc.updateEnvironment).toHaveBeenCalled());
    const saved = ipc.updateEnvironment.mock.calls[0]?.[0];
    expect(saved?.name).toBe("Staging");
    expect(saved?.variables.map((row) => row.key)).toEqual(["base", "token", "page"]);
    expect(saved?.variables[1]?.value).toBe("TOP-SECRET-1");
  });

  it("without a keyring says secrets are kept for this session only", async () => {
    renderEditor(true);
    expect(await screen.findByText(/kept for this session only/)).toBeInTheDocument();
  });
});
