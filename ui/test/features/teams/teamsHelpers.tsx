// Opens a team's page the way a person does: the team menu in the header, then the team.
import { screen, within } from "@testing-library/react";

import { renderApp } from "../../renderApp";

export async function openTeamMenu(app: ReturnType<typeof renderApp>) {
  await app.user.click(await screen.findByRole("button", { name: /team menu/ }));
  return within(screen.getByRole("menu"));
}

/** Renders the app and shows `teamName`'s page; returns the app. */
export async function openTeam(teamName: string) {
  const app = renderApp();
  const menu = await openTeamMenu(app);
  await app.user.click(await menu.findByRole("menuitemradio", { name: new RegExp(teamName) }));
  await screen.findByRole("heading", { level: 1, name: teamName });
  return app;
}
