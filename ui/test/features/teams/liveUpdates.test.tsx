// teams_changed: the account's team queries are asked again; the team on screen gone
// (the person was removed) brings back Personal with a notice, without blocking anything.
import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { emit, ipc, resetIpc } from "../../fakeIpc";
import { account, grace, signedInAsAda, snapshot, team, teamMember } from "../../fixtures";
import { openTeam } from "./teamsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const other = team({ id: "t-b", name: "Babbage & Co", slug: "babbage", role: "member" });

describe("teams_changed", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([team(), other]);
  });

  it("refreshes the team on screen", async () => {
    await openTeam("Acme QA");
    await screen.findByRole("listitem", { name: "Ada Lovelace" });
    ipc.teamMembers.mockResolvedValue([
      teamMember(),
      teamMember({ user_id: "grace", username: "grace", name: "Grace Hopper", role: "member" }),
    ]);
    ipc.teams.mockResolvedValue([team({ name: "Acme Quality" }), other]);
    emit("teams_changed", { accountId: "ada", teamId: "t-acme" });
    expect(await screen.findByRole("listitem", { name: "Grace Hopper" })).toBeInTheDocument();
    expect(
      await screen.findByRole("heading", { level: 1, name: "Acme Quality" }),
    ).toBeInTheDocument();
  });

  it("ignores another account's change", async () => {
    await openTeam("Acme QA");
    await screen.findByRole("listitem", { name: "Ada Lovelace" });
    const asked = ipc.teams.mock.calls.length;
    emit("teams_changed", { accountId: "grace", teamId: "t-acme" });
    emit("teams_changed", { accountId: "ada", teamId: "t-acme" });
    // Ada's change is asked once; Grace's added nothing.
    await waitFor(() => expect(ipc.teams).toHaveBeenCalledTimes(asked + 1));
    expect(ipc.teams).toHaveBeenLastCalledWith("ada");
  });

  it("the team on screen gone: back to Personal with a notice", async () => {
    const { user } = await openTeam("Acme QA");
    ipc.teams.mockResolvedValue([other]);
    emit("teams_changed", { accountId: "ada", teamId: "t-acme" });

    const notice = await screen.findByText("You are no longer a member of Acme QA.");
    expect(notice.closest("[role=status]")).not.toBeNull();
    expect(screen.getByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { level: 1, name: "Acme QA" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Personal, team menu" })).toBeInTheDocument();
    await waitFor(() => expect(localStorage.getItem("courier.team.ada")).toBeNull());

    await user.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByText("You are no longer a member of Acme QA.")).not.toBeInTheDocument();
  });
});

describe("the lost team's notice", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([team()]);
  });

  it("belongs to its account: switching to another leaves it behind", async () => {
    await openTeam("Acme QA");
    ipc.teams.mockResolvedValue([]);
    emit("teams_changed", { accountId: "ada", teamId: "t-acme" });
    await screen.findByText("You are no longer a member of Acme QA.");
    emit(
      "account_changed",
      snapshot({
        welcomeDone: true,
        accounts: [account({ active: false }), grace({ active: true })],
      }),
    );
    expect(await screen.findByRole("heading", { name: "Grace Hopper" })).toBeInTheDocument();
    expect(screen.queryByText("You are no longer a member of Acme QA.")).not.toBeInTheDocument();
  });
});
