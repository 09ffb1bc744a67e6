// The tab strip's state: opening, closing (who takes the screen), deleted requests, and
// reading back what the database kept.
import { describe, expect, it } from "vitest";

import {
  closeTab,
  closeTabs,
  fromStored,
  noTabs,
  openTab,
  toStored,
} from "../../../src/features/work/tabs";

describe("tabs", () => {
  it("opens at the end once and puts the tab on screen", () => {
    let tabs = openTab(noTabs, "a");
    tabs = openTab(tabs, "b");
    tabs = openTab(tabs, "a");
    expect(tabs).toEqual({ open: ["a", "b"], active: "a" });
  });

  it("closing the tab on screen hands it to the right neighbour, or the left one when last", () => {
    const three = { open: ["a", "b", "c"], active: "b" };
    expect(closeTab(three, "b")).toEqual({ open: ["a", "c"], active: "c" });
    expect(closeTab({ ...three, active: "c" }, "c")).toEqual({ open: ["a", "b"], active: "b" });
    expect(closeTab({ open: ["a"], active: "a" }, "a")).toEqual({ open: [], active: null });
  });

  it("closing another tab leaves the screen alone; an unknown tab changes nothing", () => {
    const three = { open: ["a", "b", "c"], active: "b" };
    expect(closeTab(three, "a")).toEqual({ open: ["b", "c"], active: "b" });
    expect(closeTab(three, "zz")).toBe(three);
  });

  it("closes every tab of deleted requests", () => {
    const tabs = { open: ["a", "b", "c", "d"], active: "c" };
    expect(closeTabs(tabs, ["c", "d"])).toEqual({ open: ["a", "b"], active: "b" });
  });

  it("reads back the kept tabs: once each, and an active tab that is open", () => {
    expect(fromStored({ request_ids: ["a", "b", "a"], active: "b" })).toEqual({
      open: ["a", "b"],
      active: "b",
    });
    expect(fromStored({ request_ids: ["a", "b"], active: "gone" })).toEqual({
      open: ["a", "b"],
      active: "a",
    });
    expect(fromStored({ request_ids: [], active: null })).toEqual(noTabs);
    expect(toStored({ open: ["a"], active: "a" })).toEqual({ request_ids: ["a"], active: "a" });
  });
});
