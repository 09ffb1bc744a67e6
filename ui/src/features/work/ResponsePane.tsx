// The response: status, time, size, Save as file, the body (Pretty / Raw / Preview, see
// responseView.ts), headers and cookies; or why there is none. A send made without TLS
// verification says so here too.
import type { IpcError } from "../../bindings/IpcError";
import type { Response } from "../../bindings/Response";
import { ResponseBody } from "./ResponseBody";
import { ResponseCookies, ResponseHeaders } from "./ResponseHeaders";
import { formatSize } from "./responseView";
import { SaveResponseButton } from "./SaveResponseButton";

export type Outcome = { response: Response; insecure: boolean } | { error: IpcError } | null;

type Props = { sending: boolean; outcome: Outcome };

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
      {outcome && "response" in outcome && (
        <Shown response={outcome.response} insecure={outcome.insecure} />
      )}
    </section>
  );
}

function Shown({ response, insecure }: { response: Response; insecure: boolean }) {
  const ok = response.status < 400;
  return (
    <>
      <p className="work-status-line">
        <span className={ok ? "work-status work-status-ok" : "work-status work-status-bad"}>
          {response.status} {response.reason}
        </span>
        <span title="Total time">{Math.round(response.total_ms)} ms</span>
        <span title="Body size">{formatSize(response.body_size)}</span>
        <SaveResponseButton response={response} />
      </p>
      {insecure && (
        <p className="work-tls-warning" role="status">
          Sent without verifying the server’s TLS certificate.
        </p>
      )}
      <ResponseBody response={response} />
      <ResponseHeaders headers={response.headers} />
      <ResponseCookies cookies={response.cookies} />
    </>
  );
}
