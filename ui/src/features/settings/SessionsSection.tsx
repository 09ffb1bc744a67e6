// Active sessions: every app and browser signed in to the account, this device marked;
// Revoke one, or Revoke all sessions (every one but this device) after a confirm step.
// The list is asked again after each revoke.
import { useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { Session } from "../../bindings/Session";
import { RelativeTime } from "../../components/RelativeTime";
import { CommandProblem, FormStatus } from "./forms";
import { useRevokeOtherSessions, useRevokeSession } from "./queries";

/** Newest activity first, this device at the top. */
function ordered(sessions: Session[]): Session[] {
  return [...sessions].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.last_seen - a.last_seen,
  );
}

export function SessionsSection({
  account,
  sessions,
}: {
  account: AccountView;
  sessions: Session[];
}) {
  const revoke = useRevokeSession(account.id);
  const revokeOthers = useRevokeOtherSessions(account.id);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState("");
  const others = sessions.filter((session) => !session.current).length;
  const busy = revoke.isPending || revokeOthers.isPending;

  const revokeOne = (session: Session) => {
    setDone("");
    revokeOthers.reset();
    revoke.mutate(session.id, { onSuccess: () => setDone(`Signed out ${sessionTitle(session)}.`) });
  };

  const revokeAll = () => {
    setDone("");
    revoke.reset();
    revokeOthers.mutate(undefined, {
      onSuccess: ({ revoked }) => {
        setConfirming(false);
        setDone(
          revoked === 1 ? "Signed out 1 other session." : `Signed out ${revoked} other sessions.`,
        );
      },
    });
  };

  return (
    <>
      <CommandProblem
        error={revoke.error ?? revokeOthers.error}
        what="Could not revoke the session"
        accountId={account.id}
      />
      <ul className="session-list" aria-label="Sessions">
        {ordered(sessions).map((session) => (
          <li key={session.id} className="session-row" aria-label={sessionLabel(session)}>
            <SessionIcon session={session} />
            <div className="session-text">
              <span className="session-title">
                {sessionTitle(session)}
                {session.current && <span className="tag tag-accent">This device</span>}
              </span>
              <span className="session-detail">
                {[session.device_name ? session.client : null, session.os, session.ip]
                  .filter(Boolean)
                  .join(" · ")}
              </span>
              <span className="session-detail">
                Signed in <RelativeTime at={session.first_seen} />
                {" · Last active "}
                <RelativeTime at={session.last_seen} />
              </span>
            </div>
            {!session.current && (
              <button
                type="button"
                className="button"
                disabled={busy}
                aria-label={`Revoke ${sessionTitle(session)}`}
                onClick={() => revokeOne(session)}
              >
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      <div className="form-actions">
        {confirming ? (
          // biome-ignore lint/a11y/useSemanticElements: kept as it is (issue #9 leaves the DOM unchanged); a fieldset would fit
          <div className="confirm" role="group" aria-label="Confirm revoking all sessions">
            <p>
              Sign out {others === 1 ? "the other session" : `all ${others} other sessions`}? This
              device stays signed in.
            </p>
            <div className="actions-inline">
              <button
                type="button"
                className="button button-danger"
                disabled={busy}
                onClick={revokeAll}
              >
                {revokeOthers.isPending ? "Revoking…" : "Revoke all"}
              </button>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => setConfirming(false)}
              >
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            type="button"
            className="button"
            disabled={others === 0 || busy}
            onClick={() => setConfirming(true)}
          >
            Revoke all sessions
          </button>
        )}
        <FormStatus>{done}</FormStatus>
      </div>
    </>
  );
}

function sessionTitle(session: Session): string {
  return session.device_name ?? session.client;
}

/** The row's whole text for screen readers and the end-to-end test (text may be cut). */
function sessionLabel(session: Session): string {
  const parts = [sessionTitle(session)];
  if (session.device_name) parts.push(session.client);
  if (session.os) parts.push(session.os);
  if (session.ip) parts.push(session.ip);
  if (session.current) parts.push("This device");
  return parts.join(", ");
}

/** A desktop for apps, a globe for browsers; the kind is also said in words. */
function SessionIcon({ session }: { session: Session }) {
  const app = session.kind === "app";
  return (
    <span className="session-icon" title={app ? "App" : "Browser"}>
      <svg
        width="20"
        height="20"
        viewBox="0 0 24 24"
        aria-hidden="true"
        focusable="false"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
      >
        {app ? (
          <>
            <rect x="3" y="4" width="18" height="12" rx="2" />
            <path d="M8 20h8M12 16v4" />
          </>
        ) : (
          <>
            <circle cx="12" cy="12" r="9" />
            <path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3Z" />
          </>
        )}
      </svg>
      <span className="visually-hidden">{app ? "App" : "Browser"}</span>
    </span>
  );
}
