// First launch: the welcome and its three ways on.
import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ipc, resetIpc } from "../../fakeIpc";
import { firstLaunch, scratchPad } from "../../fixtures";
import { renderApp } from "../../renderApp";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

describe("welcome", () => {
  beforeEach(() => resetIpc(firstLaunch()));

  it("is shown on first launch with Sign In, Create Account and Skip", async () => {
    renderApp();
    expect(await screen.findByRole("heading", { name: "Welcome to Courier" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign In" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Create Account" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Skip and take me to Courier" })).toBeInTheDocument();
  });

  it("is not shown once the welcome is done", async () => {
    resetIpc(scratchPad());
    renderApp();
    expect(await screen.findByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Welcome to Courier" })).not.toBeInTheDocument();
  });

  it("Sign In starts a sign-in and shows the waiting screen", async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Sign In" }));
    expect(ipc.startSignIn).toHaveBeenCalledWith({ kind: "signIn" });
    expect(
      await screen.findByRole("heading", { name: "Your browser should open within a few seconds" }),
    ).toBeInTheDocument();
  });

  it("Create Account starts a sign-in in account-creation mode", async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Create Account" }));
    expect(ipc.startSignIn).toHaveBeenCalledWith({ kind: "createAccount" });
    expect(ipc.startSignIn).not.toHaveBeenCalledWith({ kind: "signIn" });
    expect(
      await screen.findByRole("heading", { name: "Your browser should open within a few seconds" }),
    ).toBeInTheDocument();
  });

  it("Skip marks the welcome done and opens the Scratch Pad without starting a sign-in", async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Skip and take me to Courier" }));
    expect(ipc.skipSignIn).toHaveBeenCalledTimes(1);
    expect(ipc.startSignIn).not.toHaveBeenCalled();
    expect(ipc.cancelSignIn).not.toHaveBeenCalled();
    expect(await screen.findByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
  });
});
