// The avatar menu: the accounts, switching, adding, signing out, and the keyboard.
import { screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { ipc, resetIpc } from "../../fakeIpc";
import { account, grace, scratchPad, snapshot, syncStatus } from "../../fixtures";
import { renderApp } from "../../renderApp";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const twoAccounts = () => snapshot({ welcomeDone: true, accounts: [account(), grace()] });
const menuButton = () => screen.findByRole("button", { name: "Ada Lovelace, account menu" });

async function openMenu() {
  const app = renderApp();
  await app.user.click(await menuButton());
  return { ...app, menu: screen.getByRole("menu") };
}

describe("avatar menu", () => {
  beforeEach(() => resetIpc(twoAccounts()));

  it("shows the active account's initials and name in the header", async () => {
    renderApp();
    const button = await menuButton();
    expect(button).toHaveTextContent("AL");
    expect(button).toHaveTextContent("Ada Lovelace");
    expect(button).toHaveAttribute("aria-haspopup", "menu");
    expect(button).toHaveAttribute("aria-expanded", "false");
  });

  it("uses the avatar picture when there is one", async () => {
    resetIpc(
      snapshot({ welcomeDone: true, accounts: [account({ avatarUrl: "https://a.test/ada.png" })] }),
    );
    renderApp();
    const button = await menuButton();
    expect(button.querySelector("img")).toHaveAttribute("src", "https://a.test/ada.png");
  });

  it("lists every account with email and server, the active one marked", async () => {
    const { menu } = await openMenu();
    const entries = within(menu).getAllByRole("menuitemradio");
    expect(entries).toHaveLength(2);
    expect(entries[0]).toHaveTextContent("Ada Lovelace");
    expect(entries[0]).toHaveTextContent("ada@example.com");
    expect(entries[0]).toHaveTextContent("accounts.courier.test");
    expect(entries[0]).toHaveAttribute("aria-checked", "true");
    expect(entries[1]).toHaveTextContent("Grace Hopper");
    expect(entries[1]).toHaveTextContent("grace@navy.test");
    expect(entries[1]).toHaveTextContent("127.0.0.1:7878");
    expect(entries[1]).toHaveAttribute("aria-checked", "false");
  });

  it("clicking another account switches to it", async () => {
    ipc.switchAccount.mockResolvedValue(
      snapshot({
        welcomeDone: true,
        accounts: [account({ active: false }), grace({ active: true })],
      }),
    );
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitemradio", { name: /Grace Hopper/ }));
    expect(ipc.switchAccount).toHaveBeenCalledWith("grace");
    expect(
      await screen.findByRole("button", { name: "Grace Hopper, account menu" }),
    ).toBeInTheDocument();
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
  });

  it("clicking the active account does not switch", async () => {
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitemradio", { name: /Ada Lovelace/ }));
    expect(ipc.switchAccount).not.toHaveBeenCalled();
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
  });

  it("Add a new account starts a sign-in and shows the waiting screen", async () => {
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitem", { name: "Add a new account" }));
    expect(ipc.startSignIn).toHaveBeenCalledWith({ kind: "signIn" });
    expect(
      await screen.findByRole("heading", { name: "Your browser should open within a few seconds" }),
    ).toBeInTheDocument();
  });

  it("Sign out asks first, keeps the work on this device by default, and signs out of the active account only", async () => {
    ipc.signOut.mockResolvedValue(
      snapshot({ welcomeDone: true, accounts: [grace({ active: true })] }),
    );
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitem", { name: "Sign out" }));
    const dialog = screen.getByRole("alertdialog", { name: "Sign out of ada@example.com?" });
    expect(dialog).toHaveTextContent("workspaces stay on this device");
    expect(within(dialog).getByRole("checkbox")).not.toBeChecked();
    expect(within(dialog).getByRole("button", { name: "Sign out" })).toHaveFocus();
    expect(ipc.signOut).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole("button", { name: "Sign out" }));
    expect(ipc.signOut).toHaveBeenCalledWith({ id: "ada", removeWork: false });
    expect(ipc.signOutAll).not.toHaveBeenCalled();
    expect(
      await screen.findByRole("button", { name: "Grace Hopper, account menu" }),
    ).toBeInTheDocument();
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("Sign out can remove the account's workspaces from this device", async () => {
    ipc.signOut.mockResolvedValue(
      snapshot({ welcomeDone: true, accounts: [grace({ active: true })] }),
    );
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitem", { name: "Sign out" }));
    const dialog = screen.getByRole("alertdialog");
    await user.click(
      within(dialog).getByRole("checkbox", {
        name: "Also remove this account's workspaces from this device",
      }),
    );
    await user.click(within(dialog).getByRole("button", { name: "Sign out and remove" }));
    expect(ipc.signOut).toHaveBeenCalledWith({ id: "ada", removeWork: true });
  });

  it("removing the workspaces names the changes that have not synced yet", async () => {
    ipc.syncStatus.mockResolvedValue(
      syncStatus({ state: "offline", pending: 3, error: "cannot reach the server" }),
    );
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitem", { name: "Sign out" }));
    const dialog = screen.getByRole("alertdialog");
    expect(within(dialog).queryByRole("alert")).not.toBeInTheDocument();
    await user.click(
      within(dialog).getByRole("checkbox", {
        name: "Also remove this account's workspaces from this device",
      }),
    );
    expect(await within(dialog).findByRole("alert")).toHaveTextContent(
      "3 changes have not reached the server yet and would be lost.",
    );
    expect(dialog).toHaveTextContent(
      "keep your recovery key (Account Settings → Synced secrets) to read them here again",
    );
  });

  it("Escape or Cancel in the sign-out question signs out of nothing", async () => {
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitem", { name: "Sign out" }));
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(await menuButton()).toHaveFocus();
    await user.click(await menuButton());
    await user.click(screen.getByRole("menuitem", { name: "Sign out of all accounts" }));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(ipc.signOut).not.toHaveBeenCalled();
    expect(ipc.signOutAll).not.toHaveBeenCalled();
  });

  it("Sign out of all accounts asks, then signs out of all and leaves the Scratch Pad", async () => {
    ipc.signOutAll.mockResolvedValue(scratchPad());
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitem", { name: "Sign out of all accounts" }));
    const dialog = screen.getByRole("alertdialog", { name: "Sign out of all 2 accounts?" });
    await user.click(within(dialog).getByRole("button", { name: "Sign out" }));
    expect(ipc.signOutAll).toHaveBeenCalledWith(false);
    expect(ipc.signOut).not.toHaveBeenCalled();
    expect(await screen.findByRole("heading", { name: "Scratch Pad" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Sign In" })).toBeInTheDocument();
  });

  it("a failing sign out says why", async () => {
    ipc.signOut.mockRejectedValue({ kind: "network", message: "the server did not answer" });
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitem", { name: "Sign out" }));
    await user.click(screen.getByRole("button", { name: "Sign out" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not sign out. the server did not answer",
    );
  });

  it("offers Account Settings for the active signed-in account, and opens them", async () => {
    const { user, menu } = await openMenu();
    await user.click(within(menu).getByRole("menuitem", { name: "Account Settings" }));
    expect(await screen.findByRole("heading", { name: "Account Settings" })).toHaveFocus();
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
  });

  it("offers no Account Settings when the active account is signed out", async () => {
    resetIpc(snapshot({ welcomeDone: true, accounts: [account({ signedOut: true }), grace()] }));
    const { menu } = await openMenu();
    expect(
      within(menu).queryByRole("menuitem", { name: "Account Settings" }),
    ).not.toBeInTheDocument();
  });

  it("a signed-out account says so and offers Sign in again", async () => {
    resetIpc(snapshot({ welcomeDone: true, accounts: [account(), grace({ signedOut: true })] }));
    const { user, menu } = await openMenu();
    expect(within(menu).getByRole("menuitemradio", { name: /Grace Hopper/ })).toHaveTextContent(
      "Signed out",
    );
    expect(within(menu).getByRole("menuitemradio", { name: /Ada Lovelace/ })).not.toHaveTextContent(
      "Signed out",
    );
    await user.click(within(menu).getByRole("menuitem", { name: "Sign in again as Grace Hopper" }));
    expect(ipc.startSignIn).toHaveBeenCalledWith({ kind: "signInAgain", accountId: "grace" });
    expect(
      await screen.findByRole("heading", { name: "Your browser should open within a few seconds" }),
    ).toBeInTheDocument();
  });

  describe("keyboard", () => {
    it("Enter opens the menu on the first item; arrows move and wrap; Home and End jump", async () => {
      const { user } = renderApp();
      (await menuButton()).focus();
      await user.keyboard("{Enter}");
      const items = Array.from(
        screen.getByRole("menu").querySelectorAll<HTMLElement>('[role^="menuitem"]'),
      );
      expect(items.map((item) => item.textContent)).toEqual([
        expect.stringContaining("Ada Lovelace"),
        expect.stringContaining("Grace Hopper"),
        "Account Settings",
        "Add a new account",
        "Sign out",
        "Sign out of all accounts",
      ]);
      expect(items[0]).toHaveFocus();
      await user.keyboard("{ArrowDown}");
      expect(items[1]).toHaveFocus();
      await user.keyboard("{ArrowDown}");
      expect(items[2]).toHaveFocus();
      await user.keyboard("{ArrowUp}{ArrowUp}{ArrowUp}");
      expect(items[5]).toHaveFocus();
      await user.keyboard("{ArrowDown}");
      expect(items[0]).toHaveFocus();
      await user.keyboard("{End}");
      expect(items[5]).toHaveFocus();
      await user.keyboard("{Home}");
      expect(items[0]).toHaveFocus();
    });

    it("ArrowUp on the button opens the menu on the last item", async () => {
      const { user } = renderApp();
      (await menuButton()).focus();
      await user.keyboard("{ArrowUp}");
      expect(screen.getByRole("menuitem", { name: "Sign out of all accounts" })).toHaveFocus();
    });

    it("Escape closes the menu and gives focus back to the button", async () => {
      const { user } = renderApp();
      const button = await menuButton();
      button.focus();
      await user.keyboard("{Enter}");
      expect(button).toHaveAttribute("aria-expanded", "true");
      await user.keyboard("{Escape}");
      expect(screen.queryByRole("menu")).not.toBeInTheDocument();
      expect(button).toHaveAttribute("aria-expanded", "false");
      expect(button).toHaveFocus();
    });

    it("Enter on an account switches to it", async () => {
      ipc.switchAccount.mockResolvedValue(
        snapshot({
          welcomeDone: true,
          accounts: [account({ active: false }), grace({ active: true })],
        }),
      );
      const { user } = renderApp();
      (await menuButton()).focus();
      await user.keyboard("{Enter}{ArrowDown}{Enter}");
      expect(ipc.switchAccount).toHaveBeenCalledWith("grace");
    });

    it("a click outside closes the menu", async () => {
      const { user } = await openMenu();
      await user.click(screen.getByRole("heading", { name: "Ada Lovelace" }));
      expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    });
  });
});
