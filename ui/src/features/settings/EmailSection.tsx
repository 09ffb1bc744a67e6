// Email: the current address (and whether it is confirmed), a change waiting for its
// link (which can be cancelled), and the form to ask for a new one. The address changes only when the link mailed
// to the new address is opened; until then the current one stays in use.
import { type FormEvent, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { Profile } from "../../bindings/Profile";
import { CommandProblem, FormStatus, fieldErrors, TextField } from "./forms";
import { useCancelEmailChange, useChangeEmail } from "./queries";

export function EmailSection({ account, profile }: { account: AccountView; profile: Profile }) {
  const change = useChangeEmail(account.id);
  const cancel = useCancelEmailChange(account.id);
  const [newEmail, setNewEmail] = useState("");
  const [password, setPassword] = useState("");
  const errors = change.isError ? fieldErrors(change.error) : {};
  const ready = newEmail.trim() !== "" && password !== "";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready || change.isPending) return;
    change.mutate(
      { new_email: newEmail.trim(), current_password: password },
      {
        onSuccess: () => {
          setNewEmail("");
          setPassword("");
        },
      },
    );
  };

  return (
    <>
      <dl className="details">
        <dt>Current address</dt>
        <dd>
          {profile.email}
          {!profile.email_verified && <span className="tag tag-warning">Not confirmed</span>}
        </dd>
      </dl>
      {profile.pending_email && (
        // biome-ignore lint/a11y/useAriaPropsSupportedByRole: kept as it is (issue #9 leaves the DOM unchanged); a role="status" or "region" would fit
        <div className="notice notice-info" aria-label="Pending email change">
          <p>
            <strong>Waiting for confirmation.</strong> We sent a link to {profile.pending_email}.
            Your address changes to it once that link is opened; until then you keep using{" "}
            {profile.email}.
          </p>
          <CommandProblem
            error={cancel.error}
            what="Could not cancel the change"
            accountId={account.id}
          />
          <button
            type="button"
            className="button"
            disabled={cancel.isPending}
            onClick={() => {
              change.reset();
              cancel.mutate(undefined);
            }}
          >
            {cancel.isPending ? "Cancelling…" : "Cancel change"}
          </button>
        </div>
      )}
      <form className="settings-form" onSubmit={submit} aria-label="Change email" noValidate>
        <h3 className="settings-subtitle">Change email</h3>
        <CommandProblem
          error={change.error}
          what="Could not change your email"
          accountId={account.id}
          shownFields={["new_email", "current_password"]}
        />
        <TextField
          label="New email"
          name="new_email"
          type="email"
          autoComplete="email"
          value={newEmail}
          onChange={setNewEmail}
          error={errors["new_email"]}
        />
        <TextField
          label="Current password"
          name="current_password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
          error={errors["current_password"]}
          hint="To confirm it is you."
        />
        <div className="form-actions">
          <button
            type="submit"
            className="button button-primary"
            disabled={!ready || change.isPending}
          >
            {change.isPending ? "Sending…" : "Change email"}
          </button>
          <FormStatus>
            {change.isSuccess && change.data.pending_email
              ? `Check ${change.data.pending_email} for a confirmation link.`
              : ""}
          </FormStatus>
        </div>
      </form>
    </>
  );
}
