// A response body in the views that suit it: Pretty (JSON, XML, HTML laid out), Raw
// (the text as received, lines wrapped; for an image, its size) and Preview (an image,
// from a data: URL).
import { useState } from "react";

import type { Response } from "../../bindings/Response";
import {
  type BodyView,
  decodeBody,
  formatSize,
  imageDataUrl,
  prettyText,
  VIEW_LABELS,
  viewsFor,
} from "./responseView";

export function ResponseBody({ response }: { response: Response }) {
  const views = viewsFor(response.kind);
  const first = views[0] ?? "raw";
  const [chosen, setChosen] = useState<BodyView>(first);
  const view = views.includes(chosen) ? chosen : first;
  const text = response.kind === "image" ? "" : decodeBody(response.body);
  return (
    <div className="work-response-views">
      {views.length > 1 && (
        <div role="tablist" aria-label="Body view" className="work-tabs">
          {views.map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={view === name}
              className="work-tab"
              onClick={() => setChosen(name)}
            >
              {VIEW_LABELS[name]}
            </button>
          ))}
        </div>
      )}
      {view === "preview" && (
        <img className="work-response-image" alt="The response body" src={imageDataUrl(response)} />
      )}
      {view === "raw" && response.kind === "image" && (
        <p className="work-empty">
          {formatSize(response.body_size)} of image data: Preview shows it, Save as file keeps it.
        </p>
      )}
      {view !== "preview" && response.kind !== "image" && (
        <pre className="work-response-body" data-view={view}>
          {view === "pretty" ? prettyText(text, response.kind) : text}
          {response.truncated && "\n… (cut off at the size limit)"}
        </pre>
      )}
    </div>
  );
}
