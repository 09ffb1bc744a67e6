// The app itself: header with the account menu (or Sign In), the email banner, the main
// area (account overview or Scratch Pad) and the status line saying where tokens are kept.
import type { AppSnapshot } from "../bindings/AppSnapshot";
import { AccountOverview } from "../components/AccountOverview";
import { AppHeader } from "../components/AppHeader";
import { CommandError } from "../components/CommandError";
import { EmailUnconfirmedBanner } from "../components/EmailUnconfirmedBanner";
import { ScratchPadPanel } from "../components/ScratchPadPanel";
import { VaultStatusLine } from "../components/VaultStatusLine";
import { activeAccount } from "../queries";

const shellCommands = ["switch_account", "sign_out", "sign_out_all", "skip_sign_in"] as const;

export function MainShell({ snapshot }: { snapshot: AppSnapshot }) {
  const active = activeAccount(snapshot);
  return (
    <div className="shell">
      <AppHeader snapshot={snapshot} />
      {active && !active.emailVerified && <EmailUnconfirmedBanner account={active} />}
      <main className="shell-main">
        <CommandError commands={shellCommands} />
        {active ? <AccountOverview account={active} vault={snapshot.vault} /> : <ScratchPadPanel />}
      </main>
      <VaultStatusLine vault={snapshot.vault} />
    </div>
  );
}
