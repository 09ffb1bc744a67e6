// Mounts the whole app as main.tsx does (StrictMode, providers, App) against the fake IPC.

import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { StrictMode } from "react";

import { App } from "../src/app/App";
import { AppProviders, createQueryClient } from "../src/app/AppProviders";

export function renderApp() {
  const client = createQueryClient();
  const user = userEvent.setup();
  const view = render(
    <StrictMode>
      <AppProviders client={client}>
        <App />
      </AppProviders>
    </StrictMode>,
  );
  return { client, user, ...view };
}

/** Waits for the app to leave its loading state. */
export async function appReady() {
  await screen.findByRole("main");
}
