// A moment as "5 minutes ago", with the exact date and time as its tooltip and in
// the <time> element's machine-readable dateTime.
import { formatAbsoluteTime, formatRelativeTime } from "../clock";

export function RelativeTime({ at }: { at: number }) {
  const exact = formatAbsoluteTime(at);
  return (
    <time dateTime={new Date(at * 1000).toISOString()} title={exact}>
      {formatRelativeTime(at)}
    </time>
  );
}
