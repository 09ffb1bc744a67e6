// The strip of open requests above the editor: each tab shows its method, its name and a
// dot while it has unsaved changes; a click puts it on screen, × (or Ctrl/Cmd+W, wired by
// the work area) closes it. Closing a tab with unsaved changes asks, in the strip and not
// in a window: Save, Discard or Cancel. `useTabClosing` holds that question.
import { type ReactNode, useState } from "react";

import type { DraftStatus, TabControl } from "./useDraft";

export type TabInfo = { id: string; name: string; method: string; status: DraftStatus };

export type CloseAnswer = "save" | "discard" | "cancel";

type Closing = {
  /** Whether the tab has unsaved changes. */
  isDirty: (id: string) => boolean;
  /** The tab's editor, for Save and Discard. */
  control: (id: string) => TabControl | undefined;
  /** Puts the tab on screen, so the person sees what they are asked about. */
  show: (id: string) => void;
  /** Takes the tab away. */
  close: (id: string) => void;
};

/** Closing tabs: at once when clean, after a Save / Discard / Cancel answer otherwise. */
export function useTabClosing({ isDirty, control, show, close }: Closing) {
  const [asking, setAsking] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const requestClose = (id: string) => {
    if (!isDirty(id)) {
      if (asking === id) setAsking(null);
      close(id);
      return;
    }
    show(id);
    setAsking(id);
  };
  const answer = async (choice: CloseAnswer) => {
    const id = asking;
    if (id === null || busy) return;
    if (choice === "cancel") {
      setAsking(null);
      return;
    }
    const editor = control(id);
    setBusy(true);
    try {
      if (choice === "save") {
        // A failed save keeps the tab and the question; the editor says why.
        if (!(await editor?.save())) return;
      } else {
        await editor?.discard();
      }
      setAsking(null);
      close(id);
    } finally {
      setBusy(false);
    }
  };
  return { asking, busy, requestClose, answer };
}

type Props = {
  tabs: TabInfo[];
  /** The tab on screen (none while another view is). */
  onScreen: string | null;
  onActivate: (id: string) => void;
  onClose: (id: string) => void;
  /** The tab whose unsaved changes the strip asks about. */
  asking: string | null;
  busy: boolean;
  onAnswer: (answer: CloseAnswer) => void;
  /** At the strip's end (the History button). */
  children?: ReactNode;
};

export function TabStrip({
  tabs,
  onScreen,
  onActivate,
  onClose,
  asking,
  busy,
  onAnswer,
  children,
}: Props) {
  const asked = tabs.find((tab) => tab.id === asking);
  return (
    <div className="work-open-tabs">
      <div className="work-open-tabs-row">
        <div role="tablist" aria-label="Open requests" className="work-open-tabs-list">
          {tabs.map((tab) => {
            const unsaved = tab.status !== "clean";
            return (
              <div
                key={tab.id}
                className={`work-open-tab${tab.id === onScreen ? " work-open-tab-on" : ""}`}
                data-draft={tab.status}
              >
                <button
                  type="button"
                  role="tab"
                  aria-selected={tab.id === onScreen}
                  aria-label={`${tab.method} ${tab.name}${unsaved ? " (unsaved)" : ""}`}
                  className="work-open-tab-name"
                  onClick={() => onActivate(tab.id)}
                >
                  <span className="work-method">{tab.method}</span>
                  <span className="work-open-tab-title">{tab.name}</span>
                  {unsaved && (
                    <span className="work-open-tab-dot" title="Unsaved changes">
                      ●
                    </span>
                  )}
                </button>
                <button
                  type="button"
                  className="button-quiet work-open-tab-close"
                  aria-label={`Close ${tab.name}`}
                  onClick={() => onClose(tab.id)}
                >
                  ×
                </button>
              </div>
            );
          })}
        </div>
        {children}
      </div>
      {asked && (
        <div className="work-close-question" role="alertdialog" aria-label="Unsaved changes">
          <span>“{asked.name}” has unsaved changes.</span>
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            onClick={() => onAnswer("save")}
          >
            Save
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => onAnswer("discard")}
          >
            Discard
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => onAnswer("cancel")}
          >
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}
