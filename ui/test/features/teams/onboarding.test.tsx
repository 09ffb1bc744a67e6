// The team step of Configure your account: after Continue only; Skip for now in one
// click; Create a team from it shows the new team; Join lists the teams or says why not.
import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ipc, resetIpc } from "../../fakeIpc";
import { discoverableTeam, profile, signedInAsAda, team } from "../../fixtures";
import { renderApp } from "../../renderApp";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

/** Configure your account, then Continue: the team step. */
async function continueToTeamStep() {
  const app = renderApp();
  await screen.findByRole("heading", { name: "Configure your account" });
  await app.user.click(screen.getByRole("button", { name: "Continue" }));
  expect(await screen.findByRole("heading", { name: "Work with your team" })).toHaveFocus();
  return app;
}

describe("the team step after Configure your account", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.accountProfile.mockResolvedValue(profile({ configured: false }));
    ipc.updateProfile.mockResolvedValue(profile());
  });

  it("Skip for now on the first step skips the team step too", async () => {
    const { user } = renderApp();
    await screen.findByRole("heading", { name: "Configure your account" });
    // No team switcher while configuring: it would change nothing on screen.
    expect(screen.queryByRole("button", { name: /team menu/ })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Skip for now" }));
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Personal, team menu" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Work with your team" })).not.toBeInTheDocument();
  });

  it("Skip for now leaves it in one click, and it says where the email is used", async () => {
    const { user } = await continueToTeamStep();
    expect(screen.getByText(/your confirmed address, ada@example\.com/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Skip for now" }));
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Work with your team" })).not.toBeInTheDocument();
    expect(ipc.createTeam).not.toHaveBeenCalled();
  });

  it("Create a team creates it and shows its page", async () => {
    ipc.teamUrlSuggestion.mockResolvedValue("lovelace-labs");
    ipc.createTeam.mockResolvedValue(
      team({ id: "t-ll", name: "Lovelace Labs", slug: "lovelace-labs" }),
    );
    const { user } = await continueToTeamStep();
    await user.click(screen.getByRole("button", { name: "Create a team" }));
    await user.type(screen.getByRole("textbox", { name: "Team name" }), "Lovelace Labs");
    await waitFor(() =>
      expect(screen.getByRole("textbox", { name: "Team URL" })).toHaveValue("lovelace-labs"),
    );
    await user.click(screen.getByRole("button", { name: "Create team" }));
    expect(ipc.createTeam).toHaveBeenCalledWith("ada", {
      name: "Lovelace Labs",
      slug: "lovelace-labs",
    });
    expect(
      await screen.findByRole("heading", { level: 1, name: "Lovelace Labs" }),
    ).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Work with your team" })).not.toBeInTheDocument();
  });

  it("Join a team says why there are none to join", async () => {
    const { user } = await continueToTeamStep();
    await user.click(screen.getByRole("button", { name: "Join a team" }));
    expect(
      await screen.findByText(
        /No teams to join\. Teams are found by the domain of your confirmed address/,
      ),
    ).toBeInTheDocument();
    expect(ipc.discoverableTeams).toHaveBeenCalledWith("ada");
  });

  it("Join a team lists the teams found; joining one shows its page", async () => {
    ipc.discoverableTeams.mockResolvedValue([discoverableTeam()]);
    ipc.joinTeam.mockResolvedValue({
      outcome: "joined",
      team: team({ id: "t-engines", name: "Analytical Engines", role: "member" }),
    });
    const { user } = await continueToTeamStep();
    await user.click(screen.getByRole("button", { name: "Join a team" }));
    await user.click(await screen.findByRole("button", { name: "Join Analytical Engines" }));
    expect(ipc.joinTeam).toHaveBeenCalledWith("ada", "t-engines");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Analytical Engines" }),
    ).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Work with your team" })).not.toBeInTheDocument();
  });
});
