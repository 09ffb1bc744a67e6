// The app shell: header, email banner, Scratch Pad or account overview, token status,
// and `account_changed` keeping it current.
import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { emit, ipc, resetIpc } from "../fakeIpc";
import { account, grace, KEYRING, scratchPad, signedInAsAda, snapshot } from "../fixtures";
import { renderApp } from "../renderApp";

vi.mock("../../src/ipc", () => import("../fakeIpc").then((m) => m.fakeIpcModule));

describe("main shell", () => {
  beforeEach(() => resetIpc(signedInAsAda()));

  it("shows the account overview: name, email, username, server, where tokens are kept", async () => {
    renderApp();
    const card = (await screen.findByRole("heading", { name: "Ada Lovelace" })).closest("section")!;
    const overview = within(card);
    expect(overview.getByText("ada@example.com")).toBeInTheDocument();
    expect(overview.getByText("ada")).toBeInTheDocument();
    expect(overview.getByText("accounts.courier.test")).toBeInTheDocument();
    expect(overview.getByText(KEYRING)).toBeInTheDocument();
    expect(screen.getByRole("banner")).toHaveTextContent("Courier");
  });

  it("says where tokens are kept in the status line", async () => {
    renderApp();
    expect(await screen.findByRole("contentinfo")).toHaveTextContent(`Sign-in tokens: ${KEYRING}`);
  });

  it("shows the banner while the email address is not confirmed", async () => {
    resetIpc(signedInAsAda({ emailVerified: false }));
    renderApp();
    const banner = await screen.findByRole("complementary", { name: "Email confirmation" });
    expect(banner).toHaveTextContent(
      "Confirm your email address — we sent a link to ada@example.com",
    );
  });

  it("shows no banner once the email address is confirmed", async () => {
    renderApp();
    await screen.findByRole("heading", { name: "Ada Lovelace" });
    expect(screen.queryByText(/Confirm your email address/)).not.toBeInTheDocument();
  });

  it("an active account the server signed out shows Signed out and Sign in again", async () => {
    resetIpc(signedInAsAda({ signedOut: true }));
    const { user } = renderApp();
    expect(await screen.findByText("Signed out.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Sign in again" }));
    expect(ipc.startSignIn).toHaveBeenCalledWith({ kind: "signInAgain", accountId: "ada" });
  });

  it("an account_changed event updates the header", async () => {
    renderApp();
    await screen.findByRole("button", { name: "Ada Lovelace, account menu" });
    emit(
      "account_changed",
      snapshot({
        welcomeDone: true,
        accounts: [account({ active: false }), grace({ active: true })],
      }),
    );
    expect(
      await screen.findByRole("button", { name: "Grace Hopper, account menu" }),
    ).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Grace Hopper" })).toBeInTheDocument();
    expect(
      screen.queryByRole("button", { name: "Ada Lovelace, account menu" }),
    ).not.toBeInTheDocument();
  });

  it("an account_changed event that signs the last account out shows Scratch Pad mode", async () => {
    renderApp();
    await screen.findByRole("button", { name: "Ada Lovelace, account menu" });
    emit("account_changed", scratchPad());
    expect(await screen.findByRole("button", { name: "Sign In" })).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
  });
});

describe("Scratch Pad mode", () => {
  beforeEach(() => resetIpc(scratchPad()));

  it("shows Sign In instead of an avatar, the Scratch Pad text, and nothing else asking to sign in", async () => {
    renderApp();
    expect(await screen.findByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
    expect(
      screen.getByText("Work here stays on this device. Sign in to sync."),
    ).toBeInTheDocument();
    const header = screen.getByRole("banner");
    expect(within(header).getByRole("button", { name: "Sign In" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /account menu/ })).not.toBeInTheDocument();
    expect(header.querySelector(".avatar")).toBeNull();
    expect(screen.queryByRole("complementary")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: /sign in/i })).toHaveLength(1);
  });

  it("Sign In in the header starts a sign-in", async () => {
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "Sign In" }));
    expect(ipc.startSignIn).toHaveBeenCalledWith({ kind: "signIn" });
    expect(
      await screen.findByRole("heading", { name: "Your browser should open within a few seconds" }),
    ).toBeInTheDocument();
  });
});
