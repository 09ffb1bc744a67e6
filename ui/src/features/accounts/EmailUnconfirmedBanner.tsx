// The banner shown while the active account's email address is not confirmed yet.
import type { AccountView } from "../../bindings/AccountView";

export function EmailUnconfirmedBanner({ account }: { account: AccountView }) {
  return (
    <aside className="banner" aria-label="Email confirmation">
      <p>
        <strong>Confirm your email address</strong> — we sent a link to{" "}
        {account.email ?? "the address of this account"}
      </p>
    </aside>
  );
}
