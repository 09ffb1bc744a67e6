// The request editor's pure parts: the URL and the params table in step (the rules of
// crates/workspace/src/url_params.rs), unsaved changes, and the response body's text.
import { describe, expect, it } from "vitest";

import type { Request } from "../../../src/bindings/Request";
import { editorReducer, isDirty } from "../../../src/features/work/editorState";
import { paramsFromUrl, urlWithParams } from "../../../src/features/work/urlParams";

const row = (key: string, value: string, enabled = true, description: string | null = null) => ({
  key,
  value,
  enabled,
  description,
});

describe("url ⇄ params", () => {
  it("typing in the URL rewrites the table and keeps switched-off rows and descriptions", () => {
    const previous = [row("page", "1", true, "page number"), row("debug", "true", false)];
    expect(paramsFromUrl("https://{{host}}/items?page=2&q={{term}}&flag#top", previous)).toEqual([
      row("page", "2", true, "page number"),
      row("q", "{{term}}"),
      row("flag", ""),
      row("debug", "true", false),
    ]);
  });

  it("editing the table rewrites the query and keeps the fragment", () => {
    const params = [row("a", "1"), row("off", "x", false), row("flag", "")];
    expect(urlWithParams("https://h/p?old=1#frag", params)).toBe("https://h/p?a=1&flag#frag");
    expect(urlWithParams("https://h/p?old=1", [])).toBe("https://h/p");
  });
});

const saved: Request = {
  meta: { id: "r1", revision: 1, created_at: 0, updated_at: 0 },
  collection_id: "c1",
  folder_id: null,
  name: "Ping",
  description: null,
  spec: {
    method: "GET",
    url: "",
    params: [],
    headers: [],
    body: { mode: "none" },
    auth: { kind: "inherit" },
  },
  scripts: { pre_request: null, test: null },
  position: 0,
};

describe("editor state", () => {
  it("keeps URL and params in step and knows when there are unsaved changes", () => {
    let state = editorReducer({ saved, spec: saved.spec }, { type: "loaded", request: saved });
    expect(isDirty(state)).toBe(false);
    state = editorReducer(state, { type: "url", url: "http://x/?a=1" });
    expect(state.spec.params).toEqual([row("a", "1")]);
    state = editorReducer(state, { type: "params", params: [row("a", "2"), row("b", "")] });
    expect(state.spec.url).toBe("http://x/?a=2&b");
    expect(isDirty(state)).toBe(true);
    const back = editorReducer(state, { type: "loaded", request: { ...saved, spec: state.spec } });
    expect(isDirty(back)).toBe(false);
  });
});
