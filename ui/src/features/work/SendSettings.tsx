// The Settings tab of the request editor: how the workspace's requests are sent (the
// timeout, following redirects, verifying TLS certificates), saved as soon as changed.
// They are the workspace's, not one request's: the tab says so.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { IpcError } from "../../bindings/IpcError";
import type { SendOptions } from "../../bindings/SendOptions";
import * as ipc from "../../ipc";
import { sendOptionsKey } from "./queries";

type Props = { workspaceId: string; options: SendOptions };

export function SendSettings({ workspaceId, options }: Props) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [timeoutText, setTimeoutText] = useState(String(options.timeout_ms));
  const change = async (next: SendOptions) => {
    setError(null);
    try {
      const saved = await ipc.setSendOptions(workspaceId, next);
      queryClient.setQueryData(sendOptionsKey(workspaceId), saved);
    } catch (failure) {
      setError((failure as IpcError).message);
    }
  };
  const commitTimeout = () => {
    const trimmed = timeoutText.trim();
    if (!/^\d+$/.test(trimmed)) {
      setError("The timeout is a whole number of milliseconds (0 for none).");
      return;
    }
    const timeout_ms = Number(trimmed);
    if (timeout_ms !== options.timeout_ms) void change({ ...options, timeout_ms });
    else setError(null);
  };
  return (
    <div className="work-send-settings">
      <p className="work-note">These apply to every request in this workspace.</p>
      <label className="work-auth-field">
        <span className="field-label">Timeout (ms, 0 for none)</span>
        <input
          aria-label="Timeout in milliseconds"
          name="timeout_ms"
          className="field"
          inputMode="numeric"
          value={timeoutText}
          onChange={(event) => setTimeoutText(event.target.value)}
          onBlur={commitTimeout}
          onKeyDown={(event) => {
            if (event.key === "Enter") commitTimeout();
          }}
        />
      </label>
      <label className="work-check">
        <input
          type="checkbox"
          name="follow_redirects"
          checked={options.follow_redirects}
          onChange={(event) => void change({ ...options, follow_redirects: event.target.checked })}
        />
        Follow redirects
      </label>
      <label className="work-check">
        <input
          type="checkbox"
          name="verify_tls"
          checked={options.verify_tls}
          onChange={(event) => void change({ ...options, verify_tls: event.target.checked })}
        />
        Verify TLS certificates
      </label>
      {error && (
        <p role="alert" className="work-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Shown on the editor while the workspace sends without verifying certificates. */
export function TlsWarning() {
  return (
    <p className="work-tls-warning" role="status">
      TLS certificate verification is off for this workspace: any server can pretend to be the one
      you address.
    </p>
  );
}
