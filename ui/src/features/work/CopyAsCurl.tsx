// "Copy as curl": the editor's request as a curl command on the clipboard, `{{names}}`
// kept (so no value, a secret's least of all, leaves the app), or with every value
// written out when the person picks that. The command is also shown, selectable, in
// case the clipboard cannot be reached.
import { useState } from "react";

import type { IpcError } from "../../bindings/IpcError";
import type { RequestSpec } from "../../bindings/RequestSpec";
import * as ipc from "../../ipc";

type Props = { workspaceId: string; requestId: string; spec: RequestSpec };

/** `onClipboard`: null while the clipboard is being written. */
type Copied =
  | { command: string; onClipboard: boolean | null; resolved: boolean }
  | { error: string };

export function CopyAsCurl({ workspaceId, requestId, spec }: Props) {
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState<Copied | null>(null);
  const copy = async (resolveValues: boolean) => {
    setOpen(false);
    try {
      const command = await ipc.copyAsCurl(workspaceId, requestId, spec, resolveValues);
      // Shown at once: a clipboard that never answers still leaves it selectable.
      setCopied({ command, onClipboard: null, resolved: resolveValues });
      let onClipboard = true;
      try {
        await navigator.clipboard.writeText(command);
      } catch {
        // No clipboard API here, or the write was refused.
        onClipboard = false;
      }
      setCopied({ command, onClipboard, resolved: resolveValues });
    } catch (error) {
      setCopied({ error: (error as IpcError).message });
    }
  };
  return (
    <span className="work-copy-curl">
      <button type="button" className="button" onClick={() => void copy(false)}>
        Copy as curl
      </button>
      <button
        type="button"
        className="button"
        aria-label="More ways to copy"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        ▾
      </button>
      {open && (
        <span className="work-copy-menu" role="menu">
          <button
            type="button"
            role="menuitem"
            className="button-quiet"
            onClick={() => void copy(true)}
          >
            Copy as curl with values (secrets included)
          </button>
        </span>
      )}
      {copied && "error" in copied && (
        <p role="alert" className="work-error">
          Could not copy as curl: {copied.error}
        </p>
      )}
      {copied && "command" in copied && (
        <span className="work-copied">
          <span role="status">
            {copied.onClipboard === null
              ? "Copying…"
              : copied.onClipboard
                ? `Copied${copied.resolved ? " with values" : ""}.`
                : "The clipboard is not available: select the command and copy it."}
          </span>
          <textarea
            aria-label="Copied curl command"
            className="field work-copied-command"
            readOnly
            value={copied.command}
          />
          <button type="button" className="button-quiet" onClick={() => setCopied(null)}>
            Close
          </button>
        </span>
      )}
    </span>
  );
}
