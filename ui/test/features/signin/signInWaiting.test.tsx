// The waiting screen: link, Copy, open your browser, the countdown, Skip, and how the
// `signin_progress` outcomes end it.
import { act, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { emit, ipc, resetIpc } from "../../fakeIpc";
import { account, firstLaunch, scratchPad, signedInAsAda, started } from "../../fixtures";
import { renderApp } from "../../renderApp";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const waitingHeading = { name: "Your browser should open within a few seconds" };

/** Renders the app on the welcome and presses Sign In. */
async function startFromWelcome() {
  const app = renderApp();
  await app.user.click(await screen.findByRole("button", { name: "Sign In" }));
  await screen.findByRole("heading", waitingHeading);
  return app;
}

describe("waiting for the browser", () => {
  beforeEach(() => resetIpc(firstLaunch()));

  it("shows the link in a read-only field", async () => {
    await startFromWelcome();
    const field = await screen.findByRole("textbox", { name: "Sign-in link" });
    expect(field).toHaveValue(started().url);
    expect(field).toHaveAttribute("readonly");
    expect(screen.queryByText(/could not open your browser/i)).not.toBeInTheDocument();
  });

  it("Copy puts the link on the clipboard", async () => {
    const { user } = await startFromWelcome();
    // user-event installs its own clipboard stub; watch the one in place now.
    const writeText = vi.spyOn(navigator.clipboard, "writeText");
    await user.click(await screen.findByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith(started().url);
    expect(await screen.findByText("Link copied.")).toBeInTheDocument();
  });

  it("says so when copying fails", async () => {
    const { user } = await startFromWelcome();
    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValue(new Error("denied"));
    await user.click(await screen.findByRole("button", { name: "Copy" }));
    expect(await screen.findByText(/Could not copy/)).toBeInTheDocument();
  });

  it("open your browser opens the same link again", async () => {
    const { user } = await startFromWelcome();
    await user.click(await screen.findByRole("button", { name: "Open your browser" }));
    expect(ipc.reopenBrowser).toHaveBeenCalledTimes(1);
    expect(ipc.startSignIn).toHaveBeenCalledTimes(1);
  });

  it("says the browser could not be opened and to use the link", async () => {
    ipc.startSignIn.mockResolvedValue(
      started({ browserError: "no browser found (xdg-open missing)" }),
    );
    await startFromWelcome();
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Courier could not open your browser");
    expect(alert).toHaveTextContent("Copy the link below");
    expect(alert).toHaveTextContent("xdg-open missing");
  });

  it("counts down to the deadline, second by second", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    vi.setSystemTime(new Date("2026-05-01T10:00:00Z"));
    const deadline = Date.parse("2026-05-01T10:05:00Z") / 1000;
    ipc.startSignIn.mockResolvedValue(started({ deadline }));
    await startFromWelcome();
    const timer = await screen.findByRole("timer");
    expect(timer).toHaveTextContent("05:00");

    act(() => vi.advanceTimersByTime(1000));
    expect(timer).toHaveTextContent("04:59");

    act(() => vi.advanceTimersByTime(60_000));
    expect(timer).toHaveTextContent("03:59");

    act(() => vi.advanceTimersByTime(4 * 60_000));
    expect(timer).toHaveTextContent("00:00");

    act(() => vi.advanceTimersByTime(10_000));
    expect(timer).toHaveTextContent("00:00");
  });

  it("never shows more than five minutes when the webview's clock is behind Rust's", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    vi.setSystemTime(new Date("2026-05-01T09:59:58.600Z"));
    const deadline = Date.parse("2026-05-01T10:05:00Z") / 1000;
    ipc.startSignIn.mockResolvedValue(started({ deadline }));
    await startFromWelcome();
    expect(await screen.findByRole("timer")).toHaveTextContent("05:00");
  });

  it("Skip cancels the sign-in and, with no account, opens the Scratch Pad", async () => {
    const { user } = await startFromWelcome();
    await user.click(await screen.findByRole("button", { name: "Skip and take me to Courier" }));
    expect(await screen.findByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
    expect(ipc.cancelSignIn).toHaveBeenCalledTimes(1);
    expect(ipc.skipSignIn).toHaveBeenCalledTimes(1);
    expect(ipc.cancelSignIn.mock.invocationCallOrder[0]).toBeLessThan(
      ipc.skipSignIn.mock.invocationCallOrder[0]!,
    );
  });

  it("Skip before the browser opened cancels the attempt once start_sign_in answers", async () => {
    let answer: (value: ReturnType<typeof started>) => void = () => {};
    ipc.startSignIn.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Sign In" }));
    expect(await screen.findByRole("textbox", { name: "Sign-in link" })).toHaveValue("");
    expect(screen.getByRole("button", { name: "Copy" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Skip and take me to Courier" }));
    expect(await screen.findByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
    expect(ipc.cancelSignIn).not.toHaveBeenCalled();
    await act(async () => answer(started()));
    expect(ipc.cancelSignIn).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
  });

  it("the late cancel of a skipped attempt does not end the next one", async () => {
    resetIpc(scratchPad());
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Sign In" }));
    await screen.findByRole("heading", waitingHeading);
    await user.click(screen.getByRole("button", { name: "Skip and take me to Courier" }));
    await user.click(await screen.findByRole("button", { name: "Sign In" }));
    await screen.findByRole("heading", waitingHeading);
    expect(ipc.startSignIn).toHaveBeenCalledTimes(2);

    // Attempt 1's outcomes arrive only now, while attempt 2 is waiting: nothing changes.
    emit("signin_progress", {
      state: "failed",
      attempt: 1,
      kind: "sign_in_cancelled",
      message: "cancelled",
    });
    emit("signin_progress", {
      state: "failed",
      attempt: 1,
      kind: "sign_in_expired",
      message: "too late",
    });
    expect(screen.getByRole("heading", waitingHeading)).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Sign-in link" })).toHaveValue(started().url);
    expect(screen.queryByRole("heading", { name: "Scratch Pad" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();

    // Attempt 2's own outcome still ends it.
    ipc.appSnapshot.mockResolvedValue(signedInAsAda());
    emit("signin_progress", { state: "signedIn", attempt: 2, account: account() });
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", waitingHeading)).not.toBeInTheDocument();
  });

  it("an outcome before start_sign_in has answered is ignored; the attempt's own is not", async () => {
    let answer: (value: ReturnType<typeof started>) => void = () => {};
    ipc.startSignIn.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Sign In" }));
    expect(await screen.findByRole("textbox", { name: "Sign-in link" })).toHaveValue("");

    // Not yet known to be ours: the waiting screen stays.
    emit("signin_progress", {
      state: "failed",
      attempt: 1,
      kind: "sign_in_expired",
      message: "too late",
    });
    expect(screen.getByRole("heading", waitingHeading)).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "The sign-in expired" })).not.toBeInTheDocument();

    await act(async () => answer(started({ attempt: 1 })));
    expect(screen.getByRole("textbox", { name: "Sign-in link" })).toHaveValue(started().url);
    emit("signin_progress", {
      state: "failed",
      attempt: 1,
      kind: "sign_in_expired",
      message: "too late",
    });
    expect(await screen.findByRole("heading", { name: "The sign-in expired" })).toBeInTheDocument();
  });

  it("Skip with an account cancels only and goes back to that account", async () => {
    resetIpc(signedInAsAda());
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: /account menu/ }));
    await user.click(screen.getByRole("menuitem", { name: "Add a new account" }));
    await user.click(await screen.findByRole("button", { name: "Skip and take me to Courier" }));
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(ipc.cancelSignIn).toHaveBeenCalledTimes(1);
    expect(ipc.skipSignIn).not.toHaveBeenCalled();
  });

  it("our own cancel (sign_in_cancelled) returns to where the person was, without an error", async () => {
    resetIpc(scratchPad());
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Sign In" }));
    await screen.findByRole("heading", waitingHeading);
    emit("signin_progress", {
      state: "failed",
      attempt: 1,
      kind: "sign_in_cancelled",
      message: "cancelled",
    });
    expect(await screen.findByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });

  it("when signed in, shows the app with that account", async () => {
    await startFromWelcome();
    const ada = account();
    ipc.appSnapshot.mockResolvedValue(signedInAsAda());
    emit("signin_progress", { state: "signedIn", attempt: 1, account: ada });
    expect(
      await screen.findByRole("button", { name: "Ada Lovelace, account menu" }),
    ).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Welcome to Courier" })).not.toBeInTheDocument();
  });
});
