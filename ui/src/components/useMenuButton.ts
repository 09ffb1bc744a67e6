// The keyboard and pointer behaviour of a WAI-ARIA menu button: Enter, Space or ArrowDown
// open it on the first item, ArrowUp on the last; in the menu, arrows move (wrapping),
// Home/End jump; Escape and Tab close and give focus back to the button; a press outside
// closes. The component draws the button and the menu and spreads what this returns.
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";

/** Where focus goes when the menu opens. */
type OpenAt = "first" | "last";

/** The menu's items, in order (none while it is closed). */
function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return Array.from(menu?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []);
}

export function useMenuButton() {
  const [openAt, setOpenAt] = useState<OpenAt | null>(null);
  const open = openAt !== null;
  const container = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const triggerId = useId();

  useEffect(() => {
    if (!openAt) return;
    const all = menuItems(menu.current);
    (openAt === "first" ? all[0] : all[all.length - 1])?.focus();
  }, [openAt]);

  useEffect(() => {
    if (!open) return;
    const closeOnOutsidePress = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpenAt(null);
    };
    document.addEventListener("pointerdown", closeOnOutsidePress);
    return () => document.removeEventListener("pointerdown", closeOnOutsidePress);
  }, [open]);

  const close = () => {
    setOpenAt(null);
    trigger.current?.focus();
  };

  /** Closes the menu, then does what the chosen item says. */
  const choose = (action: () => void) => () => {
    close();
    action();
  };

  const onTriggerKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === "ArrowDown" || event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      setOpenAt("first");
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setOpenAt("last");
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const all = menuItems(menu.current);
    const current = all.indexOf(document.activeElement as HTMLElement);
    const focusAt = (index: number) => all[(index + all.length) % all.length]?.focus();
    switch (event.key) {
      case "ArrowDown":
        focusAt(current + 1);
        break;
      case "ArrowUp":
        focusAt(current < 0 ? -1 : current - 1);
        break;
      case "Home":
        focusAt(0);
        break;
      case "End":
        focusAt(-1);
        break;
      case "Escape":
      case "Tab":
        close();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return {
    open,
    choose,
    containerRef: container,
    triggerRef: trigger,
    /** Spread on the button. */
    triggerProps: {
      id: triggerId,
      "aria-haspopup": "menu" as const,
      "aria-expanded": open,
      "aria-controls": open ? menuId : undefined,
      onClick: () => setOpenAt(open ? null : "first"),
      onKeyDown: onTriggerKeyDown,
    },
    /** Spread on the element with role="menu". */
    menuProps: {
      id: menuId,
      "aria-labelledby": triggerId,
      onKeyDown: onMenuKeyDown,
    },
    menuRef: menu,
  };
}
