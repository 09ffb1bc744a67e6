// The Body tab: none, raw JSON or text (JSON with Beautify), x-www-form-urlencoded fields,
// or form-data fields with files.
import { useState } from "react";

import type { Body } from "../../bindings/Body";
import { beautifyJson } from "./beautify";
import { FormDataTable } from "./FormDataTable";
import { KeyValueTable } from "./KeyValueTable";

export function BodyEditor({ body, onChange }: { body: Body; onChange: (body: Body) => void }) {
  const [beautifyError, setBeautifyError] = useState<string | null>(null);
  const mode = body.mode === "raw" ? (body.language === "json" ? "json" : "text") : body.mode;
  const text = body.mode === "raw" ? body.text : "";
  const choose = (next: string) => {
    setBeautifyError(null);
    if (next === "none") onChange({ mode: "none" });
    else if (next === "json" || next === "text") onChange({ mode: "raw", text, language: next });
    else if (next === "url_encoded") onChange({ mode: "url_encoded", fields: [] });
    else onChange({ mode: "form_data", fields: [] });
  };
  const beautify = () => {
    if (body.mode !== "raw") return;
    const outcome = beautifyJson(body.text);
    if ("error" in outcome) setBeautifyError(outcome.error);
    else {
      setBeautifyError(null);
      onChange({ ...body, text: outcome.text });
    }
  };
  return (
    <div>
      <div className="work-body-bar">
        <select
          aria-label="Body type"
          className="field"
          value={mode}
          onChange={(event) => choose(event.target.value)}
        >
          <option value="none">None</option>
          <option value="json">JSON</option>
          <option value="text">Text</option>
          <option value="url_encoded">x-www-form-urlencoded</option>
          <option value="form_data">form-data</option>
        </select>
        {mode === "json" && (
          <button type="button" className="button" onClick={beautify}>
            Beautify
          </button>
        )}
      </div>
      {beautifyError && (
        <p role="alert" className="work-error">
          {beautifyError}
        </p>
      )}
      {body.mode === "raw" && (
        <textarea
          aria-label="Body"
          className="field work-body-text"
          value={body.text}
          onChange={(event) => onChange({ ...body, text: event.target.value })}
        />
      )}
      {body.mode === "url_encoded" && (
        <KeyValueTable
          label="Form fields"
          rows={body.fields}
          onChange={(fields) => onChange({ mode: "url_encoded", fields })}
        />
      )}
      {body.mode === "form_data" && (
        <FormDataTable
          fields={body.fields}
          onChange={(fields) => onChange({ mode: "form_data", fields })}
        />
      )}
    </div>
  );
}
