// Profile: the avatar (upload a PNG/JPEG with a preview first, or remove it for the
// initials), then name, username, bio, website, social links and Make profile public,
// sent together by Update Profile, which stays off until something changed. Only the
// changed fields are sent; the server's refusals appear beside the fields they name.
import { type FormEvent, useRef, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { Profile } from "../../bindings/Profile";
import type { ProfileUpdate } from "../../bindings/ProfileUpdate";
import { Avatar } from "../../components/Avatar";
import { CopyableLink } from "../../components/CopyableLink";
import { type AvatarFile, readAvatarFile } from "./avatarFile";
import { CommandProblem, FieldMessage, FormStatus, fieldErrors, TextField } from "./forms";
import { useRemoveAvatar, useUpdateProfile, useUploadAvatar } from "./queries";

export const MAX_LINKS = 10;

type ProfileFields = {
  name: string;
  username: string;
  bio: string;
  website: string;
  links: string[];
  public: boolean;
};

const profileFieldNames = ["name", "username", "bio", "website", "links", "public"] as const;

function fieldsOf(profile: Profile): ProfileFields {
  return {
    name: profile.name ?? "",
    username: profile.username,
    bio: profile.bio ?? "",
    website: profile.website ?? "",
    links: profile.links,
    public: profile.public,
  };
}

/** What differs between the saved profile and the form, as PATCH wants it. */
export function profileChanges(saved: ProfileFields, draft: ProfileFields): ProfileUpdate {
  const update: ProfileUpdate = {};
  for (const key of ["name", "username", "bio", "website"] as const) {
    const value = draft[key].trim();
    if (value !== saved[key]) update[key] = value;
  }
  const links = draft.links.map((link) => link.trim()).filter((link) => link !== "");
  if (links.join("\n") !== saved.links.join("\n")) update.links = links;
  if (draft.public !== saved.public) update.public = draft.public;
  return update;
}

/**
 * Where the public profile page is: the account's server as the app shows it
 * (host[:port]), over HTTPS unless it is on loopback, where Courier's server speaks
 * plain HTTP.
 */
export function publicProfileUrl(server: string, username: string): string {
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(server);
  return `${loopback ? "http" : "https"}://${server}/u/${encodeURIComponent(username)}`;
}

export function ProfileSection({ account, profile }: { account: AccountView; profile: Profile }) {
  return (
    <>
      <AvatarEditor account={account} profile={profile} />
      <ProfileForm account={account} profile={profile} />
    </>
  );
}

function ProfileForm({ account, profile }: { account: AccountView; profile: Profile }) {
  const update = useUpdateProfile(account.id);
  // Only what the person edited; everything else shows the saved profile.
  const [draft, setDraft] = useState<Partial<ProfileFields>>({});
  const addLinkButton = useRef<HTMLButtonElement>(null);
  const [focusLink, setFocusLink] = useState<number | null>(null);

  const saved = fieldsOf(profile);
  const current: ProfileFields = { ...saved, ...draft };
  const changes = profileChanges(saved, current);
  const dirty = Object.keys(changes).length > 0;
  const errors = update.isError ? fieldErrors(update.error) : {};

  const edit = <K extends keyof ProfileFields>(key: K, value: ProfileFields[K]) =>
    setDraft((previous) => ({ ...previous, [key]: value }));
  const editLink = (index: number, value: string) =>
    edit(
      "links",
      current.links.map((link, at) => (at === index ? value : link)),
    );
  const addLink = () => {
    setFocusLink(current.links.length);
    edit("links", [...current.links, ""]);
  };
  const removeLink = (index: number) => {
    edit(
      "links",
      current.links.filter((_, at) => at !== index),
    );
    addLinkButton.current?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty || update.isPending) return;
    update.mutate(changes, { onSuccess: () => setDraft({}) });
  };

  const linksError = errors["links"];
  const publicUrl = publicProfileUrl(account.server, current.username.trim() || saved.username);

  return (
    <form className="settings-form" onSubmit={submit} aria-label="Profile" noValidate>
      <CommandProblem
        error={update.error}
        what="Could not update your profile"
        accountId={account.id}
        shownFields={profileFieldNames}
      />
      <div className="form-grid">
        <TextField
          label="Name"
          name="name"
          autoComplete="name"
          value={current.name}
          onChange={(value) => edit("name", value)}
          error={errors["name"]}
          maxLength={100}
        />
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          value={current.username}
          onChange={(value) => edit("username", value)}
          error={errors["username"]}
          hint="3–39 letters, digits, - or _, starting with a letter or digit."
          maxLength={64}
        />
      </div>
      <TextField
        label="Bio"
        name="bio"
        multiline
        value={current.bio}
        onChange={(value) => edit("bio", value)}
        error={errors["bio"]}
        maxLength={500}
        hint="A line or two about you, shown to your team."
      />
      <TextField
        label="Website"
        name="website"
        type="url"
        autoComplete="url"
        placeholder="https://"
        value={current.website}
        onChange={(value) => edit("website", value)}
        error={errors["website"]}
      />

      <fieldset className="form-fieldset">
        <legend className="field-label">Social links</legend>
        {current.links.length === 0 && <p className="field-hint">No links yet.</p>}
        <ul className="link-rows">
          {current.links.map((link, index) => {
            const error = errors[`links.${index}`];
            const messageId = `profile-link-${index}-message`;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a row is a position in the list (links may repeat or be empty)
              <li key={index} className="link-row">
                <div className="link-row-inputs">
                  <input
                    className="input"
                    type="url"
                    name={`link-${index}`}
                    aria-label={`Social link ${index + 1}`}
                    placeholder="https://"
                    spellCheck={false}
                    value={link}
                    // biome-ignore lint/a11y/noAutofocus: focus moves to the row that Add link just made
                    autoFocus={focusLink === index}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? messageId : undefined}
                    onChange={(event) => editLink(index, event.target.value)}
                  />
                  <button
                    type="button"
                    className="button"
                    aria-label={`Remove social link ${index + 1}`}
                    onClick={() => removeLink(index)}
                  >
                    Remove
                  </button>
                </div>
                {error && <FieldMessage id={messageId} error={error} />}
              </li>
            );
          })}
        </ul>
        <button
          ref={addLinkButton}
          type="button"
          className="button"
          disabled={current.links.length >= MAX_LINKS}
          onClick={addLink}
        >
          Add link
        </button>
        <FieldMessage
          id="profile-links-message"
          error={linksError}
          hint={current.links.length >= MAX_LINKS ? `Up to ${MAX_LINKS} links.` : undefined}
        />
      </fieldset>

      <div className="toggle-row">
        <label className="toggle">
          <input
            type="checkbox"
            // biome-ignore lint/a11y/useAriaPropsForRole: a native checkbox states whether it is checked
            role="switch"
            name="public"
            checked={current.public}
            aria-describedby="profile-public-message"
            onChange={(event) => edit("public", event.target.checked)}
          />
          <span className="toggle-track" aria-hidden="true" />
          <span className="toggle-label">Make profile public</span>
        </label>
        <p id="profile-public-message" className="field-hint">
          {current.public
            ? current.public === saved.public
              ? "Anyone with the link can see your name, bio, website, links and picture."
              : "Your profile becomes public when you update it."
            : "Only your team members see your profile."}
        </p>
        {current.public && <CopyableLink label="Public profile" url={publicUrl} />}
      </div>

      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!dirty || update.isPending}
        >
          {update.isPending ? "Updating…" : "Update Profile"}
        </button>
        <FormStatus>{update.isSuccess && !dirty ? "Profile updated." : ""}</FormStatus>
      </div>
    </form>
  );
}

