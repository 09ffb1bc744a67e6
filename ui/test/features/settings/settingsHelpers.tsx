// Opens Account Settings the way a person does: the avatar menu, Account Settings,
// then a section in the nav.
import { screen, within } from "@testing-library/react";

import { renderApp } from "../../renderApp";

export async function openSettings(section?: string) {
  const app = renderApp();
  await app.user.click(await screen.findByRole("button", { name: /account menu/ }));
  await app.user.click(
    within(screen.getByRole("menu")).getByRole("menuitem", { name: "Account Settings" }),
  );
  await screen.findByRole("heading", { name: "Account Settings" });
  if (section) {
    const nav = screen.getByRole("navigation", { name: "Settings sections" });
    await app.user.click(within(nav).getByRole("button", { name: section }));
  }
  return app;
}
