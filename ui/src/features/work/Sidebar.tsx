// The sidebar: the workspace switcher (WorkspaceSwitcher.tsx), New collection and
// Import… (ImportExport.tsx), the filter box, and the tree (TreeView.tsx over the rows of
// treeModel.ts) with its row actions: create, rename, duplicate, move (drag and drop,
// Alt+↑/↓, "Move to…"), export, paste curl and delete (Undo in a toast). Names, moves,
// exports and curl commands are asked for in a small form at the top of the sidebar; a new
// workspace's too, with whom it belongs to when the account is in a team (past the team
// plan's workspaces, Upgrade or Edit Plan beside the refusal for those who pay).
import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useRef, useState } from "react";

import type { IpcError } from "../../bindings/IpcError";
import type { Place } from "../../bindings/Place";
import type { Undo } from "../../bindings/Undo";
import type { Workspace } from "../../bindings/Workspace";
import * as ipc from "../../ipc";
import { PlanLimitAction } from "../billing/UpgradeButton";
import { CurlForm, ExportForm, ImportButton, importLine } from "./ImportExport";
import {
  environmentsKey,
  requestKey,
  requestUrlsKey,
  treeKey,
  useRequestUrls,
  useTree,
} from "./queries";
import { MoveForm, MoveToWorkspaceForm, NameForm, type Naming, NewWorkspaceForm } from "./SideForm";
import { OPENED_MARK, TreeView } from "./TreeView";
import {
  destinations,
  emptyExpansion,
  type Filtered,
  filterTree,
  indexTree,
  type Moving,
  type Row,
  searchText,
  toggled,
  visibleRows,
} from "./treeModel";
import { isScratchPad, type TeamName, WorkspaceSwitcher } from "./WorkspaceSwitcher";

type Props = {
  workspaces: Workspace[];
  workspace: Workspace;
  /** Workspace id → the id of the team it belongs to (absent: the account's own). */
  teamOf: Record<string, string>;
  /** The account's teams: a new workspace can be one of theirs. */
  teams: TeamName[];
  /** Signed in: the account's own workspaces can be created. */
  signedIn: boolean;
  /** The signed-in account, for Upgrade / Edit Plan beside a team's workspace limit. */
  accountId?: string | null;
  onChooseWorkspace: (id: string) => void;
  openRequest: string | null;
  onOpenRequest: (id: string | null) => void;
};

/** What the form at the top of the sidebar is asking. */
type Panel =
  | { kind: "name"; naming: Naming }
  | { kind: "new_workspace" }
  | { kind: "move"; row: Row }
  | { kind: "move_workspace"; row: Row }
  | { kind: "export"; row: Row }
  | { kind: "curl"; row: Row };

