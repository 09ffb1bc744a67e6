// Shown when no keyring can keep tokens: why, what to do, and the two ways on —
// check again (retry_keyring) or keep tokens in memory for this run only
// (continue_without_keyring).
import type { VaultStatus } from "../../bindings/VaultStatus";
import { CommandError } from "../../components/CommandError";
import { ScreenHeading } from "../../components/ScreenHeading";
import { useContinueWithoutKeyring, useRetryKeyring } from "../../queries";

type Unavailable = Extract<VaultStatus, { state: "unavailable" }>;

export function KeyringUnavailableScreen({ vault }: { vault: Unavailable }) {
  const retry = useRetryKeyring();
  const continueWithout = useContinueWithoutKeyring();
  const busy = retry.isPending || continueWithout.isPending;
  const stillUnavailable = retry.isSuccess && retry.data.vault.state === "unavailable";

  return (
    <main className="screen">
      <div className="screen-body">
        <ScreenHeading>Courier cannot store your sign-in securely</ScreenHeading>
        <p>
          Courier keeps sign-in tokens only in your system's keyring, never in a plain file, and no
          keyring can be reached right now.
        </p>
        <dl className="details details-stacked">
          <dt>What happened</dt>
          <dd>{vault.reason}</dd>
          <dt>How to fix it</dt>
          <dd>{vault.remedy}</dd>
        </dl>
        <CommandError commands={["retry_keyring", "continue_without_keyring"]} />
        <div className="actions">
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            aria-busy={retry.isPending}
            onClick={() => retry.mutate()}
          >
            Try again
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            aria-busy={continueWithout.isPending}
            onClick={() => continueWithout.mutate()}
          >
            Stay signed in for this session only
          </button>
        </div>
        <p className="field-hint" role="status">
          {stillUnavailable
            ? "Checked again: the keyring is still not available."
            : "For this session only: tokens stay in memory and are gone when Courier quits."}
        </p>
      </div>
    </main>
  );
}
