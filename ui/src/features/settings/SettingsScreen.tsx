// Account Settings for the active, signed-in account: a section nav (Profile, Email,
// Password, Notifications, Sessions, Synced secrets, Support) beside the chosen section, and Back to
// Courier. Each section loads what it shows through its own query; moving to another
// section puts focus on its heading.
import { useEffect, useRef, useState } from "react";

import type { AccountView } from "../../bindings/AccountView";
import { ScreenHeading } from "../../components/ScreenHeading";
import { EmailSection } from "./EmailSection";
import { QueryGate } from "./forms";
import { NotificationsSection } from "./NotificationsSection";
import { PasswordSection } from "./PasswordSection";
import { ProfileSection } from "./ProfileSection";
import { useNotificationPreferences, useProfile, useSessions } from "./queries";
import { SecretsSection } from "./SecretsSection";
import { SessionsSection } from "./SessionsSection";
import { SupportSection } from "./SupportSection";

export const sections = [
  {
    id: "profile",
    title: "Profile",
    about: "How you appear to your team, and publicly if you choose.",
  },
  { id: "email", title: "Email", about: "Where Courier writes to you." },
  { id: "password", title: "Password", about: "Change the password you sign in with." },
  {
    id: "notifications",
    title: "Notifications",
    about: "What Courier tells you about, and where.",
  },
  {
    id: "sessions",
    title: "Sessions",
    about: "Every device and browser signed in to this account.",
  },
  {
    id: "secrets",
    title: "Synced secrets",
    about: "Reading your secret values on each device, with your recovery key.",
  },
  { id: "support", title: "Support", about: "Ask for help and follow your requests." },
] as const;

export type SectionId = (typeof sections)[number]["id"];

type Props = { account: AccountView; onBack: () => void; initialSection?: SectionId };

export function SettingsScreen({ account, onBack, initialSection = "profile" }: Props) {
  const [sectionId, setSectionId] = useState<SectionId>(initialSection);
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  const section = sections.find((candidate) => candidate.id === sectionId) ?? sections[0];

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the section changes, to move focus to it
  useEffect(() => {
    // The screen's own title has focus when it opens; after that, the section's.
    if (moved.current) heading.current?.focus();
  }, [sectionId]);

  const go = (id: SectionId) => {
    moved.current = true;
    setSectionId(id);
  };

  return (
    <div className="settings">
      <div className="settings-top">
        <button type="button" className="button button-back" onClick={onBack}>
          Back to Courier
        </button>
        <ScreenHeading>Account Settings</ScreenHeading>
        <span className="settings-account">{account.email ?? account.displayName}</span>
      </div>
      <div className="settings-layout">
        <nav className="settings-nav" aria-label="Settings sections">
          <ul>
            {sections.map((candidate) => (
              <li key={candidate.id}>
                <button
                  type="button"
                  className="settings-nav-item"
                  aria-current={candidate.id === sectionId ? "page" : undefined}
                  onClick={() => go(candidate.id)}
                >
                  {candidate.title}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <section className="settings-section card" aria-labelledby="settings-section-title">
          <h2 id="settings-section-title" ref={heading} tabIndex={-1} className="card-title">
            {section.title}
          </h2>
          <p className="settings-about">{section.about}</p>
          <SectionBody id={section.id} account={account} />
        </section>
      </div>
    </div>
  );
}

function SectionBody({ id, account }: { id: SectionId; account: AccountView }) {
  switch (id) {
    case "profile":
      return <ProfileBody account={account} />;
    case "email":
      return <EmailBody account={account} />;
    case "password":
      return <PasswordSection account={account} />;
    case "notifications":
      return <NotificationsBody account={account} />;
    case "sessions":
      return <SessionsBody account={account} />;
    case "secrets":
      return <SecretsSection account={account} />;
    case "support":
      return <SupportSection account={account} />;
  }
}

function ProfileBody({ account }: { account: AccountView }) {
  return (
    <QueryGate
      query={useProfile(account.id)}
      loading="Loading your profile"
      failed="Could not load your profile"
    >
      {(profile) => <ProfileSection account={account} profile={profile} />}
    </QueryGate>
  );
}

function EmailBody({ account }: { account: AccountView }) {
  return (
    <QueryGate
      query={useProfile(account.id)}
      loading="Loading your email address"
      failed="Could not load your email address"
    >
      {(profile) => <EmailSection account={account} profile={profile} />}
    </QueryGate>
  );
}

function NotificationsBody({ account }: { account: AccountView }) {
  return (
    <QueryGate
      query={useNotificationPreferences(account.id)}
      loading="Loading your preferences"
      failed="Could not load your preferences"
    >
      {(saved) => <NotificationsSection account={account} saved={saved} />}
    </QueryGate>
  );
}

function SessionsBody({ account }: { account: AccountView }) {
  return (
    <QueryGate
      query={useSessions(account.id)}
      loading="Loading your sessions"
      failed="Could not load your sessions"
    >
      {(sessions) => <SessionsSection account={account} sessions={sessions} />}
    </QueryGate>
  );
}
