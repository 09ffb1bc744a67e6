// A team's settings (admin): name and URL, and discovery: the switch, the join policy and
// the chosen domains saved together; with no claimable domain, why.
import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ipc, resetIpc } from "../../fakeIpc";
import { discovery, signedInAsAda, team } from "../../fixtures";
import { openTeam } from "./teamsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

describe("team settings (admin)", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([team()]);
  });

  it("saves discovery with the chosen join policy and domains", async () => {
    const claimable_domains = ["example.com", "example.org"];
    ipc.teamDiscovery.mockResolvedValue(discovery({ claimable_domains }));
    ipc.setTeamDiscovery.mockImplementation(async (_accountId, _teamId, settings) => ({
      ...settings,
      claimable_domains,
    }));
    const { user } = await openTeam("Acme QA");
    const toggle = await screen.findByRole("switch", {
      name: "Let people with an address at example.com, example.org find this team",
    });
    expect(toggle).not.toBeChecked();
    expect(screen.getByRole("checkbox", { name: "example.org" })).toBeDisabled();
    await user.click(toggle);
    await user.click(screen.getByRole("radio", { name: "Anyone on the domain joins at once" }));
    await user.click(screen.getByRole("checkbox", { name: "example.org" }));
    await user.click(screen.getByRole("button", { name: "Save discovery" }));

    expect(ipc.setTeamDiscovery).toHaveBeenCalledWith("ada", "t-acme", {
      enabled: true,
      join_policy: "anyone",
      domains: ["example.org"],
    });
    expect(await screen.findByText("Discovery saved.")).toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "example.org" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "example.com" })).not.toBeChecked();
  });

  it("asks for a domain before turning discovery on without one", async () => {
    const { user } = await openTeam("Acme QA");
    await user.click(await screen.findByRole("switch", { name: /find this team/ }));
    await user.click(screen.getByRole("button", { name: "Save discovery" }));
    expect(await screen.findByText("Choose at least one domain.")).toBeInTheDocument();
    expect(ipc.setTeamDiscovery).not.toHaveBeenCalled();
  });

  it("explains when no domain can be claimed yet", async () => {
    ipc.teamDiscovery.mockResolvedValue(discovery({ claimable_domains: [] }));
    await openTeam("Acme QA");
    expect(
      await screen.findByText(
        /A domain counts once an admin of the team has confirmed an address on it\. Public mail domains .* never count\./,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole("switch", { name: /find this team/ })).toBeDisabled();
  });

  it("renames the team and moves its URL; a taken URL is refused beside the field", async () => {
    const taken = "That team URL is taken; “qa-2” is free.";
    ipc.updateTeam
      .mockRejectedValueOnce({
        kind: "conflict",
        message: taken,
        fields: [{ field: "slug", message: taken }],
      })
      .mockResolvedValueOnce(team({ name: "Acme Testing", slug: "acme-testing" }));
    const { user } = await openTeam("Acme QA");
    const url = await screen.findByRole("textbox", { name: "Team URL" });
    await user.clear(url);
    await user.type(url, "qa");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(url).toHaveAccessibleDescription("Use 3 to 40 characters.");
    expect(ipc.updateTeam).not.toHaveBeenCalled();

    await user.type(url, "-team");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(ipc.updateTeam).toHaveBeenCalledWith("ada", "t-acme", {
      name: "Acme QA",
      slug: "qa-team",
    });
    await waitFor(() => expect(url).toHaveAccessibleDescription(taken));

    const name = screen.getByRole("textbox", { name: "Team name" });
    await user.clear(name);
    await user.type(name, "Acme Testing");
    await user.clear(url);
    await user.type(url, "acme-testing");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(ipc.updateTeam).toHaveBeenLastCalledWith("ada", "t-acme", {
      name: "Acme Testing",
      slug: "acme-testing",
    });
    expect(
      await screen.findByRole("heading", { level: 1, name: "Acme Testing" }),
    ).toBeInTheDocument();
    expect(screen.getByText("/t/acme-testing")).toBeInTheDocument();
  });
});
