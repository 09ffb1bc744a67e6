// Drafts from the editor: written once, shortly after the last edit (not per keystroke),
// with the latest spec; forgotten when the editor is clean again (saved) or discarded;
// the tab told "editing" then "kept".
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, renderHook } from "@testing-library/react";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import {
  DRAFT_DELAY_MS,
  type DraftStatus,
  type TabControl,
  useDraft,
} from "../../../src/features/work/useDraft";
import { ipc, resetIpc } from "../../fakeIpc";
import { requestSpec as spec } from "../../fixtures";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

function mount(fromDraft = false) {
  const client = new QueryClient();
  const statuses: DraftStatus[] = [];
  const controls: (TabControl | null)[] = [];
  const link = {
    status: (_id: string, status: DraftStatus) => statuses.push(status),
    control: (_id: string, control: TabControl | null) => controls.push(control),
  };
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  const view = renderHook(
    ({ url, dirty }: { url: string; dirty: boolean }) =>
      useDraft({
        workspaceId: "ws",
        requestId: "r1",
        spec: spec(url),
        dirty,
        fromDraft,
        save: async () => true,
        link,
      }),
    { wrapper, initialProps: { url: "https://a", dirty: false } },
  );
  return { ...view, statuses, controls };
}

const key = { kind: "request", request_id: "r1" };

describe("useDraft", () => {
  beforeEach(() => {
    resetIpc();
    vi.useFakeTimers();
  });

  it("writes one draft with the latest spec after the edits pause", async () => {
    const { rerender, result, statuses } = mount();
    expect(result.current).toBe("clean");
    for (const url of ["https://a/1", "https://a/12", "https://a/123"]) {
      rerender({ url, dirty: true });
      await act(() => vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS / 2));
    }
    expect(ipc.saveDraft).not.toHaveBeenCalled();
    expect(result.current).toBe("editing");
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS));
    expect(ipc.saveDraft).toHaveBeenCalledOnce();
    expect(ipc.saveDraft).toHaveBeenCalledWith("ws", key, spec("https://a/123"));
    expect(result.current).toBe("kept");
    expect(statuses).toEqual(["clean", "editing", "kept"]);
    expect(ipc.discardDraft).not.toHaveBeenCalled();

    // Saved: clean again, and the draft goes.
    rerender({ url: "https://a/123", dirty: false });
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS));
    expect(ipc.discardDraft).toHaveBeenCalledWith("ws", key);
    expect(result.current).toBe("clean");
    expect(ipc.saveDraft).toHaveBeenCalledOnce();
  });

  it("clean from the start writes and discards nothing", async () => {
    mount();
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS * 4));
    expect(ipc.saveDraft).not.toHaveBeenCalled();
    expect(ipc.discardDraft).not.toHaveBeenCalled();
  });

  it("a draft found at start that matches the saved request is discarded", async () => {
    mount(true);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(ipc.discardDraft).toHaveBeenCalledWith("ws", key);
  });

  it("Discard from the tab forgets the draft, and a pending write never happens", async () => {
    const { rerender, controls } = mount();
    rerender({ url: "https://a/1", dirty: true });
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS / 2));
    const control = controls.at(-1);
    expect(control).toBeTruthy();
    await act(() => control?.discard() ?? Promise.resolve());
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS * 2));
    expect(ipc.discardDraft).toHaveBeenCalledWith("ws", key);
    expect(ipc.saveDraft).not.toHaveBeenCalled();
  });

  it("a write that fails leaves the tab marked as edited, not kept", async () => {
    ipc.saveDraft.mockRejectedValue({ kind: "not_found", message: "gone" });
    const { rerender, result } = mount();
    rerender({ url: "https://a/1", dirty: true });
    await act(() => vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS * 2));
    expect(ipc.saveDraft).toHaveBeenCalledOnce();
    expect(result.current).toBe("editing");
  });
});
