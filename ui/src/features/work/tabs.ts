// The tab strip of one workspace as pure functions: the saved requests open in the
// editor, in the strip's order, and the one on screen. Closing the tab on screen puts its
// right-hand neighbour there (the left one when it was last), as editors do.
import type { OpenTabs } from "../../bindings/OpenTabs";

export type WorkspaceTabs = { open: string[]; active: string | null };

export const noTabs: WorkspaceTabs = { open: [], active: null };

/** The tabs as kept in the database, read back (an active tab that is not open is dropped). */
export function fromStored(stored: OpenTabs): WorkspaceTabs {
  const open = [...new Set(stored.request_ids)];
  const active = stored.active !== null && open.includes(stored.active) ? stored.active : null;
  return { open, active: active ?? open[0] ?? null };
}

export function toStored(tabs: WorkspaceTabs): OpenTabs {
  return { request_ids: tabs.open, active: tabs.active };
}

/** Opens `id` (at the end, unless it is open already) and puts it on screen. */
export function openTab(tabs: WorkspaceTabs, id: string): WorkspaceTabs {
  const open = tabs.open.includes(id) ? tabs.open : [...tabs.open, id];
  return { open, active: id };
}

/** Closes `id`; when it was on screen, its neighbour takes its place. */
export function closeTab(tabs: WorkspaceTabs, id: string): WorkspaceTabs {
  const at = tabs.open.indexOf(id);
  if (at < 0) return tabs;
  const open = tabs.open.filter((other) => other !== id);
  if (tabs.active !== id) return { open, active: tabs.active };
  return { open, active: open[Math.min(at, open.length - 1)] ?? null };
}

/** Closes every tab of `gone` (requests deleted), as `closeTab` would one by one. */
export function closeTabs(tabs: WorkspaceTabs, gone: Iterable<string>): WorkspaceTabs {
  let next = tabs;
  for (const id of gone) next = closeTab(next, id);
  return next;
}
