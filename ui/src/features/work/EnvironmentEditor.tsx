// The environment editor: the workspace's Globals and its environments in a list;
// create, rename and delete an environment; a variables table (use, key, value,
// Secret) saved with Save. Secret values are masked: while hidden they are set on the
// field's `value` property only, never written into the page's markup.
import { useQueryClient } from "@tanstack/react-query";
import { useLayoutEffect, useReducer, useRef, useState } from "react";

import type { Environment } from "../../bindings/Environment";
import type { IpcError } from "../../bindings/IpcError";
import type { Undo } from "../../bindings/Undo";
import type { Variable } from "../../bindings/Variable";
import * as ipc from "../../ipc";
import { EncryptValuesToggle } from "./EncryptValuesToggle";
import { environmentsKey, globalsKey, useEnvironments, useGlobals, workspacesKey } from "./queries";
import {
  blankVariable,
  isMasked,
  rowsToSave,
  variablesDirty,
  variablesReducer,
  variablesState,
} from "./variablesTable";

type Props = {
  workspaceId: string;
  accountId: string | null;
  /** Secret values are kept for this session only (no keyring). */
  memoryOnly: boolean;
  onClose: () => void;
};

/** "globals" or an environment's id. */
type Selected = "globals" | string;

export function EnvironmentEditor({ workspaceId, accountId, memoryOnly, onClose }: Props) {
  const environments = useEnvironments(workspaceId);
  const globals = useGlobals(workspaceId);
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<Selected>("globals");
  const [error, setError] = useState<string | null>(null);
  const [undo, setUndo] = useState<Undo | null>(null);
  const list = environments.data ?? [];
  const environment = list.find((e) => e.meta.id === selected);

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: environmentsKey(workspaceId) }),
      queryClient.invalidateQueries({ queryKey: globalsKey(workspaceId) }),
      queryClient.invalidateQueries({ queryKey: workspacesKey(accountId) }),
    ]);
  const run = async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setError(null);
    try {
      return await action();
    } catch (failure) {
      setError((failure as IpcError).message);
      return undefined;
    } finally {
      await refresh();
    }
  };
  const create = async () => {
    const created = await run(() => ipc.createEnvironment(workspaceId, "New Environment"));
    if (created) setSelected(created.meta.id);
  };
  const remove = async (target: Environment) => {
    const done = await run(() => ipc.deleteEnvironment(target.meta.id));
    if (done) {
      setUndo(done);
      setSelected("globals");
    }
  };

  return (
    <section className="work-environments" aria-label="Environments">
      <div className="work-environments-head">
        <h2 className="work-editor-title">Environments</h2>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
      <EncryptValuesToggle
        workspaceId={workspaceId}
        accountId={accountId}
        memoryOnly={memoryOnly}
      />
      {error && (
        <p role="alert" className="work-error">
          {error}
        </p>
      )}
      {undo && (
        <p className="work-status-line" role="status">
          Deleted “{undo.name}”.
          <button
            type="button"
            className="button-quiet"
            onClick={() => {
              setUndo(null);
              void run(() => ipc.restore(undo.token));
            }}
          >
            Undo
          </button>
        </p>
      )}
      <div className="work-environments-body">
        <ul className="work-environments-list">
          <li>
            <button
              type="button"
              className="work-tab"
              aria-current={selected === "globals"}
              onClick={() => setSelected("globals")}
            >
              Globals
            </button>
          </li>
          {list.map((e) => (
            <li key={e.meta.id}>
              <button
                type="button"
                className="work-tab"
                aria-current={selected === e.meta.id}
                onClick={() => setSelected(e.meta.id)}
              >
                {e.name}
              </button>
            </li>
          ))}
          <li>
            <button type="button" className="button" onClick={() => void create()}>
              New environment
            </button>
          </li>
        </ul>
        <div className="work-environments-detail">
          {selected === "globals" && globals.data && (
            <VariablesForm
              key={`globals-${globals.data.meta.revision}`}
              title="Globals"
              variables={globals.data.variables}
              memoryOnly={memoryOnly}
              onSave={(_, variables) => run(() => ipc.setGlobals(workspaceId, variables))}
            />
          )}
          {environment && (
            <VariablesForm
              key={`${environment.meta.id}-${environment.meta.revision}`}
              name={environment.name}
              variables={environment.variables}
              memoryOnly={memoryOnly}
              onSave={(name, variables) =>
                run(() => ipc.updateEnvironment({ ...environment, name, variables }))
              }
              onDelete={() => void remove(environment)}
            />
          )}
        </div>
      </div>
    </section>
  );
}

