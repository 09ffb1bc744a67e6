// Configure your account: shown once, after the first sign-in, while the profile says
// configured=false. Name and optionally a bio and website; Continue saves them (and the
// shell then offers the team step: `onChoose`), Skip for now saves nothing else and
// skips the team step too. Both mark the account configured, so it never returns.
import { type FormEvent, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { Profile } from "../../bindings/Profile";
import type { ProfileUpdate } from "../../bindings/ProfileUpdate";
import { ScreenHeading } from "../../components/ScreenHeading";
import { CommandProblem, fieldErrors, TextField } from "./forms";
import { useUpdateProfile } from "./queries";

export function ConfigureAccountScreen({
  account,
  profile,
  onChoose,
}: {
  account: AccountView;
  profile: Profile;
  /**
   * Continue or Skip for now was pressed: told before saving, since once the profile is
   * saved this screen is gone (the shell shows the team step after "continue" only).
   */
  onChoose?: (how: "continue" | "skip") => void;
}) {
  const update = useUpdateProfile(account.id);
  const [name, setName] = useState(profile.name ?? "");
  const [bio, setBio] = useState(profile.bio ?? "");
  const [website, setWebsite] = useState(profile.website ?? "");
  const [skipping, setSkipping] = useState(false);
  const errors = update.isError && !skipping ? fieldErrors(update.error) : {};

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (update.isPending) return;
    const changes: ProfileUpdate = { configured: true };
    if (name.trim() !== (profile.name ?? "")) changes.name = name.trim();
    if (bio.trim() !== (profile.bio ?? "")) changes.bio = bio.trim();
    if (website.trim() !== (profile.website ?? "")) changes.website = website.trim();
    setSkipping(false);
    onChoose?.("continue");
    update.mutate(changes);
  };

  const skip = () => {
    if (update.isPending) return;
    setSkipping(true);
    onChoose?.("skip");
    update.mutate({ configured: true });
  };

  return (
    <section className="card configure" aria-labelledby="configure-title">
      <ScreenHeading id="configure-title">Configure your account</ScreenHeading>
      <p>Tell your team who you are. You can change this later in Account Settings.</p>
      <form onSubmit={save} aria-label="Configure your account" noValidate>
        <CommandProblem
          error={update.error}
          what={skipping ? "Could not skip this step" : "Could not save your details"}
          accountId={account.id}
          shownFields={skipping ? [] : ["name", "bio", "website"]}
        />
        <TextField
          label="Name"
          name="name"
          autoComplete="name"
          value={name}
          onChange={setName}
          error={errors["name"]}
          hint="As your team will see it."
          maxLength={100}
        />
        <TextField
          label="Bio (optional)"
          name="bio"
          multiline
          value={bio}
          onChange={setBio}
          error={errors["bio"]}
          maxLength={500}
        />
        <TextField
          label="Website (optional)"
          name="website"
          type="url"
          autoComplete="url"
          placeholder="https://"
          value={website}
          onChange={setWebsite}
          error={errors["website"]}
        />
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={update.isPending}>
            Continue
          </button>
          <button type="button" className="button" disabled={update.isPending} onClick={skip}>
            Skip for now
          </button>
        </div>
      </form>
    </section>
  );
}
