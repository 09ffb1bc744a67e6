// The response: status, time, size, headers and body (pretty JSON when JSON, raw
// otherwise), or why there is none.
import type { IpcError } from "../../bindings/IpcError";
import type { Response } from "../../bindings/Response";
import { bodyText } from "./editorState";

type Props = { sending: boolean; outcome: { response: Response } | { error: IpcError } | null };

export function ResponsePane({ sending, outcome }: Props) {
  return (
    <section className="work-response" aria-label="Response" aria-busy={sending}>
      {sending && <p className="work-empty">Sending…</p>}
      {!sending && !outcome && (
        <p className="work-empty">Send the request to see its response here.</p>
      )}
      {outcome && "error" in outcome && (
        <p role="alert" className="work-error">
          {outcome.error.kind === "cancelled"
            ? "Cancelled."
            : `Could not send: ${outcome.error.message}`}
        </p>
      )}
      {outcome && "response" in outcome && <Shown response={outcome.response} />}
    </section>
  );
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function Shown({ response }: { response: Response }) {
  const ok = response.status < 400;
  return (
    <>
      <p className="work-status-line">
        <span className={ok ? "work-status work-status-ok" : "work-status work-status-bad"}>
          {response.status} {response.reason}
        </span>
        <span>{Math.round(response.total_ms)} ms</span>
        <span>{size(response.body_size)}</span>
      </p>
      <pre className="work-response-body">
        {bodyText(response.body, response.kind)}
        {response.truncated && "\n… (cut off at the size limit)"}
      </pre>
      <details>
        <summary>Headers ({response.headers.length})</summary>
        <table className="work-table" aria-label="Response headers">
          <tbody>
            {response.headers.map((header, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: headers repeat; order is the identity
              <tr key={index}>
                <th scope="row">{header.name}</th>
                <td>{header.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}
