// Runs the sign-in flow for the whole app: starting a sign-in (welcome, header, avatar
// menu, "Sign in again" all go through `start`), following `signin_progress`, and Skip.
// Screens read the state from useSignInFlow(); the transitions live in signInFlowState.ts.

import { useQueryClient } from "@tanstack/react-query";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
} from "react";

import type { AppSnapshot } from "../../bindings/AppSnapshot";
import type { IpcError } from "../../bindings/IpcError";
import type { SignInChoice } from "../../bindings/SignInChoice";
import * as ipc from "../../ipc";
import { snapshotKey, useSkipSignIn } from "../../queries";
import { idle, type SignInFlowState, signInFlowReducer } from "./signInFlowState";

export type SignInFlow = {
  state: SignInFlowState;
  /** Opens the browser on a new sign-in and shows the waiting screen. */
  start: (choice: SignInChoice) => void;
  /**
   * "Skip and take me to Courier": cancels a running attempt, marks the welcome as done
   * when there is no account (Scratch Pad mode), and goes back to the app.
   */
  skip: () => Promise<void>;
};

const SignInFlowContext = createContext<SignInFlow | null>(null);

export function SignInFlowProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const skipSignIn = useSkipSignIn();
  const [state, dispatch] = useReducer(signInFlowReducer, idle);
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);
  // Each start gets a number; answers that arrive for an older one are ignored.
  const attemptRef = useRef(0);

  useEffect(
    () => ipc.subscribe("signin_progress", (progress) => dispatch({ type: "progress", progress })),
    [],
  );

  const start = useCallback(
    (choice: SignInChoice) => {
      attemptRef.current += 1;
      const attempt = attemptRef.current;
      dispatch({ type: "start", attempt, choice });
      ipc.startSignIn(choice).then(
        (started) => {
          if (attemptRef.current === attempt) {
            dispatch({ type: "started", attempt, started });
          } else if (stateRef.current.phase === "idle" || stateRef.current.phase === "leaving") {
            // Skipped before the browser even opened: stop the listener Rust just started.
            ipc.cancelSignIn().catch(() => undefined);
          }
        },
        (error: IpcError) => {
          dispatch({ type: "startFailed", attempt, error });
          if (error.kind === "keyring_unavailable")
            void queryClient.invalidateQueries({ queryKey: snapshotKey });
        },
      );
    },
    [queryClient],
  );

  const { mutateAsync: markWelcomeDone } = skipSignIn;
  const skip = useCallback(async () => {
    const leaving = stateRef.current;
    attemptRef.current += 1;
    dispatch({ type: "leave" });
    // A failed attempt has nothing left to cancel; one still starting is cancelled
    // when its answer arrives (see start).
    if (leaving.phase === "waiting") {
      await ipc.cancelSignIn().catch((error: unknown) => console.warn("cancel_sign_in:", error));
    }
    const snapshot = queryClient.getQueryData<AppSnapshot>(snapshotKey);
    if (!snapshot || snapshot.accounts.length === 0) {
      // A failure shows where skip_sign_in's errors are shown (CommandError).
      await markWelcomeDone().catch(() => undefined);
    }
    dispatch({ type: "left" });
  }, [queryClient, markWelcomeDone]);

  const flow = useMemo(() => ({ state, start, skip }), [state, start, skip]);
  return <SignInFlowContext.Provider value={flow}>{children}</SignInFlowContext.Provider>;
}

export function useSignInFlow(): SignInFlow {
  const flow = useContext(SignInFlowContext);
  if (!flow) throw new Error("useSignInFlow outside SignInFlowProvider");
  return flow;
}
