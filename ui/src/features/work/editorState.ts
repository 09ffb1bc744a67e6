// The request editor as a pure reducer: the saved request and the copy being edited, the
// URL and the parameters table kept in step, and whether there are unsaved changes.
import type { Auth } from "../../bindings/Auth";
import type { Body } from "../../bindings/Body";
import type { KeyValue } from "../../bindings/KeyValue";
import type { Request } from "../../bindings/Request";
import type { RequestSpec } from "../../bindings/RequestSpec";
import { paramsFromUrl, urlWithParams } from "./urlParams";

export type EditorState = { saved: Request; spec: RequestSpec };

export type EditorAction =
  | { type: "loaded"; request: Request }
  | { type: "method"; method: string }
  | { type: "url"; url: string }
  | { type: "params"; params: KeyValue[] }
  | { type: "headers"; headers: KeyValue[] }
  | { type: "body"; body: Body }
  | { type: "auth"; auth: Auth };

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const spec = state.spec;
  switch (action.type) {
    case "loaded":
      return { saved: action.request, spec: action.request.spec };
    case "method":
      return { ...state, spec: { ...spec, method: action.method } };
    case "url":
      return {
        ...state,
        spec: { ...spec, url: action.url, params: paramsFromUrl(action.url, spec.params) },
      };
    case "params":
      return {
        ...state,
        spec: { ...spec, params: action.params, url: urlWithParams(spec.url, action.params) },
      };
    case "headers":
      return { ...state, spec: { ...spec, headers: action.headers } };
    case "body":
      return { ...state, spec: { ...spec, body: action.body } };
    case "auth":
      return { ...state, spec: { ...spec, auth: action.auth } };
  }
}

/** The editor holds changes that are not saved. */
export function isDirty(state: EditorState): boolean {
  return JSON.stringify(state.spec) !== JSON.stringify(state.saved.spec);
}

/** A new, switched-on row. */
export const emptyRow = (): KeyValue => ({ key: "", value: "", enabled: true, description: null });
