// The card form (number, MM/YY, CVC) of the Upgrade and Edit Plan dialogs and of Replace
// card. What is typed stays in the caller's state, so a refused card keeps it; plain
// mistakes are caught here, and the provider's refusal ("payment_failed", field "card")
// shows beside the number. The card goes to Rust, then the provider: never stored here.
import type { CardInput } from "../../bindings/CardInput";
import type { IpcError } from "../../bindings/IpcError";
import { TextField } from "../settings/forms";

export type CardDraft = { number: string; expiry: string; cvc: string };

export const emptyCard: CardDraft = { number: "", expiry: "", cvc: "" };

export type CardProblems = Partial<Record<keyof CardDraft, string>>;

/** The typed card as the provider takes it, or what is plainly wrong with it. */
export function readCard(draft: CardDraft): { card: CardInput } | { problems: CardProblems } {
  const problems: CardProblems = {};
  const digits = draft.number.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) problems.number = "Enter the 12 to 19 digits of the card.";
  const expiry = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(draft.expiry);
  const month = Number(expiry?.[1]);
  const year = expiry?.[2]?.length === 2 ? 2000 + Number(expiry[2]) : Number(expiry?.[2]);
  if (!expiry || month < 1 || month > 12) problems.expiry = "Enter the expiry as MM/YY.";
  if (!/^\d{3,4}$/.test(draft.cvc.trim())) problems.cvc = "Enter the 3 or 4 digits on the back.";
  if (Object.keys(problems).length > 0) return { problems };
  return { card: { number: digits, exp_month: month, exp_year: year, cvc: draft.cvc.trim() } };
}

/** The server's refusal of the card, beside its fields ("card", "card.number", …). */
export function cardRefusals(error: IpcError | null): CardProblems {
  if (error?.kind !== "payment_failed" && error?.kind !== "invalid_input") return {};
  const problems: CardProblems = {};
  for (const { field, message } of error.fields ?? []) {
    if (field === "card" || field === "card.number") problems.number ??= message;
    else if (field === "card.exp_month" || field === "card.exp_year") problems.expiry ??= message;
    else if (field === "card.cvc") problems.cvc ??= message;
  }
  // A refused payment without a field still belongs beside the card.
  if (error.kind === "payment_failed" && Object.keys(problems).length === 0)
    problems.number = error.message;
  return problems;
}

type Props = {
  draft: CardDraft;
  onChange: (draft: CardDraft) => void;
  problems: CardProblems;
};

export function CardFields({ draft, onChange, problems }: Props) {
  const set = (field: keyof CardDraft) => (value: string) => onChange({ ...draft, [field]: value });
  return (
    <fieldset className="billing-card-fields" data-testid="card-form">
      <legend className="field-label">Card</legend>
      <p className="billing-test-hint">Test mode: 4242 4242 4242 4242 succeeds.</p>
      <TextField
        label="Card number"
        name="card-number"
        testId="card-number"
        value={draft.number}
        onChange={set("number")}
        error={problems.number}
        autoComplete="cc-number"
        placeholder="4242 4242 4242 4242"
      />
      <div className="billing-card-row">
        <TextField
          label="Expiry (MM/YY)"
          name="card-expiry"
          testId="card-expiry"
          value={draft.expiry}
          onChange={set("expiry")}
          error={problems.expiry}
          autoComplete="cc-exp"
          placeholder="MM/YY"
        />
        <TextField
          label="CVC"
          name="card-cvc"
          testId="card-cvc"
          value={draft.cvc}
          onChange={set("cvc")}
          error={problems.cvc}
          autoComplete="cc-csc"
          maxLength={4}
        />
      </div>
    </fieldset>
  );
}
