// The small forms at the top of the sidebar (a name, where to move something, an
// export's choices, a curl command): one shell with the error line and the submit and
// Cancel buttons, and the ones only the sidebar uses (NameForm, NewWorkspaceForm,
// MoveForm, MoveToWorkspaceForm).
import { type ReactNode, useState } from "react";

import type { Place } from "../../bindings/Place";
import type { TeamName } from "./WorkspaceSwitcher";

type ShellProps = {
  submit: string;
  submitDisabled?: boolean;
  error?: string | null;
  label?: string;
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
};

export function SideForm({
  submit,
  submitDisabled,
  error,
  label,
  onSubmit,
  onClose,
  children,
}: ShellProps) {
  return (
    <form
      className="work-side-form"
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
      onKeyDown={(event) => event.key === "Escape" && onClose()}
    >
      {children}
      {error && (
        <p role="alert" className="work-error">
          {error}
        </p>
      )}
      <div className="work-side-form-buttons">
        <button type="submit" className="button button-primary" disabled={submitDisabled}>
          {submit}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export type Naming = { label: string; value: string; done: (name: string) => unknown };

/**
 * Asks for a name (renamed workspace, new or renamed collection, folder or request; a new
 * workspace's with NewWorkspaceForm), with `children` for anything asked beside it.
 */
export function NameForm({
  naming,
  onClose,
  children,
}: {
  naming: Naming;
  onClose: () => void;
  children?: ReactNode;
}) {
  const [value, setValue] = useState(naming.value);
  return (
    <SideForm
      submit="Save"
      onClose={onClose}
      onSubmit={() => {
        const name = value.trim();
        if (!name) return;
        onClose();
        void naming.done(name);
      }}
    >
      <label className="field-label" htmlFor="work-name">
        {naming.label}
      </label>
      <input
        id="work-name"
        className="field"
        value={value}
        // biome-ignore lint/a11y/noAutofocus: the person just asked to name something
        autoFocus
        onChange={(event) => setValue(event.target.value)}
      />
      {children}
    </SideForm>
  );
}

/**
 * A new workspace's name and, when the account is in a team, whom it belongs to: "Only
 * me" (the default) or one of the teams, shared with every member.
 */
export function NewWorkspaceForm({
  teams,
  onClose,
  onCreate,
}: {
  teams: TeamName[];
  onClose: () => void;
  onCreate: (name: string, teamId: string | null) => unknown;
}) {
  // "" is Only me.
  const [owner, setOwner] = useState("");
  const naming = {
    label: "Name of the new workspace",
    value: "New Workspace",
    done: (name: string) => onCreate(name, owner || null),
  };
  const sorted = [...teams].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <NameForm naming={naming} onClose={onClose}>
      {teams.length > 0 && (
        <>
          <label className="field-label" htmlFor="work-owner">
            Belongs to
          </label>
          <select
            id="work-owner"
            className="field"
            value={owner}
            onChange={(event) => setOwner(event.target.value)}
          >
            <option value="">Only me</option>
            {sorted.map((team) => (
              <option key={team.id} value={team.id}>
                {`${team.name} — shared with the team`}
              </option>
            ))}
          </select>
        </>
      )}
    </NameForm>
  );
}

/** "Move to…": every collection and folder it can go to, by path. */
export function MoveForm({
  name,
  choices,
  onClose,
  onMove,
}: {
  name: string;
  choices: { label: string; place: Place }[];
  onClose: () => void;
  onMove: (place: Place) => void;
}) {
  const [chosen, setChosen] = useState(0);
  return (
    <SideForm
      submit="Move"
      onClose={onClose}
      onSubmit={() => {
        const choice = choices[chosen];
        if (!choice) return;
        onClose();
        onMove(choice.place);
      }}
    >
      <label className="field-label" htmlFor="move-destination">
        Move “{name}” to
      </label>
      <select
        id="move-destination"
        className="field"
        value={chosen}
        // biome-ignore lint/a11y/noAutofocus: the person just asked where to move it
        autoFocus
        onChange={(event) => setChosen(Number(event.target.value))}
      >
        {choices.map((choice, at) => (
          <option key={`${choice.place.collection_id}/${choice.place.folder_id}`} value={at}>
            {choice.label}
          </option>
        ))}
      </select>
    </SideForm>
  );
}

/** Asks which workspace a collection moves to. */
export function MoveToWorkspaceForm({
  name,
  workspaces,
  onClose,
  onMove,
}: {
  name: string;
  workspaces: { id: string; name: string }[];
  onClose: () => void;
  onMove: (workspaceId: string) => void;
}) {
  const [chosen, setChosen] = useState(workspaces[0]?.id ?? "");
  return (
    <SideForm
      submit="Move"
      submitDisabled={!chosen}
      onClose={onClose}
      onSubmit={() => {
        onClose();
        onMove(chosen);
      }}
    >
      <label className="field-label" htmlFor="move-workspace">
        Move “{name}” with everything in it to
      </label>
      <select
        id="move-workspace"
        className="field"
        value={chosen}
        // biome-ignore lint/a11y/noAutofocus: the person just asked where to move it
        autoFocus
        onChange={(event) => setChosen(event.target.value)}
      >
        {workspaces.map((workspace) => (
          <option key={workspace.id} value={workspace.id}>
            {workspace.name}
          </option>
        ))}
      </select>
    </SideForm>
  );
}
