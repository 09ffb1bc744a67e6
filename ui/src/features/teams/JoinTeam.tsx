// Join a team: the teams found by the domain of the account's confirmed address, each
// with Join (anyone on the domain joins at once) or Ask to join (an admin approves); a
// request waiting shows Requested and Withdraw. JoinTeamList is also the onboarding's;
// JoinTeamScreen is the main area's, with Back.
import type { AccountView } from "../../bindings/AccountView";
import type { DiscoverableTeam } from "../../bindings/DiscoverableTeam";
import type { Team } from "../../bindings/Team";
import { ScreenHeading } from "../../components/ScreenHeading";
import { CommandProblem, QueryGate } from "../settings/forms";
import { useDiscoverableTeams, useJoinTeam, useWithdrawJoinRequest } from "./queries";

type ListProps = { account: AccountView; onJoined: (team: Team) => void };

export function JoinTeamList({ account, onJoined }: ListProps) {
  return (
    <QueryGate
      query={useDiscoverableTeams(account.id)}
      loading="Looking for teams to join"
      failed="Could not look for teams to join"
    >
      {(found) => <FoundTeams account={account} found={found} onJoined={onJoined} />}
    </QueryGate>
  );
}

function FoundTeams({ account, found, onJoined }: ListProps & { found: DiscoverableTeam[] }) {
  const join = useJoinTeam(account.id);
  const withdraw = useWithdrawJoinRequest(account.id);
  const busy = join.isPending || withdraw.isPending;

  if (found.length === 0 && !account.emailVerified)
    return (
      <p className="notice notice-info team-empty">
        No teams to join yet. Teams are found by the domain of your confirmed address: confirm
        {account.email ? ` ${account.email}` : " your address"} with the link we sent, and the teams
        of your domain that let people find them appear here.
      </p>
    );
  if (found.length === 0)
    return (
      <p className="notice notice-info team-empty">
        No teams to join. Teams are found by the domain of your confirmed address
        {account.email ? ` (${account.email})` : ""}: a team appears here once its admins let people
        on that domain find it. Public mail domains (gmail.com and the like) never count.
      </p>
    );

  const joinTeam = (team: DiscoverableTeam) => {
    withdraw.reset();
    join.mutate(team.id, {
      onSuccess: (outcome) => {
        if (outcome.outcome === "joined") onJoined(outcome.team);
      },
    });
  };

  return (
    <>
      <CommandProblem
        error={join.error ?? withdraw.error}
        what={join.error ? "Could not join the team" : "Could not withdraw the request"}
        accountId={account.id}
      />
      <ul className="team-list" aria-label="Teams to join">
        {found.map((team) => (
          <li key={team.id} className="team-row" aria-label={team.name}>
            <div className="team-row-text">
              <span className="team-row-title">{team.name}</span>
              <span className="team-row-detail">
                {team.domain} ·{" "}
                {team.member_count === 1 ? "1 member" : `${team.member_count} members`}
              </span>
            </div>
            {team.request_pending ? (
              <>
                <span className="tag tag-status-open">Requested</span>
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  aria-label={`Withdraw the request to join ${team.name}`}
                  onClick={() => {
                    join.reset();
                    withdraw.mutate(team.id);
                  }}
                >
                  Withdraw
                </button>
              </>
            ) : (
              <button
                type="button"
                className="button button-primary"
                disabled={busy}
                aria-label={`${team.join_policy === "anyone" ? "Join" : "Ask to join"} ${team.name}`}
                onClick={() => joinTeam(team)}
              >
                {team.join_policy === "anyone" ? "Join" : "Ask to join"}
              </button>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

type ScreenProps = { account: AccountView; onJoined: (team: Team) => void; onBack: () => void };

export function JoinTeamScreen({ account, onJoined, onBack }: ScreenProps) {
  return (
    <div className="team-screen">
      <div className="settings-top">
        <button type="button" className="button button-back" onClick={onBack}>
          Back
        </button>
        <ScreenHeading>Join a team</ScreenHeading>
      </div>
      <section className="card team-card" aria-label="Find a team">
        <p className="settings-about">
          Teams that let people with an address at your domain find them. Some let you in at once;
          others ask an admin first.
        </p>
        <JoinTeamList account={account} onJoined={onJoined} />
      </section>
    </div>
  );
}
