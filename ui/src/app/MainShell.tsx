// The app itself: header with the team switcher and the account menu (or Sign In), the
// email banner, the main area and the status line saying where tokens are kept. The main
// area shows, for the active signed-in account, Configure your account until its profile
// is configured (then, after Continue, the team step), then what the team switcher chose:
// Personal (its overview above its work: the Scratch Pad and its own workspaces), a team's
// page, Create a team or Join a team; or Account Settings. The personal work stays mounted
// (hidden) while a team is on screen, so open editors keep their unsaved edits. For an
// account the server signed out, its overview (Sign in again) above the same work
// (nothing on this device waits for a sign-in); without one, the Scratch Pad.
import { useState } from "react";

import type { AccountView } from "../bindings/AccountView";
import type { AppSnapshot } from "../bindings/AppSnapshot";
import { CommandError } from "../components/CommandError";
import { AccountOverview } from "../features/accounts/AccountOverview";
import { EmailUnconfirmedBanner } from "../features/accounts/EmailUnconfirmedBanner";
import { VaultStatusLine } from "../features/accounts/VaultStatusLine";
import { PaymentBanner } from "../features/billing/PaymentBanner";
import { UpgradeButton } from "../features/billing/UpgradeButton";
import { ConfigureAccountScreen } from "../features/settings/ConfigureAccountScreen";
import { useProfile } from "../features/settings/queries";
import { SettingsScreen } from "../features/settings/SettingsScreen";
import { useSyncEvents } from "../features/sync/queries";
import { SyncIndicator } from "../features/sync/SyncIndicator";
import { CreateTeamScreen } from "../features/teams/CreateTeam";
import { JoinTeamScreen } from "../features/teams/JoinTeam";
import { TeamNotice } from "../features/teams/TeamNotice";
import { TeamOnboarding } from "../features/teams/TeamOnboarding";
import { TeamPage } from "../features/teams/TeamPage";
import { TeamSwitcher } from "../features/teams/TeamSwitcher";
import { type TeamView, type TeamViewState, useTeamView } from "../features/teams/teamView";
import { WorkArea } from "../features/work/WorkArea";
import { activeAccount } from "../queries";
import { AppHeader } from "./AppHeader";

const shellCommands = ["switch_account", "sign_out", "sign_out_all", "skip_sign_in"] as const;

export function MainShell({ snapshot }: { snapshot: AppSnapshot }) {
  const active = activeAccount(snapshot);
  const signedIn = active && !active.signedOut ? active : undefined;
  useSyncEvents();
  // Settings belong to the account they were opened for; switching accounts leaves them.
  const [settingsFor, setSettingsFor] = useState<string | null>(null);
  // The team step of Configure your account, for the account that pressed Continue.
  const [teamStepFor, setTeamStepFor] = useState<string | null>(null);
  const chosen = useTeamView(signedIn?.id);
  // No team switcher while Configure your account is on screen: it would change nothing.
  const profile = useProfile(signedIn?.id);
  const configuring = profile.data !== undefined && !profile.data.configured;
  // A choice in the team switcher leaves Settings and the team step.
  const teams: TeamViewState = {
    ...chosen,
    show: (view: TeamView, notice?: string) => {
      setSettingsFor(null);
      setTeamStepFor(null);
      chosen.show(view, notice);
    },
  };
  const openSettings = signedIn
    ? () => {
        setTeamStepFor(null);
        setSettingsFor(signedIn.id);
      }
    : undefined;
  return (
    <div className="shell">
      <AppHeader
        snapshot={snapshot}
        onOpenSettings={openSettings}
        teamSwitcher={
          signedIn && !configuring && <TeamSwitcher accountId={signedIn.id} state={teams} />
        }
        syncIndicator={signedIn && <SyncIndicator accountId={signedIn.id} />}
        upgradeButton={
          signedIn &&
          !configuring &&
          teams.team && (
            <UpgradeButton
              key={teams.team.id}
              accountId={signedIn.id}
              teamId={teams.team.id}
              role={teams.team.role}
            />
          )
        }
      />
      {active && !active.emailVerified && <EmailUnconfirmedBanner account={active} />}
      {signedIn && !configuring && teams.team && (
        <PaymentBanner
          key={teams.team.id}
          accountId={signedIn.id}
          teamId={teams.team.id}
          role={teams.team.role}
        />
      )}
      <main className="shell-main">
        <CommandError commands={shellCommands} />
        {signedIn ? (
          <SignedInMain
            account={signedIn}
            snapshot={snapshot}
            settingsOpen={settingsFor === signedIn.id}
            onCloseSettings={() => setSettingsFor(null)}
            teamStep={teamStepFor === signedIn.id}
            onConfigureChoice={(how) => setTeamStepFor(how === "continue" ? signedIn.id : null)}
            onTeamStepDone={() => setTeamStepFor(null)}
            teams={teams}
          />
        ) : active ? (
          // The server ended this sign-in: "Sign in again" above, the work still here.
          <>
            <AccountOverview account={active} vault={snapshot.vault} />
            <WorkArea accountId={active.id} />
          </>
        ) : (
          <WorkArea accountId={null} />
        )}
      </main>
      <VaultStatusLine vault={snapshot.vault} />
    </div>
  );
}

