// The request editor: method, URL, the params table in step with the URL, headers, body,
// auth, and the workspace's send settings (a warning stays up while TLS is not verified);
// unsaved changes marked, Save (Ctrl/Cmd+S), Send (Ctrl/Cmd+Enter) and Cancel while
// sending, Copy as curl, the {{names}} with no value shown before sending, and the
// response below. It starts from the request's draft when one was kept (see useDraft).
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer, useRef, useState } from "react";

import type { Auth } from "../../bindings/Auth";
import type { IpcError } from "../../bindings/IpcError";
import type { Request } from "../../bindings/Request";
import type { RequestSpec } from "../../bindings/RequestSpec";
import * as ipc from "../../ipc";
import { BodyEditor } from "./BodyEditor";
import { CopyAsCurl } from "./CopyAsCurl";
import { type EditorState, editorReducer, isDirty } from "./editorState";
import { KeyValueTable } from "./KeyValueTable";
import {
  historyKey,
  requestKey,
  treeKey,
  useDrafts,
  useEnvironments,
  useGlobals,
  useRequest,
  useSendOptions,
} from "./queries";
import { type Outcome, ResponsePane } from "./ResponsePane";
import { SendSettings, TlsWarning } from "./SendSettings";
import { type TabLink, useDraft } from "./useDraft";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

type Props = {
  workspaceId: string;
  requestId: string;
  activeEnvironment: string | null;
  /** Shown (the others stay mounted, hidden, so their unsaved edits live on). */
  active: boolean;
  /** Its tab in the strip (status, Save and Discard on close). */
  tab?: TabLink;
};

export function RequestEditor({ workspaceId, requestId, activeEnvironment, active, tab }: Props) {
  const request = useRequest(requestId);
  const drafts = useDrafts(workspaceId);
  if (request.error)
    return (
      <p role="alert" className="work-error">
        {request.error.message}
      </p>
    );
  if (!request.data || drafts.isPending) return <p className="work-empty">Opening…</p>;
  const draft = drafts.data?.find(
    ({ key }) => key.kind === "request" && key.request_id === requestId,
  );
  return (
    <Editor
      workspaceId={workspaceId}
      request={request.data}
      draft={draft?.spec}
      activeEnvironment={activeEnvironment}
      active={active}
      tab={tab}
    />
  );
}

