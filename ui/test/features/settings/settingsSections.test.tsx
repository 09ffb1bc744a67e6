// Account Settings beyond Profile: Email (pending change), Password (match checked here,
// strength by the server, keep other sessions), Notifications, Sessions (revoke one,
// revoke all after a confirm step), Synced secrets (show and copy the recovery key, or
// unlock with it) and Support.
import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { emit, ipc, resetIpc } from "../../fakeIpc";
import {
  preferences,
  profile,
  RECOVERY_KEY,
  session,
  signedInAsAda,
  supportRequest,
  syncStatus,
} from "../../fixtures";
import { openSettings } from "./settingsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

beforeEach(() => resetIpc(signedInAsAda()));

describe("Email", () => {
  it("shows the current address, not confirmed, and a pending change plainly", async () => {
    ipc.accountProfile.mockResolvedValue(
      profile({ email_verified: false, pending_email: "ada@new.test" }),
    );
    await openSettings("Email");
    expect(await screen.findByText("Not confirmed")).toBeInTheDocument();
    expect(screen.getByLabelText("Pending email change")).toHaveTextContent(
      "We sent a link to ada@new.test. Your address changes to it once that link is opened; until then you keep using ada@example.com.",
    );
  });

  it("a pending change can be cancelled", async () => {
    ipc.accountProfile.mockResolvedValue(profile({ pending_email: "ada@typo.test" }));
    ipc.cancelEmailChange.mockResolvedValue(profile({ pending_email: null }));
    const { user } = await openSettings("Email");
    await user.click(await screen.findByRole("button", { name: "Cancel change" }));
    expect(ipc.cancelEmailChange).toHaveBeenCalledWith("ada");
    await waitFor(() =>
      expect(screen.queryByLabelText("Pending email change")).not.toBeInTheDocument(),
    );
  });

  it("asks for a change with the current password and says where the link went", async () => {
    ipc.changeEmail.mockResolvedValue(profile({ pending_email: "ada@new.test" }));
    const { user } = await openSettings("Email");
    const button = await screen.findByRole("button", { name: "Change email" });
    expect(button).toBeDisabled();
    await user.type(screen.getByRole("textbox", { name: "New email" }), "ada@new.test");
    await user.type(screen.getByLabelText("Current password"), "plum-orbit");
    await user.click(button);
    expect(ipc.changeEmail).toHaveBeenCalledWith("ada", {
      new_email: "ada@new.test",
      current_password: "plum-orbit",
    });
    expect(
      await screen.findByText("Check ada@new.test for a confirmation link."),
    ).toBeInTheDocument();
    expect(screen.getByLabelText("Pending email change")).toBeInTheDocument();
    expect(screen.getByLabelText("Current password")).toHaveValue("");
  });

  it("a wrong password is said beside the password field", async () => {
    ipc.changeEmail.mockRejectedValue({
      kind: "invalid_input",
      message: "Some fields were refused.",
      fields: [{ field: "current_password", message: "This is not your current password." }],
    });
    const { user } = await openSettings("Email");
    await user.type(await screen.findByRole("textbox", { name: "New email" }), "ada@new.test");
    await user.type(screen.getByLabelText("Current password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Change email" }));
    const password = screen.getByLabelText("Current password");
    await waitFor(() => expect(password).toHaveAttribute("aria-invalid", "true"));
    expect(password).toHaveAccessibleDescription("This is not your current password.");
  });
});

