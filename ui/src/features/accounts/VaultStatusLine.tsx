// The status line at the foot of the window: where this run keeps sign-in tokens,
// exactly as the vault describes itself (SPEC §8, honest secret-storage status).
import type { VaultStatus } from "../../bindings/VaultStatus";

export function vaultDescription(vault: VaultStatus): string {
  return vault.state === "unavailable" ? `nowhere safe: ${vault.reason}` : vault.description;
}

export function VaultStatusLine({ vault }: { vault: VaultStatus }) {
  const warn = vault.state !== "keyring";
  return (
    <footer className={warn ? "status-line status-line-warning" : "status-line"}>
      <span>Sign-in tokens: {vaultDescription(vault)}</span>
    </footer>
  );
}
