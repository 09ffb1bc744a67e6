// The work area: the sidebar (workspace switcher and tree) beside the open request's
// editor and its response. Shown without an account (the Scratch Pad) and signed in
// (the Scratch Pad and the account's own workspaces).
import { useState } from "react";
import { useWorkspaces } from "./queries";
import { RequestEditor } from "./RequestEditor";
import { Sidebar } from "./Sidebar";

export function WorkArea({ accountId }: { accountId: string | null }) {
  const list = useWorkspaces(accountId);
  const [chosen, setChosen] = useState<string | null>(null);
  const [openRequest, setOpenRequest] = useState<string | null>(null);
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
  return (
    <div className="work">
      <Sidebar
        workspaces={workspaces}
        workspace={workspace}
        onChooseWorkspace={(id) => {
          setChosen(id);
          setOpenRequest(null);
        }}
        openRequest={openRequest}
        onOpenRequest={setOpenRequest}
      />
      <section className="work-main" aria-label="Request">
        {accountId === null && (
          <p className="work-note">Work here stays on this device. Sign in to sync.</p>
        )}
        {list.data?.secrets === "memory_only" && (
          <p className="work-note">Secret values are kept for this session only.</p>
        )}
        {openRequest ? (
          <RequestEditor
            key={openRequest}
            workspaceId={workspace.meta.id}
            requestId={openRequest}
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