function Editor({
  workspaceId,
  request,
  draft,
  activeEnvironment,
  active,
  tab: tabLink,
}: {
  workspaceId: string;
  request: Request;
  draft: RequestSpec | undefined;
  activeEnvironment: string | null;
  active: boolean;
  tab: TabLink | undefined;
}) {
  const [state, dispatch] = useReducer(editorReducer, {
    saved: request,
    spec: draft ?? request.spec,
  } as EditorState);
  const queryClient = useQueryClient();
  const [saveError, setSaveError] = useState<string | null>(null);
  const [sending, setSending] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [missing, setMissing] = useState<string[]>([]);
  const [tab, setTab] = useState<"params" | "headers" | "body" | "auth" | "settings">("params");
  const storedOptions = useSendOptions(workspaceId);
  const tlsOff = storedOptions.data?.verify_tls === false;
  const dirty = isDirty(state);
  const spec = state.spec;

  // The {{names}} with no value, asked again shortly after each edit and whenever the
  // variables may have changed (another active environment, environments or globals saved).
  const environments = useEnvironments(workspaceId);
  const globals = useGlobals(workspaceId);
  const variablesStamp = `${activeEnvironment ?? ""}:${environments.dataUpdatedAt}:${globals.dataUpdatedAt}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: variablesStamp is not read; it asks again when the variables change
  useEffect(() => {
    const timer = setTimeout(() => {
      ipc
        .unresolvedVariables(workspaceId, request.meta.id, spec)
        .then(setMissing)
        .catch(() => setMissing([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [workspaceId, request.meta.id, spec, variablesStamp]);

  const save = async () => {
    setSaveError(null);
    try {
      const saved = await ipc.saveRequest({ ...state.saved, spec });
      dispatch({ type: "loaded", request: saved });
      queryClient.setQueryData(requestKey(saved.meta.id), saved);
      await queryClient.invalidateQueries({ queryKey: treeKey(workspaceId) });
      return true;
    } catch (error) {
      setSaveError((error as IpcError).message);
      return false;
    }
  };
  useDraft({
    workspaceId,
    requestId: request.meta.id,
    spec,
    dirty,
    fromDraft: draft !== undefined,
    save,
    link: tabLink,
  });
  const send = async () => {
    if (sending) return;
    const sendId = crypto.randomUUID();
    setSending(sendId);
    setOutcome(null);
    try {
      const sendOptions = storedOptions.data ?? (await ipc.sendOptions(workspaceId));
      const response = await ipc.sendRequest(
        sendId,
        workspaceId,
        request.meta.id,
        spec,
        sendOptions,
      );
      setOutcome({ response, insecure: !sendOptions.verify_tls });
    } catch (error) {
      setOutcome({ error: error as IpcError });
    } finally {
      setSending(null);
      void queryClient.invalidateQueries({ queryKey: historyKey(workspaceId) });
    }
  };
  const keys = useRef({ save, send, active });
  keys.current = { save, send, active };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // Only the editor on screen answers the keyboard.
      if (!keys.current.active || !(event.ctrlKey || event.metaKey)) return;
      if (event.key === "s") {
        event.preventDefault();
        void keys.current.save();
      } else if (event.key === "Enter") {
        event.preventDefault();
        void keys.current.send();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="work-editor">
      <h2 className="work-editor-title">
        {request.name}
        {dirty && (
          <span className="work-dirty" title="Unsaved changes">
            {" "}
            • unsaved
          </span>
        )}
      </h2>
      <div className="work-url-bar">
        <select
          aria-label="Method"
          className="field work-method-select"
          value={spec.method}
          onChange={(event) => dispatch({ type: "method", method: event.target.value })}
        >
          {[...new Set([...METHODS, spec.method])].map((method) => (
            <option key={method}>{method}</option>
          ))}
        </select>
        <input
          aria-label="URL"
          className="field"
          placeholder="https://api.example.com/items?page=1"
          value={spec.url}
          onChange={(event) => dispatch({ type: "url", url: event.target.value })}
        />
        {sending ? (
          <button type="button" className="button" onClick={() => void ipc.cancelSend(sending)}>
            Cancel
          </button>
        ) : (
          <button type="button" className="button button-primary" onClick={() => void send()}>
            Send
          </button>
        )}
        <button type="button" className="button" disabled={!dirty} onClick={() => void save()}>
          Save
        </button>
        <CopyAsCurl workspaceId={workspaceId} requestId={request.meta.id} spec={spec} />
      </div>
      {tlsOff && <TlsWarning />}
      {missing.length > 0 && (
        <p className="work-missing" role="status">
          No value for {missing.map((name) => `{{${name}}}`).join(", ")}
        </p>
      )}
      {saveError && (
        <p role="alert" className="work-error">
          Could not save: {saveError}
        </p>
      )}
      <div role="tablist" aria-label="Request parts" className="work-tabs">
        {(["params", "headers", "body", "auth", "settings"] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            className="work-tab"
            onClick={() => setTab(name)}
          >
            {
              {
                params: "Params",
                headers: "Headers",
                body: "Body",
                auth: "Auth",
                settings: "Settings",
              }[name]
            }
          </button>
        ))}
      </div>
      <div role="tabpanel" className="work-tab-panel">
        {tab === "params" && (
          <KeyValueTable
            label="Query parameters"
            rows={spec.params}
            onChange={(params) => dispatch({ type: "params", params })}
          />
        )}
        {tab === "headers" && (
          <KeyValueTable
            label="Headers"
            rows={spec.headers}
            onChange={(headers) => dispatch({ type: "headers", headers })}
          />
        )}
        {tab === "body" && (
          <BodyEditor body={spec.body} onChange={(body) => dispatch({ type: "body", body })} />
        )}
        {tab === "auth" && (
          <AuthEditor auth={spec.auth} onChange={(auth) => dispatch({ type: "auth", auth })} />
        )}
        {tab === "settings" && storedOptions.data && (
          <SendSettings workspaceId={workspaceId} options={storedOptions.data} />
        )}
      </div>
      <ResponsePane sending={sending !== null} outcome={outcome} />
    </div>
  );
}

function AuthEditor({ auth, onChange }: { auth: Auth; onChange: (auth: Auth) => void }) {
  const choose = (kind: string) => {
    if (kind === "inherit" || kind === "none") onChange({ kind });
    else if (kind === "bearer") onChange({ kind, token: "" });
    else if (kind === "basic") onChange({ kind, username: "", password: "" });
    else onChange({ kind: "api_key", key: "", value: "", placement: "header" });
  };
  const field = (label: string, value: string, set: (value: string) => void, secret = false) => (
    <label className="work-auth-field">
      <span className="field-label">{label}</span>
      <input
        className="field"
        type={secret ? "password" : "text"}
        value={value}
        onChange={(event) => set(event.target.value)}
      />
    </label>
  );
  return (
    <div>
      <select
        aria-label="Auth type"
        className="field"
        value={auth.kind}
        onChange={(event) => choose(event.target.value)}
      >
        <option value="inherit">Inherit from parent</option>
        <option value="none">No auth</option>
        <option value="bearer">Bearer token</option>
        <option value="basic">Basic auth</option>
        <option value="api_key">API key</option>
      </select>
      {auth.kind === "bearer" &&
        field("Token", auth.token, (token) => onChange({ ...auth, token }), true)}
      {auth.kind === "basic" && (
        <>
          {field("Username", auth.username, (username) => onChange({ ...auth, username }))}
          {field("Password", auth.password, (password) => onChange({ ...auth, password }), true)}
        </>
      )}
      {auth.kind === "api_key" && (
        <>
          {field("Key", auth.key, (key) => onChange({ ...auth, key }))}
          {field("Value", auth.value, (value) => onChange({ ...auth, value }), true)}
          <select
            aria-label="Add to"
            className="field"
            value={auth.placement}
            onChange={(event) =>
              onChange({ ...auth, placement: event.target.value as "header" | "query" })
            }
          >
            <option value="header">Header</option>
            <option value="query">Query params</option>
          </select>
        </>
      )}
    </div>
  );
}
