// Members of a team, as an admin: role changes (the last admin's refusal in the row, in
// the server's words), Remove after a confirm step, and Leave team refused for the last admin.
import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ipc, resetIpc } from "../../fakeIpc";
import { signedInAsAda, team, teamMember } from "../../fixtures";
import { openTeam } from "./teamsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const LAST_ADMIN = "a team needs an admin: make someone else an admin first";
const grace = teamMember({
  user_id: "grace",
  username: "grace",
  name: "Grace Hopper",
  email: "grace@example.com",
  role: "member",
});

describe("team members (admin)", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([team()]);
    ipc.teamMembers.mockResolvedValue([teamMember(), grace]);
  });

  it("shows the last admin's refusal of a role change in that member's row", async () => {
    ipc.setMemberRole.mockRejectedValue({ kind: "conflict", message: LAST_ADMIN });
    const { user } = await openTeam("Acme QA");
    const role = await screen.findByRole("combobox", { name: "Role of Ada Lovelace" });
    await user.selectOptions(role, "member");
    expect(ipc.setMemberRole).toHaveBeenCalledWith("ada", "t-acme", "ada", "member");
    const row = screen.getByRole("listitem", { name: "Ada Lovelace" });
    expect(await within(row).findByRole("alert")).toHaveTextContent(LAST_ADMIN);
    expect(role).toHaveValue("admin");
    expect(
      within(screen.getByRole("listitem", { name: "Grace Hopper" })).queryByRole("alert"),
    ).toBeNull();
  });

  it("changes a member's role", async () => {
    ipc.setMemberRole.mockResolvedValue({ ...grace, role: "billing_manager" });
    const { user } = await openTeam("Acme QA");
    const role = await screen.findByRole("combobox", { name: "Role of Grace Hopper" });
    await user.selectOptions(role, "Billing manager");
    expect(ipc.setMemberRole).toHaveBeenCalledWith("ada", "t-acme", "grace", "billing_manager");
    await waitFor(() => expect(role).toHaveValue("billing_manager"));
  });

  it("removes a member after a confirm step", async () => {
    const { user } = await openTeam("Acme QA");
    await user.click(await screen.findByRole("button", { name: "Remove Grace Hopper" }));
    expect(ipc.removeMember).not.toHaveBeenCalled();
    const confirm = screen.getByRole("group", { name: "Confirm removing Grace Hopper" });
    await user.click(within(confirm).getByRole("button", { name: "Remove" }));
    expect(ipc.removeMember).toHaveBeenCalledWith("ada", "t-acme", "grace");
    await waitFor(() =>
      expect(screen.queryByRole("listitem", { name: "Grace Hopper" })).not.toBeInTheDocument(),
    );
    // No Remove for oneself: that is Leave team.
    expect(screen.queryByRole("button", { name: "Remove Ada Lovelace" })).not.toBeInTheDocument();
  });

  it("Leave team, refused for the last admin, says why and stays", async () => {
    ipc.leaveTeam.mockRejectedValue({ kind: "conflict", message: LAST_ADMIN });
    const { user } = await openTeam("Acme QA");
    await user.click(await screen.findByRole("button", { name: "Leave team" }));
    const confirm = screen.getByRole("group", { name: "Confirm leaving the team" });
    await user.click(within(confirm).getByRole("button", { name: "Leave" }));
    expect(ipc.leaveTeam).toHaveBeenCalledWith("ada", "t-acme");
    expect(await screen.findByRole("alert")).toHaveTextContent(
      `Could not leave the team. ${LAST_ADMIN}`,
    );
    expect(screen.getByRole("heading", { level: 1, name: "Acme QA" })).toBeInTheDocument();
  });

  it("Leave team, once left, goes back to Personal and says so", async () => {
    const { user } = await openTeam("Acme QA");
    await user.click(await screen.findByRole("button", { name: "Leave team" }));
    await user.click(screen.getByRole("button", { name: "Leave" }));
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(screen.getByText("You left Acme QA.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Personal, team menu" })).toBeInTheDocument();
  });
});
