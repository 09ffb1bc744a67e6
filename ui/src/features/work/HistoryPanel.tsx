// The workspace's History in the work area: the requests it sent, newest first (method,
// URL as sent with secrets masked, status or why nothing came back, time taken, when).
// A click opens the saved request it was sent from in its tab; an entry whose request
// was deleted since stays listed, not openable. "Clear history" empties it.
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { HistoryEntry } from "../../bindings/HistoryEntry";
import type { IpcError } from "../../bindings/IpcError";
import * as ipc from "../../ipc";
import { historyKey, useHistory } from "./queries";

type Props = {
  workspaceId: string;
  /** Whether the request an entry was sent from still exists. */
  canOpen: (requestId: string) => boolean;
  onOpen: (requestId: string) => void;
  onClose: () => void;
};

/** What came back: the status, or why nothing did. */
export function outcome(entry: HistoryEntry): string {
  return entry.status !== null ? String(entry.status) : (entry.error ?? "no response");
}

export function HistoryPanel({ workspaceId, canOpen, onOpen, onClose }: Props) {
  const history = useHistory(workspaceId);
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const entries = history.data ?? [];
  const clear = async () => {
    setError(null);
    try {
      await ipc.clearHistory(workspaceId);
    } catch (failure) {
      setError((failure as IpcError).message);
    }
    await queryClient.invalidateQueries({ queryKey: historyKey(workspaceId) });
  };
  return (
    <section className="work-history" aria-label="History">
      <div className="work-history-head">
        <h2 className="work-editor-title">History</h2>
        <button
          type="button"
          className="button"
          disabled={entries.length === 0}
          onClick={() => void clear()}
        >
          Clear history
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
      {(history.error || error) && (
        <p role="alert" className="work-error">
          {history.error?.message ?? error}
        </p>
      )}
      {history.isSuccess && entries.length === 0 && (
        <p className="work-empty">Requests you send appear here.</p>
      )}
      <ol className="work-history-list">
        {entries.map((entry) => {
          const from = entry.request_id;
          const openable = from !== null && canOpen(from);
          const when = new Date(entry.sent_at).toLocaleString();
          return (
            <li key={entry.id}>
              <button
                type="button"
                className="work-history-entry"
                aria-label={`${entry.method} ${entry.url} ${outcome(entry)}`}
                title={openable ? "Open the request" : "Its request was deleted"}
                disabled={!openable}
                onClick={() => from !== null && onOpen(from)}
              >
                <span className="work-method">{entry.method}</span>
                <span className="work-history-url">{entry.url}</span>
                <span className="work-history-status">{outcome(entry)}</span>
                <span className="work-history-time">{entry.duration_ms} ms</span>
                <time
                  className="work-history-when"
                  dateTime={new Date(entry.sent_at).toISOString()}
                >
                  {when}
                </time>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
