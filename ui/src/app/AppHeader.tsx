// The bar across the top of the app: Courier's name, then the sync indicator, Upgrade (for
// a team on Free) and the team switcher (given by the shell while a signed-in account is
// active) beside the account menu when there are accounts, or a plain Sign In button in
// Scratch Pad mode (no avatar, no nagging).
import type { ReactNode } from "react";

import type { AppSnapshot } from "../bindings/AppSnapshot";
import { CourierMark } from "../components/CourierMark";
import { AccountMenu } from "../features/accounts/AccountMenu";
import { useSignInFlow } from "../features/signin/SignInFlow";
import { activeAccount } from "../queries";

type Props = {
  snapshot: AppSnapshot;
  /** Opens Account Settings; absent when no signed-in account is active. */
  onOpenSettings?: (() => void) | undefined;
  /** The team switcher, before the account menu. */
  teamSwitcher?: ReactNode;
  /** The signed-in account's sync indicator, first in the row. */
  syncIndicator?: ReactNode;
  /** Upgrade, for a team on Free that the account pays for; at the row's end. */
  upgradeButton?: ReactNode;
};

export function AppHeader({
  snapshot,
  onOpenSettings,
  teamSwitcher,
  syncIndicator,
  upgradeButton,
}: Props) {
  const flow = useSignInFlow();
  const active = activeAccount(snapshot);
  return (
    <header className="app-header">
      <span className="brand">
        <CourierMark />
        <span className="brand-name">Courier</span>
      </span>
      <div className="app-header-end">
        {syncIndicator}
        {upgradeButton}
        {teamSwitcher}
        {snapshot.accounts.length > 0 ? (
          <AccountMenu
            accounts={snapshot.accounts}
            active={active}
            onOpenSettings={onOpenSettings}
          />
        ) : (
          <button
            type="button"
            className="button button-primary"
            onClick={() => flow.start({ kind: "signIn" })}
          >
            Sign In
          </button>
        )}
      </div>
    </header>
  );
}
