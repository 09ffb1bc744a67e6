// A sign-in that ended badly (expired, cancelled in the browser, refused, network, …):
// says which, plainly, with Try again and a way back into Courier.
import type { IpcError } from "../../bindings/IpcError";
import type { SignInChoice } from "../../bindings/SignInChoice";
import { CommandError } from "../../components/CommandError";
import { ScreenHeading } from "../../components/ScreenHeading";
import { describeSignInFailure } from "./describeSignInFailure";
import { useSignInFlow } from "./SignInFlow";

type Props = { error: IpcError; choice: SignInChoice; hasAccounts: boolean };

export function SignInFailedScreen({ error, choice, hasAccounts }: Props) {
  const flow = useSignInFlow();
  const { title, explanation } = describeSignInFailure(error);
  const leaving = flow.state.phase === "leaving";
  return (
    <main className="screen">
      <div className="screen-body">
        <ScreenHeading>{title}</ScreenHeading>
        <p>{explanation}</p>
        {error.message && <p className="field-hint">Details: {error.message}</p>}
        <CommandError commands={["skip_sign_in"]} />
        <div className="actions">
          <button
            type="button"
            className="button button-primary"
            onClick={() => flow.start(choice)}
          >
            Try again
          </button>
          <button
            type="button"
            className="button"
            disabled={leaving}
            onClick={() => void flow.skip()}
          >
            {hasAccounts ? "Back to Courier" : "Skip and take me to Courier"}
          </button>
        </div>
      </div>
    </main>
  );
}
