// The environment editor's variables table: the blank row that becomes a variable,
// masking of secrets, removal, and unsaved changes.
import { describe, expect, it } from "vitest";

import type { Variable } from "../../../src/bindings/Variable";
import {
  isMasked,
  rowsToSave,
  variablesDirty,
  variablesReducer,
  variablesState,
} from "../../../src/features/work/variablesTable";

const v = (key: string, value: string, secret = false, enabled = true): Variable => ({
  key,
  value,
  enabled,
  secret,
});

describe("variables table", () => {
  it("typing into the blank row adds a variable; an untouched one adds nothing", () => {
    const start = variablesState([v("base", "http://x")]);
    const added = variablesReducer(start, { type: "edit", index: 1, change: { key: "token" } });
    expect(added.rows).toEqual([v("base", "http://x"), v("token", "")]);
    expect(variablesReducer(start, { type: "edit", index: 1, change: { key: "" } })).toBe(start);
    expect(variablesReducer(start, { type: "edit", index: 5, change: { key: "x" } })).toBe(start);
  });

  it("secret values are masked until shown, and again once hidden", () => {
    let state = variablesState([v("base", "http://x"), v("token", "s3cret", true)]);
    expect(isMasked(state, 0)).toBe(false);
    expect(isMasked(state, 1)).toBe(true);
    state = variablesReducer(state, { type: "reveal", index: 1, shown: true });
    expect(isMasked(state, 1)).toBe(false);
    state = variablesReducer(state, { type: "reveal", index: 1, shown: false });
    expect(isMasked(state, 1)).toBe(true);
    // Turning Secret on masks at once; turning it off forgets that it was shown.
    state = variablesReducer(state, { type: "edit", index: 0, change: { secret: true } });
    expect(isMasked(state, 0)).toBe(true);
    state = variablesReducer(state, { type: "reveal", index: 0, shown: true });
    state = variablesReducer(state, { type: "edit", index: 0, change: { secret: false } });
    expect(state.revealed).toEqual([]);
  });

  it("removing a row keeps the shown secrets on their rows", () => {
    let state = variablesState([v("a", "1"), v("b", "2", true), v("c", "3", true)]);
    state = variablesReducer(state, { type: "reveal", index: 2, shown: true });
    state = variablesReducer(state, { type: "remove", index: 0 });
    expect(state.rows.map((row) => row.key)).toEqual(["b", "c"]);
    expect(isMasked(state, 0)).toBe(true);
    expect(isMasked(state, 1)).toBe(false);
  });

  it("unsaved changes: edits count, rows left empty do not", () => {
    const start = variablesState([v("base", "http://x")]);
    expect(variablesDirty(start)).toBe(false);
    const edited = variablesReducer(start, { type: "edit", index: 0, change: { enabled: false } });
    expect(variablesDirty(edited)).toBe(true);
    let emptied = variablesReducer(start, { type: "edit", index: 1, change: { secret: true } });
    emptied = variablesReducer(emptied, { type: "edit", index: 1, change: { secret: false } });
    expect(rowsToSave(emptied)).toEqual([v("base", "http://x")]);
    expect(variablesDirty(emptied)).toBe(false);
    expect(variablesDirty(variablesReducer(emptied, { type: "loaded", variables: [] }))).toBe(
      false,
    );
  });
});
