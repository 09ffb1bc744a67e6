// A team's invitations (admins): the invite form (one or many addresses, separated by
// commas, spaces or new lines, and the role they join with; obvious mistakes caught here,
// the rest refused by the server beside the field; past the plan's members, Upgrade or
// Edit Plan beside the refusal for those who pay), and the pending invitations with
// when each was sent, an expired link marked, Resend and Cancel.
import { type FormEvent, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { Invitation } from "../../bindings/Invitation";
import type { IpcError } from "../../bindings/IpcError";
import type { Team } from "../../bindings/Team";
import type { TeamRole } from "../../bindings/TeamRole";
import { RelativeTime } from "../../components/RelativeTime";
import { PlanLimitAction } from "../billing/UpgradeButton";
import { CommandProblem, FieldMessage, FormStatus, TextField } from "../settings/forms";
import { useCancelInvitation, useInvite, useResendInvitation } from "./queries";
import { roleLabel, roles } from "./roles";
import { addressesProblem, splitAddresses } from "./validation";

type Props = { account: AccountView; team: Team; invitations: Invitation[] };

export function InvitationsSection({ account, team, invitations }: Props) {
  return (
    <>
      <InviteForm account={account} team={team} />
      <PendingInvitations account={account} team={team} invitations={invitations} />
    </>
  );
}

/** The server's refusal of the addresses, naming the one refused ("emails[2]"). */
function refusedAddresses(error: IpcError | null, sent: string[]): string | undefined {
  if (error?.kind !== "invalid_input") return undefined;
  const refused = error.fields?.find((field) => field.field.startsWith("emails"));
  if (!refused) return undefined;
  const index = /\[(\d+)\]|\.(\d+)/.exec(refused.field);
  const address = index ? sent[Number(index[1] ?? index[2])] : undefined;
  return address ? `${address}: ${refused.message}` : refused.message;
}

function InviteForm({ account, team }: Omit<Props, "invitations">) {
  const invite = useInvite(account.id, team.id);
  const [text, setText] = useState("");
  const [role, setRole] = useState<TeamRole>("member");
  const [problem, setProblem] = useState<string | undefined>();
  const [sentTo, setSentTo] = useState<string[]>([]);
  const [done, setDone] = useState("");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (invite.isPending) return;
    const emails = splitAddresses(text);
    const wrong = addressesProblem(emails);
    setProblem(wrong);
    setDone("");
    if (wrong) return;
    setSentTo(emails);
    invite.mutate(
      { emails, role },
      {
        onSuccess: (sent) => {
          setText("");
          setDone(sent.length === 1 ? "Sent 1 invitation." : `Sent ${sent.length} invitations.`);
        },
      },
    );
  };

  const refused = refusedAddresses(invite.error, sentTo);
  return (
    <form className="settings-form" onSubmit={submit} aria-label="Invite people" noValidate>
      <CommandProblem
        error={refused ? null : invite.error}
        what="Could not send the invitations"
        accountId={account.id}
      />
      {invite.error?.kind === "plan_limit" && (
        <PlanLimitAction accountId={account.id} teamId={team.id} role={team.role} />
      )}
      <TextField
        label="Email addresses"
        name="invite-emails"
        multiline
        value={text}
        onChange={(value) => {
          setText(value);
          setProblem(undefined);
        }}
        error={problem ?? refused}
        hint="One or more, separated by commas, spaces or new lines."
      />
      <RoleSelect value={role} onChange={setRole} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={invite.isPending}>
          {invite.isPending ? "Sending…" : "Send invitations"}
        </button>
        <FormStatus>{done}</FormStatus>
      </div>
    </form>
  );
}

function RoleSelect({ value, onChange }: { value: TeamRole; onChange: (role: TeamRole) => void }) {
  return (
    <div className="form-field">
      <label htmlFor="invite-role" className="field-label">
        Role
      </label>
      <select
        id="invite-role"
        className="input"
        value={value}
        onChange={(event) => onChange(event.target.value as TeamRole)}
      >
        {roles.map((role) => (
          <option key={role.value} value={role.value}>
            {role.label}
          </option>
        ))}
      </select>
      <FieldMessage id="invite-role-message" hint="What they can do once they join." />
    </div>
  );
}

function PendingInvitations({ account, team, invitations }: Props) {
  const resend = useResendInvitation(account.id, team.id);
  const cancel = useCancelInvitation(account.id, team.id);
  const [done, setDone] = useState("");
  const busy = resend.isPending || cancel.isPending;

  return (
    <>
      <h3 className="settings-subtitle">Pending invitations</h3>
      <CommandProblem
        error={resend.error ?? cancel.error}
        what={resend.error ? "Could not resend the invitation" : "Could not cancel the invitation"}
        accountId={account.id}
      />
      {invitations.length === 0 ? (
        <p className="team-empty-line">No invitations waiting.</p>
      ) : (
        <ul className="team-list" aria-label="Pending invitations">
          {invitations.map((invitation) => (
            <li key={invitation.id} className="team-row" aria-label={invitation.email}>
              <div className="team-row-text">
                <span className="team-row-title">
                  {invitation.email}
                  {invitation.expired && <span className="tag tag-warning">Expired</span>}
                </span>
                <span className="team-row-detail">
                  {roleLabel(invitation.role)} · Sent <RelativeTime at={invitation.sent_at} />
                </span>
              </div>
              <div className="actions-inline">
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  aria-label={`Resend the invitation to ${invitation.email}`}
                  onClick={() => {
                    cancel.reset();
                    setDone("");
                    resend.mutate(invitation.id, {
                      onSuccess: () => setDone(`Sent the invitation to ${invitation.email} again.`),
                    });
                  }}
                >
                  Resend
                </button>
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  aria-label={`Cancel the invitation to ${invitation.email}`}
                  onClick={() => {
                    resend.reset();
                    setDone("");
                    cancel.mutate(invitation.id, {
                      onSuccess: () => setDone(`Cancelled the invitation to ${invitation.email}.`),
                    });
                  }}
                >
                  Cancel
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <FormStatus>{done}</FormStatus>
    </>
  );
}
