// Wall-clock time for countdowns and "5 minutes ago". Reads Date.now and ticks with
// setInterval, so tests move it with vi.useFakeTimers / vi.setSystemTime instead of waiting.
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

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** How long ago (or until) unix second `at` is, from `now`: "5 minutes ago", "yesterday". */
export function formatRelativeTime(at: number, now: number = nowSeconds()): string {
  const seconds = at - now;
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 365 * 86400],
    ["month", 30 * 86400],
    ["week", 7 * 86400],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

/** Unix second `at` as a date and time in the person's locale and time zone. */
export function formatAbsoluteTime(at: number): string {
  return absolute.format(new Date(at * 1000));
}
