// The screen for "no keyring": reason and remedy, Try again, session-only.
import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { AppSnapshot } from "../../../src/bindings/AppSnapshot";
import { ipc, resetIpc } from "../../fakeIpc";
import { signedInAsAda, snapshot } from "../../fixtures";
import { renderApp } from "../../renderApp";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const noKeyring: AppSnapshot = snapshot({
  welcomeDone: true,
  vault: {
    state: "unavailable",
    reason: "no Secret Service provider is running on the session bus",
    remedy: "Install and start gnome-keyring or KeePassXC, then press Try again.",
  },
});

describe("keyring unavailable", () => {
  beforeEach(() => resetIpc(noKeyring));

  it("says tokens cannot be stored securely, with the reason and the remedy", async () => {
    renderApp();
    expect(
      await screen.findByRole("heading", { name: /cannot store your sign-in securely/i }),
    ).toBeInTheDocument();
    expect(
      screen.getByText("no Secret Service provider is running on the session bus"),
    ).toBeInTheDocument();
    expect(screen.getByText(/Install and start gnome-keyring/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Sign In" })).not.toBeInTheDocument();
  });

  it("Try again calls retry_keyring and goes on to the app when the keyring is back", async () => {
    ipc.retryKeyring.mockResolvedValue(signedInAsAda());
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Try again" }));
    expect(ipc.retryKeyring).toHaveBeenCalledTimes(1);
    expect(ipc.continueWithoutKeyring).not.toHaveBeenCalled();
    expect(
      await screen.findByRole("button", { name: /Ada Lovelace, account menu/ }),
    ).toBeInTheDocument();
  });

  it("Try again says so when the keyring is still missing", async () => {
    ipc.retryKeyring.mockResolvedValue(noKeyring);
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Try again" }));
    expect(await screen.findByText(/still not available/)).toBeInTheDocument();
  });

  it("Stay signed in for this session only calls continue_without_keyring and shows memory-only", async () => {
    ipc.continueWithoutKeyring.mockResolvedValue({
      ...signedInAsAda(),
      vault: {
        state: "memoryOnly",
        description: "memory only, for this session (nothing is saved)",
      },
    });
    const { user } = renderApp();
    await user.click(
      await screen.findByRole("button", { name: "Stay signed in for this session only" }),
    );
    expect(ipc.continueWithoutKeyring).toHaveBeenCalledTimes(1);
    expect(ipc.retryKeyring).not.toHaveBeenCalled();
    expect(
      await screen.findByText(/Sign-in tokens: memory only, for this session/),
    ).toBeInTheDocument();
  });

  it("shows the error when a button's command fails", async () => {
    ipc.retryKeyring.mockRejectedValue({ kind: "keyring", message: "D-Bus said no" });
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not check the keyring again. D-Bus said no",
    );
  });
});
