// A team's page, shown when the team switcher has it chosen: its name, URL (/t/{slug})
// and the person's role; Members for everyone (with Leave team); for admins also
// Invitations, Join requests and Settings; Billing for admins and billing managers. Each
// section loads what it shows itself.
import type { ReactNode } from "react";

import type { AccountView } from "../../bindings/AccountView";
import type { Team } from "../../bindings/Team";
import { ScreenHeading } from "../../components/ScreenHeading";
import { BillingSection } from "../billing/BillingSection";
import { seesBilling } from "../billing/queries";
import { QueryGate } from "../settings/forms";
import { InvitationsSection } from "./InvitationsSection";
import { JoinRequestsSection } from "./JoinRequestsSection";
import { MembersSection } from "./MembersSection";
import { useInvitations, useJoinRequests, useTeamMembers } from "./queries";
import { roleLabel } from "./roles";
import { TeamSettingsSection } from "./TeamSettingsSection";

type Props = { account: AccountView; team: Team; onLeft: () => void };

export function TeamPage({ account, team, onLeft }: Props) {
  const admin = team.role === "admin";
  return (
    <div className="team-screen">
      <div className="team-top">
        <ScreenHeading>{team.name}</ScreenHeading>
        <span className="team-url">/t/{team.slug}</span>
        <span className="tag tag-accent">{roleLabel(team.role)}</span>
      </div>
      <TeamSection id="members" title="Members">
        <MembersBody account={account} team={team} onLeft={onLeft} />
      </TeamSection>
      {admin && (
        <>
          <TeamSection id="invitations" title="Invitations">
            <InvitationsBody account={account} team={team} />
          </TeamSection>
          <TeamSection id="join-requests" title="Join requests">
            <JoinRequestsBody account={account} team={team} />
          </TeamSection>
          <TeamSection id="settings" title="Settings">
            <TeamSettingsSection account={account} team={team} />
          </TeamSection>
        </>
      )}
      {seesBilling(team.role) && (
        <TeamSection id="billing" title="Billing">
          <BillingSection accountId={account.id} teamId={team.id} />
        </TeamSection>
      )}
    </div>
  );
}

function TeamSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  const headingId = `team-${id}-title`;
  return (
    <section className="card team-card" aria-labelledby={headingId}>
      <h2 id={headingId} className="card-title">
        {title}
      </h2>
      {children}
    </section>
  );
}

function MembersBody({ account, team, onLeft }: Props) {
  const userId = account.userId;
  return (
    <QueryGate
      query={useTeamMembers(account.id, team.id)}
      loading="Loading the members"
      failed="Could not load the members"
    >
      {(members) => (
        <MembersSection
          account={account}
          team={team}
          members={members}
          userId={userId}
          onLeft={onLeft}
        />
      )}
    </QueryGate>
  );
}

function InvitationsBody({ account, team }: Omit<Props, "onLeft">) {
  return (
    <QueryGate
      query={useInvitations(account.id, team.id)}
      loading="Loading the invitations"
      failed="Could not load the invitations"
    >
      {(invitations) => (
        <InvitationsSection account={account} team={team} invitations={invitations} />
      )}
    </QueryGate>
  );
}

function JoinRequestsBody({ account, team }: Omit<Props, "onLeft">) {
  return (
    <QueryGate
      query={useJoinRequests(account.id, team.id)}
      loading="Loading the requests to join"
      failed="Could not load the requests to join"
    >
      {(requests) => <JoinRequestsSection account={account} team={team} requests={requests} />}
    </QueryGate>
  );
}
