// The avatar button in the header and the menu it opens (WAI-ARIA menu button): every
// account, switching, "Sign in again" for accounts the server signed out, Add a new
// account, Sign out, Sign out of all accounts (both asked in SignOutDialog, which offers to
// remove the accounts' workspaces from this device). Arrow keys, Home/End move; Escape and Tab
// close and give focus back to the button; a click outside closes (components/useMenuButton,
// shared with the team switcher).
import { useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import { Avatar } from "../../components/Avatar";
import { useMenuButton } from "../../components/useMenuButton";
import { useSwitchAccount } from "../../queries";
import { useSignInFlow } from "../signin/SignInFlow";
import { SignOutDialog, type SignOutTarget } from "./SignOutDialog";

type Props = {
  accounts: AccountView[];
  active: AccountView | undefined;
  /** Opens Account Settings; absent when the active account is signed out (or none is). */
  onOpenSettings?: (() => void) | undefined;
};

export function AccountMenu({ accounts, active, onOpenSettings }: Props) {
  const { open, choose, containerRef, triggerRef, triggerProps, menuRef, menuProps } =
    useMenuButton();
  const flow = useSignInFlow();
  const switchAccount = useSwitchAccount();
  const [signingOut, setSigningOut] = useState<SignOutTarget | null>(null);

  const label = active ? `${active.displayName}, account menu` : "Accounts menu";

  return (
    <div className="account-menu" ref={containerRef}>
      <button
        ref={triggerRef}
        type="button"
        className="account-menu-button"
        aria-label={label}
        {...triggerProps}
      >
        {active ? (
          <>
            <Avatar account={active} />
            <span className="account-menu-name">{active.displayName}</span>
          </>
        ) : (
          <span className="account-menu-name">Accounts</span>
        )}
        <span className="account-menu-caret" aria-hidden="true" />
      </button>

      {open && (
        <div ref={menuRef} role="menu" className="menu" {...menuProps}>
          {accounts.map((account) => (
            <AccountMenuEntry
              key={account.id}
              account={account}
              onSwitch={choose(() => {
                if (!account.active) switchAccount.mutate(account.id);
              })}
              onSignInAgain={choose(() =>
                flow.start({ kind: "signInAgain", accountId: account.id }),
              )}
            />
          ))}
          {/* biome-ignore lint/a11y/useSemanticElements: the separator of a WAI-ARIA menu, as its pattern writes it */}
          <div role="separator" className="menu-separator" />
          {onOpenSettings && (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              onClick={choose(onOpenSettings)}
            >
              Account Settings
            </button>
          )}
          <button
            type="button"
            role="menuitem"
            tabIndex={-1}
            className="menu-item"
            onClick={choose(() => flow.start({ kind: "signIn" }))}
          >
            Add a new account
          </button>
          {active && (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              onClick={choose(() => setSigningOut({ kind: "one", account: active }))}
            >
              Sign out
            </button>
          )}
          {accounts.length > 0 && (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              onClick={choose(() => setSigningOut({ kind: "all", count: accounts.length }))}
            >
              Sign out of all accounts
            </button>
          )}
        </div>
      )}
      {signingOut && (
        <SignOutDialog
          target={signingOut}
          onClose={() => {
            setSigningOut(null);
            triggerRef.current?.focus();
          }}
        />
      )}
    </div>
  );
}

type EntryProps = {
  account: AccountView;
  onSwitch: () => void;
  onSignInAgain: () => void;
};

/** One account in the menu; a signed-out one is followed by its "Sign in again" item. */
function AccountMenuEntry({ account, onSwitch, onSignInAgain }: EntryProps) {
  return (
    <>
      <button
        type="button"
        role="menuitemradio"
        aria-checked={account.active}
        tabIndex={-1}
        className="menu-item menu-account"
        onClick={onSwitch}
      >
        <Avatar account={account} />
        <span className="menu-account-text">
          <span className="menu-account-name">
            {account.displayName}
            {account.active && <span className="tag">Current</span>}
            {account.signedOut && <span className="tag tag-warning">Signed out</span>}
          </span>
          {account.email && <span className="menu-account-detail">{account.email}</span>}
          <span className="menu-account-detail">{account.server}</span>
        </span>
      </button>
      {account.signedOut && (
        <button
          type="button"
          role="menuitem"
          tabIndex={-1}
          className="menu-item menu-item-indented"
          aria-label={`Sign in again as ${account.displayName}`}
          onClick={onSignInAgain}
        >
          Sign in again
        </button>
      )}
    </>
  );
}
