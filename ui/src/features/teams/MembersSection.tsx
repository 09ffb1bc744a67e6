// A team's members: name (or username), email and role. Admins get a role select per
// member and Remove (after a confirm step); a refusal (the team's last admin) is shown
// in that member's row, in the server's words. Everyone gets Leave team (confirmed), and
// the last admin sees why the server refuses it.
import { useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { Team } from "../../bindings/Team";
import type { TeamMember } from "../../bindings/TeamMember";
import type { TeamRole } from "../../bindings/TeamRole";
import { CommandProblem } from "../settings/forms";
import { useLeaveTeam, useRemoveMember, useSetMemberRole } from "./queries";
import { displayName, roleLabel, roles } from "./roles";

type Props = {
  account: AccountView;
  team: Team;
  members: TeamMember[];
  /** The signed-in person's id on the server, to mark "You" and offer Leave instead of Remove. */
  userId: string;
  onLeft: () => void;
};

export function MembersSection({ account, team, members, userId, onLeft }: Props) {
  const admin = team.role === "admin";
  const setRole = useSetMemberRole(account.id, team.id);
  const remove = useRemoveMember(account.id, team.id);
  // Which member's row the last change (and its error) belongs to.
  const [changing, setChanging] = useState<string | null>(null);
  const [confirmingRemove, setConfirmingRemove] = useState<string | null>(null);
  const busy = setRole.isPending || remove.isPending;

  const changeRole = (member: TeamMember, role: TeamRole) => {
    remove.reset();
    setChanging(member.user_id);
    setRole.mutate({ userId: member.user_id, role });
  };

  const removeMember = (member: TeamMember) => {
    setRole.reset();
    setChanging(member.user_id);
    remove.mutate(member.user_id, { onSuccess: () => setConfirmingRemove(null) });
  };

  return (
    <>
      <ul className="team-list" aria-label="Members">
        {members.map((member) => {
          const name = displayName(member);
          const you = member.user_id === userId;
          const error = changing === member.user_id ? (setRole.error ?? remove.error) : null;
          return (
            <li key={member.user_id} className="team-row" aria-label={name}>
              <div className="team-row-text">
                <span className="team-row-title">
                  {name}
                  {you && <span className="tag tag-accent">You</span>}
                </span>
                <span className="team-row-detail">
                  @{member.username} · {member.email}
                </span>
                {error && (
                  <p role="alert" className="field-hint field-error team-row-error">
                    {error.message}
                  </p>
                )}
              </div>
              {admin ? (
                <select
                  className="input team-role-select"
                  aria-label={`Role of ${name}`}
                  value={member.role}
                  disabled={busy}
                  onChange={(event) => changeRole(member, event.target.value as TeamRole)}
                >
                  {roles.map((role) => (
                    <option key={role.value} value={role.value}>
                      {role.label}
                    </option>
                  ))}
                </select>
              ) : (
                <span className="team-role">{roleLabel(member.role)}</span>
              )}
              {admin &&
                !you &&
                (confirmingRemove === member.user_id ? (
                  // biome-ignore lint/a11y/useSemanticElements: a confirm step inside a list row, as SessionsSection's
                  <div className="confirm" role="group" aria-label={`Confirm removing ${name}`}>
                    <p>Remove {name}?</p>
                    <div className="actions-inline">
                      <button
                        type="button"
                        className="button button-danger"
                        disabled={busy}
                        onClick={() => removeMember(member)}
                      >
                        {remove.isPending ? "Removing…" : "Remove"}
                      </button>
                      <button
                        type="button"
                        className="button"
                        disabled={busy}
                        onClick={() => setConfirmingRemove(null)}
                      >
                        Cancel
                      </button>
                    </div>
                  </div>
                ) : (
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    aria-label={`Remove ${name}`}
                    onClick={() => setConfirmingRemove(member.user_id)}
                  >
                    Remove
                  </button>
                ))}
            </li>
          );
        })}
      </ul>
      <LeaveTeam account={account} team={team} onLeft={onLeft} />
    </>
  );
}

function LeaveTeam({ account, team, onLeft }: Pick<Props, "account" | "team" | "onLeft">) {
  const leave = useLeaveTeam(account.id, team.id);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="form-actions">
      <CommandProblem error={leave.error} what="Could not leave the team" accountId={account.id} />
      {confirming ? (
        // biome-ignore lint/a11y/useSemanticElements: the same confirm step as SessionsSection's
        <div className="confirm" role="group" aria-label="Confirm leaving the team">
          <p>Leave {team.name}? You lose access to its work until someone invites you again.</p>
          <div className="actions-inline">
            <button
              type="button"
              className="button button-danger"
              disabled={leave.isPending}
              onClick={() => leave.mutate(undefined, { onSuccess: onLeft })}
            >
              {leave.isPending ? "Leaving…" : "Leave"}
            </button>
            <button
              type="button"
              className="button"
              disabled={leave.isPending}
              onClick={() => {
                leave.reset();
                setConfirming(false);
              }}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button" onClick={() => setConfirming(true)}>
          Leave team
        </button>
      )}
    </div>
  );
}
