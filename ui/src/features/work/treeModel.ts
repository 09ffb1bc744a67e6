// The sidebar's tree as data, without React: the loaded tree (by columns, as
// `workspace_tree` sends it) indexed by parent once into two integer arrays, the rows on
// screen as integer arrays too (only what is expanded, or, while filtering, only the
// matches and the folders they are in; a Row object is made only for a row drawn), and
// where a move puts an item (Alt+↑/↓, a drop before/after/into a row, "Move to…"). The
// filter runs here over the loaded tree and each request's URL, so a keystroke costs no
// round trip to Rust. Nothing here keeps a map from id to item: ids are found with
// indexOf (a few, on a move), so a 10,000-request tree costs a few arrays.
import type { Place } from "../../bindings/Place";
import type { TreeColumns } from "../../bindings/TreeColumns";

export type Kind = "collection" | "folder" | "request";

/**
 * The tree and each parent's children in order. Parents are numbered collections first
 * (a collection's place in `tree.collections`), then folders (the number of collections
 * plus the folder's place in `tree.folders`). A child is a request's place, or a
 * folder's place `f` written `~f` (negative).
 */
export type TreeIndex = {
  tree: TreeColumns;
  /** The children of parent `p` are `childList[childStart[p]]` up to `childList[childStart[p + 1]]`. */
  childStart: Int32Array;
  childList: Int32Array;
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

/** Nesting deeper than this is taken for a loop (the tree's data cannot make one). */
const MAX_DEPTH = 256;

/** The parent number of folder `f`. */
const parentOfFolder = (tree: TreeColumns, f: number) => {
  const parent = tree.folders.parent[f] ?? -1;
  return parent >= 0 ? tree.collections.length + parent : (tree.folders.collection[f] ?? 0);
};

/** The parent number of request `r`. */
const parentOfRequest = (tree: TreeColumns, r: number) => {
  const folder = tree.requests.folder[r] ?? -1;
  return folder >= 0 ? tree.collections.length + folder : (tree.requests.collection[r] ?? 0);
};

/** Items grouped by parent, each group in the order the items came in. */
function groupByParent(parents: number, count: number, parentOf: (at: number) => number) {
  const start = new Int32Array(parents + 1);
  for (let at = 0; at < count; at++) {
    const parent = parentOf(at);
    start[parent + 1] = (start[parent + 1] ?? 0) + 1;
  }
  for (let p = 0; p < parents; p++) start[p + 1] = (start[p + 1] ?? 0) + (start[p] ?? 0);
  const list = new Int32Array(count);
  const next = start.slice(0, parents);
  for (let at = 0; at < count; at++) {
    const parent = parentOf(at);
    const to = next[parent] ?? 0;
    list[to] = at;
    next[parent] = to + 1;
  }
  return { start, list };
}

export function indexTree(tree: TreeColumns): TreeIndex {
  const parents = tree.collections.length + tree.folders.id.length;
  const folders = groupByParent(parents, tree.folders.id.length, (f) => parentOfFolder(tree, f));
  const requests = groupByParent(parents, tree.requests.id.length, (r) => parentOfRequest(tree, r));
  // Each list came in order among its kind; folders and requests share the order
  // (position, then id): merge each parent's two runs.
  const childStart = new Int32Array(parents + 1);
  const childList = new Int32Array(tree.folders.id.length + tree.requests.id.length);
  let to = 0;
  for (let p = 0; p < parents; p++) {
    childStart[p] = to;
    let f = folders.start[p] ?? 0;
    let r = requests.start[p] ?? 0;
    const fEnd = folders.start[p + 1] ?? 0;
    const rEnd = requests.start[p + 1] ?? 0;
    while (f < fEnd || r < rEnd) {
      const folder = folders.list[f] ?? 0;
      const request = requests.list[r] ?? 0;
      let folderFirst = r >= rEnd;
      if (f < fEnd && !folderFirst) {
        const a = tree.folders.position[folder] ?? 0;
        const b = tree.requests.position[request] ?? 0;
        folderFirst =
          a < b || (a === b && (tree.folders.id[folder] ?? "") < (tree.requests.id[request] ?? ""));
      }
      if (folderFirst) {
        childList[to++] = ~folder;
        f++;
      } else {
        childList[to++] = request;
        r++;
      }
    }
  }
  childStart[parents] = to;
  return { tree, childStart, childList };
}

/**
 * What the filter searches: each request's method, name and URL, lowercased once, in
 * one string (request `r`'s text from `starts[r]` to `starts[r + 1]`), searched with
 * indexOf: one string instead of 10,000.
 */
export type SearchText = { tree: TreeColumns; text: string; starts: Int32Array };

export function searchText(index: TreeIndex, urls: Record<string, string | undefined>): SearchText {
  const { requests } = index.tree;
  const parts: string[] = [];
  const starts = new Int32Array(requests.id.length + 1);
  let length = 0;
  for (let r = 0; r < requests.id.length; r++) {
    const method = requests.methods[requests.method[r] ?? 0] ?? "";
    const url = urls[requests.id[r] ?? ""] ?? "";
    // A request's text ends with a NUL, which no needle contains, so no match spans two.
    const part = `${`${method}\n${requests.name[r]}\n${url}`.toLowerCase()}\0`;
    starts[r] = length;
    length += part.length;
    parts.push(part);
  }
  starts[requests.id.length] = length;
  return { tree: index.tree, text: parts.join(""), starts };
}

/**
 * What a filter keeps, by place in the tree's lists: a flag per request, per folder
 * and per collection (typed arrays, so a filter keeping all 10,000 requests allocates
 * three buffers, not 10,000 set entries).
 */
export type Kept = { requests: Uint8Array; folders: Uint8Array; collections: Uint8Array };

/** What a filter kept, and which requests (by place) matched. */
export type Filtered = { needle: string; search: SearchText; matches: Int32Array; kept: Kept };

/** The places of the requests whose text contains `needle`, in order. */
function find(search: SearchText, needle: string): Int32Array {
  const { text, starts } = search;
  const found: number[] = [];
  let r = 0;
  for (let at = text.indexOf(needle); at !== -1; ) {
    while ((starts[r + 1] ?? text.length) <= at) r++;
    found.push(r);
    at = text.indexOf(needle, starts[r + 1] ?? text.length);
  }
  return Int32Array.from(found);
}

const sameMatches = (a: Int32Array, b: Int32Array) =>
  a.length === b.length && a.every((value, at) => value === b[at]);

/**
 * What a filter keeps: the requests whose method, name or URL contain `text` (case
 * ignored), and every folder and collection they are in. `null` when `text` is blank.
 * When the same requests match as in the `previous` result (a person typing on), its
 * `kept` is returned as it was (the rows on screen need not change).
 */
export function filterTree(
  index: TreeIndex,
  text: string,
  search: SearchText,
  previous: Filtered | null = null,
): Filtered | null {
  const needle = text.trim().toLowerCase();
  if (!needle) return null;
  const matches = find(search, needle);
  if (previous && previous.search === search && sameMatches(matches, previous.matches)) {
    return { needle, search, matches, kept: previous.kept };
  }

  const { tree } = index;
  const kept: Kept = {
    requests: new Uint8Array(tree.requests.id.length),
    folders: new Uint8Array(tree.folders.id.length),
    collections: new Uint8Array(tree.collections.length),
  };
  for (const r of matches) {
    kept.requests[r] = 1;
    kept.collections[tree.requests.collection[r] ?? 0] = 1;
    let f = tree.requests.folder[r] ?? -1;
    // Stop at a folder already kept (its parents are too); the depth bound guards a loop.
    for (let depth = 0; f >= 0 && !kept.folders[f] && depth < MAX_DEPTH; depth++) {
      kept.folders[f] = 1;
      f = tree.folders.parent[f] ?? -1;
    }
  }
  return { needle, search, matches, kept };
}

const REQUEST = 0;
const FOLDER = 1;
const COLLECTION = 2;

/**
 * The rows on screen as numbers: for row `at`, its kind (`REQUEST`, `FOLDER`,
 * `COLLECTION`), its place in that kind's list, its depth and whether it is open.
 * `rowAt` makes the Row of one, for the rows drawn.
 */
export type Rows = {
  index: TreeIndex;
  length: number;
  kinds: Uint8Array;
  places: Int32Array;
  depths: Uint16Array;
  open: Uint8Array;
};

/**
 * The rows on screen: everything under an open collection or folder, or, with `kept`
 * (a filter), only the kept items with every kept folder shown open.
 */
export function visibleRows(index: TreeIndex, expansion: Expansion, kept: Kept | null): Rows {
  const { tree, childStart, childList } = index;
  const size = tree.collections.length + childList.length;
  const rows: Rows = {
    index,
    length: 0,
    kinds: new Uint8Array(size),
    places: new Int32Array(size),
    depths: new Uint16Array(size),
    open: new Uint8Array(size),
  };
  const push = (kind: number, place: number, depth: number, open: boolean) => {
    const at = rows.length++;
    rows.kinds[at] = kind;
    rows.places[at] = place;
    rows.depths[at] = depth;
    rows.open[at] = open ? 1 : 0;
  };
  const walk = (parent: number, depth: number) => {
    const end = childStart[parent + 1] ?? 0;
    for (let k = childStart[parent] ?? 0; k < end; k++) {
      const item = childList[k] ?? 0;
      if (item >= 0) {
        if (!kept || kept.requests[item]) push(REQUEST, item, depth, false);
        continue;
      }
      const f = ~item;
      if (kept && !kept.folders[f]) continue;
      const open = kept !== null || expansion.openFolders.has(tree.folders.id[f] ?? "");
      push(FOLDER, f, depth, open);
      if (open && depth < MAX_DEPTH) walk(tree.collections.length + f, depth + 1);
    }
  };
  tree.collections.forEach((collection, c) => {
    if (kept && !kept.collections[c]) return;
    const open = kept !== null || !expansion.closedCollections.has(collection.id);
    push(COLLECTION, c, 0, open);
    if (open) walk(c, 1);
  });
  return rows;
}

const hasChildren = (index: TreeIndex, parent: number) =>
  (index.childStart[parent + 1] ?? 0) > (index.childStart[parent] ?? 0);

const requestRowCache = new WeakMap<TreeIndex, Map<number, Row>>();

/** Row `at` of `rows`. */
export function rowAt(rows: Rows, at: number): Row {
  const { index } = rows;
  const { tree } = index;
  const place = rows.places[at] ?? 0;
  const depth = rows.depths[at] ?? 0;
  const kind = rows.kinds[at];
  if (kind === COLLECTION) {
    const collection = tree.collections[place];
    const id = collection?.id ?? "";
    const name = collection?.name ?? "";
    const open = rows.open[at] === 1;
    return {
      kind: "collection",
      id,
      name,
      depth,
      collectionId: id,
      folderId: null,
      open,
      hasChildren: hasChildren(index, place),
    };
  }
  const folderId = (f: number) => (f >= 0 ? (tree.folders.id[f] ?? null) : null);
  if (kind === FOLDER) {
    return {
      kind: "folder",
      id: tree.folders.id[place] ?? "",
      name: tree.folders.name[place] ?? "",
      depth,
      collectionId: tree.collections[tree.folders.collection[place] ?? 0]?.id ?? "",
      folderId: folderId(tree.folders.parent[place] ?? -1),
      open: rows.open[at] === 1,
      hasChildren: hasChildren(index, tree.collections.length + place),
    };
  }
  // A request's row never changes while the tree does not: made once per tree.
  let cache = requestRowCache.get(index);
  if (!cache) {
    cache = new Map();
    requestRowCache.set(index, cache);
  }
  let row = cache.get(place);
  if (!row || row.depth !== depth) {
    row = {
      kind: "request",
      id: tree.requests.id[place] ?? "",
      name: tree.requests.name[place] ?? "",
      method: tree.requests.methods[tree.requests.method[place] ?? 0] ?? "",
      depth,
      collectionId: tree.collections[tree.requests.collection[place] ?? 0]?.id ?? "",
      folderId: folderId(tree.requests.folder[place] ?? -1),
      open: false,
      hasChildren: false,
    };
    cache.set(place, row);
  }
  return row;
}

/** Every row of `rows` (tests and small trees). */
export const rowList = (rows: Rows): Row[] =>
  Array.from({ length: rows.length }, (_, at) => rowAt(rows, at));

/** Where the item `id` is in `rows`, or -1. */
export function findRow(rows: Rows, id: string): number {
  const { tree } = rows.index;
  const places = [
    tree.requests.id.indexOf(id),
    tree.folders.id.indexOf(id),
    tree.collections.findIndex((collection) => collection.id === id),
  ];
  for (let at = 0; at < rows.length; at++) {
    if (places[rows.kinds[at] ?? 0] === rows.places[at]) return at;
  }
  return -1;
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

/** A folder's or request's child number (see TreeIndex), or `null` when not in the tree. */
function itemOf(index: TreeIndex, kind: Kind, id: string): number | null {
  if (kind === "collection") return null;
  const place = (kind === "folder" ? index.tree.folders.id : index.tree.requests.id).indexOf(id);
  if (place < 0) return null;
  return kind === "folder" ? ~place : place;
}

/** The parent number of a collection's top level (`folderId` null) or of a folder. */
function parentNumber(index: TreeIndex, collectionId: string, folderId: string | null) {
  const { tree } = index;
  if (folderId !== null) {
    const f = tree.folders.id.indexOf(folderId);
    return f < 0 ? -1 : tree.collections.length + f;
  }
  return tree.collections.findIndex((collection) => collection.id === collectionId);
}

/** The children of parent number `parent`, in order. */
const childrenOf = (index: TreeIndex, parent: number) =>
  parent < 0
    ? new Int32Array(0)
    : index.childList.subarray(index.childStart[parent], index.childStart[parent + 1]);

/** Where `moving` is now: its parent and its index among its siblings. */
function placeOf(index: TreeIndex, moving: Moving) {
  const { tree } = index;
  const item = itemOf(index, moving.kind, moving.id);
  if (item === null) return null;
  const folderAt =
    item < 0 ? (tree.folders.parent[~item] ?? -1) : (tree.requests.folder[item] ?? -1);
  const collectionAt = item < 0 ? tree.folders.collection[~item] : tree.requests.collection[item];
  const parent = item < 0 ? parentOfFolder(tree, ~item) : parentOfRequest(tree, item);
  const siblings = childrenOf(index, parent);
  return {
    collectionId: tree.collections[collectionAt ?? 0]?.id ?? "",
    folderId: folderAt >= 0 ? (tree.folders.id[folderAt] ?? null) : null,
    siblings,
    at: siblings.indexOf(item),
  };
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
  const { folders } = index.tree;
  if (folderId === null) return false;
  const ancestor = folders.id.indexOf(ancestorId);
  let f = folders.id.indexOf(folderId);
  for (let depth = 0; f >= 0 && depth < MAX_DEPTH; depth++) {
    if (f === ancestor) return true;
    f = folders.parent[f] ?? -1;
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
  const movingItem = itemOf(index, moving.kind, moving.id);
  const targetItem = itemOf(index, target.kind, target.id);
  const siblings = childrenOf(index, parentNumber(index, target.collectionId, target.folderId));
  let at = 0;
  for (const item of siblings) {
    if (item === targetItem) break;
    if (item !== movingItem) at++;
  }
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
  const { tree } = index;
  const found: Destination[] = [];
  const walk = (collectionId: string, parent: number, path: string, depth: number) => {
    for (const item of childrenOf(index, parent)) {
      if (item >= 0) continue;
      const id = tree.folders.id[~item] ?? "";
      if (moving.kind === "folder" && id === moving.id) continue;
      const label = `${path} / ${tree.folders.name[~item]}`;
      found.push({ label, place: { collection_id: collectionId, folder_id: id, index: null } });
      if (depth < MAX_DEPTH) walk(collectionId, tree.collections.length + ~item, label, depth + 1);
    }
  };
  tree.collections.forEach((collection, c) => {
    found.push({
      label: collection.name,
      place: { collection_id: collection.id, folder_id: null, index: null },
    });
    walk(collection.id, c, collection.name, 0);
  });
  return found;
}
