// The form-data body's fields: each row a text value or a file. A file is picked with
// the native open dialog and kept as its path; the Rust side reads it when sending (a
// file gone by then is an error naming the field and the path).
import { useState } from "react";

import type { FormField } from "../../bindings/FormField";
import type { IpcError } from "../../bindings/IpcError";
import * as ipc from "../../ipc";

const emptyField = (): FormField => ({
  key: "",
  value: { kind: "text", text: "" },
  enabled: true,
  description: null,
});

type Props = { fields: FormField[]; onChange: (fields: FormField[]) => void };

export function FormDataTable({ fields, onChange }: Props) {
  const [error, setError] = useState<string | null>(null);
  const shown = [...fields, emptyField()];
  const edit = (index: number, change: Partial<FormField>) => {
    const next = shown.map((field, at) => (at === index ? { ...field, ...change } : field));
    onChange(next.filter((field, at) => at < fields.length || !isBlank(field)));
  };
  const chooseFile = async (index: number) => {
    setError(null);
    try {
      const path = await ipc.chooseOpenFile("Choose a file to send", []);
      if (path !== null) edit(index, { value: { kind: "file", path } });
    } catch (failure) {
      setError((failure as IpcError).message);
    }
  };
  return (
    <>
      <table className="work-table" aria-label="Form-data fields">
        <tbody>
          {shown.map((field, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no ids; order is the identity
            <tr key={index}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Use field ${index + 1}`}
                  checked={field.enabled}
                  disabled={index === fields.length}
                  onChange={(event) => edit(index, { enabled: event.target.checked })}
                />
              </td>
              <td>
                <input
                  aria-label={`Form-data key ${index + 1}`}
                  className="field"
                  placeholder="Key"
                  value={field.key}
                  onChange={(event) => edit(index, { key: event.target.value })}
                />
              </td>
              <td>
                <select
                  aria-label={`Form-data type ${index + 1}`}
                  className="field"
                  value={field.value.kind}
                  onChange={(event) =>
                    edit(index, {
                      value:
                        event.target.value === "file"
                          ? { kind: "file", path: "" }
                          : { kind: "text", text: "" },
                    })
                  }
                >
                  <option value="text">Text</option>
                  <option value="file">File</option>
                </select>
              </td>
              <td>
                {field.value.kind === "text" ? (
                  <input
                    aria-label={`Form-data value ${index + 1}`}
                    className="field"
                    placeholder="Value"
                    value={field.value.text}
                    onChange={(event) =>
                      edit(index, { value: { kind: "text", text: event.target.value } })
                    }
                  />
                ) : (
                  <span className="work-file-pick">
                    <button
                      type="button"
                      className="button"
                      aria-label={`Choose file for field ${index + 1}`}
                      onClick={() => void chooseFile(index)}
                    >
                      Choose file…
                    </button>
                    <span className="work-file-path" data-testid={`form-file-${index + 1}`}>
                      {field.value.path || "No file chosen"}
                    </span>
                  </span>
                )}
              </td>
              <td>
                {index < fields.length && (
                  <button
                    type="button"
                    className="button-quiet"
                    aria-label={`Remove field ${index + 1}`}
                    onClick={() => onChange(fields.filter((_, at) => at !== index))}
                  >
                    ×
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && (
        <p role="alert" className="work-error">
          {error}
        </p>
      )}
    </>
  );
}

function isBlank(field: FormField): boolean {
  // A row switched to File stays, so its file can be chosen.
  return field.key === "" && field.value.kind === "text" && field.value.text === "";
}
