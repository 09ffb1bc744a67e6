// Asks before signing out (of one account, or of all): the account's workspaces stay on
// this device and come back at its next sign-in, unless the person ticks "Also remove …
// from this device" (what has synced comes back from the server at the next sign-in,
// its secrets readable again with the recovery key; changes not yet synced are named, as
// they would be lost). Escape or Cancel keeps
// everything as it was; focus starts on Sign out
// and goes back to the account menu's button when the dialog closes.
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import { useSignOut, useSignOutAll } from "../../queries";
import { useSyncStatus } from "../sync/queries";

/** Whom to sign out of. */
export type SignOutTarget = { kind: "one"; account: AccountView } | { kind: "all"; count: number };

type Props = { target: SignOutTarget; onClose: () => void };

export function SignOutDialog({ target, onClose }: Props) {
  const [removeWork, setRemoveWork] = useState(false);
  // Changes not yet on the server are what removing this device's copy would lose.
  const status = useSyncStatus(target.kind === "one" ? target.account.id : undefined);
  const waiting = target.kind === "one" ? (status.data?.pending ?? 0) : 0;
  const signOut = useSignOut();
  const signOutAll = useSignOutAll();
  const confirm = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const explanationId = useId();

  useEffect(() => confirm.current?.focus(), []);

  const title =
    target.kind === "one"
      ? `Sign out of ${target.account.email ?? target.account.displayName}?`
      : `Sign out of all ${target.count} accounts?`;
  const whose = target.kind === "one" ? "this account's" : "their";
  const onConfirm = () => {
    if (target.kind === "one") signOut.mutate({ id: target.account.id, removeWork });
    else signOutAll.mutate(removeWork);
    onClose();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={explanationId}
        className="dialog card"
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        <p id={explanationId}>
          {target.kind === "one" ? "Its" : "Their"} workspaces stay on this device and come back
          when you sign in again. The Scratch Pad stays either way.
        </p>
        <label className="checkbox">
          <input
            type="checkbox"
            name="remove_work"
            checked={removeWork}
            onChange={(event) => setRemoveWork(event.target.checked)}
          />
          Also remove {whose} workspaces from this device
        </label>
        {removeWork && (
          <p className="dialog-note">
            What has synced stays in the account and comes back at the next sign-in. The key to its
            synced secrets goes too: keep your recovery key (Account Settings → Synced secrets) to
            read them here again.
          </p>
        )}
        {removeWork && waiting > 0 && (
          <p role="alert" className="dialog-warning">
            {waiting === 1
              ? "1 change has not reached the server yet and would be lost."
              : `${waiting} changes have not reached the server yet and would be lost.`}
          </p>
        )}
        <div className="form-actions dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            ref={confirm}
            type="button"
            className={removeWork ? "button button-danger" : "button button-primary"}
            onClick={onConfirm}
          >
            {removeWork ? "Sign out and remove" : "Sign out"}
          </button>
        </div>
      </div>
    </div>
  );
}