describe("Password", () => {
  async function fill(
    user: Awaited<ReturnType<typeof openSettings>>["user"],
    next: string,
    confirm: string,
  ) {
    await user.type(await screen.findByLabelText("Current password"), "old-password-1");
    await user.type(screen.getByLabelText("New password"), next);
    await user.type(screen.getByLabelText("Confirm new password"), confirm);
  }

  it("hints at the strength rules and checks the two new passwords match before sending", async () => {
    const { user } = await openSettings("Password");
    expect(await screen.findByLabelText("New password")).toHaveAccessibleDescription(
      /Common passwords are refused/,
    );
    await fill(user, "tulip-harbor-91", "tulip-harbor-19");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(screen.getByLabelText("Confirm new password")).toHaveAccessibleDescription(
      "The two new passwords differ.",
    );
    expect(screen.getByLabelText("Confirm new password")).toHaveAttribute("aria-invalid", "true");
    expect(ipc.changePassword).not.toHaveBeenCalled();
  });

  it("changes it, signing other sessions out unless asked to keep them", async () => {
    ipc.changePassword.mockResolvedValue(null);
    const { user } = await openSettings("Password");
    const keep = await screen.findByRole("checkbox", { name: "Keep my other sessions signed in" });
    expect(keep).not.toBeChecked();
    await fill(user, "tulip-harbor-91", "tulip-harbor-91");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(ipc.changePassword).toHaveBeenCalledWith("ada", {
      current_password: "old-password-1",
      new_password: "tulip-harbor-91",
      keep_other_sessions: false,
    });
    expect(
      await screen.findByText("Password changed. Your other sessions were signed out."),
    ).toBeInTheDocument();

    await fill(user, "tulip-harbor-92", "tulip-harbor-92");
    await user.click(keep);
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(ipc.changePassword).toHaveBeenLastCalledWith(
      "ada",
      expect.objectContaining({ keep_other_sessions: true }),
    );
    expect(
      await screen.findByText("Password changed. Your other sessions stay signed in."),
    ).toBeInTheDocument();
  });

  it("a weak new password is refused beside the field; too many tries says to wait", async () => {
    ipc.changePassword.mockRejectedValueOnce({
      kind: "invalid_input",
      message: "Some fields were refused.",
      fields: [{ field: "new_password", message: "This password is too common." }],
    });
    ipc.changePassword.mockRejectedValueOnce({ kind: "rate_limited", message: "slow down" });
    const { user } = await openSettings("Password");
    await fill(user, "password1", "password1");
    await user.click(screen.getByRole("button", { name: "Change password" }));
    await waitFor(() =>
      expect(screen.getByLabelText("New password")).toHaveAccessibleDescription(
        "This password is too common.",
      ),
    );
    await user.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Too many attempts. Wait a minute, then try again.",
    );
  });
});

