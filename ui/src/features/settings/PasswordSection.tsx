// Password: the current one, a new one (the server judges its strength) typed twice
// (the two must match before anything is sent), and whether the account's other
// sessions stay signed in (off by default: changing a password usually means "lock
// everyone else out").
import { type FormEvent, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import { CommandProblem, FormStatus, fieldErrors, TextField } from "./forms";
import { useChangePassword } from "./queries";

export function PasswordSection({ account }: { account: AccountView }) {
  const change = useChangePassword(account.id);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [keepOthers, setKeepOthers] = useState(false);
  const [checkConfirm, setCheckConfirm] = useState(false);
  const [keptOthers, setKeptOthers] = useState(false);

  const errors = change.isError ? fieldErrors(change.error) : {};
  const mismatch = checkConfirm && confirm !== next ? "The two new passwords differ." : undefined;
  const ready = current !== "" && next !== "" && confirm !== "";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCheckConfirm(true);
    if (!ready || confirm !== next || change.isPending) return;
    change.mutate(
      { current_password: current, new_password: next, keep_other_sessions: keepOthers },
      {
        onSuccess: () => {
          setKeptOthers(keepOthers);
          setCurrent("");
          setNext("");
          setConfirm("");
          setCheckConfirm(false);
        },
      },
    );
  };

  return (
    <form className="settings-form" onSubmit={submit} aria-label="Change password" noValidate>
      <CommandProblem
        error={change.error}
        what="Could not change your password"
        accountId={account.id}
        shownFields={["current_password", "new_password"]}
      />
      <TextField
        label="Current password"
        name="current_password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={setCurrent}
        error={errors["current_password"]}
      />
      <TextField
        label="New password"
        name="new_password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={setNext}
        error={errors["new_password"]}
        hint="At least 8 characters; a few unrelated words are strong. Common passwords are refused."
      />
      <TextField
        label="Confirm new password"
        name="confirm_password"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={setConfirm}
        onBlur={() => confirm !== "" && setCheckConfirm(true)}
        error={mismatch}
      />
      <label className="checkbox">
        <input
          type="checkbox"
          name="keep_other_sessions"
          checked={keepOthers}
          onChange={(event) => setKeepOthers(event.target.checked)}
        />
        Keep my other sessions signed in
      </label>
      <p className="field-hint">Otherwise every other device and browser is signed out.</p>
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!ready || change.isPending}
        >
          {change.isPending ? "Changing…" : "Change password"}
        </button>
        <FormStatus>
          {change.isSuccess
            ? keptOthers
              ? "Password changed. Your other sessions stay signed in."
              : "Password changed. Your other sessions were signed out."
            : ""}
        </FormStatus>
      </div>
    </form>
  );
}
