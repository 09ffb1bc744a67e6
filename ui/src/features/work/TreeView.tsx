// The sidebar's tree on screen: the flat rows of treeModel.ts, windowed (only the rows in
// view and a margin are in the DOM, so 10,000 filtered matches cost what 40 do), each
// row's actions behind a "⋯" menu shown on hover or focus (and "+ Request" on
// collections and folders), keyboard moves (Alt+↑/↓ among siblings; ↑/↓ between rows,
// →/← to open and close, PageUp/PageDown/Home/End) and HTML5 drag and drop (onto a
// collection or folder, or between rows).
//
// The tree scrolls itself: its box does not scroll natively (overflow hidden), the
// wheel moves it and a scrollbar of its own shows and drags the place. WebKitGTK gives
// every natively scrolling box a composited layer of its own, about 10 MB in the web
// process (measured beside the bare window, BENCHMARKS.md), for a list that draws 46
// rows. VS Code's lists scroll the same way.
import { memo, useEffect, useLayoutEffect, useRef, useState } from "react";

import type { Place } from "../../bindings/Place";
import {
  type Drop,
  dropPlace,
  findRow,
  type Moving,
  type Row,
  type Rows,
  rowAt,
  stepPlace,
  type TreeIndex,
} from "./treeModel";

/** Every row is this tall (work.css `.work-row`), which is what makes windowing simple. */
export const ROW_HEIGHT = 30;
/** The height of one entry of a row's "⋯" menu (work.css `.work-menu-item`). */
const MENU_ITEM_HEIGHT = 28;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 12;
/** Used before the list has been laid out (and in tests, where nothing is). */
const FALLBACK_HEIGHT = 640;
/** A performance mark set once the tree's first frame is drawn (the sidebar benchmark reads it). */
export const SHOWN_MARK = "courier:sidebar-shown";
/** A performance mark set when the sidebar first asks for a workspace's tree. */
export const OPENED_MARK = "courier:sidebar-opened";

export type RowActions = {
  newRequest: (row: Row) => void;
  newFolder: (row: Row) => void;
  rename: (row: Row) => void;
  duplicate: (row: Row) => void;
  moveTo: (row: Row) => void;
  /** A collection to another workspace; absent when there is no other. */
  moveToWorkspace?: ((row: Row) => void) | undefined;
  /** Whether `moveToWorkspace` is there now (the rows' stable copy asks). */
  canMoveToWorkspace?: () => boolean;
  exportCollection: (row: Row) => void;
  pasteCurl: (row: Row) => void;
  remove: (row: Row) => void;
  move: (moving: Moving, place: Place) => void;
};

type Props = {
  index: TreeIndex;
  rows: Rows;
  openRequest: string | null;
  onOpenRequest: (id: string) => void;
  onToggle: (row: Row, open: boolean) => void;
  actions: RowActions;
};

const movable = (row: Row): Moving | null =>
  row.kind === "collection" ? null : { kind: row.kind, id: row.id };

/** What a row does with events: one object for the tree's life, so rows can skip renders. */
type RowHandlers = {
  keyDown: (event: React.KeyboardEvent, row: Row, at: number) => void;
  focus: (row: Row) => void;
  click: (row: Row) => void;
  toggle: (row: Row, open: boolean) => void;
  dragStart: (event: React.DragEvent, row: Row) => void;
  dragEnd: () => void;
  dragOver: (event: React.DragEvent, row: Row) => void;
  dragLeave: (row: Row) => void;
  drop: (event: React.DragEvent, row: Row) => void;
  actions: RowActions;
};

