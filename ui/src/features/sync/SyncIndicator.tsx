// The header's sync indicator for the signed-in account: a dot and a word (Synced in
// green, Syncing…, Offline, Sync error) with the pending-changes count beside it. Pressed,
// it opens a small panel that says more (when it last synced, why it failed, how many
// changes wait, how many conflicts) with **Sync now** (**Retry** after an error). Never
// blocking: the panel closes with Escape or a press outside. While the account's synced
// secrets are locked on this device, a lock beside the word says so and the panel asks
// for the recovery key.
import { useEffect, useId, useRef, useState } from "react";

import type { SyncStatus } from "../../bindings/SyncStatus";
import { RelativeTime } from "../../components/RelativeTime";
import { useSyncNow, useSyncStatus } from "./queries";
import { UnlockSecretsForm } from "./UnlockSecretsForm";
import "./sync.css";

const words: Record<SyncStatus["state"], string> = {
  synced: "Synced",
  syncing: "Syncing…",
  offline: "Offline",
  error: "Sync error",
};

function plural(count: number, one: string, many: string) {
  return `${count} ${count === 1 ? one : many}`;
}

export function SyncIndicator({ accountId }: { accountId: string }) {
  const status = useSyncStatus(accountId);
  const syncNow = useSyncNow();
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpen(false);
    };
    document.addEventListener("pointerdown", closeOutside);
    document.addEventListener("keydown", closeOnEscape);
    return () => {
      document.removeEventListener("pointerdown", closeOutside);
      document.removeEventListener("keydown", closeOnEscape);
    };
  }, [open]);

  const data = status.data;
  if (!data) return null;
  const label = words[data.state];
  const syncedAt = data.synced_at === null ? null : Math.floor(data.synced_at / 1000);
  const waiting = data.pending > 0 ? `, ${plural(data.pending, "change", "changes")} waiting` : "";
  const locked = data.secrets_locked ? ", secrets locked" : "";
  return (
    <div className="sync-indicator" ref={container}>
      <button
        type="button"
        className={`sync-button sync-${data.state}`}
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Sync: ${label}${waiting}${locked}`}
        onClick={() => setOpen((was) => !was)}
      >
        <span className="sync-dot" aria-hidden="true" />
        <span className="sync-word">{label}</span>
        {data.pending > 0 && (
          <span className="sync-count" aria-hidden="true">
            {data.pending}
          </span>
        )}
        {data.secrets_locked && <LockMark />}
      </button>
      {open && (
        <section id={panelId} className="sync-panel" aria-label="Sync">
          <p className="sync-panel-state">
            <strong>{label}</strong>
            {data.state === "synced" && " — your work is backed up."}
            {data.state === "offline" && " — changes wait on this device and go when it's back."}
          </p>
          {syncedAt !== null && (
            <p>
              Last synced <RelativeTime at={syncedAt} />
            </p>
          )}
          {data.error && (
            <p className="sync-panel-error" role="alert">
              {data.error}
            </p>
          )}
          <p>
            {data.pending === 0
              ? "No changes waiting."
              : `${plural(data.pending, "change", "changes")} waiting to sync.`}
          </p>
          {data.conflicts > 0 && (
            <p className="sync-panel-conflicts">
              {plural(data.conflicts, "conflict", "conflicts")} to review in the workspace.
            </p>
          )}
          <button
            type="button"
            className="button"
            disabled={syncNow.isPending || data.state === "syncing"}
            onClick={() => syncNow.mutate(accountId)}
          >
            {data.state === "error" ? "Retry" : "Sync now"}
          </button>
          <UnlockSecretsForm accountId={accountId} locked={data.secrets_locked} />
        </section>
      )}
    </div>
  );
}

/** A small padlock: secrets are locked on this device (the button's label says it in words). */
function LockMark() {
  return (
    <svg
      className="sync-lock"
      width="12"
      height="12"
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
    >
      <rect x="3" y="7" width="10" height="7" rx="1.5" />
      <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
    </svg>
  );
}
