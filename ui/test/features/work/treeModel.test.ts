// The sidebar's tree as data: folders closed until opened, the filter keeping matches
// (by name, method or URL) with the folders they are in, and where Alt+↑/↓, a drop and
// "Move to…" put an item (never a folder into itself).
import { describe, expect, it } from "vitest";

import type { Tree } from "../../../src/bindings/Tree";
import {
  destinations,
  dropPlace,
  emptyExpansion,
  filterTree,
  findRow,
  indexTree,
  rowAt,
  rowList,
  searchText,
  stepPlace,
  toggled,
  visibleRows as visibleRowsOf,
} from "../../../src/features/work/treeModel";
import { treeColumns } from "../../fixtures";

// API
//   Users/            (folder, position 1)
//     Admin/          (folder inside Users)
//       GET Admins
//     GET List users
//     POST Create user
//   GET Health        (position 0: before Users)
//   DELETE Purge      (position 2)
const tree: Tree = {
  workspace_id: "ws",
  collections: [{ id: "c", name: "API", position: 0 }],
  folders: [
    { id: "users", collection_id: "c", parent_id: null, name: "Users", position: 1 },
    { id: "admin", collection_id: "c", parent_id: "users", name: "Admin", position: 0 },
  ],
  requests: [
    {
      id: "health",
      collection_id: "c",
      folder_id: null,
      name: "Health",
      method: "GET",
      position: 0,
    },
    {
      id: "admins",
      collection_id: "c",
      folder_id: "admin",
      name: "Admins",
      method: "GET",
      position: 0,
    },
    {
      id: "list",
      collection_id: "c",
      folder_id: "users",
      name: "List users",
      method: "GET",
      position: 1,
    },
    {
      id: "create",
      collection_id: "c",
      folder_id: "users",
      name: "Create user",
      method: "POST",
      position: 2,
    },
    {
      id: "purge",
      collection_id: "c",
      folder_id: null,
      name: "Purge",
      method: "DELETE",
      position: 2,
    },
  ],
};
const urls = {
  health: "{{base}}/health",
  admins: "{{base}}/admins",
  list: "{{base}}/users",
  create: "{{base}}/users",
  purge: "https://example.com/everything",
};
const index = indexTree(treeColumns(tree));
/** The rows as objects. */
const visibleRows = (...args: Parameters<typeof visibleRowsOf>) => rowList(visibleRowsOf(...args));
const names = (rows: { name: string }[]) => rows.map((row) => row.name);

describe("visible rows", () => {
  it("show collections open and folders closed, in the shared order of folders and requests", () => {
    const rows = visibleRows(index, emptyExpansion(), null);
    expect(names(rows)).toEqual(["API", "Health", "Users", "Purge"]);
    expect(rows.map((row) => row.depth)).toEqual([0, 1, 1, 1]);
  });

  it("show a folder's children once it is opened", () => {
    const users = visibleRows(index, emptyExpansion(), null).find((row) => row.id === "users");
    if (!users) throw new Error("no Users row");
    const rows = visibleRows(index, toggled(emptyExpansion(), users, true), null);
    expect(names(rows)).toEqual([
      "API",
      "Health",
      "Users",
      "Admin",
      "List users",
      "Create user",
      "Purge",
    ]);
  });
});

describe("a row", () => {
  it("says where it is, whether it has children, and is found by id", () => {
    const open = { ...emptyExpansion(), openFolders: new Set(["users"]) };
    const rows = visibleRowsOf(index, open, null);
    const at = findRow(rows, "admin");
    expect(rowAt(rows, at)).toEqual({
      kind: "folder",
      id: "admin",
      name: "Admin",
      depth: 2,
      collectionId: "c",
      folderId: "users",
      open: false,
      hasChildren: true,
    });
    expect(rowAt(rows, findRow(rows, "create"))).toMatchObject({
      kind: "request",
      method: "POST",
      folderId: "users",
      collectionId: "c",
    });
    expect(rowAt(rows, findRow(rows, "c"))).toMatchObject({ kind: "collection", open: true });
    // Inside a closed folder: not a row.
    expect(findRow(rows, "admins")).toBe(-1);
  });
});

