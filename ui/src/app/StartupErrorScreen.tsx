// Shown when even the first app_snapshot failed: what Rust said, and Try again.
import type { IpcError } from "../bindings/IpcError";
import { ScreenHeading } from "../components/ScreenHeading";

export function StartupErrorScreen({ error, onRetry }: { error: IpcError; onRetry: () => void }) {
  return (
    <main className="screen">
      <div className="screen-body">
        <ScreenHeading>Courier could not start</ScreenHeading>
        <p>{error.message}</p>
        <div className="actions">
          <button type="button" className="button button-primary" onClick={onRetry}>
            Try again
          </button>
        </div>
      </div>
    </main>
  );
}