export function TreeView({ index, rows, openRequest, onOpenRequest, onToggle, actions }: Props) {
  const list = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);
  // The row to keep focused across re-renders (after a keyboard move the tree is read
  // again and the row is drawn anew).
  const [focusId, setFocusId] = useState<string | null>(null);
  const dragging = useRef<Moving | null>(null);
  const [dropAt, setDropAt] = useState<{ id: string; where: Drop } | null>(null);

  useEffect(() => {
    const frame = requestAnimationFrame(() => performance.mark(SHOWN_MARK));
    return () => cancelAnimationFrame(frame);
  }, []);

  // The tree's height, read when the box is made and when it changes size: never in
  // every render's commit, which would make each keystroke wait for a layout.
  const hasRows = rows.length > 0;
  useLayoutEffect(() => {
    const element = list.current;
    if (!hasRows || !element) return;
    const measure = () => {
      if (element.clientHeight > 0) setHeight(element.clientHeight);
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasRows]);

  // The wheel (and a touchpad) scroll the tree; the page does not scroll with it.
  useEffect(() => {
    const element = list.current;
    if (!hasRows || !element) return;
    const onWheel = (event: WheelEvent) => {
      const unit =
        event.deltaMode === WheelEvent.DOM_DELTA_LINE
          ? ROW_HEIGHT
          : event.deltaMode === WheelEvent.DOM_DELTA_PAGE
            ? element.clientHeight
            : 1;
      const before = element.scrollTop;
      element.scrollTop = before + event.deltaY * unit;
      if (element.scrollTop !== before) event.preventDefault();
    };
    element.addEventListener("wheel", onWheel, { passive: false });
    return () => element.removeEventListener("wheel", onWheel);
  }, [hasRows]);

  const focusAt = focusId === null ? -1 : findRow(rows, focusId);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  // Only while the focus is the tree's (or was lost with a row drawn anew): a re-render
  // must never pull the focus out of the URL field the person is typing in.
  useEffect(() => {
    if (focusId === null) return;
    const element = list.current?.querySelector<HTMLElement>(
      `[data-row-id="${CSS.escape(focusId)}"] .work-row-name`,
    );
    const active = document.activeElement;
    const focusIsTheTrees =
      active === null || active === document.body || list.current?.contains(active);
    if (element && focusIsTheTrees && active !== element) element.focus();
  });

  /** Focuses row `at`, scrolling it into the window first if needed. */
  const focusRow = (at: number) => {
    if (at < 0 || at >= rows.length) return;
    const row = rowAt(rows, at);
    const element = list.current;
    if (element) {
      const top = at * ROW_HEIGHT;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + ROW_HEIGHT > element.scrollTop + height)
        element.scrollTop = top + ROW_HEIGHT - height;
      setScrollTop(element.scrollTop);
    }
    setFocusId(row.id);
  };

  const whereIn = (event: React.DragEvent, row: Row): Drop => {
    const box = event.currentTarget.getBoundingClientRect();
    const y = (event.clientY - box.top) / (box.height || ROW_HEIGHT);
    if (row.kind === "request") return y < 0.5 ? "before" : "after";
    if (row.kind === "collection") return "into";
    return y < 0.25 ? "before" : y > 0.75 ? "after" : "into";
  };

  const handlers: RowHandlers = {
    keyDown: (event, row, at) => {
      const moving = movable(row);
      if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        event.preventDefault();
        if (!moving) return;
        const place = stepPlace(index, moving, event.key === "ArrowUp" ? -1 : 1);
        setFocusId(row.id);
        if (place) actions.move(moving, place);
        return;
      }
      const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
      const to: Record<string, number> = {
        ArrowDown: at + 1,
        ArrowUp: at - 1,
        PageDown: Math.min(rows.length - 1, at + page),
        PageUp: Math.max(0, at - page),
        Home: 0,
        End: rows.length - 1,
      };
      const target = to[event.key];
      if (target !== undefined) {
        event.preventDefault();
        focusRow(target);
      } else if (event.key === "ArrowRight" && row.kind !== "request" && !row.open) {
        event.preventDefault();
        onToggle(row, true);
      } else if (event.key === "ArrowLeft" && row.kind !== "request" && row.open) {
        event.preventDefault();
        onToggle(row, false);
      } else if (event.key === "F2") {
        event.preventDefault();
        actions.rename(row);
      }
    },
    focus: (row) => setFocusId(row.id),
    click: (row) => (row.kind === "request" ? onOpenRequest(row.id) : onToggle(row, !row.open)),
    toggle: onToggle,
    dragStart: (event, row) => {
      dragging.current = movable(row);
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.name);
    },
    dragEnd: () => {
      dragging.current = null;
      setDropAt(null);
    },
    dragOver: (event, row) => {
      const moving = dragging.current;
      if (!moving) return;
      const where = whereIn(event, row);
      if (!dropPlace(index, moving, row, where)) return;
      event.preventDefault();
      if (dropAt?.id !== row.id || dropAt.where !== where) setDropAt({ id: row.id, where });
    },
    dragLeave: (row) => setDropAt((now) => (now?.id === row.id ? null : now)),
    drop: (event, row) => {
      const moving = dragging.current;
      setDropAt(null);
      dragging.current = null;
      if (!moving) return;
      const place = dropPlace(index, moving, row, whereIn(event, row));
      if (!place) return;
      event.preventDefault();
      actions.move(moving, place);
    },
    actions,
  };
  // The rows get one object whose calls reach this render's handlers.
  const latest = useRef(handlers);
  latest.current = handlers;
  const [stable] = useState<RowHandlers>(() => {
    const actionOf =
      (name: Exclude<keyof RowActions, "move" | "moveToWorkspace" | "canMoveToWorkspace">) =>
      (row: Row): void =>
        latest.current.actions[name](row);
    return {
      keyDown: (...args) => latest.current.keyDown(...args),
      focus: (row) => latest.current.focus(row),
      click: (row) => latest.current.click(row),
      toggle: (row, open) => latest.current.toggle(row, open),
      dragStart: (event, row) => latest.current.dragStart(event, row),
      dragEnd: () => latest.current.dragEnd(),
      dragOver: (event, row) => latest.current.dragOver(event, row),
      dragLeave: (row) => latest.current.dragLeave(row),
      drop: (event, row) => latest.current.drop(event, row),
      actions: {
        newRequest: actionOf("newRequest"),
        newFolder: actionOf("newFolder"),
        rename: actionOf("rename"),
        duplicate: actionOf("duplicate"),
        moveTo: actionOf("moveTo"),
        moveToWorkspace: (row) => latest.current.actions.moveToWorkspace?.(row),
        canMoveToWorkspace: () => latest.current.actions.moveToWorkspace !== undefined,
        exportCollection: actionOf("exportCollection"),
        pasteCurl: actionOf("pasteCurl"),
        remove: actionOf("remove"),
        move: (moving, place) => latest.current.actions.move(moving, place),
      },
    };
  });

  if (rows.length === 0) return null;
  const drawn = [];
  // Keyed by place in the list: as a filter changes the rows, the same elements show
  // the new ones (fewer made and thrown away per keystroke), and a row that did not
  // change is not drawn again (TreeRow is memoized).
  for (let at = first; at < last; at++) {
    const row = rowAt(rows, at);
    drawn.push(
      <TreeRow
        key={at}
        row={row}
        at={at}
        selected={openRequest === row.id}
        drop={dropAt?.id === row.id ? dropAt.where : null}
        tabbable={at === Math.max(focusAt, 0)}
        handlers={stable}
      />,
    );
  }
  return (
    <div className="work-tree-box">
      <div
        ref={list}
        className="work-tree"
        role="tree"
        aria-label="Collections"
        onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      >
        <div style={{ height: rows.length * ROW_HEIGHT, position: "relative" }}>{drawn}</div>
      </div>
      <Scrollbar
        total={rows.length * ROW_HEIGHT}
        view={height}
        scrollTop={scrollTop}
        scrollTo={(top) => {
          if (list.current) list.current.scrollTop = top;
        }}
      />
    </div>
  );
}

