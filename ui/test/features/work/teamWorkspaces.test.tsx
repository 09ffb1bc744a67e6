// Team workspaces in the work area against the fake IPC: signed in and in a team, New
// workspace asks whom it belongs to ("Only me" or a team) and creates it for the chosen
// team; in no team it asks only the name. The switcher's options stay the workspaces'
// names, grouped under "Yours" and each team's name ("A team", last, for one just left), and
// "Team: …" shows beside it while a team's workspace is on screen.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { WorkArea } from "../../../src/features/work/WorkArea";
import { ipc, resetIpc } from "../../fakeIpc";
import { team, workspace } from "../../fixtures";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const pad = workspace("ws-pad", "Scratch Pad", { kind: "scratch_pad" });
const acme = team({ id: "t-acme", name: "Acme API", role: "member" });
const beta = team({ id: "t-beta", name: "Beta Squad", slug: "beta-squad" });

function renderWorkArea() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={client}>
      <WorkArea accountId="ada" />
    </QueryClientProvider>,
  );
  return user;
}

const switcher = () => screen.getByRole<HTMLSelectElement>("combobox", { name: "Workspace" });

async function newWorkspaceForm(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole("button", { name: "New workspace" }));
  return screen.getByRole("textbox", { name: "Name of the new workspace" });
}

beforeEach(() => {
  resetIpc();
  ipc.workspaces.mockResolvedValue({
    workspaces: [pad],
    secrets: "sealed",
    account_id: "ada",
    team_of: {},
  });
});

describe("a new workspace", () => {
  it("can belong to one of the account's teams, and is created for the chosen one", async () => {
    ipc.teams.mockResolvedValue([beta, acme]);
    const user = renderWorkArea();
    const name = await newWorkspaceForm(user);
    expect(name).toHaveFocus();
    const owner = await screen.findByRole("combobox", { name: "Belongs to" });
    expect(owner).toHaveDisplayValue("Only me");
    expect(
      within(owner)
        .getAllByRole("option")
        .map((option) => option.textContent),
    ).toEqual(["Only me", "Acme API — shared with the team", "Beta Squad — shared with the team"]);

    await user.selectOptions(owner, "Acme API — shared with the team");
    await user.clear(name);
    await user.type(name, "Checkout");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(ipc.createWorkspace).toHaveBeenCalledWith("Checkout", "t-acme");
    expect(screen.queryByRole("combobox", { name: "Belongs to" })).not.toBeInTheDocument();
  });

  it("is the person's own by default, Enter saving it", async () => {
    ipc.teams.mockResolvedValue([acme]);
    const user = renderWorkArea();
    await newWorkspaceForm(user);
    await screen.findByRole("combobox", { name: "Belongs to" });
    await user.keyboard("{Enter}");
    expect(ipc.createWorkspace).toHaveBeenCalledWith("New Workspace", null);
  });

  it("asks only the name when the account is in no team", async () => {
    const user = renderWorkArea();
    const name = await newWorkspaceForm(user);
    expect(ipc.teams).toHaveBeenCalledWith("ada");
    expect(screen.queryByRole("combobox", { name: "Belongs to" })).not.toBeInTheDocument();
    await user.type(name, " 2{Enter}");
    expect(ipc.createWorkspace).toHaveBeenCalledWith("New Workspace 2", null);
  });
});

describe("the workspace switcher", () => {
  beforeEach(() => {
    ipc.teams.mockResolvedValue([acme]);
    ipc.workspaces.mockResolvedValue({
      workspaces: [
        pad,
        workspace("ws-checkout", "Checkout"),
        workspace("ws-own", "Payments"),
        workspace("ws-old", "Legacy"),
      ],
      secrets: "sealed",
      account_id: "ada",
      team_of: { "ws-checkout": "t-acme", "ws-old": "t-left" },
    });
  });

  it("groups team workspaces under their team's name, options keeping the names alone", async () => {
    renderWorkArea();
    await screen.findByRole("option", { name: "Checkout" });
    const select = switcher();
    expect([...select.options].map((option) => option.textContent)).toEqual([
      "Scratch Pad",
      "Payments",
      "Checkout",
      "Legacy",
    ]);
    // The Scratch Pad first, in no group.
    expect(select.firstElementChild).toHaveTextContent("Scratch Pad");
    const groups = [...select.querySelectorAll("optgroup")].map((group) => [
      group.label,
      [...group.querySelectorAll("option")].map((option) => option.textContent),
    ]);
    expect(groups).toEqual([
      ["Yours", ["Payments"]],
      ["Acme API", ["Checkout"]],
      ["A team", ["Legacy"]],
    ]);
  });

  it("says which team the workspace on screen is shared with", async () => {
    const user = renderWorkArea();
    await screen.findByRole("option", { name: "Checkout" });
    expect(screen.queryByText(/^Team:/)).not.toBeInTheDocument();

    await user.selectOptions(switcher(), "Checkout");
    expect(switcher().selectedOptions[0]?.textContent).toBe("Checkout");
    expect(screen.getByText("Team: Acme API")).toBeInTheDocument();
    expect(switcher()).toHaveAccessibleDescription("Team: Acme API");

    await user.selectOptions(switcher(), "Legacy");
    expect(screen.getByText("Team: A team")).toBeInTheDocument();

    await user.selectOptions(switcher(), "Payments");
    expect(screen.queryByText(/^Team:/)).not.toBeInTheDocument();
  });

  it("lists the account's own workspaces ungrouped while none is a team's", async () => {
    ipc.workspaces.mockResolvedValue({
      workspaces: [pad, workspace("ws-own", "Payments")],
      secrets: "sealed",
      account_id: "ada",
      team_of: {},
    });
    renderWorkArea();
    await screen.findByRole("option", { name: "Payments" });
    expect(switcher().querySelector("optgroup")).toBeNull();
  });
});
