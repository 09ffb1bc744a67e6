// The sidebar's tree as data, without React: the loaded Tree indexed by parent once, the
// rows on screen as one flat list (only what is expanded, or, while filtering, only the
// matches and the folders they are in), and where a move puts an item (Alt+↑/↓, a drop
// before/after/into a row, "Move to…"). The filter runs here over the loaded tree and
// each request's URL, so a keystroke costs no round trip to Rust.
import type { FolderNode } from "../../bindings/FolderNode";
import type { Place } from "../../bindings/Place";
import type { RequestNode } from "../../bindings/RequestNode";
import type { Tree } from "../../bindings/Tree";

export type Kind = "collection" | "folder" | "request";

/**
 * A folder or request among its parent's children (they share one order), with its
 * place in the tree's list of its kind (`at`), by which a filter marks it kept.
 */
export type Child =
  | { kind: "folder"; node: FolderNode; at: number }
  | { kind: "request"; node: RequestNode; at: number };

export type TreeIndex = {
  tree: Tree;
  /** Children by parent: a folder's id, or a collection's id for its top level. */
  children: Map<string, Child[]>;
  folders: Map<string, FolderNode>;
  requests: Map<string, RequestNode>;
  /** By place in `tree.folders`: the place of its parent folder, -1 at the top level. */
  folderParentAt: Int32Array;
  /** By place in `tree.requests`: the place of its folder, -1 at the top level. */
  requestFolderAt: Int32Array;
};

/** One line of the sidebar. */
export type Row = {
  kind: Kind;
  id: string;
  name: string;
  method?: string;
  depth: number;
  collectionId: string;
  /** The folder it is in (`null`: the collection's top level, or a collection). */
  folderId: string | null;
  open: boolean;
  hasChildren: boolean;
};

/** What is expanded: collections start open, folders closed. */
export type Expansion = { openFolders: Set<string>; closedCollections: Set<string> };

export const emptyExpansion = (): Expansion => ({
  openFolders: new Set(),
  closedCollections: new Set(),
});

const parentOf = (collectionId: string, folderId: string | null) => folderId ?? collectionId;

export function indexTree(tree: Tree): TreeIndex {
  const children = new Map<string, Child[]>();
  const folders = new Map<string, FolderNode>();
  const requests = new Map<string, RequestNode>();
  const folderAt = new Map<string, number>();
  const add = (parent: string, child: Child) => {
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  };
  tree.folders.forEach((node, at) => {
    folders.set(node.id, node);
    folderAt.set(node.id, at);
    add(parentOf(node.collection_id, node.parent_id), { kind: "folder", node, at });
  });
  tree.requests.forEach((node, at) => {
    requests.set(node.id, node);
    add(parentOf(node.collection_id, node.folder_id), { kind: "request", node, at });
  });
  const placeOfFolder = (id: string | null) => (id === null ? -1 : (folderAt.get(id) ?? -1));
  const folderParentAt = Int32Array.from(tree.folders, (node) => placeOfFolder(node.parent_id));
  const requestFolderAt = Int32Array.from(tree.requests, (node) => placeOfFolder(node.folder_id));
  // Each list came in order among its kind; folders and requests share the order.
  for (const list of children.values()) {
    list.sort((a, b) => a.node.position - b.node.position || (a.node.id < b.node.id ? -1 : 1));
  }
  return { tree, children, folders, requests, folderParentAt, requestFolderAt };
}

/** What the filter searches: each request's method, name and URL, lowercased once. */
export type SearchText = { requests: RequestNode[]; texts: string[] };

export function searchText(index: TreeIndex, urls: Record<string, string | undefined>): SearchText {
  const requests = index.tree.requests;
  const texts = requests.map((request) =>
    `${request.method}\n${request.name}\n${urls[request.id] ?? ""}`.toLowerCase(),
  );
  return { requests, texts };
}

/**
 * What a filter keeps, by place in the tree's lists: a flag per request and per folder
 * (typed arrays, so a filter keeping all 10,000 requests allocates two buffers, not
 * 10,000 set entries), and the collections by id.
 */
export type Kept = { requests: Uint8Array; folders: Uint8Array; collections: Set<string> };

