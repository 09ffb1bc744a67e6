// Unlocking an account's synced secret values on this device: another device made the
// account's key, so secrets sync here but stay unreadable until the person types the
// recovery key that device keeps. Shown in the sync indicator's panel and in Account
// Settings → Synced secrets while the account's status says `secrets_locked`; after
// Unlock it says so (the secrets arrive with the sync round that follows) and stays
// until it unmounts, even once the status turns unlocked.
import { type FormEvent, useState } from "react";

import { CommandProblem, FormStatus, fieldErrors, TextField } from "../settings/forms";
import { useUnlockSecrets } from "./queries";
import "./sync.css";

type Props = { accountId: string; locked: boolean };

export function UnlockSecretsForm({ accountId, locked }: Props) {
  const unlock = useUnlockSecrets(accountId);
  const [recoveryKey, setRecoveryKey] = useState("");
  const [unlocked, setUnlocked] = useState(false);
  if (!locked && !unlocked) return null;

  const errors = unlock.isError ? fieldErrors(unlock.error) : {};
  const ready = recoveryKey.trim() !== "" && !unlock.isPending;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    unlock.mutate(recoveryKey, {
      onSuccess: () => {
        setRecoveryKey("");
        setUnlocked(true);
      },
    });
  };

  return (
    <div className="unlock-secrets">
      {!unlocked && (
        <form aria-label="Unlock secrets" onSubmit={submit} noValidate>
          <p>
            Secret values from your other devices are locked on this device. Enter your recovery key
            to read them.
          </p>
          <CommandProblem
            error={unlock.error}
            what="Could not unlock"
            accountId={accountId}
            shownFields={["recovery_key"]}
          />
          <TextField
            label="Recovery key"
            name="recovery_key"
            code
            value={recoveryKey}
            onChange={setRecoveryKey}
            error={errors["recovery_key"]}
            hint="Account Settings → Synced secrets shows it on your other device."
          />
          <button type="submit" className="button button-primary" disabled={!ready}>
            Unlock
          </button>
        </form>
      )}
      <FormStatus>{unlocked && "Unlocked — secrets will appear as they sync."}</FormStatus>
    </div>
  );
}
