// src/ipc/index.ts against a mocked Tauri API: command names and camelCase arguments, errors
// always as {kind, message}, and unsubscribing before Tauri finished listening.
import { beforeEach, describe, expect, it, vi } from "vitest";

const tauri = vi.hoisted(() => ({
  invoke: vi.fn(),
  listen: vi.fn(),
}));
vi.mock("@tauri-apps/api/core", () => ({ invoke: tauri.invoke }));
vi.mock("@tauri-apps/api/event", () => ({ listen: tauri.listen }));

import * as ipc from "../src/ipc";

describe("ipc", () => {
  beforeEach(() => {
    tauri.invoke.mockReset().mockResolvedValue(null);
    tauri.listen.mockReset();
  });

  it("calls each command by its snake_case name with camelCase arguments", async () => {
    await ipc.appSnapshot();
    await ipc.startSignIn({ kind: "createAccount" });
    await ipc.switchAccount("ada");
    await ipc.signOut({ id: "grace", removeWork: true });
    await ipc.signOutAll(false);
    await ipc.skipSignIn();
    await ipc.reopenBrowser();
    await ipc.cancelSignIn();
    await ipc.continueWithoutKeyring();
    await ipc.retryKeyring();
    await ipc.firstScreenReady();
    await ipc.chooseOpenFile("Import", ["json"]);
    await ipc.chooseSaveFile("Export", "Orders.json");
    expect(tauri.invoke.mock.calls).toEqual([
      ["app_snapshot", undefined],
      ["start_sign_in", { choice: { kind: "createAccount" } }],
      ["switch_account", { id: "ada" }],
      ["sign_out", { id: "grace", removeWork: true }],
      ["sign_out_all", { removeWork: false }],
      ["skip_sign_in", undefined],
      ["reopen_browser", undefined],
      ["cancel_sign_in", undefined],
      ["continue_without_keyring", undefined],
      ["retry_keyring", undefined],
      ["first_screen_ready", undefined],
      ["choose_open_file", { title: "Import", extensions: ["json"] }],
      ["choose_save_file", { title: "Export", suggestedName: "Orders.json" }],
    ]);
  });

  it("calls the account settings commands with the account id and camelCase arguments", async () => {
    await ipc.accountProfile("ada");
    await ipc.updateProfile("ada", { name: "Ada", configured: true });
    await ipc.uploadAvatar("ada", { contentType: "image/png", dataBase64: "iVBO" });
    await ipc.removeAvatar("ada");
    await ipc.changeEmail("ada", { new_email: "a@b.test", current_password: "pw" });
    await ipc.changePassword("ada", {
      current_password: "a",
      new_password: "b",
      keep_other_sessions: false,
    });
    await ipc.listSessions("ada");
    await ipc.revokeSession("ada", "s1");
    await ipc.revokeOtherSessions("ada");
    await ipc.supportRequests("ada");
    expect(tauri.invoke.mock.calls).toEqual([
      ["account_profile", { accountId: "ada" }],
      ["update_profile", { accountId: "ada", update: { name: "Ada", configured: true } }],
      [
        "upload_avatar",
        { accountId: "ada", avatar: { contentType: "image/png", dataBase64: "iVBO" } },
      ],
      ["remove_avatar", { accountId: "ada" }],
      [
        "change_email",
        { accountId: "ada", change: { new_email: "a@b.test", current_password: "pw" } },
      ],
      [
        "change_password",
        {
          accountId: "ada",
          change: { current_password: "a", new_password: "b", keep_other_sessions: false },
        },
      ],
      ["list_sessions", { accountId: "ada" }],
      ["revoke_session", { accountId: "ada", sessionId: "s1" }],
      ["revoke_other_sessions", { accountId: "ada" }],
      ["support_requests", { accountId: "ada" }],
    ]);
  });

  it("unlocks synced secrets and reads the recovery key with camelCase arguments", async () => {
    await ipc.unlockSecrets("ada", "7K2M-Q9XA");
    await ipc.recoveryKey("ada");
    expect(tauri.invoke.mock.calls).toEqual([
      ["unlock_secrets", { accountId: "ada", recoveryKey: "7K2M-Q9XA" }],
      ["recovery_key", { accountId: "ada" }],
    ]);
  });

  it("keeps the refused fields of an invalid_input error", async () => {
    const fields = [{ field: "username", message: "taken" }];
    tauri.invoke.mockRejectedValueOnce({ kind: "invalid_input", message: "refused", fields });
    await expect(ipc.updateProfile("ada", { username: "grace" })).rejects.toEqual({
      kind: "invalid_input",
      message: "refused",
      fields,
    });
  });

  it("passes an IpcError through and turns anything else into one", async () => {
    tauri.invoke.mockRejectedValueOnce({
      kind: "reauth_required",
      message: "sign in again",
      extra: 1,
    });
    await expect(ipc.switchAccount("ada")).rejects.toEqual({
      kind: "reauth_required",
      message: "sign in again",
    });
    tauri.invoke.mockRejectedValueOnce("command sign_out not found");
    await expect(ipc.signOut({ id: "ada", removeWork: false })).rejects.toEqual({
      kind: "internal",
      message: "command sign_out not found",
    });
    tauri.invoke.mockRejectedValueOnce(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    await expect(ipc.appSnapshot()).rejects.toEqual({
      kind: "internal",
      message: "window.__TAURI_INTERNALS__ is undefined",
    });
  });

  it("delivers event payloads and stops after unsubscribe", async () => {
    let deliver: (message: { payload: unknown }) => void = () => {};
    const unlisten = vi.fn();
    tauri.listen.mockImplementation(async (_event: string, handler: typeof deliver) => {
      deliver = handler;
      return unlisten;
    });
    const seen: unknown[] = [];
    const stop = ipc.subscribe("account_changed", (snapshot) => seen.push(snapshot));
    await Promise.resolve();
    expect(tauri.listen).toHaveBeenCalledWith("account_changed", expect.any(Function));
    deliver({ payload: "first" });
    stop();
    deliver({ payload: "second" });
    expect(seen).toEqual(["first"]);
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("unsubscribing before listen resolves still removes the listener", async () => {
    let resolveListen: (unlisten: () => void) => void = () => {};
    tauri.listen.mockReturnValue(new Promise((resolve) => (resolveListen = resolve)));
    const unlisten = vi.fn();
    const stop = ipc.subscribe("signin_progress", () => {});
    stop();
    resolveListen(unlisten);
    await Promise.resolve();
    await Promise.resolve();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });
});
