// Create a team: its name, and its URL suggested from the name as it is typed (asked
// 300 ms after the last keystroke) until the person edits the URL themselves; the URL's
// shape is checked here, the rest (taken, refused) by the server, whose answer is shown
// beside the field. CreateTeamForm is also the onboarding's; CreateTeamScreen is the
// main area's, with Back.
import { type FormEvent, useState } from "react";

import type { Team } from "../../bindings/Team";
import { ScreenHeading } from "../../components/ScreenHeading";
import { CommandProblem, fieldErrors, TextField } from "../settings/forms";
import { useCreateTeam, useTeamUrlSuggestion } from "./queries";
import { useDebounced } from "./useDebounced";
import { slugProblem } from "./validation";

/** How long the name must stay unchanged before a URL is suggested for it. */
export const SUGGEST_DELAY_MS = 300;

type FormProps = {
  accountId: string;
  onCreated: (team: Team) => void;
  /** Shown as a Cancel button when given. */
  onCancel?: (() => void) | undefined;
};

export function CreateTeamForm({ accountId, onCreated, onCancel }: FormProps) {
  const create = useCreateTeam(accountId);
  const [name, setName] = useState("");
  // The URL the person typed; null while it follows the suggestion.
  const [ownSlug, setOwnSlug] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const settledName = useDebounced(name.trim(), SUGGEST_DELAY_MS);
  const suggestion = useTeamUrlSuggestion(accountId, ownSlug === null ? settledName : "");
  const slug = ownSlug ?? (name.trim() === "" ? "" : (suggestion.data ?? ""));

  const serverErrors = fieldErrors(create.error);
  const taken = create.error?.kind === "conflict" ? create.error.message : undefined;
  const nameError =
    (submitted && name.trim() === "" ? "Enter the team's name." : undefined) ??
    serverErrors["name"];
  const slugError = (submitted || ownSlug !== null) && slug !== "" ? slugProblem(slug) : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (create.isPending || name.trim() === "" || slugProblem(slug)) return;
    create.mutate({ name: name.trim(), slug }, { onSuccess: onCreated });
  };

  return (
    <form className="settings-form" onSubmit={submit} aria-label="Create a team" noValidate>
      <CommandProblem
        error={create.error?.kind === "conflict" ? null : create.error}
        what="Could not create the team"
        accountId={accountId}
        shownFields={["name", "slug"]}
      />
      <TextField
        label="Team name"
        name="team-name"
        value={name}
        onChange={setName}
        error={nameError}
        hint="Your company, group or project."
        maxLength={100}
      />
      <TextField
        label="Team URL"
        name="team-url"
        value={slug}
        onChange={(value) => setOwnSlug(value.trim().toLowerCase())}
        error={slugError ?? serverErrors["slug"] ?? taken}
        hint={slug ? `Your team's page: /t/${slug}` : "Lowercase letters, digits and hyphens."}
        maxLength={40}
      />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create team"}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

type ScreenProps = {
  accountId: string;
  onCreated: (team: Team) => void;
  onBack: () => void;
};

export function CreateTeamScreen({ accountId, onCreated, onBack }: ScreenProps) {
  return (
    <div className="team-screen">
      <div className="settings-top">
        <button type="button" className="button button-back" onClick={onBack}>
          Back
        </button>
        <ScreenHeading>Create a team</ScreenHeading>
      </div>
      <section className="card team-card" aria-label="New team">
        <p className="settings-about">
          You become the team's admin, and can invite people once it exists.
        </p>
        <CreateTeamForm accountId={accountId} onCreated={onCreated} />
      </section>
    </div>
  );
}
