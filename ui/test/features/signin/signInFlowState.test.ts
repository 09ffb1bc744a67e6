// The sign-in flow's transitions, including the races: late answers and outcomes that
// belong to an attempt the person already left.
import { describe, expect, it } from "vitest";

import {
  idle,
  type SignInFlowAction,
  type SignInFlowState,
  signInFlowReducer,
} from "../../../src/features/signin/signInFlowState";
import { account, started } from "../../fixtures";

const starting: SignInFlowState = { phase: "starting", attempt: 1, choice: { kind: "signIn" } };
// Rust's number for the attempt (3, from start_sign_in) is not the UI's own count of
// starts (1): outcomes must be matched against Rust's.
const waiting: SignInFlowState = {
  phase: "waiting",
  attempt: 1,
  choice: { kind: "signIn" },
  started: started({ attempt: 3 }),
};

/** A `signin_progress` event for Rust's attempt `attempt`. */
const signedIn = (attempt: number): SignInFlowAction => ({
  type: "progress",
  progress: { state: "signedIn", attempt, account: account() },
});
const failed = (attempt: number, kind: string, message = ""): SignInFlowAction => ({
  type: "progress",
  progress: { state: "failed", attempt, kind, message },
});

describe("sign-in flow", () => {
  it("start → starting → waiting", () => {
    const afterStart = signInFlowReducer(idle, {
      type: "start",
      attempt: 1,
      choice: { kind: "createAccount" },
    });
    expect(afterStart).toEqual({
      phase: "starting",
      attempt: 1,
      choice: { kind: "createAccount" },
    });
    const link = started();
    expect(signInFlowReducer(afterStart, { type: "started", attempt: 1, started: link })).toEqual({
      phase: "waiting",
      attempt: 1,
      choice: { kind: "createAccount" },
      started: link,
    });
  });

  it("ignores the answer of an older attempt", () => {
    const second: SignInFlowState = { ...starting, attempt: 2 };
    expect(signInFlowReducer(second, { type: "started", attempt: 1, started: started() })).toBe(
      second,
    );
    expect(
      signInFlowReducer(second, {
        type: "startFailed",
        attempt: 1,
        error: { kind: "network", message: "x" },
      }),
    ).toBe(second);
  });

  it("signedIn of the attempt on screen ends the flow", () => {
    expect(signInFlowReducer(waiting, signedIn(3))).toBe(idle);
  });

  it("our own cancel ends the flow quietly; other failures are shown", () => {
    expect(signInFlowReducer(waiting, failed(3, "sign_in_cancelled"))).toBe(idle);
    expect(signInFlowReducer(waiting, failed(3, "sign_in_expired", "too late"))).toEqual({
      phase: "failed",
      choice: { kind: "signIn" },
      error: { kind: "sign_in_expired", message: "too late" },
    });
  });

  it("ignores the outcomes of an earlier attempt while waiting for a newer one", () => {
    // Attempt 2 was cancelled when 3 started; its late cancel must not end attempt 3.
    expect(signInFlowReducer(waiting, failed(2, "sign_in_cancelled"))).toBe(waiting);
    expect(signInFlowReducer(waiting, failed(2, "sign_in_expired", "too late"))).toBe(waiting);
    expect(signInFlowReducer(waiting, signedIn(2))).toBe(waiting);
    // The UI's own count (1) is not Rust's number.
    expect(signInFlowReducer(waiting, failed(1, "sign_in_expired"))).toBe(waiting);
  });

  it("ignores outcomes that arrive before start_sign_in has answered", () => {
    expect(signInFlowReducer(starting, signedIn(1))).toBe(starting);
    expect(signInFlowReducer(starting, failed(1, "sign_in_cancelled"))).toBe(starting);
    expect(signInFlowReducer(starting, failed(1, "sign_in_expired"))).toBe(starting);
  });

  it("outcomes arriving while idle, failed or leaving change nothing", () => {
    const expired = failed(3, "sign_in_expired");
    expect(signInFlowReducer(idle, expired)).toBe(idle);
    const shown = signInFlowReducer(waiting, failed(3, "network", "offline"));
    expect(signInFlowReducer(shown, expired)).toBe(shown);
    const leaving = signInFlowReducer(waiting, { type: "leave" });
    expect(leaving).toEqual({ phase: "leaving", choice: { kind: "signIn" }, from: waiting });
    expect(signInFlowReducer(leaving, expired)).toBe(leaving);
    expect(signInFlowReducer(leaving, { type: "left" })).toBe(idle);
  });
});
