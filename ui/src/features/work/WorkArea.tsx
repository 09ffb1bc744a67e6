// The work area: the sidebar (workspace switcher and tree) beside the open requests' tab
// strip, the editor of the one on screen and its response. Shown without an account (the
// Scratch Pad) and signed in (the Scratch Pad and the account's own workspaces). Above the
// strip, the environment picker; "Manage environments" and "History" show the environment
// editor or the workspace's History in the editor's place.
//
// Tabs are per workspace and kept in the database (`set_open_tabs`), so the next start
// opens them again, each editor from its draft when it had unsaved changes (useDraft).
// Every open tab, of every workspace, keeps its editor mounted (hidden when not on
// screen), so unsaved edits survive switching. A request deleted (here or by deleting
// its folder or collection) leaves the tree, and its tab closes; its draft and kept tab
// went with it in the database.
import { useEffect, useMemo, useRef, useState } from "react";
import * as ipc from "../../ipc";
import { ConflictsPanel } from "../sync/ConflictsPanel";
import { useTeams } from "../teams/queries";
import { EnvironmentEditor } from "./EnvironmentEditor";
import { EnvironmentPicker } from "./EnvironmentPicker";
import { HistoryPanel } from "./HistoryPanel";
import { useOpenTabs, useTree, useWorkspaces } from "./queries";
import { RequestEditor } from "./RequestEditor";
import { Sidebar } from "./Sidebar";
import { TabStrip, useTabClosing } from "./TabStrip";
import {
  closeTab,
  closeTabs,
  fromStored,
  noTabs,
  openTab,
  toStored,
  type WorkspaceTabs,
} from "./tabs";
import type { DraftStatus, TabControl, TabLink } from "./useDraft";

type View = "request" | "environments" | "history";

