// Configure your account: shown for an account whose profile is not configured yet,
// Continue and Skip for now both mark it configured, and it never comes back.
import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ipc, resetIpc } from "../../fakeIpc";
import { profile, scratchPad, signedInAsAda } from "../../fixtures";
import { renderApp } from "../../renderApp";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const heading = () => screen.findByRole("heading", { name: "Configure your account" });

describe("Configure your account", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.accountProfile.mockResolvedValue(profile({ configured: false, name: null }));
  });

  it("is shown after the first sign-in, with the heading focused", async () => {
    renderApp();
    expect(await heading()).toHaveFocus();
    expect(screen.getByRole("textbox", { name: "Name" })).toHaveValue("");
    expect(screen.getByRole("textbox", { name: "Bio (optional)" })).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "Website (optional)" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Ada Lovelace" })).not.toBeInTheDocument();
  });

  it("Continue saves the details, marks the account configured and offers the team step", async () => {
    ipc.updateProfile.mockResolvedValue(profile({ name: "Ada King", bio: "Countess" }));
    const { user } = renderApp();
    await heading();
    await user.type(screen.getByRole("textbox", { name: "Name" }), "Ada King");
    await user.type(screen.getByRole("textbox", { name: "Bio (optional)" }), "Countess");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    expect(ipc.updateProfile).toHaveBeenCalledWith("ada", {
      configured: true,
      name: "Ada King",
      bio: "Countess",
    });
    // The team step (test/features/teams/onboarding.test.tsx), then the app.
    await user.click(await screen.findByRole("button", { name: "Skip for now" }));
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(
      screen.queryByRole("heading", { name: "Configure your account" }),
    ).not.toBeInTheDocument();
  });

  it("Skip for now only marks the account configured, and it is not shown again", async () => {
    ipc.updateProfile.mockResolvedValue(profile());
    const { user } = renderApp();
    await heading();
    await user.type(screen.getByRole("textbox", { name: "Name" }), "ignored");
    await user.click(screen.getByRole("button", { name: "Skip for now" }));
    expect(ipc.updateProfile).toHaveBeenCalledWith("ada", { configured: true });
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    // The team step is skipped with it.
    expect(screen.queryByRole("heading", { name: "Work with your team" })).not.toBeInTheDocument();
    // Later answers come from the server, which now says configured.
    expect(ipc.accountProfile).toHaveBeenCalledTimes(1);
  });

  it("puts refused details beside their fields and stays", async () => {
    ipc.updateProfile.mockRejectedValue({
      kind: "invalid_input",
      message: "Some fields were refused.",
      fields: [{ field: "website", message: "Use an https:// address." }],
    });
    const { user } = renderApp();
    await heading();
    await user.type(screen.getByRole("textbox", { name: "Website (optional)" }), "ftp://ada");
    await user.click(screen.getByRole("button", { name: "Continue" }));
    const website = screen.getByRole("textbox", { name: "Website (optional)" });
    await waitFor(() => expect(website).toHaveAccessibleDescription("Use an https:// address."));
    expect(website).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("heading", { name: "Configure your account" })).toBeInTheDocument();
  });

  it("is not shown for a configured account, a signed-out one, or the Scratch Pad", async () => {
    ipc.accountProfile.mockResolvedValue(profile());
    const first = renderApp();
    await screen.findByRole("heading", { name: "Ada Lovelace" });
    await waitFor(() => expect(ipc.accountProfile).toHaveBeenCalled());
    expect(
      screen.queryByRole("heading", { name: "Configure your account" }),
    ).not.toBeInTheDocument();
    first.unmount();

    resetIpc(signedInAsAda({ signedOut: true }));
    ipc.accountProfile.mockResolvedValue(profile({ configured: false }));
    const second = renderApp();
    await screen.findByText("Signed out.");
    expect(ipc.accountProfile).not.toHaveBeenCalled();
    second.unmount();

    resetIpc(scratchPad());
    renderApp();
    await screen.findByRole("heading", { name: "Scratch Pad" });
    expect(ipc.accountProfile).not.toHaveBeenCalled();
  });
});