/** What a filter kept, and which requests (by their place in `SearchText`) matched. */
export type Filtered = { needle: string; search: SearchText; matches: number[]; kept: Kept };

/**
 * What a filter keeps: the requests whose method, name or URL contain `text` (case
 * ignored), and every folder and collection they are in. `null` when `text` is blank.
 * Given the `previous` result of a shorter needle that this one extends (a person
 * typing on), only the requests that matched it are searched again, and when all of
 * them still match the previous result's `kept` is returned as it was (the rows on
 * screen need not change).
 */
export function filterTree(
  index: TreeIndex,
  text: string,
  search: SearchText,
  previous: Filtered | null = null,
): Filtered | null {
  const needle = text.trim().toLowerCase();
  if (!needle) return null;
  const narrowing =
    previous && previous.search === search && needle.startsWith(previous.needle)
      ? previous.matches
      : null;
  const matches: number[] = [];
  const test = (at: number) => {
    if (search.texts[at]?.includes(needle)) matches.push(at);
  };
  if (narrowing) for (const at of narrowing) test(at);
  else for (let at = 0; at < search.texts.length; at++) test(at);
  if (previous && narrowing && matches.length === narrowing.length) {
    return { needle, search, matches, kept: previous.kept };
  }

  const kept: Kept = {
    requests: new Uint8Array(search.requests.length),
    folders: new Uint8Array(index.folderParentAt.length),
    collections: new Set(),
  };
  for (const at of matches) {
    const request = search.requests[at];
    if (!request) continue;
    kept.requests[at] = 1;
    kept.collections.add(request.collection_id);
    let folderAt = index.requestFolderAt[at] ?? -1;
    // Stop at a folder already kept (its parents are too); the depth bound guards a loop.
    for (let depth = 0; folderAt >= 0 && !kept.folders[folderAt] && depth < 256; depth++) {
      kept.folders[folderAt] = 1;
      folderAt = index.folderParentAt[folderAt] ?? -1;
    }
  }
  return { needle, search, matches, kept };
}

const requestRowCache = new WeakMap<TreeIndex, Map<string, Row>>();

/**
 * The rows on screen: everything under an open collection or folder, or, with `kept`
 * (a filter), only the kept ids with every kept folder shown open.
 */
export function visibleRows(index: TreeIndex, expansion: Expansion, kept: Kept | null): Row[] {
  const rows: Row[] = [];
  // A request's row never changes while the tree does not: made once per tree, so a
  // filter that keeps thousands of requests does not make thousands of objects.
  let requestRows = requestRowCache.get(index);
  if (!requestRows) {
    requestRows = new Map();
    requestRowCache.set(index, requestRows);
  }
  const walk = (collectionId: string, parent: string, folderId: string | null, depth: number) => {
    for (const child of index.children.get(parent) ?? []) {
      const { id, name } = child.node;
      if (kept && !(child.kind === "request" ? kept.requests : kept.folders)[child.at]) continue;
      if (child.kind === "request") {
        let row = requestRows.get(id);
        if (!row) {
          row = {
            kind: "request",
            id,
            name,
            method: child.node.method,
            depth,
            collectionId,
            folderId,
            open: false,
            hasChildren: false,
          };
          requestRows.set(id, row);
        }
        rows.push(row);
        continue;
      }
      const open = kept !== null || expansion.openFolders.has(id);
      const hasChildren = (index.children.get(id)?.length ?? 0) > 0;
      rows.push({ kind: "folder", id, name, depth, collectionId, folderId, open, hasChildren });
      if (open) walk(collectionId, id, id, depth + 1);
    }
  };
  for (const collection of index.tree.collections) {
    if (kept && !kept.collections.has(collection.id)) continue;
    const open = kept !== null || !expansion.closedCollections.has(collection.id);
    const hasChildren = (index.children.get(collection.id)?.length ?? 0) > 0;
    rows.push({
      kind: "collection",
      id: collection.id,
      name: collection.name,
      depth: 0,
      collectionId: collection.id,
      folderId: null,
      open,
      hasChildren,
    });
    if (open) walk(collection.id, collection.id, null, 1);
  }
  return rows;
}

