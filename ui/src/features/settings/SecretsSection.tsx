// Synced secrets: what end-to-end encryption of secret values means for the person, then
// either the unlock form (this device cannot read them yet: the account's sync status
// says `secrets_locked`) or Show recovery key, which asks Rust for the key this device
// keeps and shows it (Copy, Hide) only until hidden; a device that never had it says
// where to find it instead.
import { useId, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { IpcError } from "../../bindings/IpcError";
import { useCopyText } from "../../components/useCopyText";
import { useRecoveryKey, useSyncStatus } from "../sync/queries";
import { UnlockSecretsForm } from "../sync/UnlockSecretsForm";
import { CommandProblem } from "./forms";

export function SecretsSection({ account }: { account: AccountView }) {
  const locked = useSyncStatus(account.id).data?.secrets_locked ?? false;
  return (
    <>
      <p>
        Secret values in synced workspaces are encrypted on this device before they leave it, so
        only your devices can read them. Your recovery key is what lets a new device read them: keep
        it somewhere safe, because Courier cannot recover it for you.
      </p>
      <UnlockSecretsForm accountId={account.id} locked={locked} />
      {!locked && <RecoveryKey accountId={account.id} />}
    </>
  );
}

/** Show recovery key, which becomes Hide (one button, so focus stays) below the key. */
function RecoveryKey({ accountId }: { accountId: string }) {
  const [shown, setShown] = useState(false);
  const recoveryKey = useRecoveryKey(accountId, shown);
  const { copy, said } = useCopyText({ copied: "Copied", what: "the key" });
  const boxId = useId();
  const key = shown ? recoveryKey.data : undefined;
  return (
    <div className="recovery-key">
      {shown && (
        <div id={boxId}>
          <RecoveryKeyShown
            accountId={accountId}
            recoveryKey={key}
            error={recoveryKey.isPending ? null : recoveryKey.error}
          />
        </div>
      )}
      <div className="actions-inline">
        {typeof key === "string" && (
          <button type="button" className="button" onClick={() => void copy(key)}>
            Copy
          </button>
        )}
        <button
          type="button"
          className="button"
          aria-expanded={shown}
          aria-controls={shown ? boxId : undefined}
          onClick={() => setShown((was) => !was)}
        >
          {shown ? "Hide" : "Show recovery key"}
        </button>
      </div>
      <p role="status" className="form-status">
        {said}
      </p>
    </div>
  );
}

type ShownProps = {
  accountId: string;
  /** The key; null when this device does not keep it; undefined while asked or failed. */
  recoveryKey: string | null | undefined;
  error: IpcError | null;
};

function RecoveryKeyShown({ accountId, recoveryKey, error }: ShownProps) {
  if (error)
    return (
      <CommandProblem error={error} what="Could not read the recovery key" accountId={accountId} />
    );
  if (recoveryKey === undefined)
    return (
      <p role="status" className="form-status">
        Reading the recovery key…
      </p>
    );
  if (recoveryKey === null)
    return (
      <p className="recovery-key-missing">
        This device does not keep the recovery key. Find it on the device where you first synced, or
        where you last entered it.
      </p>
    );
  return (
    <>
      <p className="field-label">Your recovery key</p>
      <code className="recovery-key-value">{recoveryKey}</code>
    </>
  );
}
