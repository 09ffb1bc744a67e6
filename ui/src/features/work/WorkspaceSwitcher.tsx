// The top of the sidebar: which workspace is shown (the Scratch Pad always first, then
// the signed-in account's own), and, signed in, creating, renaming and deleting the
// account's workspaces. The Scratch Pad is never renamed or deleted; without an account
// there is nothing to create, and the switcher says sign-in is what adds workspaces.
import type { Workspace } from "../../bindings/Workspace";

type Props = {
  workspaces: Workspace[];
  workspace: Workspace;
  signedIn: boolean;
  onChoose: (id: string) => void;
  onCreate: () => void;
  onRename: (workspace: Workspace) => void;
  onDelete: (workspace: Workspace) => void;
};

export const isScratchPad = (workspace: Workspace) => workspace.owner.kind === "scratch_pad";

export function WorkspaceSwitcher({
  workspaces,
  workspace,
  signedIn,
  onChoose,
  onCreate,
  onRename,
  onDelete,
}: Props) {
  return (
    <div className="work-switcher">
      <label className="field-label" htmlFor="workspace-switcher">
        Workspace
      </label>
      <select
        id="workspace-switcher"
        className="field"
        value={workspace.meta.id}
        onChange={(event) => onChoose(event.target.value)}
      >
        {workspaces.map((w) => (
          <option key={w.meta.id} value={w.meta.id}>
            {w.name}
          </option>
        ))}
      </select>
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