/** `expansion` with `row` opened or closed. */
export function toggled(expansion: Expansion, row: Row, open: boolean): Expansion {
  if (row.kind === "collection") {
    const closed = new Set(expansion.closedCollections);
    if (open) closed.delete(row.id);
    else closed.add(row.id);
    return { ...expansion, closedCollections: closed };
  }
  const openFolders = new Set(expansion.openFolders);
  if (open) openFolders.add(row.id);
  else openFolders.delete(row.id);
  return { ...expansion, openFolders };
}

/** An item that can move: a folder or a request. */
export type Moving = { kind: "folder" | "request"; id: string };

/** Where `moving` is now: its parent and its index among its siblings. */
function placeOf(index: TreeIndex, moving: Moving) {
  const node =
    moving.kind === "folder" ? index.folders.get(moving.id) : index.requests.get(moving.id);
  if (!node) return null;
  const folderId = "parent_id" in node ? node.parent_id : node.folder_id;
  const siblings = index.children.get(parentOf(node.collection_id, folderId)) ?? [];
  const at = siblings.findIndex((child) => child.node.id === moving.id);
  return { collectionId: node.collection_id, folderId, siblings, at };
}

/** Alt+↑ (`-1`) or Alt+↓ (`+1`): one place up or down among its siblings; `null` at an end. */
export function stepPlace(index: TreeIndex, moving: Moving, step: -1 | 1): Place | null {
  const now = placeOf(index, moving);
  if (!now || now.at < 0) return null;
  const target = now.at + step;
  if (target < 0 || target >= now.siblings.length) return null;
  return { collection_id: now.collectionId, folder_id: now.folderId, index: target };
}

/** Whether folder `folderId` is `ancestorId` or inside it. */
export function isWithin(index: TreeIndex, folderId: string | null, ancestorId: string): boolean {
  let current = folderId;
  for (let depth = 0; current && depth < 256; depth++) {
    if (current === ancestorId) return true;
    current = index.folders.get(current)?.parent_id ?? null;
  }
  return false;
}

export type Drop = "before" | "after" | "into";

/**
 * Where dropping `moving` on `target` puts it: `into` a collection or folder (last),
 * or `before`/`after` a row among that row's siblings. `null` when it cannot go there:
 * a folder into itself or one of its own folders, or onto itself.
 */
export function dropPlace(
  index: TreeIndex,
  moving: Moving,
  target: Row,
  where: Drop,
): Place | null {
  if (target.id === moving.id) return null;
  if (where === "into" || target.kind === "collection") {
    if (target.kind === "request") return null;
    const folderId = target.kind === "folder" ? target.id : null;
    if (moving.kind === "folder" && isWithin(index, folderId, moving.id)) return null;
    return { collection_id: target.collectionId, folder_id: folderId, index: null };
  }
  if (moving.kind === "folder" && isWithin(index, target.folderId, moving.id)) return null;
  const siblings = (
    index.children.get(parentOf(target.collectionId, target.folderId)) ?? []
  ).filter((child) => child.node.id !== moving.id);
  const at = siblings.findIndex((child) => child.node.id === target.id);
  return {
    collection_id: target.collectionId,
    folder_id: target.folderId,
    index: where === "before" ? at : at + 1,
  };
}

/** A destination of "Move to…": a collection's top level or a folder, with its path. */
export type Destination = { label: string; place: Place };

/** Every place `moving` can go (the end of each collection and folder), in tree order. */
export function destinations(index: TreeIndex, moving: Moving): Destination[] {
  const found: Destination[] = [];
  const walk = (collectionId: string, parent: string, path: string) => {
    for (const child of index.children.get(parent) ?? []) {
      if (child.kind !== "folder") continue;
      if (moving.kind === "folder" && child.node.id === moving.id) continue;
      const label = `${path} / ${child.node.name}`;
      found.push({
        label,
        place: { collection_id: collectionId, folder_id: child.node.id, index: null },
      });
      walk(collectionId, child.node.id, label);
    }
  };
  for (const collection of index.tree.collections) {
    found.push({
      label: collection.name,
      place: { collection_id: collection.id, folder_id: null, index: null },
    });
    walk(collection.id, collection.id, collection.name);
  }
  return found;
}
