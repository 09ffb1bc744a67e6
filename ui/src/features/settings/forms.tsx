// What every settings form shares: a labelled field whose message line (hint or the
// server's refusal, tied to it by aria-describedby / aria-invalid) is always reserved so
// nothing moves; the refused fields of an "invalid_input" error by name; and one place
// that says why a command failed (rate limited → wait, signed out → Sign in again).
import { type ReactNode, useId } from "react";

import type { IpcError } from "../../bindings/IpcError";
import { useSignInFlow } from "../signin/SignInFlow";

/**
 * The server's message per refused field. Indexed names ("links[2]", "links.2") become
 * "links.2", so a list can put each message beside its row.
 */
export function fieldErrors(error: IpcError | null): Record<string, string> {
  const messages: Record<string, string> = {};
  if (error?.kind !== "invalid_input") return messages;
  for (const { field, message } of error.fields ?? []) {
    const name = field.replace(/\[(\d+)\]/g, ".$1");
    messages[name] ??= message;
  }
  return messages;
}

/** Whether each refused field is one the form shows beside a field of its own. */
function allFieldsShown(error: IpcError, shown: readonly string[]): boolean {
  const names = Object.keys(fieldErrors(error));
  return (
    names.length > 0 &&
    names.every((name) => shown.includes(name) || shown.includes(name.split(".")[0] ?? ""))
  );
}

type FieldProps = {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: ReactNode;
  type?: "text" | "email" | "password" | "url";
  autoComplete?: string;
  multiline?: boolean;
  maxLength?: number;
  placeholder?: string;
  onBlur?: () => void;
  /** A code typed letter by letter (a recovery key): monospace, no spelling or case help. */
  code?: boolean;
  /** The input's `data-testid`, for the WebDriver tests. */
  testId?: string;
};

export function TextField({
  label,
  name,
  value,
  onChange,
  error,
  hint,
  type = "text",
  autoComplete,
  multiline,
  maxLength,
  placeholder,
  onBlur,
  code,
  testId,
}: FieldProps) {
  const id = useId();
  const messageId = `${id}-message`;
  const message = error ?? hint;
  const shared = {
    id,
    name,
    value,
    className: ["input", multiline && "input-multiline", code && "input-code"]
      .filter(Boolean)
      .join(" "),
    "aria-invalid": error ? true : undefined,
    "aria-describedby": message ? messageId : undefined,
    autoComplete: autoComplete ?? "off",
    maxLength,
    placeholder,
    onBlur,
    "data-testid": testId,
  };
  return (
    <div className="form-field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {multiline ? (
        <textarea {...shared} rows={4} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input
          {...shared}
          type={type}
          spellCheck={type === "text" && !code ? undefined : false}
          autoCapitalize={code ? "off" : undefined}
          autoCorrect={code ? "off" : undefined}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      <FieldMessage id={messageId} error={error} hint={hint} />
    </div>
  );
}

/** The line under a field: its error if refused, else its hint; always one line tall. */
export function FieldMessage({
  id,
  error,
  hint,
}: {
  id: string;
  error?: string | undefined;
  hint?: ReactNode;
}) {
  return (
    <p id={id} className={error ? "field-hint field-error" : "field-hint"}>
      {error ?? hint}
    </p>
  );
}

type ProblemProps = {
  error: IpcError | null;
  /** What failed, as a sentence start: "Could not update your profile". */
  what: string;
  accountId: string;
  /** Fields the form shows messages beside; refusals of only these need no alert text. */
  shownFields?: readonly string[];
};

/** Why the latest run of a command failed, in words that say what to do next. */
export function CommandProblem({ error, what, accountId, shownFields = [] }: ProblemProps) {
  const flow = useSignInFlow();
  if (!error) return null;
  let text: ReactNode;
  switch (error.kind) {
    case "invalid_input":
      text = allFieldsShown(error, shownFields) ? "Check the fields marked below." : error.message;
      break;
    case "rate_limited":
      text = "Too many attempts. Wait a minute, then try again.";
      break;
    case "reauth_required":
      return (
        <div role="alert" className="notice notice-warning">
          <p>
            <strong>Signed out.</strong> The server ended this sign-in. Sign in again to change your
            settings.
          </p>
          <button
            type="button"
            className="button button-primary"
            onClick={() => flow.start({ kind: "signInAgain", accountId })}
          >
            Sign in again
          </button>
        </div>
      );
    default:
      text = error.message;
  }
  return (
    <div role="alert" className="notice notice-error">
      <p>
        <strong>{what}.</strong> {text}
      </p>
    </div>
  );
}

/** A success line kept in place (role=status) so its text is announced and nothing moves. */
export function FormStatus({ children }: { children: ReactNode }) {
  return (
    <p role="status" className="form-status">
      {children}
    </p>
  );
}

type QueryGateProps<T> = {
  query: {
    data: T | undefined;
    error: IpcError | null;
    isPending: boolean;
    refetch: () => unknown;
  };
  /** What is loading, for screen readers: "Loading your profile". */
  loading: string;
  failed: string;
  children: (data: T) => ReactNode;
};

/** A section's data: a placeholder while it loads, the reason and Try again if it failed. */
export function QueryGate<T>({ query, loading, failed, children }: QueryGateProps<T>) {
  if (query.data !== undefined) return <>{children(query.data)}</>;
  if (query.isPending)
    return (
      <div className="section-loading" role="status" aria-busy="true" aria-label={loading}>
        <span className="spinner" aria-hidden="true" />
      </div>
    );
  return (
    <div role="alert" className="notice notice-error">
      <p>
        <strong>{failed}.</strong> {query.error?.message}
      </p>
      <button type="button" className="button" onClick={() => void query.refetch()}>
        Try again
      </button>
    </div>
  );
}
