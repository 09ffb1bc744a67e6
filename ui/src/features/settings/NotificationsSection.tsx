// Notification preferences: a grid of kinds (rows) by channels (columns), each cell a
// labelled checkbox; Update Preferences sends the whole grid once something changed.
import { type FormEvent, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { DeliveryChannels } from "../../bindings/DeliveryChannels";
import type { NotificationPreferences } from "../../bindings/NotificationPreferences";
import { CommandProblem, FormStatus } from "./forms";
import { useSetNotificationPreferences } from "./queries";

const kinds: { key: keyof NotificationPreferences; label: string; about: string }[] = [
  {
    key: "security",
    label: "Security",
    about: "New sign-ins (password and email changes are always mailed)",
  },
  { key: "usage", label: "Usage", about: "Limits and usage of your plan" },
  { key: "monitors", label: "Monitors", about: "Monitor runs that fail or recover" },
  { key: "comments", label: "Comments", about: "Replies and mentions" },
];

const channels: { key: keyof DeliveryChannels; label: string }[] = [
  { key: "email", label: "Email" },
  { key: "in_app", label: "In-app" },
];

const same = (a: NotificationPreferences, b: NotificationPreferences) =>
  kinds.every(({ key }) =>
    channels.every((channel) => a[key][channel.key] === b[key][channel.key]),
  );

export function NotificationsSection({
  account,
  saved,
}: {
  account: AccountView;
  saved: NotificationPreferences;
}) {
  const update = useSetNotificationPreferences(account.id);
  const [draft, setDraft] = useState<NotificationPreferences | null>(null);
  const current = draft ?? saved;
  const dirty = !same(current, saved);

  const toggle = (
    kind: keyof NotificationPreferences,
    channel: keyof DeliveryChannels,
    on: boolean,
  ) => setDraft({ ...current, [kind]: { ...current[kind], [channel]: on } });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty || update.isPending) return;
    update.mutate(current, { onSuccess: () => setDraft(null) });
  };

  return (
    <form className="settings-form" onSubmit={submit} aria-label="Notification preferences">
      <CommandProblem
        error={update.error}
        what="Could not update your preferences"
        accountId={account.id}
      />
      <table className="preferences-grid">
        <thead>
          <tr>
            <th scope="col">Notify me about</th>
            {channels.map((channel) => (
              <th key={channel.key} scope="col">
                {channel.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {kinds.map((kind) => (
            <tr key={kind.key}>
              <th scope="row">
                <span className="preferences-kind">{kind.label}</span>
                <span className="preferences-about">{kind.about}</span>
              </th>
              {channels.map((channel) => (
                <td key={channel.key}>
                  <input
                    type="checkbox"
                    name={`${kind.key}-${channel.key}`}
                    aria-label={`${kind.label} by ${channel.label.toLowerCase()}`}
                    checked={current[kind.key][channel.key]}
                    onChange={(event) => toggle(kind.key, channel.key, event.target.checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button
          type="submit"
          className="button button-primary"
          disabled={!dirty || update.isPending}
        >
          {update.isPending ? "Updating…" : "Update Preferences"}
        </button>
        <FormStatus>{update.isSuccess && !dirty ? "Preferences updated." : ""}</FormStatus>
      </div>
    </form>
  );
}
