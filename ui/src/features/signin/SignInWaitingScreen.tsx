// While the browser does the sign-in: the promise that it opens, "open your browser"
// again, the link to copy, the time left, and Skip. Also shown, with the link not yet
// there, while start_sign_in is on its way, so the layout does not jump.
import type { SignInStarted } from "../../bindings/SignInStarted";
import { CommandError } from "../../components/CommandError";
import { CopyableLink } from "../../components/CopyableLink";
import { ScreenHeading } from "../../components/ScreenHeading";
import { useReopenBrowser } from "../../queries";
import { SignInCountdown } from "./SignInCountdown";
import { useSignInFlow } from "./SignInFlow";

export function SignInWaitingScreen({ started }: { started: SignInStarted | null }) {
  const flow = useSignInFlow();
  const reopen = useReopenBrowser();
  const leaving = flow.state.phase === "leaving";

  return (
    <main className="screen" aria-busy={started === null}>
      <div className="screen-body">
        <ScreenHeading>Your browser should open within a few seconds</ScreenHeading>
        {started?.browserError ? (
          <div className="notice notice-warning" role="alert">
            <p>
              <strong>Courier could not open your browser.</strong> Copy the link below and open it
              in your browser to sign in. ({started.browserError})
            </p>
          </div>
        ) : (
          <p>Finish signing in there, then come back here — Courier will show your account.</p>
        )}
        <p>
          Nothing happened?{" "}
          <button
            type="button"
            className="button-link"
            disabled={started === null || leaving || reopen.isPending}
            onClick={() => reopen.mutate()}
          >
            Open your browser
          </button>{" "}
          again, or copy the link.
        </p>
        <CommandError commands={["reopen_browser"]} />
        <CopyableLink label="Sign-in link" url={started?.url ?? null} />
        <SignInCountdown deadline={started?.deadline ?? null} />
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={leaving}
            aria-busy={leaving}
            onClick={() => void flow.skip()}
          >
            Skip and take me to Courier
          </button>
        </div>
      </div>
    </main>
  );
}
