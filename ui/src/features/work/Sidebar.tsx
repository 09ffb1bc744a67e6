// The sidebar: the workspace switcher (the Scratch Pad always first), the tree of
// collections, folders and requests, with create, rename and delete (Undo in a toast).
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import type { IpcError } from "../../bindings/IpcError";
import type { Tree } from "../../bindings/Tree";
import type { Undo } from "../../bindings/Undo";
import type { Workspace } from "../../bindings/Workspace";
import * as ipc from "../../ipc";
import { treeKey, useTree } from "./queries";

type Props = {
  workspaces: Workspace[];
  workspace: Workspace;
  onChooseWorkspace: (id: string) => void;
  openRequest: string | null;
  onOpenRequest: (id: string | null) => void;
};

export function Sidebar({
  workspaces,
  workspace,
  onChooseWorkspace,
  openRequest,
  onOpenRequest,
}: Props) {
  const workspaceId = workspace.meta.id;
  const tree = useTree(workspaceId);
  const queryClient = useQueryClient();
  const [undo, setUndo] = useState<Undo | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Runs a change, then reads the tree again; a failure is shown above the tree.
  const change = async <T,>(run: () => Promise<T>): Promise<T | undefined> => {
    setError(null);
    try {
      return await run();
    } catch (failure) {
      setError((failure as IpcError).message);
      return undefined;
    } finally {
      await queryClient.invalidateQueries({ queryKey: treeKey(workspaceId) });
    }
  };
  // Names are asked for in a small form at the top of the sidebar.
  const [naming, setNaming] = useState<Naming | null>(null);
  const ask = (label: string, value: string, done: (name: string) => void) =>
    setNaming({ label, value, done });
  const newCollection = () =>
    ask("Name of the new collection", "New Collection", (name) =>
      change(() => ipc.createCollection(workspaceId, name)),
    );
  const newRequest = (collectionId: string, folderId: string | null) =>
    ask("Name of the new request", "New Request", async (name) => {
      const place = { collection_id: collectionId, folder_id: folderId, index: null };
      const created = await change(() => ipc.createRequest(place, name));
      if (created) onOpenRequest(created.meta.id);
    });
  const newFolder = (collectionId: string, folderId: string | null) =>
    ask("Name of the new folder", "New Folder", (name) => {
      const place = { collection_id: collectionId, folder_id: folderId, index: null };
      void change(() => ipc.createFolder(place, name));
    });
  const remove = async (kind: Kind, id: string) => {
    const run = (): Promise<Undo> =>
      kind === "collection"
        ? ipc.deleteCollection(id)
        : kind === "folder"
          ? ipc.deleteFolder(id)
          : ipc.deleteRequest(id);
    const done = await change(run);
    if (done) {
      setUndo(done);
      if (kind === "request" && id === openRequest) onOpenRequest(null);
    }
  };
  const rename = (kind: Kind, id: string, current: string) => {
    const run = (name: string): Promise<unknown> =>
      kind === "collection"
        ? ipc.renameCollection(id, name)
        : kind === "folder"
          ? ipc.renameFolder(id, name)
          : ipc.renameRequest(id, name);
    ask(`New name for “${current}”`, current, (name) => change(() => run(name)));
  };

  return (
    <nav className="work-sidebar" aria-label="Workspace">
      <label className="field-label" htmlFor="workspace-switcher">
        Workspace
      </label>
      <select
        id="workspace-switcher"
        className="field"
        value={workspaceId}
        onChange={(event) => onChooseWorkspace(event.target.value)}
      >
        {workspaces.map((w) => (
          <option key={w.meta.id} value={w.meta.id}>
            {w.name}
          </option>
        ))}
      </select>
      <h2 className="work-sidebar-title">{workspace.name}</h2>
      <button type="button" className="button" onClick={newCollection}>
        New collection
      </button>
      {naming && <NameForm naming={naming} onClose={() => setNaming(null)} />}
      {error && (
        <p role="alert" className="work-error">
          {error}
        </p>
      )}
      {tree.data && (
        <TreeView
          tree={tree.data}
          openRequest={openRequest}
          onOpenRequest={onOpenRequest}
          onNewRequest={newRequest}
          onNewFolder={newFolder}
          onRename={rename}
          onDelete={remove}
        />
      )}
      {undo && (
        <div role="status" className="work-toast">
          Deleted “{undo.name}”.{" "}
          <button
            type="button"
            className="button-link"
            onClick={() => {
              const token = undo.token;
              setUndo(null);
              void change(() => ipc.restore(token));
            }}
          >
            Undo
          </button>
        </div>
      )}
    </nav>
  );
}

