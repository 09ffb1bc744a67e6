// The browser-handoff sign-in as the UI tracks it: a pure reducer, so every transition
// (started, the `signin_progress` outcomes, Skip, a late answer from an abandoned
// attempt) is decided in one place and can be tested without React.
import type { IpcError } from "../../bindings/IpcError";
import type { SignInChoice } from "../../bindings/SignInChoice";
import type { SignInProgress } from "../../bindings/SignInProgress";
import type { SignInStarted } from "../../bindings/SignInStarted";

export type SignInFlowState =
  | { phase: "idle" }
  /** start_sign_in is on its way; no link yet. */
  | { phase: "starting"; attempt: number; choice: SignInChoice }
  /** The browser was opened; waiting for `signin_progress`. */
  | { phase: "waiting"; attempt: number; choice: SignInChoice; started: SignInStarted }
  | { phase: "failed"; choice: SignInChoice; error: IpcError }
  /** The person pressed Skip on the screen `from` still shows; cancelling and leaving. */
  | { phase: "leaving"; choice: SignInChoice; from: LeavableState };

/** The states that have a screen with Skip on it. */
export type LeavableState = Extract<SignInFlowState, { phase: "starting" | "waiting" | "failed" }>;

export type SignInFlowAction =
  | { type: "start"; attempt: number; choice: SignInChoice }
  | { type: "started"; attempt: number; started: SignInStarted }
  | { type: "startFailed"; attempt: number; error: IpcError }
  | { type: "progress"; progress: SignInProgress }
  | { type: "leave" }
  | { type: "left" };

/** Our own Skip: the attempt ends quietly and the person goes back to where they were. */
export const CANCELLED_BY_SKIP = "sign_in_cancelled";

export const idle: SignInFlowState = { phase: "idle" };

export function signInFlowReducer(
  state: SignInFlowState,
  action: SignInFlowAction,
): SignInFlowState {
  switch (action.type) {
    case "start":
      return { phase: "starting", attempt: action.attempt, choice: action.choice };
    case "started":
      if (state.phase !== "starting" || state.attempt !== action.attempt) return state;
      return {
        phase: "waiting",
        attempt: state.attempt,
        choice: state.choice,
        started: action.started,
      };
    case "startFailed":
      if (state.phase !== "starting" || state.attempt !== action.attempt) return state;
      return { phase: "failed", choice: state.choice, error: action.error };
    case "progress": {
      // Outcomes matter only to the attempt on screen: an earlier attempt's outcome
      // (it was cancelled when this one started) is ignored, and so is anything that
      // arrives before start_sign_in has said which attempt is ours. After Skip the
      // cancel outcome is expected and the flow ends when leaving is done.
      if (state.phase !== "waiting") return state;
      const { progress } = action;
      if (progress.attempt !== state.started.attempt) return state;
      if (progress.state === "signedIn") return idle;
      if (progress.kind === CANCELLED_BY_SKIP) return idle;
      return {
        phase: "failed",
        choice: state.choice,
        error: { kind: progress.kind, message: progress.message },
      };
    }
    case "leave":
      if (state.phase === "idle" || state.phase === "leaving") return state;
      return { phase: "leaving", choice: state.choice, from: state };
    case "left":
      return idle;
  }
}