type SignedInProps = {
  account: AccountView;
  snapshot: AppSnapshot;
  settingsOpen: boolean;
  onCloseSettings: () => void;
  teamStep: boolean;
  onConfigureChoice: (how: "continue" | "skip") => void;
  onTeamStepDone: () => void;
  teams: TeamViewState;
};

function SignedInMain({
  account,
  snapshot,
  settingsOpen,
  onCloseSettings,
  teamStep,
  onConfigureChoice,
  onTeamStepDone,
  teams,
}: SignedInProps) {
  // The overview shows while the profile loads (or cannot be loaded: the app never waits
  // on the network); only a profile that says so asks to be configured.
  const profile = useProfile(account.id);
  if (profile.data && !profile.data.configured)
    return (
      <ConfigureAccountScreen
        key={account.id}
        account={account}
        profile={profile.data}
        onChoose={onConfigureChoice}
      />
    );
  if (settingsOpen)
    return <SettingsScreen key={account.id} account={account} onBack={onCloseSettings} />;
  if (teamStep)
    return (
      <TeamOnboarding
        account={account}
        onTeam={(team) => teams.show({ kind: "team", teamId: team.id })}
        onSkip={onTeamStepDone}
      />
    );

  const { view, team, loading } = teams;
  const personal = view.kind === "personal" && !loading;
  const toPersonal = () => teams.show({ kind: "personal" });
  const toTeam = (id: string) => teams.show({ kind: "team", teamId: id });
  return (
    <>
      {teams.notice && <TeamNotice text={teams.notice} onDismiss={teams.dismissNotice} />}
      {loading && (
        <div
          className="section-loading"
          role="status"
          aria-busy="true"
          aria-label="Loading the team"
        >
          <span className="spinner" aria-hidden="true" />
        </div>
      )}
      {view.kind === "team" && team && (
        <TeamPage
          key={team.id}
          account={account}
          team={team}
          onLeft={() => teams.show({ kind: "personal" }, `You left ${team.name}.`)}
        />
      )}
      {view.kind === "create" && (
        <CreateTeamScreen
          accountId={account.id}
          onCreated={(created) => toTeam(created.id)}
          onBack={toPersonal}
        />
      )}
      {view.kind === "join" && (
        <JoinTeamScreen
          account={account}
          onJoined={(joined) => toTeam(joined.id)}
          onBack={toPersonal}
        />
      )}
      <div className="personal-area" hidden={!personal}>
        <AccountOverview account={account} vault={snapshot.vault} />
        <WorkArea accountId={account.id} />
      </div>
    </>
  );
}
