// Plain words for each way a sign-in can end badly, keyed by the IpcError `kind` that
// Rust sends (start_sign_in rejections and `signin_progress` failures alike).
import type { IpcError } from "../../bindings/IpcError";

export type SignInFailureText = {
  title: string;
  explanation: string;
};

const byKind: Record<string, SignInFailureText> = {
  sign_in_expired: {
    title: "The sign-in expired",
    explanation:
      "Sign-in has to be finished in the browser within five minutes, and that time ran out. Start again when you are ready.",
  },
  sign_in_cancelled_in_browser: {
    title: "Sign-in was cancelled in the browser",
    explanation: "The sign-in page was cancelled, so Courier did not sign you in.",
  },
  sign_in_refused: {
    title: "The server refused the sign-in",
    explanation: "The account server did not allow this sign-in.",
  },
  network: {
    title: "Courier could not reach the server",
    explanation: "Check your internet connection, VPN or proxy, then try again.",
  },
  insecure_server: {
    title: "The server's connection is not secure",
    explanation:
      "Courier talks to servers on other machines only over HTTPS, and this one did not offer it.",
  },
  invalid_server_url: {
    title: "The server address is not valid",
    explanation: "Courier could not understand the address of the account server.",
  },
  protocol: {
    title: "The server answered in a way Courier did not expect",
    explanation: "The sign-in could not be completed. Trying again often helps.",
  },
  listener: {
    title: "Courier could not wait for the browser",
    explanation:
      "Courier needs a local port on 127.0.0.1 to receive the browser's answer, and could not open one.",
  },
  keyring_unavailable: {
    title: "Your sign-in could not be stored securely",
    explanation: "No keyring service is reachable to keep your tokens.",
  },
  keyring: {
    title: "Your sign-in could not be stored",
    explanation: "The keyring refused to save the tokens of this account.",
  },
};

export function describeSignInFailure(error: IpcError): SignInFailureText {
  return (
    byKind[error.kind] ?? {
      title: "Sign-in did not complete",
      explanation: "Something went wrong while signing in.",
    }
  );
}
