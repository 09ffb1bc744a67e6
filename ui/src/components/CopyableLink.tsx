// A link shown in a read-only field with a Copy button (navigator.clipboard), for when
// the browser did not open or opened somewhere else. Says whether copying worked.
import { useId } from "react";

import { useCopyText } from "./useCopyText";

export function CopyableLink({ label, url }: { label: string; url: string | null }) {
  const fieldId = useId();
  const { copy, said } = useCopyText({ copied: "Link copied.", what: "the link" });

  return (
    <div className="copyable-link">
      <label htmlFor={fieldId} className="field-label">
        {label}
      </label>
      <div className="copyable-link-row">
        <input
          id={fieldId}
          className="field"
          type="text"
          readOnly
          value={url ?? ""}
          placeholder="Preparing the sign-in link…"
          spellCheck={false}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button
          type="button"
          className="button"
          onClick={() => void copy(url ?? "")}
          disabled={!url}
        >
          Copy
        </button>
      </div>
      <p className="field-hint" role="status">
        {said}
      </p>
    </div>
  );
}
