// Picks the screen from the snapshot and the sign-in flow: keyring unavailable, the
// sign-in screens, the welcome, or the app; and tells Rust once when the first real
// screen is up (first_screen_ready, for the startup benchmark).
import { useEffect, useRef } from "react";
import { KeyringUnavailableScreen } from "../features/accounts/KeyringUnavailableScreen";
import { useBillingEvents } from "../features/billing/queries";
import { useProfileEvents } from "../features/settings/queries";
import { SignInFailedScreen } from "../features/signin/SignInFailedScreen";
import { useSignInFlow } from "../features/signin/SignInFlow";
import { SignInWaitingScreen } from "../features/signin/SignInWaitingScreen";
import { WelcomeScreen } from "../features/signin/WelcomeScreen";
import { useTeamsEvents } from "../features/teams/queries";
import * as ipc from "../ipc";
import { useAppSnapshot, useSnapshotEvents } from "../queries";
import { MainShell } from "./MainShell";
import { StartupErrorScreen } from "./StartupErrorScreen";

export function App() {
  useSnapshotEvents();
  useProfileEvents();
  useTeamsEvents();
  useBillingEvents();
  const snapshot = useAppSnapshot();
  const { state: flow } = useSignInFlow();
  useReportFirstScreen(!snapshot.isPending);

  if (snapshot.isPending)
    // biome-ignore lint/a11y/useAriaPropsSupportedByRole: kept as it is (issue #9 leaves the DOM unchanged); a role="status" would fit
    return <div className="screen" aria-busy="true" aria-label="Starting Courier" />;
  if (snapshot.isError)
    return <StartupErrorScreen error={snapshot.error} onRetry={() => void snapshot.refetch()} />;

  const { data } = snapshot;
  if (data.vault.state === "unavailable") return <KeyringUnavailableScreen vault={data.vault} />;
  // While Skip is being handled, the screen it was pressed on stays (its buttons off).
  const shown = flow.phase === "leaving" ? flow.from : flow;
  switch (shown.phase) {
    case "starting":
      return <SignInWaitingScreen started={null} />;
    case "waiting":
      return <SignInWaitingScreen started={shown.started} />;
    case "failed":
      return (
        <SignInFailedScreen
          error={shown.error}
          choice={shown.choice}
          hasAccounts={data.accounts.length > 0}
        />
      );
    case "idle":
      break;
  }
  if (data.accounts.length === 0 && !data.welcomeDone)
    return <WelcomeScreen defaultServer={data.defaultServer} />;
  return <MainShell snapshot={data} />;
}

function useReportFirstScreen(ready: boolean) {
  const reported = useRef(false);
  useEffect(() => {
    if (!ready || reported.current) return;
    reported.current = true;
    ipc.firstScreenReady().catch((error: unknown) => console.warn("first_screen_ready:", error));
  }, [ready]);
}
