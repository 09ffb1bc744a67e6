// Who may find a team (admins): a switch letting people with a confirmed address on the
// team's domains find it, how they join (at once, or an admin approves each request),
// and which of the claimable domains count. With none claimable it says why: a domain
// counts once an admin confirms an address on it, and public mail domains never do.
import { type FormEvent, useId, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { DiscoverySettings } from "../../bindings/DiscoverySettings";
import type { JoinPolicy } from "../../bindings/JoinPolicy";
import type { Team } from "../../bindings/Team";
import type { TeamDiscovery } from "../../bindings/TeamDiscovery";
import { CommandProblem, FieldMessage, FormStatus } from "../settings/forms";
import { useSetTeamDiscovery } from "./queries";

type Props = { account: AccountView; team: Team; saved: TeamDiscovery };

const policies: { value: JoinPolicy; label: string }[] = [
  { value: "anyone", label: "Anyone on the domain joins at once" },
  { value: "approval", label: "An admin approves each request" },
];

function settingsOf(discovery: TeamDiscovery): DiscoverySettings {
  return {
    enabled: discovery.enabled,
    join_policy: discovery.join_policy,
    domains: discovery.domains.filter((domain) => discovery.claimable_domains.includes(domain)),
  };
}

const same = (a: DiscoverySettings, b: DiscoverySettings) =>
  a.enabled === b.enabled &&
  a.join_policy === b.join_policy &&
  a.domains.length === b.domains.length &&
  a.domains.every((domain) => b.domains.includes(domain));

export function DiscoverySection({ account, team, saved }: Props) {
  const save = useSetTeamDiscovery(account.id, team.id);
  const [draft, setDraft] = useState<DiscoverySettings | null>(null);
  const [tried, setTried] = useState(false);
  const current = draft ?? settingsOf(saved);
  const dirty = !same(current, settingsOf(saved));
  const claimable = saved.claimable_domains;
  const noDomain = current.enabled && current.domains.length === 0;
  const messageId = useId();

  const edit = (change: Partial<DiscoverySettings>) => setDraft({ ...current, ...change });
  const toggleDomain = (domain: string, on: boolean) =>
    edit({
      domains: on
        ? [...current.domains, domain]
        : current.domains.filter((chosen) => chosen !== domain),
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!dirty || save.isPending || noDomain) return;
    save.mutate(current, { onSuccess: () => setDraft(null) });
  };

  const where = claimable.length > 0 ? claimable.join(", ") : "your company's domain";
  return (
    <form className="settings-form" onSubmit={submit} aria-label="Discovery" noValidate>
      <CommandProblem error={save.error} what="Could not save discovery" accountId={account.id} />
      <div className="toggle-row">
        <label className="toggle">
          <input
            type="checkbox"
            // biome-ignore lint/a11y/useAriaPropsForRole: a native checkbox states whether it is checked
            role="switch"
            name="discovery-enabled"
            checked={current.enabled}
            disabled={claimable.length === 0 && !current.enabled}
            aria-describedby={messageId}
            onChange={(event) => edit({ enabled: event.target.checked })}
          />
          <span className="toggle-track" aria-hidden="true" />
          <span className="toggle-label">Let people with an address at {where} find this team</span>
        </label>
        <p id={messageId} className="field-hint">
          {claimable.length === 0
            ? "No domain can be used yet."
            : "They see it under Join a team, with its name and how many members it has."}
        </p>
      </div>
      {claimable.length === 0 ? (
        <p className="notice notice-info">
          A domain counts once an admin of the team has confirmed an address on it. Public mail
          domains (gmail.com, outlook.com and the like) never count.
        </p>
      ) : (
        <>
          <fieldset className="form-fieldset" disabled={!current.enabled}>
            <legend className="field-label">How people join</legend>
            {policies.map((policy) => (
              <label key={policy.value} className="checkbox team-choice">
                <input
                  type="radio"
                  name="join-policy"
                  value={policy.value}
                  checked={current.join_policy === policy.value}
                  onChange={() => edit({ join_policy: policy.value })}
                />
                {policy.label}
              </label>
            ))}
          </fieldset>
          <fieldset className="form-fieldset" disabled={!current.enabled}>
            <legend className="field-label">Domains</legend>
            {claimable.map((domain) => (
              <label key={domain} className="checkbox team-choice">
                <input
                  type="checkbox"
                  name="discovery-domain"
                  value={domain}
                  checked={current.domains.includes(domain)}
                  onChange={(event) => toggleDomain(domain, event.target.checked)}
                />
                {domain}
              </label>
            ))}
            <FieldMessage
              id={`${messageId}-domains`}
              error={tried && noDomain ? "Choose at least one domain." : undefined}
              hint="People whose confirmed address is on a chosen domain find the team."
            />
          </fieldset>
        </>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!dirty || save.isPending}>
          {save.isPending ? "Saving…" : "Save discovery"}
        </button>
        <FormStatus>{save.isSuccess && !dirty ? "Discovery saved." : ""}</FormStatus>
      </div>
    </form>
  );
}
