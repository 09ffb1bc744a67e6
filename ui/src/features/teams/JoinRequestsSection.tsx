// Requests to join a team found by discovery (admins): who asked (name, email) and
// when, with Approve (they become a member) and Decline.
import { useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { JoinRequest } from "../../bindings/JoinRequest";
import type { Team } from "../../bindings/Team";
import { RelativeTime } from "../../components/RelativeTime";
import { CommandProblem, FormStatus } from "../settings/forms";
import { useApproveJoinRequest, useDeclineJoinRequest } from "./queries";
import { displayName } from "./roles";

type Props = { account: AccountView; team: Team; requests: JoinRequest[] };

export function JoinRequestsSection({ account, team, requests }: Props) {
  const approve = useApproveJoinRequest(account.id, team.id);
  const decline = useDeclineJoinRequest(account.id, team.id);
  const [done, setDone] = useState("");
  const busy = approve.isPending || decline.isPending;

  return (
    <>
      <CommandProblem
        error={approve.error ?? decline.error}
        what={approve.error ? "Could not approve the request" : "Could not decline the request"}
        accountId={account.id}
      />
      {requests.length === 0 ? (
        <p className="team-empty-line">No requests to join.</p>
      ) : (
        <ul className="team-list" aria-label="Requests to join">
          {requests.map((request) => {
            const name = displayName(request);
            return (
              <li key={request.id} className="team-row" aria-label={name}>
                <div className="team-row-text">
                  <span className="team-row-title">{name}</span>
                  <span className="team-row-detail">
                    {request.email} · Asked <RelativeTime at={request.created_at} />
                  </span>
                </div>
                <div className="actions-inline">
                  <button
                    type="button"
                    className="button button-primary"
                    disabled={busy}
                    aria-label={`Approve ${name}`}
                    onClick={() => {
                      decline.reset();
                      approve.mutate(request.id, {
                        onSuccess: () => setDone(`${name} joined ${team.name}.`),
                      });
                    }}
                  >
                    Approve
                  </button>
                  <button
                    type="button"
                    className="button"
                    disabled={busy}
                    aria-label={`Decline ${name}`}
                    onClick={() => {
                      approve.reset();
                      decline.mutate(request.id, {
                        onSuccess: () => setDone(`Declined ${name}'s request.`),
                      });
                    }}
                  >
                    Decline
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <FormStatus>{done}</FormStatus>
    </>
  );
}