describe("Notifications", () => {
  it("shows the grid and sends it with Update Preferences once changed", async () => {
    ipc.setNotificationPreferences.mockImplementation(async (_id, saved) => saved);
    const { user } = await openSettings("Notifications");
    const usageByEmail = await screen.findByRole("checkbox", { name: "Usage by email" });
    expect(screen.getAllByRole("checkbox")).toHaveLength(8);
    expect(usageByEmail).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Monitors by email" })).not.toBeChecked();
    const update = screen.getByRole("button", { name: "Update Preferences" });
    expect(update).toBeDisabled();
    await user.click(usageByEmail);
    await user.click(screen.getByRole("checkbox", { name: "Comments by in-app" }));
    await user.click(update);
    expect(ipc.setNotificationPreferences).toHaveBeenCalledWith(
      "ada",
      preferences({
        usage: { email: false, in_app: true },
        comments: { email: false, in_app: false },
      }),
    );
    expect(await screen.findByText("Preferences updated.")).toBeInTheDocument();
    expect(usageByEmail).not.toBeChecked();
    expect(update).toBeDisabled();
  });

  it("a failed update says why", async () => {
    ipc.setNotificationPreferences.mockRejectedValue({
      kind: "network",
      message: "the server did not answer",
    });
    const { user } = await openSettings("Notifications");
    await user.click(await screen.findByRole("checkbox", { name: "Security by email" }));
    await user.click(screen.getByRole("button", { name: "Update Preferences" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not update your preferences. the server did not answer",
    );
  });
});

describe("Sessions", () => {
  const sessionRows = () =>
    within(screen.getByRole("list", { name: "Sessions" })).getAllByRole("listitem");
  const phone = session({
    id: "s-browser",
    kind: "browser",
    device_name: null,
    client: "Firefox 133",
    os: "Android",
    ip: "10.0.0.7",
  });
  const cli = session({
    id: "s-cli",
    device_name: "build-box",
    client: "Courier CLI",
    os: "Linux",
    ip: "10.0.0.9",
  });

  it("lists every session with This device marked and no Revoke for it", async () => {
    ipc.listSessions.mockResolvedValue([phone, session({ current: true }), cli]);
    await openSettings("Sessions");
    const list = await screen.findByRole("list", { name: "Sessions" });
    const rows = within(list).getAllByRole("listitem");
    expect(rows.map((row) => row.getAttribute("aria-label"))).toEqual([
      "ada-laptop, Courier desktop, Linux, 127.0.0.1, This device",
      "Firefox 133, Android, 10.0.0.7",
      "build-box, Courier CLI, Linux, 10.0.0.9",
    ]);
    expect(within(rows[0]!).queryByRole("button", { name: /Revoke/ })).not.toBeInTheDocument();
    expect(rows[0]).toHaveTextContent("This device");
    expect(rows[1]).toHaveTextContent("Browser");
    expect(rows[1]).toHaveTextContent("Last active 1 minute ago");
    const lastSeen = rows[1]!.querySelectorAll("time")[1]!;
    expect(lastSeen).toHaveAttribute("title", expect.stringMatching(/\d/));
  });

  it("Revoke signs one session out and asks for the list again", async () => {
    ipc.listSessions.mockResolvedValue([session({ current: true }), phone, cli]);
    ipc.revokeSession.mockImplementation(async () => {
      ipc.listSessions.mockResolvedValue([session({ current: true }), cli]);
      return null;
    });
    const { user } = await openSettings("Sessions");
    await user.click(await screen.findByRole("button", { name: "Revoke Firefox 133" }));
    expect(ipc.revokeSession).toHaveBeenCalledWith("ada", "s-browser");
    expect(await screen.findByText("Signed out Firefox 133.")).toBeInTheDocument();
    await waitFor(() => expect(sessionRows()).toHaveLength(2));
    expect(ipc.listSessions.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it("Revoke all sessions asks first, then signs out every other one", async () => {
    ipc.listSessions.mockResolvedValue([session({ current: true }), phone, cli]);
    ipc.revokeOtherSessions.mockImplementation(async () => {
      ipc.listSessions.mockResolvedValue([session({ current: true })]);
      return { revoked: 2 };
    });
    const { user } = await openSettings("Sessions");
    await user.click(await screen.findByRole("button", { name: "Revoke all sessions" }));
    const confirm = screen.getByRole("group", { name: "Confirm revoking all sessions" });
    expect(confirm).toHaveTextContent(
      "Sign out all 2 other sessions? This device stays signed in.",
    );
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(ipc.revokeOtherSessions).not.toHaveBeenCalled();

    await user.click(screen.getByRole("button", { name: "Revoke all sessions" }));
    await user.click(screen.getByRole("button", { name: "Revoke all" }));
    expect(ipc.revokeOtherSessions).toHaveBeenCalledWith("ada");
    expect(await screen.findByText("Signed out 2 other sessions.")).toBeInTheDocument();
    await waitFor(() => expect(sessionRows()).toHaveLength(1));
    expect(screen.getByRole("button", { name: "Revoke all sessions" })).toBeDisabled();
  });

  it("a failed revoke says why and keeps the list", async () => {
    ipc.listSessions.mockResolvedValue([session({ current: true }), phone]);
    ipc.revokeSession.mockRejectedValue({ kind: "rate_limited", message: "slow down" });
    const { user } = await openSettings("Sessions");
    await user.click(await screen.findByRole("button", { name: "Revoke Firefox 133" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Too many attempts. Wait a minute, then try again.",
    );
    expect(sessionRows()).toHaveLength(2);
  });
});

describe("Synced secrets", () => {
  it("shows the recovery key this device keeps, copies it, and asks again after Hide", async () => {
    ipc.recoveryKey.mockResolvedValue(RECOVERY_KEY);
    const { user } = await openSettings("Synced secrets");
    expect(screen.getByText(/encrypted on this device before they leave it/)).toBeInTheDocument();
    expect(ipc.recoveryKey).not.toHaveBeenCalled();
    const toggle = screen.getByRole("button", { name: "Show recovery key" });
    await user.click(toggle);
    const shown = await screen.findByText(RECOVERY_KEY);
    expect(shown).toHaveClass("recovery-key-value");
    expect(ipc.recoveryKey).toHaveBeenCalledWith("ada");

    // user-event installs its own clipboard stub; watch the one in place now.
    const writeText = vi.spyOn(navigator.clipboard, "writeText");
    await user.click(screen.getByRole("button", { name: "Copy" }));
    expect(writeText).toHaveBeenCalledWith(RECOVERY_KEY);
    expect(await screen.findByText("Copied")).toBeInTheDocument();

    expect(toggle).toHaveAccessibleName("Hide");
    await user.click(toggle);
    expect(screen.queryByText(RECOVERY_KEY)).not.toBeInTheDocument();
    expect(toggle).toHaveAccessibleName("Show recovery key");
    expect(toggle).toHaveFocus();
    await user.click(toggle);
    expect(await screen.findByText(RECOVERY_KEY)).toBeInTheDocument();
    expect(ipc.recoveryKey).toHaveBeenCalledTimes(2);
  });

  it("says where to find the key when this device does not keep it", async () => {
    const { user } = await openSettings("Synced secrets");
    await user.click(screen.getByRole("button", { name: "Show recovery key" }));
    expect(
      await screen.findByText(
        "This device does not keep the recovery key. Find it on the device where you first synced, or where you last entered it.",
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Copy" })).not.toBeInTheDocument();
  });

  it("while locked, asks for the key instead, then offers to show it", async () => {
    ipc.syncStatus.mockResolvedValue(syncStatus({ secrets_locked: true }));
    const { user } = await openSettings("Synced secrets");
    const form = await screen.findByRole("form", { name: "Unlock secrets" });
    expect(screen.queryByRole("button", { name: "Show recovery key" })).not.toBeInTheDocument();
    await user.type(within(form).getByRole("textbox", { name: "Recovery key" }), RECOVERY_KEY);
    await user.click(within(form).getByRole("button", { name: "Unlock" }));
    expect(ipc.unlockSecrets).toHaveBeenCalledWith("ada", RECOVERY_KEY);
    expect(
      await screen.findByText("Unlocked — secrets will appear as they sync."),
    ).toBeInTheDocument();

    emit("sync_status", syncStatus({ secrets_locked: false }));
    expect(await screen.findByRole("button", { name: "Show recovery key" })).toBeInTheDocument();
    expect(screen.getByText("Unlocked — secrets will appear as they sync.")).toBeInTheDocument();
  });
});

describe("Support", () => {
  it("submits a request and lists it with its status", async () => {
    ipc.supportRequests.mockResolvedValue([supportRequest({ status: "answered" })]);
    ipc.submitSupportRequest.mockImplementation(async (_id, request) =>
      supportRequest({
        id: "r2",
        ...request,
        status: "open",
        created_at: Math.floor(Date.now() / 1000),
      }),
    );
    const { user } = await openSettings("Support");
    const list = await screen.findByRole("list", { name: "Your requests" });
    expect(
      within(list).getByRole("listitem", { name: "Sync stalls, Answered" }),
    ).toBeInTheDocument();
    const submit = screen.getByRole("button", { name: "Submit request" });
    expect(submit).toBeDisabled();
    await user.selectOptions(screen.getByRole("combobox", { name: "Category" }), "billing");
    await user.type(screen.getByRole("textbox", { name: "Subject" }), "Invoice address");
    await user.type(screen.getByRole("textbox", { name: "Description" }), "Please change it.");
    await user.click(submit);
    expect(ipc.submitSupportRequest).toHaveBeenCalledWith("ada", {
      category: "billing",
      subject: "Invoice address",
      description: "Please change it.",
    });
    expect(await screen.findByText("Request submitted.")).toBeInTheDocument();
    const rows = within(list).getAllByRole("listitem");
    expect(rows.map((row) => row.getAttribute("aria-label"))).toEqual([
      "Invoice address, Open",
      "Sync stalls, Answered",
    ]);
    expect(screen.getByRole("textbox", { name: "Subject" })).toHaveValue("");
  });

  it("says when there are no requests yet, and puts refusals beside fields", async () => {
    ipc.submitSupportRequest.mockRejectedValue({
      kind: "invalid_input",
      message: "Some fields were refused.",
      fields: [{ field: "description", message: "Describe the problem in a few more words." }],
    });
    const { user } = await openSettings("Support");
    expect(await screen.findByText("You have not asked for help yet.")).toBeInTheDocument();
    await user.type(screen.getByRole("textbox", { name: "Subject" }), "Help");
    await user.type(screen.getByRole("textbox", { name: "Description" }), "x");
    await user.click(screen.getByRole("button", { name: "Submit request" }));
    await waitFor(() =>
      expect(screen.getByRole("textbox", { name: "Description" })).toHaveAccessibleDescription(
        "Describe the problem in a few more words.",
      ),
    );
  });
});
