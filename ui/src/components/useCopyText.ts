// Copying text to the clipboard (navigator.clipboard) and what to say about it in a
// status line beside the Copy button: `copied` for two seconds after it worked, how to
// copy by hand when it did not, nothing otherwise.
import { useEffect, useState } from "react";

type CopyResult = "idle" | "copied" | "failed";

/** `copied`: "Link copied."; `what`: the thing to select by hand, "the link". */
export function useCopyText({ copied, what }: { copied: string; what: string }) {
  const [result, setResult] = useState<CopyResult>("idle");

  useEffect(() => {
    if (result !== "copied") return;
    const timer = setTimeout(() => setResult("idle"), 2000);
    return () => clearTimeout(timer);
  }, [result]);

  const copy = async (text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setResult("copied");
    } catch {
      setResult("failed");
    }
  };

  const said = {
    idle: "",
    copied,
    failed: `Could not copy. Select ${what} and copy it by hand.`,
  }[result];
  return { copy, said };
}