type Kind = "collection" | "folder" | "request";
type Naming = { label: string; value: string; done: (name: string) => unknown };

function NameForm({ naming, onClose }: { naming: Naming; onClose: () => void }) {
  const [value, setValue] = useState(naming.value);
  return (
    <form
      className="work-name-form"
      onSubmit={(event) => {
        event.preventDefault();
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
        onKeyDown={(event) => event.key === "Escape" && onClose()}
      />
      <button type="submit" className="button button-primary">
        Save
      </button>
      <button type="button" className="button" onClick={onClose}>
        Cancel
      </button>
    </form>
  );
}
type TreeProps = {
  tree: Tree;
  openRequest: string | null;
  onOpenRequest: (id: string) => void;
  onNewRequest: (collectionId: string, folderId: string | null) => void;
  onNewFolder: (collectionId: string, folderId: string | null) => void;
  onRename: (kind: Kind, id: string, name: string) => void;
  onDelete: (kind: Kind, id: string) => void;
};

function TreeView(props: TreeProps) {
  const { tree } = props;
  if (tree.collections.length === 0) return <p className="work-empty">No collections yet.</p>;
  return (
    <ul className="work-tree" aria-label="Collections">
      {tree.collections.map((collection) => (
        <li key={collection.id}>
          <Row kind="collection" id={collection.id} name={collection.name} {...props}>
            <button
              type="button"
              className="button-quiet"
              onClick={() => props.onNewRequest(collection.id, null)}
            >
              + Request
            </button>
            <button
              type="button"
              className="button-quiet"
              onClick={() => props.onNewFolder(collection.id, null)}
            >
              + Folder
            </button>
          </Row>
          <Children collectionId={collection.id} folderId={null} {...props} />
        </li>
      ))}
    </ul>
  );
}

/** A parent's folders and requests, in their shared order. */
function Children({
  collectionId,
  folderId,
  ...props
}: TreeProps & { collectionId: string; folderId: string | null }) {
  const folders = props.tree.folders.filter(
    (f) => f.collection_id === collectionId && f.parent_id === folderId,
  );
  const requests = props.tree.requests.filter(
    (r) => r.collection_id === collectionId && r.folder_id === folderId,
  );
  const items = [
    ...folders.map((folder) => ({ position: folder.position, folder, request: null })),
    ...requests.map((request) => ({ position: request.position, folder: null, request })),
  ].sort((a, b) => a.position - b.position);
  if (items.length === 0) return null;
  return (
    <ul>
      {items.map(({ folder, request }) =>
        folder ? (
          <li key={folder.id}>
            <Row kind="folder" id={folder.id} name={folder.name} {...props}>
              <button
                type="button"
                className="button-quiet"
                onClick={() => props.onNewRequest(collectionId, folder.id)}
              >
                + Request
              </button>
            </Row>
            <Children collectionId={collectionId} folderId={folder.id} {...props} />
          </li>
        ) : request ? (
          <li key={request.id}>
            <Row
              kind="request"
              id={request.id}
              name={request.name}
              method={request.method}
              {...props}
            />
          </li>
        ) : null,
      )}
    </ul>
  );
}

function Row({
  kind,
  id,
  name,
  method,
  children,
  ...props
}: TreeProps & {
  kind: Kind;
  id: string;
  name: string;
  method?: string;
  children?: React.ReactNode;
}) {
  return (
    <div className={`work-row work-row-${kind}${props.openRequest === id ? " work-row-open" : ""}`}>
      {kind === "request" ? (
        <button type="button" className="work-row-name" onClick={() => props.onOpenRequest(id)}>
          <span className="work-method">{method}</span> {name}
        </button>
      ) : (
        <span className="work-row-name">{name}</span>
      )}
      {children}
      <button
        type="button"
        className="button-quiet"
        aria-label={`Rename ${name}`}
        onClick={() => props.onRename(kind, id, name)}
      >
        Rename
      </button>
      <button
        type="button"
        className="button-quiet"
        aria-label={`Delete ${name}`}
        onClick={() => props.onDelete(kind, id)}
      >
        Delete
      </button>
    </div>
  );
}
