// Wall-clock time for countdowns. Reads Date.now and ticks with setInterval, so tests
// move it with vi.useFakeTimers / vi.setSystemTime instead of waiting.
import { useEffect, useState } from "react";

/** Unix time in whole seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The current unix second, re-rendering the caller every time it changes. */
export function useNowSeconds(): number {
  const [now, setNow] = useState(nowSeconds);
  useEffect(() => {
    const timer = setInterval(() => setNow(nowSeconds()), 250);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** 287 → "04:47"; never negative. */
export function formatMinutesSeconds(totalSeconds: number): string {
  const clamped = Math.max(0, Math.floor(totalSeconds));
  const minutes = Math.floor(clamped / 60);
  const seconds = clamped % 60;
  return `${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}`;
}