function AvatarEditor({ account, profile }: { account: AccountView; profile: Profile }) {
  const upload = useUploadAvatar(account.id);
  const remove = useRemoveAvatar(account.id);
  const fileInput = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<AvatarFile | null>(null);
  const [done, setDone] = useState<string>("");
  const busy = upload.isPending || remove.isPending;

  const choose = async (file: File | undefined) => {
    if (!file) return;
    upload.reset();
    remove.reset();
    setDone("");
    setChosen(await readAvatarFile(file));
  };

  const save = () => {
    if (!chosen?.ok) return;
    upload.mutate(chosen.upload, {
      onSuccess: () => {
        setChosen(null);
        setDone("Picture updated.");
      },
    });
  };

  const removePicture = () => {
    setDone("");
    remove.mutate(undefined, { onSuccess: () => setDone("Picture removed.") });
  };

  const preview = chosen?.ok ? chosen.previewUrl : profile.avatar_url;
  const error = upload.error ?? remove.error;

  return (
    <section className="avatar-editor" aria-label="Profile picture">
      <Avatar account={{ initials: account.initials, avatarUrl: preview }} size="xlarge" />
      <div className="avatar-editor-body">
        <p className="field-label">Profile picture</p>
        <input
          ref={fileInput}
          className="visually-hidden"
          type="file"
          accept="image/png,image/jpeg"
          tabIndex={-1}
          aria-label="Picture file"
          onChange={(event) => {
            void choose(event.target.files?.[0]);
            event.target.value = "";
          }}
        />
        <div className="avatar-editor-actions">
          {chosen?.ok ? (
            <>
              <button
                type="button"
                className="button button-primary"
                disabled={busy}
                onClick={save}
              >
                {upload.isPending ? "Saving…" : "Save picture"}
              </button>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => setChosen(null)}
              >
                Cancel
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => fileInput.current?.click()}
              >
                Upload picture
              </button>
              {profile.avatar_url && (
                <button type="button" className="button" disabled={busy} onClick={removePicture}>
                  {remove.isPending ? "Removing…" : "Remove"}
                </button>
              )}
            </>
          )}
        </div>
        <p
          className={chosen && !chosen.ok ? "field-hint field-error" : "field-hint"}
          role={chosen && !chosen.ok ? "alert" : undefined}
        >
          {chosen && !chosen.ok
            ? chosen.reason
            : chosen?.ok
              ? "This is a preview. Save it to use it."
              : "PNG or JPEG, up to 1 MB."}
        </p>
        <CommandProblem error={error} what="Could not change your picture" accountId={account.id} />
        <FormStatus>{done}</FormStatus>
      </div>
    </section>
  );
}