export function Sidebar({
  workspaces,
  workspace,
  teamOf,
  teams,
  signedIn,
  accountId = null,
  onChooseWorkspace,
  openRequest,
  onOpenRequest,
}: Props) {
  const workspaceId = workspace.meta.id;
  // Once, as the sidebar first opens a workspace (the benchmark times from here).
  useState(() => performance.mark(OPENED_MARK));
  const tree = useTree(workspaceId);
  const queryClient = useQueryClient();
  // The last deletion, for Undo (with the workspace to show again, when it was one).
  const [undo, setUndo] = useState<(Undo & { workspaceId?: string }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The team whose plan refused a new workspace ("plan_limit"), for Upgrade / Edit Plan.
  const [limitedTeam, setLimitedTeam] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [panel, setPanel] = useState<Panel | null>(null);
  const [filter, setFilter] = useState("");
  const [expansion, setExpansion] = useState(emptyExpansion);
  // URLs are read once the person turns to the filter, so typing does not wait for them.
  // The filter's lowercased texts are made then too, and dropped with the URLs when the
  // box is left empty: a large workspace keeps neither while nobody filters.
  const [filtering, setFiltering] = useState(false);
  const filterInUse = filtering || filter.trim() !== "";
  const urls = useRequestUrls(workspaceId, filterInUse);

  const index = useMemo(() => (tree.data ? indexTree(tree.data) : null), [tree.data]);
  const search = useMemo(
    () => (index && filterInUse ? searchText(index, urls.data ?? {}) : null),
    [index, urls.data, filterInUse],
  );
  // The last result, so typing on searches only what still matched.
  const lastFilter = useRef<Filtered | null>(null);
  const kept = useMemo(() => {
    const found = index && search ? filterTree(index, filter, search, lastFilter.current) : null;
    lastFilter.current = found;
    return found?.kept ?? null;
  }, [index, filter, search]);
  const rows = useMemo(
    () => (index ? visibleRows(index, expansion, kept) : null),
    [index, expansion, kept],
  );

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: treeKey(workspaceId) }),
      queryClient.invalidateQueries({ queryKey: requestUrlsKey(workspaceId) }),
    ]);
  // Runs a change, then reads the tree again; a failure is shown above the tree.
  const change = async <T,>(run: () => Promise<T>, teamId?: string): Promise<T | undefined> => {
    setError(null);
    setLimitedTeam(null);
    try {
      return await run();
    } catch (failure) {
      setError((failure as IpcError).message);
      if ((failure as IpcError).kind === "plan_limit" && teamId) setLimitedTeam(teamId);
      return undefined;
    } finally {
      await refresh();
    }
  };
  const ask = (label: string, value: string, done: (name: string) => void) =>
    setPanel({ kind: "name", naming: { label, value, done } });
  const open = (row: Row) => setExpansion((now) => toggled(now, row, true));

  // Workspaces: the account's own can be created, renamed and deleted (Undo restores).
  const refreshWorkspaces = () => queryClient.invalidateQueries({ queryKey: ["workspaces"] });
  const createWorkspace = async (name: string, teamId: string | null) => {
    const created = await change(() => ipc.createWorkspace(name, teamId), teamId ?? undefined);
    await refreshWorkspaces();
    if (created) onChooseWorkspace(created.meta.id);
  };
  const renameWorkspace = (target: Workspace) =>
    ask(`New name for “${target.name}”`, target.name, async (name) => {
      await change(() => ipc.renameWorkspace(target.meta.id, name));
      await refreshWorkspaces();
    });
  const deleteWorkspace = async (target: Workspace) => {
    const done = await change(() => ipc.deleteWorkspace(target.meta.id));
    if (!done) return;
    setUndo({ ...done, workspaceId: target.meta.id });
    const pad = workspaces.find(isScratchPad);
    if (pad) onChooseWorkspace(pad.meta.id);
    await refreshWorkspaces();
  };

  const newCollection = () =>
    ask("Name of the new collection", "New Collection", (name) =>
      change(() => ipc.createCollection(workspaceId, name)),
    );
  const placeIn = (row: Row) => ({
    collection_id: row.collectionId,
    folder_id: row.kind === "folder" ? row.id : null,
    index: null,
  });
  // Where a collection can move: every other workspace listed (the Scratch Pad's work
  // into a synced one, or back).
  const others = workspaces
    .filter((other) => other.meta.id !== workspaceId)
    .map((other) => ({ id: other.meta.id, name: other.name }));
  const moveToWorkspace = async (row: Row, target: string) => {
    const moved = await change(() => ipc.moveCollectionToWorkspace(row.id, target));
    const to = others.find((other) => other.id === target);
    if (moved && to) setStatus(`Moved “${row.name}” to ${to.name}.`);
  };
  const actions = {
    newRequest: (row: Row) =>
      ask("Name of the new request", "New Request", async (name) => {
        open(row);
        const created = await change(() => ipc.createRequest(placeIn(row), name));
        if (created) onOpenRequest(created.meta.id);
      }),
    newFolder: (row: Row) =>
      ask("Name of the new folder", "New Folder", (name) => {
        open(row);
        void change(() => ipc.createFolder(placeIn(row), name));
      }),
    rename: (row: Row) => {
      const run = (name: string): Promise<unknown> =>
        row.kind === "collection"
          ? ipc.renameCollection(row.id, name)
          : row.kind === "folder"
            ? ipc.renameFolder(row.id, name)
            : ipc.renameRequest(row.id, name);
      ask(`New name for “${row.name}”`, row.name, async (name) => {
        await change(() => run(name));
        // An open editor holds the request as it was: read it again (its name, and
        // the revision its next save must be made on).
        if (row.kind === "request")
          await queryClient.invalidateQueries({ queryKey: requestKey(row.id) });
      });
    },
    duplicate: async (row: Row) => {
      if (row.kind === "collection") await change(() => ipc.duplicateCollection(row.id));
      else if (row.kind === "folder") await change(() => ipc.duplicateFolder(row.id));
      else {
        const copy = await change(() => ipc.duplicateRequest(row.id));
        if (copy) onOpenRequest(copy.meta.id);
      }
    },
    moveTo: (row: Row) => setPanel({ kind: "move", row }),
    moveToWorkspace:
      others.length > 0 ? (row: Row) => setPanel({ kind: "move_workspace", row }) : undefined,
    exportCollection: (row: Row) => setPanel({ kind: "export", row }),
    pasteCurl: (row: Row) => setPanel({ kind: "curl", row }),
    remove: async (row: Row) => {
      const run = (): Promise<Undo> =>
        row.kind === "collection"
          ? ipc.deleteCollection(row.id)
          : row.kind === "folder"
            ? ipc.deleteFolder(row.id)
            : ipc.deleteRequest(row.id);
      const done = await change(run);
      if (done) {
        setUndo(done);
        if (row.kind === "request" && row.id === openRequest) onOpenRequest(null);
      }
    },
    move: (moving: Moving, place: Place) =>
      void change<unknown>(() =>
        moving.kind === "folder"
          ? ipc.moveFolder(moving.id, place)
          : ipc.moveRequest(moving.id, place),
      ),
  };

  return (
    <nav className="work-sidebar" aria-label="Workspace">
      <WorkspaceSwitcher
        workspaces={workspaces}
        workspace={workspace}
        teamOf={teamOf}
        teams={teams}
        signedIn={signedIn}
        onChoose={onChooseWorkspace}
        onCreate={() => setPanel({ kind: "new_workspace" })}
        onRename={renameWorkspace}
        onDelete={deleteWorkspace}
      />
      <h2 className="work-sidebar-title">{workspace.name}</h2>
      <div className="work-sidebar-tools">
        <button type="button" className="button" onClick={newCollection}>
          New collection
        </button>
        <ImportButton
          workspaceId={workspaceId}
          onImported={(summary) => {
            setError(null);
            setStatus(importLine(summary));
            void refresh();
            void queryClient.invalidateQueries({ queryKey: environmentsKey(workspaceId) });
          }}
          onError={(message) => {
            setStatus(null);
            setError(message);
          }}
        />
      </div>
      {panel?.kind === "name" && <NameForm naming={panel.naming} onClose={() => setPanel(null)} />}
      {panel?.kind === "new_workspace" && (
        <NewWorkspaceForm teams={teams} onClose={() => setPanel(null)} onCreate={createWorkspace} />
      )}
      {panel?.kind === "move" && index && (
        <MoveForm
          name={panel.row.name}
          choices={destinations(index, { kind: moverKind(panel.row), id: panel.row.id })}
          onClose={() => setPanel(null)}
          onMove={(place) => actions.move({ kind: moverKind(panel.row), id: panel.row.id }, place)}
        />
      )}
      {panel?.kind === "move_workspace" && (
        <MoveToWorkspaceForm
          name={panel.row.name}
          workspaces={others}
          onClose={() => setPanel(null)}
          onMove={(target) => void moveToWorkspace(panel.row, target)}
        />
      )}
      {panel?.kind === "export" && (
        <ExportForm row={panel.row} onClose={() => setPanel(null)} onDone={setStatus} />
      )}
      {panel?.kind === "curl" && (
        <CurlForm
          row={panel.row}
          onClose={() => setPanel(null)}
          onCreated={(request) => {
            open(panel.row);
            void refresh();
            onOpenRequest(request.meta.id);
          }}
        />
      )}
      {error && (
        <p role="alert" className="work-error">
          {error}
        </p>
      )}
      {error && limitedTeam && accountId && (
        <PlanLimitAction
          accountId={accountId}
          teamId={limitedTeam}
          role={teams.find((team) => team.id === limitedTeam)?.role}
        />
      )}
      {status && (
        <p role="status" className="work-status">
          {status}
        </p>
      )}
      <input
        type="search"
        className="field work-filter"
        aria-label="Filter requests"
        placeholder="Filter by name, URL or method"
        value={filter}
        onFocus={() => setFiltering(true)}
        onBlur={() => {
          if (filter.trim() !== "") return;
          setFiltering(false);
          queryClient.removeQueries({ queryKey: requestUrlsKey(workspaceId) });
        }}
        onChange={(event) => setFilter(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") setFilter("");
        }}
      />
      {index && index.tree.collections.length === 0 && (
        <p className="work-empty">No collections yet.</p>
      )}
      {index && kept && rows?.length === 0 && (
        <p className="work-empty">No request matches “{filter.trim()}”.</p>
      )}
      {index && rows && (
        <TreeView
          index={index}
          rows={rows}
          openRequest={openRequest}
          onOpenRequest={onOpenRequest}
          onToggle={(row, isOpen) => setExpansion((now) => toggled(now, row, isOpen))}
          actions={actions}
        />
      )}
      {undo && (
        <div role="status" className="work-toast">
          Deleted “{undo.name}”.{" "}
          <button
            type="button"
            className="button-link"
            onClick={async () => {
              const { token, workspaceId: restored } = undo;
              setUndo(null);
              await change(() => ipc.restore(token));
              if (restored) {
                await refreshWorkspaces();
                onChooseWorkspace(restored);
              }
            }}
          >
            Undo
          </button>
        </div>
      )}
    </nav>
  );
}

const moverKind = (row: Row): Moving["kind"] => (row.kind === "folder" ? "folder" : "request");