/** Narrowest the scrollbar's thumb gets, in pixels. */
const MIN_THUMB = 24;

type ScrollbarProps = {
  /** The height of everything, of what is in view, and the place, in pixels. */
  total: number;
  view: number;
  scrollTop: number;
  scrollTo: (top: number) => void;
};

/**
 * The tree's scrollbar: a thumb as tall as the part in view, dragged to move the place;
 * a press on the track pages towards it. Hidden from assistive technology (the rows
 * are reached with the keyboard) and absent when everything fits.
 */
function Scrollbar({ total, view, scrollTop, scrollTo }: ScrollbarProps) {
  const drag = useRef<{ y: number; top: number } | null>(null);
  if (total <= view) return null;
  const thumb = Math.max(MIN_THUMB, (view * view) / total);
  const range = total - view;
  const perPixel = range / Math.max(1, view - thumb);
  const thumbTop = (Math.min(scrollTop, range) / range) * (view - thumb);
  return (
    <div
      className="work-scrollbar"
      aria-hidden="true"
      style={{ height: view }}
      onPointerDown={(event) => {
        if (event.target !== event.currentTarget) return;
        const y = event.clientY - event.currentTarget.getBoundingClientRect().top;
        scrollTo(scrollTop + (y < thumbTop ? -view : view));
      }}
    >
      <div
        className="work-scrollbar-thumb"
        style={{ top: thumbTop, height: thumb }}
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          drag.current = { y: event.clientY, top: scrollTop };
        }}
        onPointerMove={(event) => {
          const from = drag.current;
          if (from) scrollTo(from.top + (event.clientY - from.y) * perPixel);
        }}
        onPointerUp={() => {
          drag.current = null;
        }}
        onPointerCancel={() => {
          drag.current = null;
        }}
      />
    </div>
  );
}

