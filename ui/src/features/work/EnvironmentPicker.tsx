// The work area's environment picker: "No environment" or one of the workspace's
// environments (one active per workspace), and the way into the environment editor.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { IpcError } from "../../bindings/IpcError";
import type { Workspace } from "../../bindings/Workspace";
import * as ipc from "../../ipc";
import { useEnvironments, workspacesKey } from "./queries";

type Props = { workspace: Workspace; accountId: string | null; onManage: () => void };

const NONE = "";

export function EnvironmentPicker({ workspace, accountId, onManage }: Props) {
  const environments = useEnvironments(workspace.meta.id);
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const choose = async (id: string) => {
    setError(null);
    try {
      await ipc.setActiveEnvironment(workspace.meta.id, id === NONE ? null : id);
    } catch (failure) {
      setError((failure as IpcError).message);
    } finally {
      await queryClient.invalidateQueries({ queryKey: workspacesKey(accountId) });
    }
  };
  return (
    <div className="work-header">
      <label className="field-label" htmlFor="environment-picker">
        Environment
      </label>
      <select
        id="environment-picker"
        className="field work-environment-select"
        value={workspace.active_environment ?? NONE}
        onChange={(event) => void choose(event.target.value)}
      >
        <option value={NONE}>No environment</option>
        {(environments.data ?? []).map((environment) => (
          <option key={environment.meta.id} value={environment.meta.id}>
            {environment.name}
          </option>
        ))}
      </select>
      <button type="button" className="button" onClick={onManage}>
        Manage environments
      </button>
      {error && (
        <p role="alert" className="work-error">
          Could not switch: {error}
        </p>
      )}
    </div>
  );
}
