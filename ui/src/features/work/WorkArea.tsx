// The work area: the sidebar (workspace switcher and tree) beside the open request's
// editor and its response. Shown without an account (the Scratch Pad) and signed in
// (the Scratch Pad and the account's own workspaces). Above the editor, the environment
// picker; "Manage environments" opens the environment editor in its place.
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
        onChooseWorkspace={(id) => {
          setChosen(id);
          setOpenRequest(null);
          setManaging(false);
        }}
        openRequest={openRequest}
        onOpenRequest={(id) => {
          setOpenRequest(id);
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
        {managing ? (
          <EnvironmentEditor
            key={workspace.meta.id}
            workspaceId={workspace.meta.id}
            accountId={accountId}
            memoryOnly={memoryOnly}
            onClose={() => setManaging(false)}
          />
        ) : openRequest ? (
          <RequestEditor
            key={openRequest}
            workspaceId={workspace.meta.id}
            requestId={openRequest}
            activeEnvironment={workspace.active_environment}
          />
        ) : (
          <p className="work-empty">
            Create a collection and a request in the sidebar, or open one, to send it.
          </p>
        )}
      </section>
    </div>
  );
}
