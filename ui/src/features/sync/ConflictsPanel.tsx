// The conflicts a sync left in a workspace, as a panel beside the work (never a screen
// that blocks it): per item, **Keep mine**, **Keep theirs** and **See both** (the fields
// side by side, this device's and the server's), and **Keep all mine** for the whole
// workspace. Until someone decides, the item holds the server's values of the fields in
// question; this device's are kept here, so nothing typed is lost.
import { useState } from "react";

import type { SyncConflict } from "../../bindings/SyncConflict";
import { useConflicts, useResolveConflict } from "./queries";
import "./sync.css";

const fieldNames: Record<string, string> = {
  name: "Name",
  description: "Description",
  "spec.method": "Method",
  "spec.url": "URL",
  "spec.params": "Query parameters",
  "spec.headers": "Headers",
  "spec.body": "Body",
  "spec.auth": "Authorization",
  auth: "Authorization",
  scripts: "Scripts",
  variables: "Variables",
  active_environment: "Active environment",
  encrypt_values: "Encrypt all values",
};

const fieldName = (field: string) => fieldNames[field] ?? field;

/** A field's value as text: strings as they are, anything else as JSON. */
function shown(value: unknown): string {
  if (value === undefined || value === null) return "(empty)";
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2);
}

function what(conflict: SyncConflict): string {
  switch (conflict.conflict.kind) {
    case "fields": {
      const names = conflict.conflict.fields.map((f) => fieldName(f.field));
      return `Changed here and on another device: ${names.join(", ")}.`;
    }
    case "deleted_there":
      return "Deleted on another device after you changed it here.";
    case "changed_there":
      return "Changed on another device after you deleted it here.";
  }
}

function ConflictItem({ conflict }: { conflict: SyncConflict }) {
  const [both, setBoth] = useState(false);
  const resolve = useResolveConflict();
  const settle = (keep: "mine" | "theirs") =>
    resolve.mutate({
      workspaceId: conflict.workspace_id,
      entity: conflict.entity,
      entityId: conflict.entity_id,
      keep,
    });
  return (
    <li className="conflict">
      <p className="conflict-title">
        <strong>{conflict.name}</strong> <span className="conflict-kind">{conflict.entity}</span>
      </p>
      <p className="conflict-what">{what(conflict)}</p>
      {both && conflict.conflict.kind === "fields" && (
        <table className="conflict-fields">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">This device</th>
              <th scope="col">Other device (now)</th>
            </tr>
          </thead>
          <tbody>
            {conflict.conflict.fields.map((field) => (
              <tr key={field.field}>
                <th scope="row">{fieldName(field.field)}</th>
                <td>
                  <pre>{shown(field.mine)}</pre>
                </td>
                <td>
                  <pre>{shown(field.theirs)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {resolve.error && (
        <p role="alert" className="conflict-error">
          {resolve.error.message}
        </p>
      )}
      <div className="conflict-actions">
        {(["mine", "theirs"] as const).map((keep) => (
          <button
            key={keep}
            type="button"
            className="button"
            disabled={resolve.isPending}
            onClick={() => settle(keep)}
          >
            Keep {keep}
          </button>
        ))}
        {conflict.conflict.kind === "fields" && (
          <button
            type="button"
            className="button-quiet"
            aria-expanded={both}
            onClick={() => setBoth((was) => !was)}
          >
            {both ? "Hide" : "See both"}
          </button>
        )}
      </div>
    </li>
  );
}

export function ConflictsPanel({ workspaceId }: { workspaceId: string }) {
  const conflicts = useConflicts(workspaceId);
  const keepAll = useResolveConflict();
  const [open, setOpen] = useState(true);
  const list = conflicts.data ?? [];
  if (list.length === 0) return null;
  return (
    <section className="conflicts" aria-label="Sync conflicts">
      <div className="conflicts-head">
        <button
          type="button"
          className="button-quiet conflicts-toggle"
          aria-expanded={open}
          onClick={() => setOpen((was) => !was)}
        >
          {list.length === 1 ? "1 sync conflict" : `${list.length} sync conflicts`}
        </button>
        {open && (
          <button
            type="button"
            className="button"
            disabled={keepAll.isPending}
            onClick={() => keepAll.mutate({ workspaceId })}
          >
            Keep all mine
          </button>
        )}
      </div>
      {open && (
        <ul className="conflict-list">
          {list.map((conflict) => (
            <ConflictItem key={`${conflict.entity}:${conflict.entity_id}`} conflict={conflict} />
          ))}
        </ul>
      )}
    </section>
  );
}
