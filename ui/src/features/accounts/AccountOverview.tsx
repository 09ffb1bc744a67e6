// The main area with an active account: who is signed in, on which server, and where
// the tokens are kept; a signed-out account offers "Sign in again".
import type { AccountView } from "../../bindings/AccountView";
import type { VaultStatus } from "../../bindings/VaultStatus";
import { Avatar } from "../../components/Avatar";
import { useSignInFlow } from "../signin/SignInFlow";
import { vaultDescription } from "./VaultStatusLine";

export function AccountOverview({ account, vault }: { account: AccountView; vault: VaultStatus }) {
  const flow = useSignInFlow();
  return (
    <section className="card" aria-labelledby="account-overview-title">
      <div className="card-head">
        <Avatar account={account} size="large" />
        <h1 id="account-overview-title" className="card-title">
          {account.displayName}
        </h1>
      </div>

      {account.signedOut && (
        <div className="notice notice-warning" role="status">
          <p>
            <strong>Signed out.</strong> The server ended this sign-in. Your local work is kept.
          </p>
          <button
            type="button"
            className="button button-primary"
            onClick={() => flow.start({ kind: "signInAgain", accountId: account.id })}
          >
            Sign in again
          </button>
        </div>
      )}

      <dl className="details">
        <dt>Email</dt>
        <dd>
          {account.email ?? "—"}
          {account.email && !account.emailVerified && (
            <span className="tag tag-warning">Not confirmed</span>
          )}
        </dd>
        <dt>Username</dt>
        <dd>{account.username ?? "—"}</dd>
        <dt>Server</dt>
        <dd>{account.server}</dd>
        <dt>Tokens kept in</dt>
        <dd>{vaultDescription(vault)}</dd>
      </dl>
    </section>
  );
}
