// Create a team: the URL suggested from the name once typing pauses (300 ms), not after
// the person edits it; Create shows the new team; refusals beside their fields.
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ipc, resetIpc } from "../../fakeIpc";
import { signedInAsAda, team } from "../../fixtures";
import { renderApp } from "../../renderApp";
import { openTeamMenu } from "./teamsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

async function openCreate() {
  const app = renderApp();
  const menu = await openTeamMenu(app);
  await app.user.click(menu.getByRole("menuitem", { name: "Create a team…" }));
  await screen.findByRole("heading", { level: 1, name: "Create a team" });
  return app;
}

const nameField = () => screen.getByRole("textbox", { name: "Team name" });
const urlField = () => screen.getByRole("textbox", { name: "Team URL" });

describe("Create a team", () => {
  beforeEach(() => resetIpc(signedInAsAda()));

  it("suggests a URL 300 ms after the name stops changing, and creates the team", async () => {
    ipc.teamUrlSuggestion.mockResolvedValue("acme-qa");
    ipc.createTeam.mockResolvedValue(team({ id: "t-new" }));
    const { user } = await openCreate();

    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    fireEvent.change(nameField(), { target: { value: "Ac" } });
    await act(() => vi.advanceTimersByTimeAsync(200));
    fireEvent.change(nameField(), { target: { value: "Acme QA" } });
    await act(() => vi.advanceTimersByTimeAsync(299));
    expect(ipc.teamUrlSuggestion).not.toHaveBeenCalled();
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(ipc.teamUrlSuggestion).toHaveBeenCalledTimes(1);
    expect(ipc.teamUrlSuggestion).toHaveBeenCalledWith("ada", "Acme QA");
    // TanStack Query hands the answer over on a timer of its own.
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(urlField()).toHaveValue("acme-qa");
    vi.useRealTimers();

    expect(urlField()).toHaveAccessibleDescription("Your team's page: /t/acme-qa");
    await user.click(screen.getByRole("button", { name: "Create team" }));
    expect(ipc.createTeam).toHaveBeenCalledWith("ada", { name: "Acme QA", slug: "acme-qa" });
    expect(await screen.findByRole("heading", { level: 1, name: "Acme QA" })).toBeInTheDocument();
    expect(localStorage.getItem("courier.team.ada")).toBe("t-new");
  });

  it("stops suggesting once the person edits the URL, and checks its shape", async () => {
    const { user } = await openCreate();
    await user.type(nameField(), "Acme");
    await waitFor(() => expect(urlField()).toHaveValue("acme"));
    await user.clear(urlField());
    await user.type(urlField(), "ac--me");
    expect(urlField()).toHaveAccessibleDescription("Put single hyphens between letters or digits.");
    const asked = ipc.teamUrlSuggestion.mock.calls.length;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    fireEvent.change(nameField(), { target: { value: "Acme Widgets" } });
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(ipc.teamUrlSuggestion).toHaveBeenCalledTimes(asked);
    expect(urlField()).toHaveValue("ac--me");
    vi.useRealTimers();
    await user.click(screen.getByRole("button", { name: "Create team" }));
    expect(ipc.createTeam).not.toHaveBeenCalled();
  });

  it("shows a taken URL's conflict beside the field, and a refused name beside its own", async () => {
    const taken = "That team URL is taken; “acme-qa-2” is free.";
    ipc.createTeam.mockRejectedValueOnce({
      kind: "conflict",
      message: taken,
      fields: [{ field: "slug", message: taken }],
    });
    const { user } = await openCreate();
    await user.type(nameField(), "Acme QA");
    await waitFor(() => expect(urlField()).toHaveValue("acme-qa"));
    await user.click(screen.getByRole("button", { name: "Create team" }));
    await waitFor(() => expect(urlField()).toHaveAccessibleDescription(taken));
    expect(urlField()).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("heading", { level: 1, name: "Create a team" })).toBeInTheDocument();

    ipc.createTeam.mockRejectedValueOnce({
      kind: "invalid_input",
      message: "Some fields were refused.",
      fields: [{ field: "name", message: "Use a single line of text." }],
    });
    await user.click(screen.getByRole("button", { name: "Create team" }));
    await waitFor(() =>
      expect(nameField()).toHaveAccessibleDescription("Use a single line of text."),
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Check the fields marked below.");
  });
});
