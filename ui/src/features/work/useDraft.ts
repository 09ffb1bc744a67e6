// An open editor's link to its tab. Its unsaved spec is kept as a draft in the database
// shortly after the last edit (debounced: no write per keystroke) and forgotten once the
// request is saved or the changes discarded, so unsaved work survives a restart. The tab
// learns the editor's status (clean, being edited, kept as a draft), and gets the editor's
// Save and Discard for its "unsaved changes" question. Writes go out one after the other.
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";

import type { Draft } from "../../bindings/Draft";
import type { DraftKey } from "../../bindings/DraftKey";
import type { RequestSpec } from "../../bindings/RequestSpec";
import * as ipc from "../../ipc";
import { draftsKey } from "./queries";

/** How long after the last edit the draft is written. */
export const DRAFT_DELAY_MS = 500;

/** `editing`: unsaved and not written yet; `kept`: unsaved, the draft is on disk. */
export type DraftStatus = "clean" | "editing" | "kept";

/** What a tab can ask of its editor. Save resolves to whether it saved. */
export type TabControl = { save: () => Promise<boolean>; discard: () => Promise<void> };

/** How editors reach the tab strip (stable for the work area's life). */
export type TabLink = {
  status: (requestId: string, status: DraftStatus) => void;
  control: (requestId: string, control: TabControl | null) => void;
};

type Queue = { current: Promise<unknown> };

/** Runs `job` after every job queued before it; resolves or rejects with it. */
function queued<T>(queue: Queue, job: () => Promise<T>): Promise<T> {
  const next = queue.current.then(job);
  queue.current = next.catch(() => {});
  return next;
}

/** Forgets the request's draft, on disk and in the drafts read at start (so reopening
 * its tab later in this run starts from the saved request). */
function discardDraft(
  queue: Queue,
  queryClient: QueryClient,
  workspaceId: string,
  requestId: string,
): Promise<void> {
  const key: DraftKey = { kind: "request", request_id: requestId };
  queryClient.setQueryData<Draft[]>(draftsKey(workspaceId), (drafts) =>
    drafts?.filter((draft) => draft.key.kind !== "request" || draft.key.request_id !== requestId),
  );
  return queued(queue, () => ipc.discardDraft(workspaceId, key)).then(
    () => {},
    () => {},
  );
}

type Options = {
  workspaceId: string;
  requestId: string;
  spec: RequestSpec;
  dirty: boolean;
  /** The editor started from a draft read at start, so one is on disk. */
  fromDraft: boolean;
  save: () => Promise<boolean>;
  link: TabLink | undefined;
};

export function useDraft({ workspaceId, requestId, spec, dirty, fromDraft, save, link }: Options) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<DraftStatus>(dirty ? "editing" : "clean");
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  // A draft may be on disk (written, or found at start) and must go once clean.
  const stored = useRef(fromDraft);
  // Bumped by every edit and discard: a write finishing late does not claim "kept".
  const generation = useRef(0);

  // Keyed by content, not identity: a re-render with the same edits is not an edit.
  const content = JSON.stringify(spec);
  useEffect(() => {
    const mine = ++generation.current;
    if (!dirty) {
      setStatus("clean");
      if (stored.current) {
        stored.current = false;
        void discardDraft(queue, queryClient, workspaceId, requestId);
      }
      return;
    }
    setStatus("editing");
    const timer = setTimeout(() => {
      // Discarded meanwhile: nothing to keep.
      if (generation.current !== mine) return;
      stored.current = true;
      const key: DraftKey = { kind: "request", request_id: requestId };
      const latest = JSON.parse(content) as RequestSpec;
      queued(queue, () => ipc.saveDraft(workspaceId, key, latest)).then(
        () => {
          if (generation.current === mine) setStatus("kept");
        },
        // Not kept (the request was deleted meanwhile, the disk failed): it stays
        // "editing", and the next edit tries again.
        () => {},
      );
    }, DRAFT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [workspaceId, requestId, content, dirty, queryClient]);

  const controls = useRef<TabControl>({ save, discard: async () => {} });
  controls.current = {
    save,
    discard: () => {
      generation.current++;
      stored.current = false;
      return discardDraft(queue, queryClient, workspaceId, requestId);
    },
  };
  const linkRef = useRef(link);
  linkRef.current = link;
  useEffect(() => {
    linkRef.current?.control(requestId, {
      save: () => controls.current.save(),
      discard: () => controls.current.discard(),
    });
    return () => linkRef.current?.control(requestId, null);
  }, [requestId]);
  useEffect(() => {
    linkRef.current?.status(requestId, status);
  }, [requestId, status]);
  return status;
}
