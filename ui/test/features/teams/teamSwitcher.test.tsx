// The team switcher: Personal and the account's teams, the choice remembered per account,
// a team's page in the main area, and no switcher without a signed-in account.
import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ipc, resetIpc } from "../../fakeIpc";
import { discoverableTeam, scratchPad, signedInAsAda, team, teamMember } from "../../fixtures";
import { renderApp } from "../../renderApp";
import { openTeam, openTeamMenu } from "./teamsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

describe("team switcher", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([
      team(),
      team({ id: "t-b", name: "Babbage & Co", slug: "babbage", role: "member" }),
    ]);
  });

  it("lists Personal and the account's teams, and choosing a team shows its page", async () => {
    const app = renderApp();
    const menu = await openTeamMenu(app);
    expect(menu.getByRole("menuitemradio", { name: /Personal/ })).toHaveAttribute(
      "aria-checked",
      "true",
    );
    await app.user.click(await menu.findByRole("menuitemradio", { name: /Acme QA/ }));

    expect(await screen.findByRole("heading", { level: 1, name: "Acme QA" })).toHaveFocus();
    expect(screen.getByText("/t/acme-qa")).toBeInTheDocument();
    expect(ipc.teams).toHaveBeenCalledWith("ada");
    expect(ipc.teamMembers).toHaveBeenCalledWith("ada", "t-acme");
    expect(await screen.findByRole("list", { name: "Members" })).toHaveTextContent(
      "ada@example.com",
    );
    // The personal work is out of sight, and the header says which team is on screen.
    expect(screen.queryByRole("heading", { name: "Ada Lovelace" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Acme QA, team menu" })).toBeInTheDocument();
    expect(localStorage.getItem("courier.team.ada")).toBe("t-acme");

    const again = await openTeamMenu(app);
    await app.user.click(again.getByRole("menuitemradio", { name: /Personal/ }));
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { level: 1, name: "Acme QA" })).not.toBeInTheDocument();
    expect(localStorage.getItem("courier.team.ada")).toBeNull();
  });

  it("opens with the team chosen last time, or Personal when that team is gone", async () => {
    localStorage.setItem("courier.team.ada", "t-b");
    const first = renderApp();
    expect(
      await screen.findByRole("heading", { level: 1, name: "Babbage & Co" }),
    ).toBeInTheDocument();
    first.unmount();

    localStorage.setItem("courier.team.ada", "t-gone");
    renderApp();
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    await waitFor(() => expect(localStorage.getItem("courier.team.ada")).toBeNull());
    expect(screen.queryByRole("status", { name: /no longer/ })).not.toBeInTheDocument();
  });

  it("is a keyboard menu: arrows move, Escape closes and gives focus back", async () => {
    const { user } = renderApp();
    const button = await screen.findByRole("button", { name: "Personal, team menu" });
    button.focus();
    await user.keyboard("{ArrowDown}");
    const menu = screen.getByRole("menu");
    expect(within(menu).getByRole("menuitemradio", { name: /Personal/ })).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(within(menu).getByRole("menuitemradio", { name: /Acme QA/ })).toHaveFocus();
    await user.keyboard("{End}");
    expect(within(menu).getByRole("menuitem", { name: /Join a team/ })).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(button).toHaveFocus();
  });

  it("counts the teams there are to join", async () => {
    ipc.discoverableTeams.mockResolvedValue([discoverableTeam(), discoverableTeam({ id: "x" })]);
    const app = renderApp();
    const menu = await openTeamMenu(app);
    expect(
      await menu.findByRole("menuitem", { name: "Join a team… (2 to join)" }),
    ).toBeInTheDocument();
    expect(ipc.discoverableTeams).toHaveBeenCalledWith("ada");
  });

  it("a member sees the members read-only and Leave team, without the admins' sections", async () => {
    ipc.teamMembers.mockResolvedValue([
      teamMember({
        user_id: "grace",
        username: "grace",
        name: "Grace Hopper",
        email: "grace@example.com",
      }),
      teamMember({ role: "member" }),
    ]);
    await openTeam("Babbage & Co");
    const members = await screen.findByRole("list", { name: "Members" });
    expect(within(members).getByRole("listitem", { name: "Grace Hopper" })).toHaveTextContent(
      "Admin",
    );
    expect(screen.queryByRole("combobox", { name: /Role of/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Remove/ })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Leave team" })).toBeInTheDocument();
    for (const admins of ["Invitations", "Join requests", "Settings"])
      expect(screen.queryByRole("heading", { name: admins })).not.toBeInTheDocument();
    expect(ipc.teamInvitations).not.toHaveBeenCalled();
    expect(ipc.joinRequests).not.toHaveBeenCalled();
    expect(ipc.teamDiscovery).not.toHaveBeenCalled();
  });

  it("is not there without a signed-in account", async () => {
    resetIpc(scratchPad());
    renderApp();
    await screen.findByRole("heading", { name: "Scratch Pad" });
    expect(screen.queryByRole("button", { name: /team menu/ })).not.toBeInTheDocument();
    expect(ipc.teams).not.toHaveBeenCalled();

    resetIpc(signedInAsAda({ signedOut: true }));
    renderApp();
    await screen.findByText("Signed out.");
    expect(screen.queryByRole("button", { name: /team menu/ })).not.toBeInTheDocument();
  });
});
