// The first launch: Courier's welcome with Sign In, Create Account and
// "Skip and take me to Courier" (the Scratch Pad, no account needed).
import { CommandError } from "../../components/CommandError";
import { CourierMark } from "../../components/CourierMark";
import { ScreenHeading } from "../../components/ScreenHeading";
import { useSignInFlow } from "./SignInFlow";

export function WelcomeScreen({ defaultServer }: { defaultServer: string }) {
  const flow = useSignInFlow();
  return (
    <main className="screen">
      <div className="screen-body screen-body-centered">
        <CourierMark size={56} />
        <ScreenHeading>Welcome to Courier</ScreenHeading>
        <p>
          Sign in to sync your work across devices and share it with your team — or start right
          away, no account needed.
        </p>
        <CommandError commands={["skip_sign_in"]} />
        <div className="actions actions-centered">
          <button
            type="button"
            className="button button-primary"
            onClick={() => flow.start({ kind: "signIn" })}
          >
            Sign In
          </button>
          <button
            type="button"
            className="button"
            onClick={() => flow.start({ kind: "createAccount" })}
          >
            Create Account
          </button>
        </div>
        <button type="button" className="button-link" onClick={() => void flow.skip()}>
          Skip and take me to Courier
        </button>
        <p className="field-hint">Accounts on {defaultServer}. Sign-in opens in your browser.</p>
      </div>
    </main>
  );
}
