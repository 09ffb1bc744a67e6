// Account Settings: opening and leaving them, and the Profile section (loading, Update
// Profile only once something changed, field errors beside fields, rate limiting,
// social links, Make profile public, the avatar).
import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { emit, ipc, resetIpc } from "../../fakeIpc";
import { account, profile, scratchPad, signedInAsAda, snapshot } from "../../fixtures";
import { renderApp } from "../../renderApp";
import { openSettings } from "./settingsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const nav = () => screen.getByRole("navigation", { name: "Settings sections" });
const updateButton = () => screen.getByRole("button", { name: "Update Profile" });

describe("Account Settings", () => {
  beforeEach(() => resetIpc(signedInAsAda()));

  it("has a section nav, starts on Profile, and Back returns to the app", async () => {
    const { user } = await openSettings();
    const sections = within(nav())
      .getAllByRole("button")
      .map((button) => button.textContent);
    expect(sections).toEqual([
      "Profile",
      "Email",
      "Password",
      "Notifications",
      "Sessions",
      "Synced secrets",
      "Support",
    ]);
    expect(within(nav()).getByRole("button", { name: "Profile" })).toHaveAttribute(
      "aria-current",
      "page",
    );
    await user.click(within(nav()).getByRole("button", { name: "Sessions" }));
    expect(screen.getByRole("heading", { name: "Sessions", level: 2 })).toHaveFocus();
    await user.click(screen.getByRole("button", { name: /Back to Courier/ }));
    expect(await screen.findByRole("heading", { name: "Ada Lovelace" })).toBeInTheDocument();
    expect(screen.queryByRole("navigation", { name: "Settings sections" })).not.toBeInTheDocument();
  });

  it("is not offered in Scratch Pad mode", async () => {
    resetIpc(scratchPad());
    renderApp();
    await screen.findByRole("heading", { name: "Scratch Pad" });
    expect(screen.queryByText("Account Settings")).not.toBeInTheDocument();
  });

  it("closes when the account is signed out elsewhere", async () => {
    await openSettings();
    emit("account_changed", signedInAsAda({ signedOut: true }));
    expect(await screen.findByText("Signed out.")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Account Settings" })).not.toBeInTheDocument();
  });
});

describe("Profile", () => {
  beforeEach(() => resetIpc(signedInAsAda()));

  it("shows a loading placeholder until the profile arrives", async () => {
    let answer: (value: ReturnType<typeof profile>) => void = () => {};
    ipc.accountProfile.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    await openSettings();
    expect(screen.getByRole("status", { name: "Loading your profile" })).toHaveAttribute(
      "aria-busy",
      "true",
    );
    answer(profile({ bio: "Analyst" }));
    expect(await screen.findByRole("textbox", { name: "Bio" })).toHaveValue("Analyst");
  });

  it("says why the profile could not be loaded and tries again", async () => {
    ipc.accountProfile.mockRejectedValue({ kind: "network", message: "the server did not answer" });
    const { user } = renderApp();
    // The app itself does not wait for the profile.
    await screen.findByRole("heading", { name: "Ada Lovelace" });
    await user.click(await screen.findByRole("button", { name: /account menu/ }));
    await user.click(screen.getByRole("menuitem", { name: "Account Settings" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Could not load your profile. the server did not answer",
    );
    ipc.accountProfile.mockResolvedValue(profile());
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("textbox", { name: "Name" })).toHaveValue("Ada Lovelace");
  });

  it("Update Profile is off until something changes, sends only the changes, and says it worked", async () => {
    ipc.updateProfile.mockImplementation(async (_id, update) =>
      profile({ name: update.name ?? null, bio: update.bio ?? null }),
    );
    const { user } = await openSettings();
    const name = await screen.findByRole("textbox", { name: "Name" });
    expect(updateButton()).toBeDisabled();
    await user.clear(name);
    await user.type(name, "Ada King");
    await user.type(screen.getByRole("textbox", { name: "Bio" }), "Countess");
    expect(updateButton()).toBeEnabled();
    await user.click(updateButton());
    expect(ipc.updateProfile).toHaveBeenCalledWith("ada", { name: "Ada King", bio: "Countess" });
    expect(await screen.findByText("Profile updated.")).toBeInTheDocument();
    expect(name).toHaveValue("Ada King");
    expect(updateButton()).toBeDisabled();
  });

  it("puts each refused field's message beside it", async () => {
    ipc.updateProfile.mockRejectedValue({
      kind: "invalid_input",
      message: "Some fields were refused.",
      fields: [
        { field: "username", message: "This username is taken." },
        { field: "website", message: "Use an https:// address." },
      ],
    });
    const { user } = await openSettings();
    const username = await screen.findByRole("textbox", { name: "Username" });
    await user.clear(username);
    await user.type(username, "grace");
    await user.type(screen.getByRole("textbox", { name: "Website" }), "ftp://x");
    await user.click(updateButton());
    await waitFor(() => expect(username).toHaveAttribute("aria-invalid", "true"));
    expect(username).toHaveAccessibleDescription("This username is taken.");
    expect(screen.getByRole("textbox", { name: "Website" })).toHaveAccessibleDescription(
      "Use an https:// address.",
    );
    expect(screen.getByRole("textbox", { name: "Name" })).not.toHaveAttribute("aria-invalid");
    expect(screen.getByRole("alert")).toHaveTextContent(
      "Could not update your profile. Check the fields marked below.",
    );
  });

  it("a rate-limited update says to wait", async () => {
    ipc.updateProfile.mockRejectedValue({ kind: "rate_limited", message: "slow down" });
    const { user } = await openSettings();
    await user.type(await screen.findByRole("textbox", { name: "Bio" }), "x");
    await user.click(updateButton());
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Too many attempts. Wait a minute, then try again.",
    );
  });

  it("an update refused because the sign-in ended offers Sign in again", async () => {
    ipc.updateProfile.mockRejectedValue({ kind: "reauth_required", message: "sign in again" });
    const { user } = await openSettings();
    await user.type(await screen.findByRole("textbox", { name: "Bio" }), "x");
    await user.click(updateButton());
    const alert = await screen.findByRole("alert");
    await user.click(within(alert).getByRole("button", { name: "Sign in again" }));
    expect(ipc.startSignIn).toHaveBeenCalledWith({ kind: "signInAgain", accountId: "ada" });
  });

  it("adds and removes social links, up to ten, and shows a refused one beside its row", async () => {
    ipc.accountProfile.mockResolvedValue(profile({ links: ["https://a.test/ada"] }));
    ipc.updateProfile.mockRejectedValue({
      kind: "invalid_input",
      message: "Some fields were refused.",
      fields: [{ field: "links[1]", message: "Links must start with https://." }],
    });
    const { user } = await openSettings();
    await screen.findByRole("textbox", { name: "Social link 1" });
    await user.click(screen.getByRole("button", { name: "Add link" }));
    const second = screen.getByRole("textbox", { name: "Social link 2" });
    expect(second).toHaveFocus();
    await user.type(second, "http://b.test");
    await user.click(updateButton());
    expect(ipc.updateProfile).toHaveBeenCalledWith("ada", {
      links: ["https://a.test/ada", "http://b.test"],
    });
    await waitFor(() =>
      expect(second).toHaveAccessibleDescription("Links must start with https://."),
    );

    await user.click(screen.getByRole("button", { name: "Remove social link 1" }));
    expect(screen.getAllByRole("textbox", { name: /Social link/ })).toHaveLength(1);
    for (let i = 0; i < 9; i++) await user.click(screen.getByRole("button", { name: "Add link" }));
    expect(screen.getAllByRole("textbox", { name: /Social link/ })).toHaveLength(10);
    expect(screen.getByRole("button", { name: "Add link" })).toBeDisabled();
    expect(screen.getByText("Up to 10 links.")).toBeInTheDocument();
  });

  it("Make profile public shows the public address and is sent with Update Profile", async () => {
    resetIpc(snapshot({ welcomeDone: true, accounts: [account({ server: "127.0.0.1:7878" })] }));
    ipc.updateProfile.mockResolvedValue(profile({ public: true }));
    const { user } = await openSettings();
    const toggle = await screen.findByRole("switch", { name: "Make profile public" });
    expect(screen.queryByRole("textbox", { name: "Public profile" })).not.toBeInTheDocument();
    await user.click(toggle);
    expect(screen.getByRole("textbox", { name: "Public profile" })).toHaveValue(
      "http://127.0.0.1:7878/u/ada",
    );
    expect(screen.getByText("Your profile becomes public when you update it.")).toBeInTheDocument();
    await user.click(updateButton());
    expect(ipc.updateProfile).toHaveBeenCalledWith("ada", { public: true });
    expect(await screen.findByText("Profile updated.")).toBeInTheDocument();
    expect(toggle).toBeChecked();
  });

  it("the public address of a server off loopback is https", async () => {
    ipc.accountProfile.mockResolvedValue(profile({ public: true }));
    await openSettings();
    expect(await screen.findByRole("textbox", { name: "Public profile" })).toHaveValue(
      "https://accounts.courier.test/u/ada",
    );
  });

  it("profile_changed refreshes the profile", async () => {
    await openSettings();
    await screen.findByRole("textbox", { name: "Name" });
    ipc.accountProfile.mockResolvedValue(profile({ name: "Ada, Countess of Lovelace" }));
    emit("profile_changed", { accountId: "ada" });
    await waitFor(() =>
      expect(screen.getByRole("textbox", { name: "Name" })).toHaveValue(
        "Ada, Countess of Lovelace",
      ),
    );
  });
});

describe("Profile picture", () => {
  beforeEach(() => resetIpc(signedInAsAda()));

  const png = (size = 64) => {
    const bytes = new Uint8Array(size);
    bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return new File([bytes], "ada.png", { type: "image/png" });
  };
  const fileInput = () => screen.getByLabelText("Picture file");

  it("previews a chosen PNG, then uploads it as base64", async () => {
    ipc.uploadAvatar.mockResolvedValue(
      profile({ avatar_url: "http://127.0.0.1:7878/avatars/ada.png" }),
    );
    const { user } = await openSettings();
    await screen.findByRole("button", { name: "Upload picture" });
    await user.upload(fileInput(), png());
    expect(await screen.findByText("This is a preview. Save it to use it.")).toBeInTheDocument();
    const picture = screen.getByRole("region", { name: "Profile picture" });
    expect(picture.querySelector("img")?.getAttribute("src")).toMatch(
      /^data:image\/png;base64,iVBORw0KGgo/,
    );
    await user.click(screen.getByRole("button", { name: "Save picture" }));
    expect(ipc.uploadAvatar).toHaveBeenCalledWith("ada", {
      contentType: "image/png",
      dataBase64: expect.stringMatching(/^iVBORw0KGgo/),
    });
    expect(await screen.findByText("Picture updated.")).toBeInTheDocument();
    expect(picture.querySelector("img")).toHaveAttribute(
      "src",
      "http://127.0.0.1:7878/avatars/ada.png",
    );
  });

  it("refuses a file that is too large or not a PNG/JPEG without sending it", async () => {
    const { user } = await openSettings();
    await screen.findByRole("button", { name: "Upload picture" });
    await user.upload(fileInput(), png(1024 * 1024 + 1));
    expect(await screen.findByRole("alert")).toHaveTextContent("larger than 1 MB");
    const fake = new File([new Uint8Array([1, 2, 3, 4])], "x.png", { type: "image/png" });
    await user.upload(fileInput(), fake);
    expect(await screen.findByText("This file is not a PNG or JPEG picture.")).toBeInTheDocument();
    expect(ipc.uploadAvatar).not.toHaveBeenCalled();
    expect(screen.queryByRole("button", { name: "Save picture" })).not.toBeInTheDocument();
  });

  it("Remove goes back to the initials", async () => {
    ipc.accountProfile.mockResolvedValue(
      profile({ avatar_url: "http://127.0.0.1:7878/avatars/ada.png" }),
    );
    ipc.removeAvatar.mockResolvedValue(profile());
    const { user } = await openSettings();
    const picture = await screen.findByRole("region", { name: "Profile picture" });
    await waitFor(() => expect(picture.querySelector("img")).not.toBeNull());
    await user.click(within(picture).getByRole("button", { name: "Remove" }));
    expect(ipc.removeAvatar).toHaveBeenCalledWith("ada");
    expect(await screen.findByText("Picture removed.")).toBeInTheDocument();
    expect(picture.querySelector("img")).toBeNull();
    expect(picture).toHaveTextContent("AL");
  });
});
