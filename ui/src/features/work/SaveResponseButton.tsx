// "Save as file": the person picks where (the native save dialog, on the Rust side) and
// the Rust side writes the body's bytes there; the page only says how it went.
import { useState } from "react";

import type { IpcError } from "../../bindings/IpcError";
import type { Response } from "../../bindings/Response";
import * as ipc from "../../ipc";
import { formatSize, suggestedFileName } from "./responseView";

export function SaveResponseButton({ response }: { response: Response }) {
  const [said, setSaid] = useState<{ text: string; failed: boolean } | null>(null);
  const save = async () => {
    setSaid(null);
    try {
      const path = await ipc.chooseSaveFile("Save response as", suggestedFileName(response));
      if (path === null) return;
      await ipc.saveResponseBody(path, response.body);
      setSaid({ text: `Saved ${formatSize(response.body_size)} to ${path}`, failed: false });
    } catch (error) {
      setSaid({ text: `Could not save: ${(error as IpcError).message}`, failed: true });
    }
  };
  return (
    <>
      <button type="button" className="button-quiet" onClick={() => void save()}>
        Save as file
      </button>
      {said && (
        <span role={said.failed ? "alert" : "status"} className="work-save-outcome">
          {said.text}
        </span>
      )}
    </>
  );
}
