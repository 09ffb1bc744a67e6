// The time left in the five-minute sign-in window, as mm:ss, ticking with the clock.
import { formatMinutesSeconds, useNowSeconds } from "../../clock";

/** Five minutes: shown before the attempt has a deadline. */
const WINDOW_SECONDS = 5 * 60;

export function SignInCountdown({ deadline }: { deadline: number | null }) {
  const now = useNowSeconds();
  // Never more than the window: the deadline comes from Rust's clock and `now` from the
  // webview's, and a webview a second behind would otherwise show 05:01.
  const left =
    deadline === null ? WINDOW_SECONDS : Math.min(WINDOW_SECONDS, Math.max(0, deadline - now));
  return (
    <p className="countdown">
      Time left to finish signing in:{" "}
      <span role="timer" aria-label="Time left" className="countdown-time">
        {formatMinutesSeconds(left)}
      </span>
    </p>
  );
}
