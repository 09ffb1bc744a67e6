// How a failed sign-in is told, per kind, with Try again and a way back.
import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { emit, ipc, resetIpc } from "../../fakeIpc";
import { firstLaunch, signedInAsAda } from "../../fixtures";
import { renderApp } from "../../renderApp";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const waitingHeading = { name: "Your browser should open within a few seconds" };

/** Renders the app on the welcome and presses `button`: attempt 1 is then waiting. */
async function waitForBrowser(button: "Sign In" | "Create Account" = "Sign In") {
  const app = renderApp();
  await app.user.click(await screen.findByRole("button", { name: button }));
  await screen.findByRole("heading", waitingHeading);
  return app;
}

describe("sign-in failures", () => {
  beforeEach(() => resetIpc(firstLaunch()));

  it.each([
    ["sign_in_expired", "The sign-in expired", /within five minutes/],
    ["sign_in_cancelled_in_browser", "Sign-in was cancelled in the browser", /did not sign you in/],
    ["sign_in_refused", "The server refused the sign-in", /did not allow/],
    ["network", "Courier could not reach the server", /internet connection/],
    ["protocol", "The server answered in a way Courier did not expect", /could not be completed/],
    ["insecure_server", "The server's connection is not secure", /HTTPS/],
    ["keyring_unavailable", "Your sign-in could not be stored securely", /No keyring service/],
    ["something_new", "Sign-in did not complete", /went wrong/],
  ])("%s: says so plainly, with the details and Try again", async (kind, title, explanation) => {
    const { user } = await waitForBrowser();
    emit("signin_progress", { state: "failed", attempt: 1, kind, message: `detail of ${kind}` });

    expect(await screen.findByRole("heading", { name: title })).toBeInTheDocument();
    expect(screen.getByText(explanation)).toBeInTheDocument();
    expect(screen.getByText(`Details: detail of ${kind}`)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(ipc.startSignIn).toHaveBeenCalledTimes(2);
    expect(await screen.findByRole("heading", waitingHeading)).toBeInTheDocument();
  });

  it("after Try again, only the new attempt's outcome counts", async () => {
    const { user } = await waitForBrowser();
    emit("signin_progress", { state: "failed", attempt: 1, kind: "network", message: "offline" });
    await user.click(await screen.findByRole("button", { name: "Try again" }));
    await screen.findByRole("heading", waitingHeading);
    // A second outcome of attempt 1 (e.g. its listener's cancel) leaves attempt 2 waiting.
    emit("signin_progress", {
      state: "failed",
      attempt: 1,
      kind: "sign_in_refused",
      message: "late",
    });
    expect(screen.getByRole("heading", waitingHeading)).toBeInTheDocument();
    expect(
      screen.queryByRole("heading", { name: "The server refused the sign-in" }),
    ).not.toBeInTheDocument();

    emit("signin_progress", {
      state: "failed",
      attempt: 2,
      kind: "sign_in_expired",
      message: "expired",
    });
    expect(await screen.findByRole("heading", { name: "The sign-in expired" })).toBeInTheDocument();
  });

  it("Try again repeats the same choice (Create Account)", async () => {
    const { user } = await waitForBrowser("Create Account");
    emit("signin_progress", {
      state: "failed",
      attempt: 1,
      kind: "sign_in_expired",
      message: "expired",
    });
    await user.click(await screen.findByRole("button", { name: "Try again" }));
    expect(ipc.startSignIn).toHaveBeenNthCalledWith(2, { kind: "createAccount" });
  });

  it("a start_sign_in that fails shows the failure too", async () => {
    ipc.startSignIn.mockRejectedValue({
      kind: "network",
      message: "connection refused (127.0.0.1:7878)",
    });
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Sign In" }));
    expect(
      await screen.findByRole("heading", { name: "Courier could not reach the server" }),
    ).toBeInTheDocument();
    expect(screen.getByText("Details: connection refused (127.0.0.1:7878)")).toBeInTheDocument();
  });

  it("Skip after a failure opens the Scratch Pad when there is no account", async () => {
    const { user } = await waitForBrowser();
    emit("signin_progress", {
      state: "failed",
      attempt: 1,
      kind: "sign_in_refused",
      message: "access_denied",
    });
    await user.click(await screen.findByRole("button", { name: "Skip and take me to Courier" }));
    expect(await screen.findByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
    expect(ipc.skipSignIn).toHaveBeenCalledTimes(1);
    // The attempt is over already: nothing to cancel.
    expect(ipc.cancelSignIn).not.toHaveBeenCalled();
  });

  it("Back to Courier after a failure returns to the account", async () => {
    resetIpc(signedInAsAda());
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: /account menu/ }));
    await user.click(screen.getByRole("menuitem", { name: "Add a new account" }));
    emit("signin_progress", {
      state: "failed",
      attempt: 1,
      kind: "sign_in_expired",
      message: "expired",
    });
    await user.click(await screen.findByRole("button", { name: "Back to Courier" }));
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(ipc.skipSignIn).not.toHaveBeenCalled();
  });
});
