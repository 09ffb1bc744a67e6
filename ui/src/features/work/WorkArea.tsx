// The work area: the sidebar (workspace switcher and tree) beside the open request's
// editor and its response. Shown without an account (the Scratch Pad) and signed in
// (the Scratch Pad and the account's own workspaces). Above the editor, the environment
// picker; "Manage environments" opens the environment editor in its place. Every request
// opened in this run keeps its editor mounted (hidden when another is on screen), so
// unsaved edits survive opening another request or the environment editor.
import { useState } from "react";
import { EnvironmentEditor } from "./EnvironmentEditor";
import { EnvironmentPicker } from "./EnvironmentPicker";
import { useWorkspaces } from "./queries";
import { RequestEditor } from "./RequestEditor";
import { Sidebar } from "./Sidebar";

export function WorkArea({ accountId }: { accountId: string | null }) {
  const list = useWorkspaces(accountId);
  const [chosen, setChosen] = useState<string | null>(null);
  const [openRequest, setOpenRequest] = useState<string | null>(null);
  const [opened, setOpened] = useState<{ id: string; workspaceId: string }[]>([]);
  const [managing, setManaging] = useState(false);
  const workspaces = list.data?.workspaces ?? [];
  // A workspace of another account is not in the list: fall back to the Scratch Pad.
  const workspace = workspaces.find((w) => w.meta.id === chosen) ?? workspaces[0];
  if (list.error)
    return (
      <p role="alert" className="work-empty">
        Could not open your work: {list.error.message}
      </p>
    );
  if (!workspace) return <p className="work-empty">Opening your work…</p>;
  const memoryOnly = list.data?.secrets === "memory_only";
  return (
    <div className="work">
      <Sidebar
        workspaces={workspaces}
        workspace={workspace}
        signedIn={accountId !== null}
        onChooseWorkspace={(id) => {
          setChosen(id);
          setOpenRequest(null);
          setManaging(false);
        }}
        openRequest={openRequest}
        onOpenRequest={(id) => {
          setOpenRequest(id);
          const workspaceId = workspace.meta.id;
          if (id)
            setOpened((open) =>
              open.some((entry) => entry.id === id) ? open : [...open, { id, workspaceId }],
            );
          setManaging(false);
        }}
      />
      <section className="work-main" aria-label="Request">
        {accountId === null && (
          <p className="work-note">Work here stays on this device. Sign in to sync.</p>
        )}
        {memoryOnly && <p className="work-note">Secret values are kept for this session only.</p>}
        <EnvironmentPicker
          workspace={workspace}
          accountId={accountId}
          onManage={() => setManaging(true)}
        />
        {managing && (
          <EnvironmentEditor
            key={workspace.meta.id}
            workspaceId={workspace.meta.id}
            accountId={accountId}
            memoryOnly={memoryOnly}
            onClose={() => setManaging(false)}
          />
        )}
        {opened.map(({ id, workspaceId }) => {
          const onScreen = !managing && id === openRequest && workspaceId === workspace.meta.id;
          const itsWorkspace = workspaces.find((w) => w.meta.id === workspaceId);
          return (
            <div key={id} hidden={!onScreen}>
              <RequestEditor
                workspaceId={workspaceId}
                requestId={id}
                activeEnvironment={itsWorkspace?.active_environment ?? null}
                active={onScreen}
              />
            </div>
          );
        })}
        {!managing && !openRequest && (
          <p className="work-empty">
            Create a collection and a request in the sidebar, or open one, to send it.
          </p>
        )}
      </section>
    </div>
  );
}
