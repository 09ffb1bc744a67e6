// What the main area shows for the signed-in account: Personal (the work area), one of its
// teams, Create a team or Join a team. The Personal/team choice is remembered per account
// in localStorage (`courier.team.<accountId>`) and falls back to Personal when the team is
// gone; a team that disappears while on screen (the person was removed) leaves a notice.
import { useCallback, useEffect, useRef, useState } from "react";

import type { Team } from "../../bindings/Team";
import { useTeams } from "./queries";

export type TeamView =
  | { kind: "personal" }
  | { kind: "team"; teamId: string }
  | { kind: "create" }
  | { kind: "join" };

const personal: TeamView = { kind: "personal" };

export const storageKey = (accountId: string) => `courier.team.${accountId}`;

function storedView(accountId: string): TeamView {
  try {
    const teamId = localStorage.getItem(storageKey(accountId));
    return teamId ? { kind: "team", teamId } : personal;
  } catch {
    return personal;
  }
}

function remember(accountId: string, view: TeamView) {
  try {
    if (view.kind === "team") localStorage.setItem(storageKey(accountId), view.teamId);
    else if (view.kind === "personal") localStorage.removeItem(storageKey(accountId));
  } catch {
    // No storage (private mode): the choice lasts this run only.
  }
}

export type TeamViewState = {
  /** What the main area shows; a team only once it is known to be one of the account's. */
  view: TeamView;
  /** The team on screen (view.kind "team"), or undefined. */
  team: Team | undefined;
  /** The account's teams while they load: a remembered team waits for them. */
  loading: boolean;
  teams: Team[];
  /** Shows `view` (remembered if Personal or a team), with `notice` above it if given. */
  show: (view: TeamView, notice?: string) => void;
  /** "You are no longer a member of …" (or what `show` said), until dismissed or another choice. */
  notice: string | null;
  dismissNotice: () => void;
};

export function useTeamView(accountId: string | undefined): TeamViewState {
  const [views, setViews] = useState<Record<string, TeamView>>({});
  // A notice belongs to the account it was given for.
  const [notice, setNotice] = useState<{ accountId: string; text: string } | null>(null);
  const teams = useTeams(accountId);
  // The names of teams seen on screen, to say which one was lost.
  const seen = useRef(new Map<string, string>());

  const chosen = accountId ? (views[accountId] ?? storedView(accountId)) : personal;
  const list = teams.data ?? [];
  const team = chosen.kind === "team" ? list.find((t) => t.id === chosen.teamId) : undefined;
  useEffect(() => {
    if (team) seen.current.set(team.id, team.name);
  }, [team]);
  const lost = chosen.kind === "team" && teams.data !== undefined && !team;

  const show = useCallback(
    (view: TeamView, notice?: string) => {
      if (!accountId) return;
      remember(accountId, view);
      setViews((all) => ({ ...all, [accountId]: view }));
      setNotice(notice ? { accountId, text: notice } : null);
    },
    [accountId],
  );

  const lostTeamId = lost && chosen.kind === "team" ? chosen.teamId : null;
  useEffect(() => {
    if (!lostTeamId || !accountId) return;
    const name = seen.current.get(lostTeamId);
    remember(accountId, personal);
    setViews((all) => ({ ...all, [accountId]: personal }));
    if (name) setNotice({ accountId, text: `You are no longer a member of ${name}.` });
  }, [lostTeamId, accountId]);

  const view = chosen.kind === "team" && !team ? personal : chosen;
  return {
    view,
    team,
    loading: chosen.kind === "team" && teams.isPending && accountId !== undefined,
    teams: list,
    show,
    notice: notice && notice.accountId === accountId ? notice.text : null,
    dismissNotice: () => setNotice(null),
  };
}