type RowProps = {
  row: Row;
  at: number;
  selected: boolean;
  drop: Drop | null;
  tabbable: boolean;
  handlers: RowHandlers;
};

const sameRow = (a: Row, b: Row) =>
  a === b ||
  (a.id === b.id &&
    a.kind === b.kind &&
    a.name === b.name &&
    a.method === b.method &&
    a.depth === b.depth &&
    a.collectionId === b.collectionId &&
    a.folderId === b.folderId &&
    a.open === b.open &&
    a.hasChildren === b.hasChildren);

/** One line of the tree, drawn again only when what it shows changed. */
const TreeRow = memo(
  function TreeRow({ row, at, selected, drop, tabbable, handlers }: RowProps) {
    return (
      // biome-ignore lint/a11y/useFocusableInteractive: the row's name button takes the focus
      <div
        role="treeitem"
        aria-level={row.depth + 1}
        aria-expanded={row.kind === "request" ? undefined : row.open}
        aria-selected={selected}
        data-row-id={row.id}
        className={`work-row work-row-${row.kind}${selected ? " work-row-open" : ""}${drop ? ` work-drop-${drop}` : ""}`}
        style={{ top: at * ROW_HEIGHT, paddingLeft: 4 + row.depth * 14 }}
        draggable={row.kind !== "collection"}
        onDragStart={(event) => handlers.dragStart(event, row)}
        onDragEnd={handlers.dragEnd}
        onDragOver={(event) => handlers.dragOver(event, row)}
        onDragLeave={() => handlers.dragLeave(row)}
        onDrop={(event) => handlers.drop(event, row)}
      >
        {row.kind === "request" ? (
          <span className="work-row-toggle" />
        ) : (
          <button
            type="button"
            className="work-row-toggle"
            tabIndex={-1}
            aria-label={`${row.open ? "Collapse" : "Expand"} ${row.name}`}
            onClick={() => handlers.toggle(row, !row.open)}
          >
            {row.hasChildren ? (row.open ? "▾" : "▸") : ""}
          </button>
        )}
        <button
          type="button"
          className="work-row-name"
          tabIndex={tabbable ? 0 : -1}
          title={row.kind === "request" ? "Alt+↑/↓ moves it, F2 renames it" : undefined}
          onFocus={() => handlers.focus(row)}
          onKeyDown={(event) => handlers.keyDown(event, row, at)}
          onClick={() => handlers.click(row)}
        >
          {row.kind === "request" ? (
            <>
              <span className="work-method">{row.method}</span> {row.name}
            </>
          ) : (
            row.name
          )}
        </button>
        <span className="work-row-actions">
          {row.kind !== "request" && (
            <button
              type="button"
              className="button-quiet"
              aria-label={`New request in ${row.name}`}
              onClick={() => handlers.actions.newRequest(row)}
            >
              + Request
            </button>
          )}
          {/* Keyed by the row: an open menu does not pass to the next row drawn here. */}
          <RowMenu key={row.id} row={row} actions={handlers.actions} />
        </span>
      </div>
    );
  },
  (before, after) =>
    sameRow(before.row, after.row) &&
    before.at === after.at &&
    before.selected === after.selected &&
    before.drop === after.drop &&
    before.tabbable === after.tabbable &&
    before.handlers === after.handlers,
);

