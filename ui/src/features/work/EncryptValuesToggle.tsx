// "Encrypt every variable value": the workspace's choice to seal every variable value
// on disk, not only the secret ones, with the device's key from the keyring. Without a
// keyring (memory-only) there is no key: secret values live for the session only, and
// the toggle says so instead.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { IpcError } from "../../bindings/IpcError";
import * as ipc from "../../ipc";
import { useWorkspaces, workspacesKey } from "./queries";

type Props = { workspaceId: string; accountId: string | null; memoryOnly: boolean };

export function EncryptValuesToggle({ workspaceId, accountId, memoryOnly }: Props) {
  const workspaces = useWorkspaces(accountId);
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const workspace = workspaces.data?.workspaces.find((w) => w.meta.id === workspaceId);
  const change = async (on: boolean) => {
    setError(null);
    setBusy(true);
    try {
      await ipc.setEncryptValues(workspaceId, on);
    } catch (failure) {
      setError((failure as IpcError).message);
    } finally {
      setBusy(false);
      await queryClient.invalidateQueries({ queryKey: workspacesKey(accountId) });
    }
  };
  return (
    <div className="work-encrypt-values">
      <label className="work-check">
        <input
          type="checkbox"
          checked={workspace?.encrypt_values ?? false}
          disabled={memoryOnly || busy || !workspace}
          onChange={(event) => void change(event.target.checked)}
        />
        Encrypt every variable value
      </label>
      <p className="work-note">
        {memoryOnly
          ? "No keyring this session: secret values live only until Courier closes, and other values cannot be encrypted."
          : "Secret values are always encrypted on this device; this encrypts the others too, with the key in your keyring."}
      </p>
      {error && (
        <p role="alert" className="work-error">
          {error}
        </p>
      )}
    </div>
  );
}
