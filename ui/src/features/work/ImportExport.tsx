// Files in and out of the sidebar: Import (a Postman v2.1 collection, a Postman
// environment or a Courier file, told apart on the Rust side), Export of a collection as
// Postman v2.1 or Courier (secret values left out unless ticked), and a pasted curl
// command as a new request. The webview only asks for a path (the native file chooser);
// Rust reads and writes the file.
import { useState } from "react";

import type { ExportFormat } from "../../bindings/ExportFormat";
import type { ImportSummary } from "../../bindings/ImportSummary";
import type { IpcError } from "../../bindings/IpcError";
import type { Request } from "../../bindings/Request";
import * as ipc from "../../ipc";
import { SideForm } from "./SideForm";
import type { Row } from "./treeModel";

/** "Imported Shop API: 12 requests (2 warnings)". */
export function importLine(summary: ImportSummary): string {
  const warnings = summary.warnings.length;
  const count =
    summary.kind === "collection"
      ? `${summary.requests} request${summary.requests === 1 ? "" : "s"}`
      : "environment";
  return `Imported ${summary.name}: ${count} (${warnings} warning${warnings === 1 ? "" : "s"})`;
}

/** Import…: asks for a file, imports it into the workspace, reports the outcome. */
export function ImportButton({
  workspaceId,
  onImported,
  onError,
}: {
  workspaceId: string;
  onImported: (summary: ImportSummary) => void;
  onError: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="button"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const path = await ipc.chooseOpenFile("Import a collection or environment", ["json"]);
          if (path) onImported(await ipc.importFile(workspaceId, path));
        } catch (failure) {
          onError((failure as IpcError).message);
        } finally {
          setBusy(false);
        }
      }}
    >
      Import…
    </button>
  );
}

const FILE_ENDINGS: Record<ExportFormat, string> = {
  postman: ".postman_collection.json",
  courier: ".courier.json",
};

/** The export choices for collection `row`, then the save dialog. */
export function ExportForm({
  row,
  onClose,
  onDone,
}: {
  row: Row;
  onClose: () => void;
  onDone: (line: string) => void;
}) {
  const [format, setFormat] = useState<ExportFormat>("postman");
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <SideForm
      submit="Export…"
      label={`Export ${row.name}`}
      error={error}
      onClose={onClose}
      onSubmit={async () => {
        setError(null);
        try {
          const path = await ipc.chooseSaveFile(
            `Export ${row.name}`,
            row.name + FILE_ENDINGS[format],
          );
          if (!path) return;
          await ipc.exportCollection(row.id, path, format, includeSecrets);
          onClose();
          onDone(`Exported ${row.name} to ${path}`);
        } catch (failure) {
          setError((failure as IpcError).message);
        }
      }}
    >
      <p className="field-label">Export “{row.name}”</p>
      <label className="field-label" htmlFor="export-format">
        Format
      </label>
      <select
        id="export-format"
        className="field"
        value={format}
        onChange={(event) => setFormat(event.target.value as ExportFormat)}
      >
        <option value="postman">Postman Collection v2.1</option>
        <option value="courier">Courier</option>
      </select>
      <label className="work-check">
        <input
          type="checkbox"
          checked={includeSecrets}
          onChange={(event) => setIncludeSecrets(event.target.checked)}
        />{" "}
        Include secret values
      </label>
    </SideForm>
  );
}

/** A pasted curl command becomes a new request in collection or folder `row`. */
export function CurlForm({
  row,
  onClose,
  onCreated,
}: {
  row: Row;
  onClose: () => void;
  onCreated: (request: Request) => void;
}) {
  const [command, setCommand] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <SideForm
      submit="Create request"
      submitDisabled={!command.trim()}
      error={error}
      onClose={onClose}
      onSubmit={async () => {
        setError(null);
        const place = {
          collection_id: row.collectionId,
          folder_id: row.kind === "folder" ? row.id : null,
          index: null,
        };
        try {
          const created = await ipc.requestFromCurl(place, command);
          onClose();
          onCreated(created);
        } catch (failure) {
          setError((failure as IpcError).message);
        }
      }}
    >
      <label className="field-label" htmlFor="curl-command">
        Paste a curl command (a new request in “{row.name}”)
      </label>
      <textarea
        id="curl-command"
        className="field work-curl"
        value={command}
        rows={4}
        // biome-ignore lint/a11y/noAutofocus: the person just asked to paste a command
        autoFocus
        onChange={(event) => setCommand(event.target.value)}
      />
    </SideForm>
  );
}
