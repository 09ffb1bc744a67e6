// Shows why the latest of some commands failed (e.g. "Could not sign out: …"), read
// from TanStack Query's mutation cache; it goes away once the next try succeeds or the
// person dismisses it.

import { useMutationState } from "@tanstack/react-query";
import { useState } from "react";

import type { IpcError } from "../bindings/IpcError";

const whatFailed: Record<string, string> = {
  switch_account: "Could not switch accounts",
  sign_out: "Could not sign out",
  sign_out_all: "Could not sign out of all accounts",
  skip_sign_in: "Could not open Courier without an account",
  continue_without_keyring: "Could not continue without the keyring",
  retry_keyring: "Could not check the keyring again",
  reopen_browser: "Could not open your browser",
};

export function CommandError({ commands }: { commands: readonly string[] }) {
  const runs = useMutationState({
    filters: {
      predicate: (mutation) => commands.includes(String(mutation.options.mutationKey?.[0])),
    },
    select: (mutation) => ({
      command: String(mutation.options.mutationKey?.[0]),
      status: mutation.state.status,
      error: mutation.state.error as IpcError | null,
      submittedAt: mutation.state.submittedAt,
    }),
  });
  const [dismissedAt, setDismissedAt] = useState(0);

  const latest = runs.reduce<(typeof runs)[number] | undefined>(
    (newest, run) => (!newest || run.submittedAt >= newest.submittedAt ? run : newest),
    undefined,
  );
  if (latest?.status !== "error" || !latest.error || latest.submittedAt <= dismissedAt) return null;

  return (
    <div role="alert" className="notice notice-error">
      <p>
        <strong>{whatFailed[latest.command] ?? "Something went wrong"}.</strong>{" "}
        {latest.error.message}
      </p>
      <button
        type="button"
        className="button-quiet"
        onClick={() => setDismissedAt(latest.submittedAt)}
      >
        Dismiss
      </button>
    </div>
  );
}
