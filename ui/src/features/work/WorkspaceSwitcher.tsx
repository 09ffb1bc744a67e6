// The top of the sidebar: which workspace is shown (the Scratch Pad always first, then
// the signed-in account's own, then its teams' ones grouped under each team's name, with
// "Team: …" beside the switcher while a team's is shown), and, signed in, creating,
// renaming and deleting the account's workspaces. The Scratch Pad is never renamed or
// deleted; without an account there is nothing to create, and the switcher says sign-in
// is what adds workspaces. Options are the workspaces' names alone: the groups say whose.
import type { TeamRole } from "../../bindings/TeamRole";
import type { Workspace } from "../../bindings/Workspace";

/** A team as the work area names it (with the account's role, when known). */
export type TeamName = { id: string; name: string; role?: TeamRole };

type Props = {
  workspaces: Workspace[];
  workspace: Workspace;
  /** Workspace id → the id of the team it belongs to (absent: the account's own). */
  teamOf: Record<string, string>;
  /** The account's teams, to name those in `teamOf`. */
  teams: TeamName[];
  signedIn: boolean;
  onChoose: (id: string) => void;
  onCreate: () => void;
  onRename: (workspace: Workspace) => void;
  onDelete: (workspace: Workspace) => void;
};

export const isScratchPad = (workspace: Workspace) => workspace.owner.kind === "scratch_pad";

const UNKNOWN_TEAM = "A team";

/** A team's name; "A team" for one no longer among the account's (just left it). */
export const teamName = (teams: TeamName[], teamId: string) =>
  teams.find((team) => team.id === teamId)?.name ?? UNKNOWN_TEAM;

type Group = { teamId: string; label: string; workspaces: Workspace[] };

/**
 * The team workspaces, one group per team, each in the list's order: the account's teams
 * by name, then those it is no longer in.
 */
function teamGroups(workspaces: Workspace[], teamOf: Record<string, string>, teams: TeamName[]) {
  const groups = new Map<string, Group>();
  for (const workspace of workspaces) {
    const teamId = teamOf[workspace.meta.id];
    if (teamId === undefined) continue;
    const group = groups.get(teamId) ?? { teamId, label: teamName(teams, teamId), workspaces: [] };
    group.workspaces.push(workspace);
    groups.set(teamId, group);
  }
  const unknown = (group: Group) => (teams.some((team) => team.id === group.teamId) ? 0 : 1);
  return [...groups.values()].sort(
    (a, b) => unknown(a) - unknown(b) || a.label.localeCompare(b.label),
  );
}

const options = (workspaces: Workspace[]) =>
  workspaces.map((w) => (
    <option key={w.meta.id} value={w.meta.id}>
      {w.name}
    </option>
  ));

export function WorkspaceSwitcher({
  workspaces,
  workspace,
  teamOf,
  teams,
  signedIn,
  onChoose,
  onCreate,
  onRename,
  onDelete,
}: Props) {
  const groups = teamGroups(workspaces, teamOf, teams);
  const pads = workspaces.filter(isScratchPad);
  const own = workspaces.filter((w) => !isScratchPad(w) && teamOf[w.meta.id] === undefined);
  const shownTeam = teamOf[workspace.meta.id];
  return (
    <div className="work-switcher">
      <label className="field-label" htmlFor="workspace-switcher">
        Workspace
      </label>
      <select
        id="workspace-switcher"
        className="field"
        value={workspace.meta.id}
        aria-describedby={shownTeam === undefined ? undefined : "workspace-team"}
        onChange={(event) => onChoose(event.target.value)}
      >
        {options(pads)}
        {groups.length === 0 ? (
          options(own)
        ) : (
          <>
            {own.length > 0 && <optgroup label="Yours">{options(own)}</optgroup>}
            {groups.map((group) => (
              <optgroup key={group.teamId} label={group.label}>
                {options(group.workspaces)}
              </optgroup>
            ))}
          </>
        )}
      </select>
      {shownTeam !== undefined && (
        <span id="workspace-team" className="work-team-badge">
          {`Team: ${teamName(teams, shownTeam)}`}
        </span>
      )}
      <div className="work-switcher-actions">
        {signedIn ? (
          <button type="button" className="button-quiet" onClick={onCreate}>
            New workspace
          </button>
        ) : (
          <span className="work-hint">Sign in to create more workspaces.</span>
        )}
        {!isScratchPad(workspace) && (
          <>
            <button
              type="button"
              className="button-quiet"
              aria-label={`Rename workspace ${workspace.name}`}
              onClick={() => onRename(workspace)}
            >
              Rename
            </button>
            <button
              type="button"
              className="button-quiet"
              aria-label={`Delete workspace ${workspace.name}`}
              onClick={() => onDelete(workspace)}
            >
              Delete
            </button>
          </>
        )}
      </div>
    </div>
  );
}
