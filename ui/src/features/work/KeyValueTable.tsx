// A table of key/value rows (query parameters, headers, urlencoded fields): each row
// switched on or off, removed with ×, and a blank row at the end to add one.
import type { KeyValue } from "../../bindings/KeyValue";
import { emptyRow } from "./editorState";

export function KeyValueTable({
  label,
  rows,
  onChange,
}: {
  label: string;
  rows: KeyValue[];
  onChange: (rows: KeyValue[]) => void;
}) {
  const shown = [...rows, emptyRow()];
  const edit = (index: number, change: Partial<KeyValue>) => {
    const next = shown.map((row, at) => (at === index ? { ...row, ...change } : row));
    onChange(next.filter((row, at) => at < rows.length || row.key !== "" || row.value !== ""));
  };
  return (
    <table className="work-table" aria-label={label}>
      <tbody>
        {shown.map((row, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no ids; order is the identity
          <tr key={index}>
            <td>
              <input
                type="checkbox"
                aria-label={`Use row ${index + 1}`}
                checked={row.enabled}
                disabled={index === rows.length}
                onChange={(event) => edit(index, { enabled: event.target.checked })}
              />
            </td>
            <td>
              <input
                aria-label={`${label} key ${index + 1}`}
                className="field"
                placeholder="Key"
                value={row.key}
                onChange={(event) => edit(index, { key: event.target.value })}
              />
            </td>
            <td>
              <input
                aria-label={`${label} value ${index + 1}`}
                className="field"
                placeholder="Value"
                value={row.value}
                onChange={(event) => edit(index, { value: event.target.value })}
              />
            </td>
            <td>
              {index < rows.length && (
                <button
                  type="button"
                  className="button-quiet"
                  aria-label={`Remove row ${index + 1}`}
                  onClick={() => onChange(rows.filter((_, at) => at !== index))}
                >
                  ×
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
