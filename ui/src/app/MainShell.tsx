// The app itself: header with the account menu (or Sign In), the email banner, the main
// area and the status line saying where tokens are kept. The main area shows, for the
// active signed-in account, Configure your account until its profile is configured, then
// its overview above its work (the Scratch Pad and its own workspaces), or Account
// Settings; for an account the server signed out, its overview (Sign in again) above the
// same work (nothing on this device waits for a sign-in); without one, the Scratch Pad.
import { useState } from "react";

import type { AccountView } from "../bindings/AccountView";
import type { AppSnapshot } from "../bindings/AppSnapshot";
import { CommandError } from "../components/CommandError";
import { AccountOverview } from "../features/accounts/AccountOverview";
import { EmailUnconfirmedBanner } from "../features/accounts/EmailUnconfirmedBanner";
import { VaultStatusLine } from "../features/accounts/VaultStatusLine";
import { ConfigureAccountScreen } from "../features/settings/ConfigureAccountScreen";
import { useProfile } from "../features/settings/queries";
import { SettingsScreen } from "../features/settings/SettingsScreen";
import { WorkArea } from "../features/work/WorkArea";
import { activeAccount } from "../queries";
import { AppHeader } from "./AppHeader";

const shellCommands = ["switch_account", "sign_out", "sign_out_all", "skip_sign_in"] as const;

export function MainShell({ snapshot }: { snapshot: AppSnapshot }) {
  const active = activeAccount(snapshot);
  const signedIn = active && !active.signedOut ? active : undefined;
  // Settings belong to the account they were opened for; switching accounts leaves them.
  const [settingsFor, setSettingsFor] = useState<string | null>(null);
  const openSettings = signedIn ? () => setSettingsFor(signedIn.id) : undefined;
  return (
    <div className="shell">
      <AppHeader snapshot={snapshot} onOpenSettings={openSettings} />
      {active && !active.emailVerified && <EmailUnconfirmedBanner account={active} />}
      <main className="shell-main">
        <CommandError commands={shellCommands} />
        {signedIn ? (
          <SignedInMain
            account={signedIn}
            snapshot={snapshot}
            settingsOpen={settingsFor === signedIn.id}
            onCloseSettings={() => setSettingsFor(null)}
          />
        ) : active ? (
          // The server ended this sign-in: "Sign in again" above, the work still here.
          <>
            <AccountOverview account={active} vault={snapshot.vault} />
            <WorkArea accountId={active.id} />
          </>
        ) : (
          <WorkArea accountId={null} />
        )}
      </main>
      <VaultStatusLine vault={snapshot.vault} />
    </div>
  );
}

type SignedInProps = {
  account: AccountView;
  snapshot: AppSnapshot;
  settingsOpen: boolean;
  onCloseSettings: () => void;
};

function SignedInMain({ account, snapshot, settingsOpen, onCloseSettings }: SignedInProps) {
  // The overview shows while the profile loads (or cannot be loaded: the app never waits
  // on the network); only a profile that says so asks to be configured.
  const profile = useProfile(account.id);
  if (profile.data && !profile.data.configured)
    return <ConfigureAccountScreen key={account.id} account={account} profile={profile.data} />;
  if (settingsOpen)
    return <SettingsScreen key={account.id} account={account} onBack={onCloseSettings} />;
  return (
    <>
      <AccountOverview account={account} vault={snapshot.vault} />
      <WorkArea accountId={account.id} />
    </>
  );
}
