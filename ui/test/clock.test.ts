// mm:ss formatting of the countdown.
import { describe, expect, it } from "vitest";

import { formatMinutesSeconds } from "../src/clock";

describe("formatMinutesSeconds", () => {
  it("pads minutes and seconds and never goes negative", () => {
    expect(formatMinutesSeconds(300)).toBe("05:00");
    expect(formatMinutesSeconds(287)).toBe("04:47");
    expect(formatMinutesSeconds(9)).toBe("00:09");
    expect(formatMinutesSeconds(0)).toBe("00:00");
    expect(formatMinutesSeconds(-12)).toBe("00:00");
    expect(formatMinutesSeconds(59.9)).toBe("00:59");
  });
});
