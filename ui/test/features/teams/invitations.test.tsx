// Invitations and join requests of a team, as an admin: invite many at once (obvious
// mistakes caught before asking), expired links marked, Resend and Cancel; Approve and
// Decline a request to join.
import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Invitation } from "../../../src/bindings/Invitation";
import { ipc, resetIpc } from "../../fakeIpc";
import { invitation, joinRequest, signedInAsAda, team, teamMember } from "../../fixtures";
import { openTeam } from "./teamsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const emailsField = () => screen.getByRole("textbox", { name: "Email addresses" });
const pendingList = () => screen.getByRole("list", { name: "Pending invitations" });

describe("team invitations (admin)", () => {
  let pending: Invitation[];

  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([team()]);
    pending = [invitation({ id: "i-old", email: "old@example.com", expired: true })];
    ipc.teamInvitations.mockImplementation(async () => pending);
  });

  it("invites several addresses at once with the chosen role", async () => {
    ipc.invite.mockImplementation(async (_accountId, _teamId, { emails, role }) => {
      const sent = emails.map((email, index) => invitation({ id: `i${index}`, email, role }));
      pending = [...sent, ...pending];
      return sent;
    });
    const { user } = await openTeam("Acme QA");
    await user.type(
      await screen.findByRole("textbox", { name: "Email addresses" }),
      "charles@example.com, mary@example.com{Enter}bob@example.org",
    );
    await user.selectOptions(screen.getByRole("combobox", { name: "Role" }), "Billing manager");
    await user.click(screen.getByRole("button", { name: "Send invitations" }));

    expect(ipc.invite).toHaveBeenCalledWith("ada", "t-acme", {
      emails: ["charles@example.com", "mary@example.com", "bob@example.org"],
      role: "billing_manager",
    });
    expect(await screen.findByText("Sent 3 invitations.")).toBeInTheDocument();
    expect(emailsField()).toHaveValue("");
    const rows = within(pendingList()).getAllByRole("listitem");
    expect(rows.map((row) => row.getAttribute("aria-label"))).toEqual([
      "charles@example.com",
      "mary@example.com",
      "bob@example.org",
      "old@example.com",
    ]);
    expect(rows[0]).toHaveTextContent("Billing manager");
  });

  it("catches an address that is plainly wrong before asking, and shows the server's refusal", async () => {
    const { user } = await openTeam("Acme QA");
    await user.type(
      await screen.findByRole("textbox", { name: "Email addresses" }),
      "ok@example.com charles@",
    );
    await user.click(screen.getByRole("button", { name: "Send invitations" }));
    expect(emailsField()).toHaveAccessibleDescription("“charles@” is not an email address.");
    expect(ipc.invite).not.toHaveBeenCalled();

    ipc.invite.mockRejectedValue({
      kind: "invalid_input",
      message: "Some fields were refused.",
      fields: [{ field: "emails[1]", message: "Enter a valid email address." }],
    });
    await user.clear(emailsField());
    await user.type(emailsField(), "ok@example.com bad@example..com");
    await user.click(screen.getByRole("button", { name: "Send invitations" }));
    await waitFor(() =>
      expect(emailsField()).toHaveAccessibleDescription(
        "bad@example..com: Enter a valid email address.",
      ),
    );
  });

  it("marks an expired invitation; Resend sends it again and Cancel takes it away", async () => {
    ipc.resendInvitation.mockResolvedValue(
      invitation({ id: "i-old", email: "old@example.com", expired: false }),
    );
    const { user } = await openTeam("Acme QA");
    const row = await screen.findByRole("listitem", { name: "old@example.com" });
    expect(row).toHaveTextContent("Expired");
    expect(row).toHaveTextContent("Sent 1 hour ago");

    await user.click(
      screen.getByRole("button", { name: "Resend the invitation to old@example.com" }),
    );
    expect(ipc.resendInvitation).toHaveBeenCalledWith("ada", "t-acme", "i-old");
    expect(
      await screen.findByText("Sent the invitation to old@example.com again."),
    ).toBeInTheDocument();
    expect(screen.getByRole("listitem", { name: "old@example.com" })).not.toHaveTextContent(
      "Expired",
    );

    await user.click(
      screen.getByRole("button", { name: "Cancel the invitation to old@example.com" }),
    );
    expect(ipc.cancelInvitation).toHaveBeenCalledWith("ada", "t-acme", "i-old");
    await waitFor(() =>
      expect(screen.queryByRole("listitem", { name: "old@example.com" })).not.toBeInTheDocument(),
    );
    expect(screen.getByText("No invitations waiting.")).toBeInTheDocument();
  });

  it("approves one request to join and declines another", async () => {
    ipc.joinRequests.mockResolvedValue([
      joinRequest(),
      joinRequest({
        id: "jr2",
        user_id: "charles",
        username: "charles",
        name: null,
        email: "charles@example.com",
      }),
    ]);
    ipc.approveJoinRequest.mockResolvedValue(
      teamMember({ user_id: "grace", username: "grace", name: "Grace Hopper", role: "member" }),
    );
    const { user } = await openTeam("Acme QA");
    const requests = await screen.findByRole("list", { name: "Requests to join" });
    expect(within(requests).getByRole("listitem", { name: "Grace Hopper" })).toHaveTextContent(
      "grace@example.com",
    );
    await user.click(screen.getByRole("button", { name: "Approve Grace Hopper" }));
    expect(ipc.approveJoinRequest).toHaveBeenCalledWith("ada", "t-acme", "jr1");
    expect(await screen.findByText("Grace Hopper joined Acme QA.")).toBeInTheDocument();
    // The members are asked again, with the new one.
    await waitFor(() => expect(ipc.teamMembers).toHaveBeenCalledTimes(2));

    await user.click(screen.getByRole("button", { name: "Decline charles" }));
    expect(ipc.declineJoinRequest).toHaveBeenCalledWith("ada", "t-acme", "jr2");
    expect(await screen.findByText("No requests to join.")).toBeInTheDocument();
  });
});
