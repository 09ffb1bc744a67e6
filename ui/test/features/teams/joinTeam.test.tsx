// Join a team: Join (anyone on the domain) shows the team at once; Ask to join (an admin
// approves) shows Requested and Withdraw; none found says why.
import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ipc, resetIpc } from "../../fakeIpc";
import { discoverableTeam, signedInAsAda, team } from "../../fixtures";
import { renderApp } from "../../renderApp";
import { openTeamMenu } from "./teamsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

async function openJoin() {
  const app = renderApp();
  const menu = await openTeamMenu(app);
  await app.user.click(menu.getByRole("menuitem", { name: /Join a team/ }));
  await screen.findByRole("heading", { level: 1, name: "Join a team" });
  return app;
}

describe("Join a team", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.discoverableTeams.mockResolvedValue([
      discoverableTeam(),
      discoverableTeam({
        id: "t-b",
        name: "Babbage & Co",
        slug: "babbage",
        member_count: 1,
        join_policy: "approval",
      }),
    ]);
  });

  it("Join, where anyone on the domain may, shows the team at once", async () => {
    ipc.joinTeam.mockResolvedValue({
      outcome: "joined",
      team: team({ id: "t-engines", name: "Analytical Engines", slug: "engines", role: "member" }),
    });
    const { user } = await openJoin();
    const row = await screen.findByRole("listitem", { name: "Analytical Engines" });
    expect(row).toHaveTextContent("example.com · 12 members");
    await user.click(within(row).getByRole("button", { name: "Join Analytical Engines" }));
    expect(ipc.joinTeam).toHaveBeenCalledWith("ada", "t-engines");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Analytical Engines" }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole("button", { name: "Analytical Engines, team menu" }),
    ).toBeInTheDocument();
  });

  it("Ask to join shows Requested, and Withdraw takes the request back", async () => {
    ipc.joinTeam.mockResolvedValue({ outcome: "requested", request_id: "r1" });
    const { user } = await openJoin();
    const row = await screen.findByRole("listitem", { name: "Babbage & Co" });
    expect(row).toHaveTextContent("1 member");
    await user.click(within(row).getByRole("button", { name: "Ask to join Babbage & Co" }));
    expect(ipc.joinTeam).toHaveBeenCalledWith("ada", "t-b");
    expect(await within(row).findByText("Requested")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1, name: "Join a team" })).toBeInTheDocument();

    await user.click(
      within(row).getByRole("button", { name: "Withdraw the request to join Babbage & Co" }),
    );
    expect(ipc.withdrawJoinRequest).toHaveBeenCalledWith("ada", "t-b");
    expect(
      await within(row).findByRole("button", { name: "Ask to join Babbage & Co" }),
    ).toBeInTheDocument();
    expect(within(row).queryByText("Requested")).not.toBeInTheDocument();
  });

  it("with none to join, says how teams are found", async () => {
    ipc.discoverableTeams.mockResolvedValue([]);
    await openJoin();
    expect(
      await screen.findByText(
        /No teams to join\. Teams are found by the domain of your confirmed address \(ada@example\.com\)/,
      ),
    ).toBeInTheDocument();
    await waitFor(() => expect(ipc.joinTeam).not.toHaveBeenCalled());
  });

  it("with none to join and the address not confirmed, asks to confirm it", async () => {
    resetIpc(signedInAsAda({ emailVerified: false }));
    await openJoin();
    expect(
      await screen.findByText(/confirm ada@example\.com with the link we sent/),
    ).toBeInTheDocument();
  });
});
