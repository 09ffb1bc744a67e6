// A team's settings (admins): its name and URL (the URL's shape checked here, a taken
// one refused by the server beside the field), Save; then who may find it (DiscoverySection).
import { type FormEvent, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { Team } from "../../bindings/Team";
import { CommandProblem, FormStatus, fieldErrors, QueryGate, TextField } from "../settings/forms";
import { DiscoverySection } from "./DiscoverySection";
import { useTeamDiscovery, useUpdateTeam } from "./queries";
import { slugProblem } from "./validation";

type Props = { account: AccountView; team: Team };

export function TeamSettingsSection({ account, team }: Props) {
  return (
    <>
      <RenameForm account={account} team={team} />
      <h3 className="settings-subtitle">Discovery</h3>
      <QueryGate
        query={useTeamDiscovery(account.id, team.id)}
        loading="Loading who can find the team"
        failed="Could not load who can find the team"
      >
        {(saved) => <DiscoverySection account={account} team={team} saved={saved} />}
      </QueryGate>
    </>
  );
}

function RenameForm({ account, team }: Props) {
  const update = useUpdateTeam(account.id, team.id);
  const [name, setName] = useState(team.name);
  const [slug, setSlug] = useState(team.slug);
  const dirty = name.trim() !== team.name || slug !== team.slug;
  const serverErrors = fieldErrors(update.error);
  const taken = update.error?.kind === "conflict" ? update.error.message : undefined;
  const nameError = name.trim() === "" ? "Enter the team's name." : serverErrors["name"];
  const slugError = slugProblem(slug) ?? serverErrors["slug"] ?? taken;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty || update.isPending || name.trim() === "" || slugProblem(slug)) return;
    update.mutate({ name: name.trim(), slug });
  };

  return (
    <form className="settings-form" onSubmit={submit} aria-label="Team name and URL" noValidate>
      <CommandProblem
        error={update.error?.kind === "conflict" ? null : update.error}
        what="Could not save the team"
        accountId={account.id}
        shownFields={["name", "slug"]}
      />
      <TextField
        label="Team name"
        name="team-name"
        value={name}
        onChange={setName}
        error={nameError}
        maxLength={100}
      />
      <TextField
        label="Team URL"
        name="team-url"
        value={slug}
        onChange={(value) => setSlug(value.trim().toLowerCase())}
        error={slugError}
        hint={`/t/${slug}: links to the team's old URL stop working.`}
        maxLength={40}
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!dirty || update.isPending}
        >
          {update.isPending ? "Saving…" : "Save"}
        </button>
        <FormStatus>{update.isSuccess && !dirty ? "Team saved." : ""}</FormStatus>
      </div>
    </form>
  );
}
