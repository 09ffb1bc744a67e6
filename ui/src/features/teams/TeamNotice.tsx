// A line above the main area saying what happened to a team ("You are no longer a member
// of …", "You left …"): announced (role=status), never blocking, with Dismiss.
export function TeamNotice({ text, onDismiss }: { text: string; onDismiss: () => void }) {
  return (
    <div role="status" className="notice notice-info team-notice">
      <p>{text}</p>
      <button type="button" className="button-quiet" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
