// The tab strip with its close question, as the work area wires it: a clean tab closes at
// once; one with unsaved changes asks Save / Discard / Cancel in the strip, and only a
// successful Save or a Discard closes it.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";

import { type TabInfo, TabStrip, useTabClosing } from "../../../src/features/work/TabStrip";
import type { TabControl } from "../../../src/features/work/useDraft";

const clean: TabInfo = { id: "r1", name: "Health", method: "GET", status: "clean" };
const edited: TabInfo = { id: "r2", name: "Orders", method: "POST", status: "kept" };

function Harness({ controls }: { controls: Record<string, TabControl> }) {
  const [tabs, setTabs] = useState([clean, edited]);
  const [onScreen, setOnScreen] = useState<string | null>("r1");
  const closing = useTabClosing({
    isDirty: (id) => tabs.find((tab) => tab.id === id)?.status !== "clean",
    control: (id) => controls[id],
    show: setOnScreen,
    close: (id) => setTabs((all) => all.filter((tab) => tab.id !== id)),
  });
  return (
    <TabStrip
      tabs={tabs}
      onScreen={onScreen}
      onActivate={setOnScreen}
      onClose={closing.requestClose}
      asking={closing.asking}
      busy={closing.busy}
      onAnswer={(answer) => void closing.answer(answer)}
    />
  );
}

function setup(save: () => Promise<boolean> = async () => true) {
  const control = { save: vi.fn(save), discard: vi.fn(async () => {}) };
  const user = userEvent.setup();
  render(<Harness controls={{ r2: control }} />);
  return { user, control };
}

const tabNames = () =>
  within(screen.getByRole("tablist", { name: "Open requests" }))
    .getAllByRole("tab")
    .map((tab) => tab.getAttribute("aria-label"));

describe("tab strip", () => {
  it("shows method, name and the unsaved mark, and switches on click", async () => {
    const { user } = setup();
    expect(tabNames()).toEqual(["GET Health", "POST Orders (unsaved)"]);
    expect(screen.getByRole("tab", { name: "GET Health" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
    await user.click(screen.getByRole("tab", { name: "POST Orders (unsaved)" }));
    expect(screen.getByRole("tab", { name: "POST Orders (unsaved)" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
  });

  it("closes a clean tab at once", async () => {
    const { user, control } = setup();
    await user.click(screen.getByRole("button", { name: "Close Health" }));
    expect(tabNames()).toEqual(["POST Orders (unsaved)"]);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(control.save).not.toHaveBeenCalled();
  });

  it("asks before closing unsaved changes; Cancel keeps the tab and its changes", async () => {
    const { user, control } = setup();
    await user.click(screen.getByRole("button", { name: "Close Orders" }));
    const question = screen.getByRole("alertdialog", { name: "Unsaved changes" });
    expect(question).toHaveTextContent("“Orders” has unsaved changes.");
    // The tab asked about is put on screen.
    expect(screen.getByRole("tab", { name: "POST Orders (unsaved)" })).toHaveAttribute(
      "aria-selected",
      "true",
    );
    await user.click(within(question).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(tabNames()).toEqual(["GET Health", "POST Orders (unsaved)"]);
    expect(control.save).not.toHaveBeenCalled();
    expect(control.discard).not.toHaveBeenCalled();
  });

  it("Discard forgets the changes and closes", async () => {
    const { user, control } = setup();
    await user.click(screen.getByRole("button", { name: "Close Orders" }));
    await user.click(screen.getByRole("button", { name: "Discard" }));
    expect(control.discard).toHaveBeenCalledOnce();
    expect(control.save).not.toHaveBeenCalled();
    expect(tabNames()).toEqual(["GET Health"]);
  });

  it("Save closes once saved; a failed save keeps the tab and the question", async () => {
    let succeeds = false;
    const { user, control } = setup(async () => succeeds);
    await user.click(screen.getByRole("button", { name: "Close Orders" }));
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(control.save).toHaveBeenCalledOnce();
    expect(tabNames()).toEqual(["GET Health", "POST Orders (unsaved)"]);
    expect(screen.getByRole("alertdialog")).toBeInTheDocument();

    succeeds = true;
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(control.save).toHaveBeenCalledTimes(2);
    expect(tabNames()).toEqual(["GET Health"]);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(control.discard).not.toHaveBeenCalled();
  });
});