describe("the filter", () => {
  const filtered = (text: string) => {
    const found = filterTree(index, text, searchText(index, urls));
    return found && names(visibleRows(index, emptyExpansion(), found.kept));
  };

  it("keeps requests matching by name, with their folders shown open", () => {
    expect(filtered("admins")).toEqual(["API", "Users", "Admin", "Admins"]);
  });

  it("matches by method and by URL, ignoring case", () => {
    expect(filtered("post")).toEqual(["API", "Users", "Create user"]);
    expect(filtered("EXAMPLE.com")).toEqual(["API", "Purge"]);
    expect(filtered("/users")).toEqual(["API", "Users", "List users", "Create user"]);
  });

  it("gives the same result typing on as typing the whole term, and searches anew for another", () => {
    const search = searchText(index, urls);
    const users = filterTree(index, "user", search);
    const typedOn = filterTree(index, "users", search, users);
    expect(typedOn?.kept).toEqual(filterTree(index, "users", search)?.kept);
    // "Create user" is kept by its URL, {{base}}/users.
    expect(typedOn && names(visibleRows(index, emptyExpansion(), typedOn.kept))).toEqual([
      "API",
      "Users",
      "List users",
      "Create user",
    ]);
    // "health" does not extend "users": everything is searched again.
    const other = filterTree(index, "health", search, typedOn);
    expect(other && names(visibleRows(index, emptyExpansion(), other.kept))).toEqual([
      "API",
      "Health",
    ]);
  });

  it("keeps the same result while typing on keeps every match (the rows need not change)", () => {
    const search = searchText(index, urls);
    const us = filterTree(index, "us", search);
    const use = filterTree(index, "use", search, us);
    // Both requests matching "us" (by name and by URL) also match "use"...
    expect(use?.matches).toEqual(us?.matches);
    expect(use?.matches).toHaveLength(2);
    expect(use?.kept).toBe(us?.kept);
    // ...but "usex" leaves none: a new result.
    const usex = filterTree(index, "usex", search, use);
    expect(usex?.matches).toHaveLength(0);
    expect(usex?.kept).not.toBe(use?.kept);
    expect(usex && names(visibleRows(index, emptyExpansion(), usex.kept))).toEqual([]);
  });

  it("shows nothing when nothing matches, and everything again when cleared", () => {
    expect(filtered("nothing like this")).toEqual([]);
    expect(filterTree(index, "   ", searchText(index, urls))).toBeNull();
  });

  it("finds the matches among 10,000 requests in 500 folders, which start closed", () => {
    const big: Tree = {
      workspace_id: "ws",
      collections: [{ id: "c", name: "Big", position: 0 }],
      folders: [],
      requests: [],
    };
    const bigUrls: Record<string, string> = {};
    for (let f = 0; f < 500; f++) {
      big.folders.push({
        id: `f${f}`,
        collection_id: "c",
        parent_id: null,
        name: `Folder ${f}`,
        position: f,
      });
      for (let r = 0; r < 20; r++) {
        const id = `r${f}-${r}`;
        big.requests.push({
          id,
          collection_id: "c",
          folder_id: `f${f}`,
          name: `Request ${f}-${r}`,
          method: "GET",
          position: r,
        });
        bigUrls[id] = `https://api.example.com/items/${f}/${r}`;
      }
    }
    const bigIndex = indexTree(treeColumns(big));
    const kept = filterTree(bigIndex, "request 42-1", searchText(bigIndex, bigUrls))?.kept ?? null;
    expect(names(visibleRows(bigIndex, emptyExpansion(), kept))).toEqual([
      "Big",
      "Folder 42",
      "Request 42-1",
      "Request 42-10",
      "Request 42-11",
      "Request 42-12",
      "Request 42-13",
      "Request 42-14",
      "Request 42-15",
      "Request 42-16",
      "Request 42-17",
      "Request 42-18",
      "Request 42-19",
    ]);
    expect(visibleRows(bigIndex, emptyExpansion(), null)).toHaveLength(501);
  });
});

describe("keyboard moves (Alt+↑/↓)", () => {
  it("move a request one place among its siblings, folders included", () => {
    expect(stepPlace(index, { kind: "request", id: "health" }, 1)).toEqual({
      collection_id: "c",
      folder_id: null,
      index: 1,
    });
    expect(stepPlace(index, { kind: "request", id: "purge" }, -1)).toEqual({
      collection_id: "c",
      folder_id: null,
      index: 1,
    });
    expect(stepPlace(index, { kind: "request", id: "create" }, -1)).toEqual({
      collection_id: "c",
      folder_id: "users",
      index: 1,
    });
  });

  it("stop at either end of the parent", () => {
    expect(stepPlace(index, { kind: "request", id: "health" }, -1)).toBeNull();
    expect(stepPlace(index, { kind: "request", id: "purge" }, 1)).toBeNull();
    expect(stepPlace(index, { kind: "folder", id: "admin" }, -1)).toBeNull();
  });
});

describe("drops and Move to…", () => {
  const everythingOpen = { ...emptyExpansion(), openFolders: new Set(["users", "admin"]) };
  const rows = visibleRows(index, everythingOpen, null);
  const row = (name: string) => {
    const found = rows.find((r) => r.name === name);
    if (!found) throw new Error(name);
    return found;
  };

  it("put an item into a folder, or before or after a row among that row's siblings", () => {
    expect(dropPlace(index, { kind: "request", id: "health" }, row("Admin"), "into")).toEqual({
      collection_id: "c",
      folder_id: "admin",
      index: null,
    });
    expect(
      dropPlace(index, { kind: "request", id: "health" }, row("Create user"), "before"),
    ).toEqual({
      collection_id: "c",
      folder_id: "users",
      index: 2,
    });
    // Its own siblings are counted without it.
    expect(dropPlace(index, { kind: "request", id: "health" }, row("Purge"), "after")).toEqual({
      collection_id: "c",
      folder_id: null,
      index: 2,
    });
  });

  it("never put a folder into itself or one of its own folders", () => {
    expect(dropPlace(index, { kind: "folder", id: "users" }, row("Users"), "into")).toBeNull();
    expect(dropPlace(index, { kind: "folder", id: "users" }, row("Admin"), "into")).toBeNull();
    expect(dropPlace(index, { kind: "folder", id: "users" }, row("Admins"), "before")).toBeNull();
    const labels = destinations(index, { kind: "folder", id: "users" }).map((d) => d.label);
    expect(labels).toEqual(["API"]);
    const forRequest = destinations(index, { kind: "request", id: "health" }).map((d) => d.label);
    expect(forRequest).toEqual(["API", "API / Users", "API / Users / Admin"]);
  });
});