type FormProps = {
  /** Shown instead of a name field (Globals have no name). */
  title?: string;
  name?: string;
  variables: Variable[];
  memoryOnly: boolean;
  onSave: (name: string, variables: Variable[]) => Promise<unknown>;
  onDelete?: () => void;
};

function VariablesForm({ title, name, variables, memoryOnly, onSave, onDelete }: FormProps) {
  const [state, dispatch] = useReducer(variablesReducer, variables, variablesState);
  const [newName, setNewName] = useState(name ?? "");
  const dirty = variablesDirty(state) || (name !== undefined && newName !== name);
  const shown = [...state.rows, blankVariable()];
  const edit = (index: number, change: Partial<Variable>) =>
    dispatch({ type: "edit", index, change });
  return (
    <form
      className="work-environment-form"
      onSubmit={(event) => {
        event.preventDefault();
        void onSave(newName, rowsToSave(state));
      }}
    >
      {title !== undefined ? (
        <h3 className="work-sidebar-title">{title}</h3>
      ) : (
        <label className="work-auth-field">
          <span className="field-label">Name</span>
          <input
            aria-label="Environment name"
            className="field"
            value={newName}
            onChange={(event) => setNewName(event.target.value)}
          />
        </label>
      )}
      <table className="work-table" aria-label="Variables">
        <thead>
          <tr>
            <th>Use</th>
            <th>Key</th>
            <th>Value</th>
            <th>
              Secret
              {memoryOnly && (
                <span className="work-note work-secret-note"> (kept for this session only)</span>
              )}
            </th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((row, index) => {
            const isNew = index === state.rows.length;
            const masked = isMasked(state, index);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no ids; order is the identity
              <tr key={index}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Use variable ${index + 1}`}
                    checked={row.enabled}
                    disabled={isNew}
                    onChange={(event) => edit(index, { enabled: event.target.checked })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Variable key ${index + 1}`}
                    className="field"
                    placeholder="Key"
                    value={row.key}
                    onChange={(event) => edit(index, { key: event.target.value })}
                  />
                </td>
                <td>
                  {masked ? (
                    <MaskedInput
                      label={`Variable value ${index + 1}`}
                      value={row.value}
                      onChange={(value) => edit(index, { value })}
                    />
                  ) : (
                    <input
                      aria-label={`Variable value ${index + 1}`}
                      className="field"
                      placeholder="Value"
                      value={row.value}
                      onChange={(event) => edit(index, { value: event.target.value })}
                    />
                  )}
                </td>
                <td className="work-secret-cell">
                  <label>
                    <input
                      type="checkbox"
                      aria-label={`Secret ${index + 1}`}
                      checked={row.secret}
                      onChange={(event) => edit(index, { secret: event.target.checked })}
                    />{" "}
                    Secret
                  </label>
                  {row.secret && !isNew && (
                    <button
                      type="button"
                      className="button-quiet"
                      onClick={() => dispatch({ type: "reveal", index, shown: masked })}
                    >
                      {masked ? "Show" : "Hide"}
                    </button>
                  )}
                </td>
                <td>
                  {!isNew && (
                    <button
                      type="button"
                      className="button-quiet"
                      aria-label={`Remove variable ${index + 1}`}
                      onClick={() => dispatch({ type: "remove", index })}
                    >
                      ×
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="work-url-bar">
        <button type="submit" className="button button-primary" disabled={!dirty}>
          Save
        </button>
        {onDelete && (
          <button type="button" className="button" onClick={onDelete}>
            Delete environment
          </button>
        )}
      </div>
    </form>
  );
}

/**
 * A password field whose value is set as a DOM property, not rendered as an attribute
 * (React mirrors a controlled input's value into its `value` attribute), so a hidden
 * secret appears as dots and never in the page's markup.
 */
function MaskedInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const field = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    if (field.current && field.current.value !== value) field.current.value = value;
  }, [value]);
  return (
    <input
      ref={field}
      type="password"
      autoComplete="off"
      aria-label={label}
      className="field work-secret-value"
      placeholder="Value"
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