export function WorkArea({ accountId }: { accountId: string | null }) {
  const list = useWorkspaces(accountId);
  // To say which team a workspace is shared with, and offer them for a new one.
  const teams = useTeams(accountId ?? undefined);
  const [chosen, setChosen] = useState<string | null>(null);
  const [view, setView] = useState<View>("request");
  // Each workspace's strip, once read back from the database.
  const [tabsOf, setTabsOf] = useState<Record<string, WorkspaceTabs>>({});
  const [status, setStatus] = useState<Record<string, DraftStatus>>({});
  const controls = useRef(new Map<string, TabControl>());
  const link = useMemo<TabLink>(
    () => ({
      status: (id, next) => setStatus((all) => (all[id] === next ? all : { ...all, [id]: next })),
      control: (id, control) => {
        if (control) controls.current.set(id, control);
        else controls.current.delete(id);
      },
    }),
    [],
  );
  const workspaces = list.data?.workspaces ?? [];
  // A workspace of another account is not in the list: fall back to the Scratch Pad.
  const workspace = workspaces.find((w) => w.meta.id === chosen) ?? workspaces[0];
  const workspaceId = workspace?.meta.id ?? "";
  const tree = useTree(workspace?.meta.id);
  const stored = useOpenTabs(workspaceId);
  const tabs = tabsOf[workspaceId];

  // The strip comes back as it was kept (empty when it cannot be read).
  useEffect(() => {
    if (!workspaceId || tabsOf[workspaceId] || stored.isPending) return;
    const back = stored.data ? fromStored(stored.data) : noTabs;
    setTabsOf((all) => (all[workspaceId] ? all : { ...all, [workspaceId]: back }));
  }, [workspaceId, tabsOf, stored.isPending, stored.data]);

  // ...and is kept again whenever it changes.
  const keptForm = tabs ? JSON.stringify(tabs) : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: keptForm stands for tabs
  useEffect(() => {
    if (!workspaceId || !tabs) return;
    ipc.setOpenTabs(workspaceId, toStored(tabs)).catch(() => {
      // Not kept: the strip still works; the next change tries again.
    });
  }, [workspaceId, keptForm]);

  // Requests that leave the tree (deleted) close their tabs.
  const known = useRef(new Map<string, string[]>());
  useEffect(() => {
    if (!tree.data) return;
    const ids = tree.data.requests.id;
    const before = known.current.get(tree.data.workspace_id);
    known.current.set(tree.data.workspace_id, ids);
    if (!before) return;
    const now = new Set(ids);
    const gone = before.filter((id) => !now.has(id));
    if (gone.length === 0) return;
    const inWorkspace = tree.data.workspace_id;
    setTabsOf((all) => {
      const its = all[inWorkspace];
      return its ? { ...all, [inWorkspace]: closeTabs(its, gone) } : all;
    });
  }, [tree.data]);

  const change = (next: (tabs: WorkspaceTabs) => WorkspaceTabs) =>
    setTabsOf((all) => ({ ...all, [workspaceId]: next(all[workspaceId] ?? noTabs) }));
  const show = (id: string) => {
    change((current) => openTab(current, id));
    setView("request");
  };
  const closing = useTabClosing({
    isDirty: (id) => (status[id] ?? "clean") !== "clean",
    control: (id) => controls.current.get(id),
    show,
    close: (id) => {
      change((current) => closeTab(current, id));
      setStatus(({ [id]: _, ...rest }) => rest);
    },
  });

  // Ctrl/Cmd+W closes the tab on screen.
  const onScreen = view === "request" ? (tabs?.active ?? null) : null;
  const keys = useRef({ onScreen, requestClose: closing.requestClose });
  keys.current = { onScreen, requestClose: closing.requestClose };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "w") return;
      event.preventDefault();
      const { onScreen: id, requestClose } = keys.current;
      if (id) requestClose(id);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (list.error)
    return (
      <p role="alert" className="work-empty">
        Could not open your work: {list.error.message}
      </p>
    );
  if (!workspace) return <p className="work-empty">Opening your work…</p>;
  const memoryOnly = list.data?.secrets === "memory_only";
  const requests = tree.data?.workspace_id === workspaceId ? tree.data.requests : null;
  const strip = (tabs?.open ?? []).map((id) => {
    const at = requests ? requests.id.indexOf(id) : -1;
    return {
      id,
      name: requests?.name[at] ?? "…",
      method: requests?.methods[requests.method[at] ?? -1] ?? "",
      status: status[id] ?? "clean",
    };
  });
  const mounted = Object.entries(tabsOf).flatMap(([inWorkspace, its]) =>
    its.open.map((id) => ({ id, workspaceId: inWorkspace })),
  );
  return (
    <div className="work">
      <Sidebar
        workspaces={workspaces}
        workspace={workspace}
        teamOf={list.data?.team_of ?? {}}
        teams={teams.data ?? []}
        signedIn={accountId !== null}
        accountId={accountId}
        onChooseWorkspace={(id) => {
          setChosen(id);
          setView("request");
        }}
        openRequest={onScreen}
        onOpenRequest={(id) => {
          // null: the request on screen was deleted; its tab closes as it leaves the tree.
          if (id) show(id);
        }}
      />
      <section className="work-main" aria-label="Request">
        {accountId === null && (
          <p className="work-note">Work here stays on this device. Sign in to sync.</p>
        )}
        {memoryOnly && <p className="work-note">Secret values are kept for this session only.</p>}
        {accountId !== null && workspace.owner.kind !== "scratch_pad" && (
          <ConflictsPanel workspaceId={workspaceId} />
        )}
        <EnvironmentPicker
          workspace={workspace}
          accountId={accountId}
          onManage={() => setView("environments")}
        />
        <TabStrip
          tabs={strip}
          onScreen={onScreen}
          onActivate={show}
          onClose={closing.requestClose}
          asking={closing.asking}
          busy={closing.busy}
          onAnswer={(answer) => void closing.answer(answer)}
        >
          <button
            type="button"
            className="button-quiet work-history-button"
            aria-pressed={view === "history"}
            onClick={() => setView(view === "history" ? "request" : "history")}
          >
            History
          </button>
        </TabStrip>
        {view === "environments" && (
          <EnvironmentEditor
            key={workspaceId}
            workspaceId={workspaceId}
            accountId={accountId}
            memoryOnly={memoryOnly}
            onClose={() => setView("request")}
          />
        )}
        {view === "history" && (
          <HistoryPanel
            key={workspaceId}
            workspaceId={workspaceId}
            canOpen={(id) => requests?.id.includes(id) ?? false}
            onOpen={show}
            onClose={() => setView("request")}
          />
        )}
        {mounted.map(({ id, workspaceId: itsWorkspaceId }) => {
          const itsWorkspace = workspaces.find((w) => w.meta.id === itsWorkspaceId);
          const shown = itsWorkspaceId === workspaceId && id === onScreen;
          return (
            <div key={id} hidden={!shown}>
              <RequestEditor
                workspaceId={itsWorkspaceId}
                requestId={id}
                activeEnvironment={itsWorkspace?.active_environment ?? null}
                active={shown}
                tab={link}
              />
            </div>
          );
        })}
        {view === "request" && !onScreen && (
          <p className="work-empty">
            Create a collection and a request in the sidebar, or open one, to send it.
          </p>
        )}
      </section>
    </div>
  );
}