/** The "⋯" button and the menu of what can be done with `row`. */
function RowMenu({ row, actions }: { row: Row; actions: RowActions }) {
  // Where the open menu is drawn: fixed to the window, so the tree's scrolling box
  // does not cut it off; below the button, or above it near the window's bottom.
  const [open, setOpen] = useState<React.CSSProperties | null>(null);
  const container = useRef<HTMLSpanElement>(null);
  const items: [string, (row: Row) => void][] = [];
  if (row.kind !== "request") {
    items.push(["New request", actions.newRequest], ["New folder", actions.newFolder]);
    items.push(["Paste curl…", actions.pasteCurl]);
  }
  items.push(["Rename", actions.rename]);
  items.push(["Duplicate", actions.duplicate]);
  if (row.kind !== "collection") items.push(["Move to…", actions.moveTo]);
  if (row.kind === "collection" && actions.canMoveToWorkspace?.())
    items.push(["Move to workspace…", (moved) => actions.moveToWorkspace?.(moved)]);
  if (row.kind === "collection") items.push(["Export…", actions.exportCollection]);
  items.push(["Delete", actions.remove]);

  const closeOnLeave = (event: React.FocusEvent) => {
    if (!container.current?.contains(event.relatedTarget as Node | null)) setOpen(null);
  };
  const toggle = (button: HTMLElement) => {
    if (open) return setOpen(null);
    const box = button.getBoundingClientRect();
    const height = items.length * MENU_ITEM_HEIGHT + 10;
    const below = box.bottom + height <= window.innerHeight;
    setOpen({
      position: "fixed",
      top: below ? box.bottom : Math.max(0, box.top - height),
      right: Math.max(0, window.innerWidth - box.right),
    });
  };
  const closeOnEscape = (event: React.KeyboardEvent) => {
    if (event.key !== "Escape") return;
    event.stopPropagation();
    setOpen(null);
    container.current?.querySelector<HTMLElement>("[aria-haspopup]")?.focus();
  };

  useEffect(() => {
    if (open) container.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
  }, [open]);

  return (
    <span ref={container} className="work-row-menu">
      <button
        type="button"
        className="button-quiet"
        aria-label={`Actions for ${row.name}`}
        aria-haspopup="menu"
        aria-expanded={open !== null}
        onBlur={closeOnLeave}
        onClick={(event) => toggle(event.currentTarget)}
      >
        ⋯
      </button>
      {open && (
        <span
          role="menu"
          className="work-menu"
          style={open}
          aria-label={`Actions for ${row.name}`}
          onBlur={closeOnLeave}
          onKeyDown={closeOnEscape}
        >
          {items.map(([label, run]) => (
            <button
              key={label}
              type="button"
              role="menuitem"
              className="work-menu-item"
              onClick={() => {
                setOpen(null);
                run(row);
              }}
            >
              {label}
            </button>
          ))}
        </span>
      )}
    </span>
  );
}
