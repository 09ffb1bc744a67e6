// "Encrypt every variable value" against the fake IPC: with a keyring it turns the
// workspace's choice on; without one it is off, disabled, and says values live for the
// session only.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { EncryptValuesToggle } from "../../../src/features/work/EncryptValuesToggle";
import { ipc, resetIpc } from "../../fakeIpc";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

beforeEach(() => resetIpc());

function renderToggle(memoryOnly: boolean) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <EncryptValuesToggle workspaceId="ws-pad" accountId={null} memoryOnly={memoryOnly} />
    </QueryClientProvider>,
  );
}

describe("EncryptValuesToggle", () => {
  it("turns encryption of every value on for the workspace", async () => {
    const user = userEvent.setup();
    renderToggle(false);
    const box = screen.getByLabelText("Encrypt every variable value") as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    await user.click(box);
    expect(ipc.setEncryptValues).toHaveBeenCalledWith("ws-pad", true);
    expect(screen.getByText(/encrypts the others too/)).toBeTruthy();
  });

  it("without a keyring it is off and says values live for the session only", async () => {
    renderToggle(true);
    const box = screen.getByLabelText("Encrypt every variable value") as HTMLInputElement;
    expect(box.disabled).toBe(true);
    expect(screen.getByText(/live only until Courier closes/)).toBeTruthy();
  });
});
