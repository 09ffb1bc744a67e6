// Startup: the snapshot decides the first screen; first_screen_ready is sent once;
// a failed snapshot can be retried.
import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { emit, ipc, resetIpc, subscriberCount } from "../fakeIpc";
import { firstLaunch, signedInAsAda } from "../fixtures";
import { renderApp } from "../renderApp";

vi.mock("../../src/ipc", () => import("../fakeIpc").then((m) => m.fakeIpcModule));

describe("startup", () => {
  beforeEach(() => resetIpc(firstLaunch()));

  it("asks for the snapshot once and reports the first screen once", async () => {
    const { user } = renderApp();
    await screen.findByRole("heading", { name: "Welcome to Courier" });
    expect(ipc.appSnapshot).toHaveBeenCalledTimes(1);
    expect(ipc.firstScreenReady).toHaveBeenCalledTimes(1);
    // Moving on to other screens does not report again.
    await user.click(screen.getByRole("button", { name: "Sign In" }));
    await screen.findByRole("heading", { name: "Your browser should open within a few seconds" });
    emit("account_changed", signedInAsAda());
    expect(ipc.firstScreenReady).toHaveBeenCalledTimes(1);
  });

  it("does not report the first screen while the snapshot is still loading", async () => {
    ipc.appSnapshot.mockReturnValue(new Promise(() => {}));
    renderApp();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ipc.firstScreenReady).not.toHaveBeenCalled();
    expect(screen.queryByRole("main")).not.toBeInTheDocument();
  });

  it("listens to account_changed and signin_progress", async () => {
    renderApp();
    await screen.findByRole("heading", { name: "Welcome to Courier" });
    expect(subscriberCount("account_changed")).toBe(1);
    expect(subscriberCount("signin_progress")).toBeGreaterThanOrEqual(1);
  });

  it("shows what went wrong when the snapshot fails, and Try again asks again", async () => {
    ipc.appSnapshot.mockRejectedValueOnce({
      kind: "local_data",
      message: "accounts.json is damaged",
    });
    const { user } = renderApp();
    expect(
      await screen.findByRole("heading", { name: "Courier could not start" }),
    ).toBeInTheDocument();
    expect(screen.getByText("accounts.json is damaged")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("heading", { name: "Welcome to Courier" })).toBeInTheDocument();
    expect(ipc.appSnapshot).toHaveBeenCalledTimes(2);
  });
});
