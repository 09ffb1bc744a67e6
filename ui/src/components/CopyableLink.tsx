// A link shown in a read-only field with a Copy button (navigator.clipboard), for when
// the browser did not open or opened somewhere else. Says whether copying worked.
import { useEffect, useId, useState } from "react";

type CopyResult = "idle" | "copied" | "failed";

export function CopyableLink({ label, url }: { label: string; url: string | null }) {
  const fieldId = useId();
  const [result, setResult] = useState<CopyResult>("idle");

  useEffect(() => {
    if (result !== "copied") return;
    const timer = setTimeout(() => setResult("idle"), 2000);
    return () => clearTimeout(timer);
  }, [result]);

  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setResult("copied");
    } catch {
      setResult("failed");
    }
  };

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
        <button type="button" className="button" onClick={copy} disabled={!url}>
          Copy
        </button>
      </div>
      <p className="field-hint" role="status">
        {result === "copied" && "Link copied."}
        {result === "failed" && "Could not copy. Select the link and copy it by hand."}
      </p>
    </div>
  );
}
