// The step after Configure your account's profile (Continue): Create a team, Join a team
// (the teams found by the domain of the confirmed address, or why there are none), or
// Skip for now, one click back to the app. The team switcher offers the same later.
import { useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { Team } from "../../bindings/Team";
import { ScreenHeading } from "../../components/ScreenHeading";
import { CreateTeamForm } from "./CreateTeam";
import { JoinTeamList } from "./JoinTeam";

type Props = {
  account: AccountView;
  /** The person is in a team now (created or joined): show it. */
  onTeam: (team: Team) => void;
  onSkip: () => void;
};

type Choice = "create" | "join" | null;

export function TeamOnboarding({ account, onTeam, onSkip }: Props) {
  const [choice, setChoice] = useState<Choice>(null);
  return (
    <section className="card configure team-onboarding" aria-labelledby="team-onboarding-title">
      <ScreenHeading id="team-onboarding-title">Work with your team</ScreenHeading>
      <p>
        Share workspaces with the people you work with. You can also do this later from the team
        menu in the header.
      </p>
      <div className="actions team-onboarding-choices">
        <button
          type="button"
          className="button"
          aria-pressed={choice === "create"}
          onClick={() => setChoice("create")}
        >
          Create a team
        </button>
        <button
          type="button"
          className="button"
          aria-pressed={choice === "join"}
          onClick={() => setChoice("join")}
        >
          Join a team
        </button>
        <button type="button" className="button" onClick={onSkip}>
          Skip for now
        </button>
      </div>
      {choice === "create" && (
        <CreateTeamForm
          accountId={account.id}
          onCreated={onTeam}
          onCancel={() => setChoice(null)}
        />
      )}
      {choice === "join" && <JoinTeamList account={account} onJoined={onTeam} />}
      <p className="field-hint">
        Teams to join are found by the domain of your confirmed address
        {account.email ? `, ${account.email}` : ""}.
      </p>
    </section>
  );
}
