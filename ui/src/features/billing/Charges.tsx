// The rows of a charge, as Edit Plan's preview and an invoice show them: each line with its
// amount, then labelled sums (subtotal, credit, total) with the amount right-aligned.
import type { ChargeLine } from "../../bindings/ChargeLine";
import { formatMoney } from "./money";

type LinesProps = { lines: ChargeLine[]; label: string; testId: string };

export function ChargeLines({ lines, label, testId }: LinesProps) {
  return (
    <ul className="billing-lines" aria-label={label}>
      {lines.map((line) => (
        <li key={line.description} className="billing-line" data-testid={testId}>
          <span>{line.description}</span>
          <span className="billing-amount">{formatMoney(line.amount)}</span>
        </li>
      ))}
    </ul>
  );
}

type SumProps = {
  label: string;
  /** The amount as shown ("$30.00", "−$30.00"). */
  amount: string;
  total?: boolean;
  testId?: string;
  amountTestId?: string;
};

export function SumRow({ label, amount, total, testId, amountTestId }: SumProps) {
  return (
    <p className={total ? "billing-line billing-total" : "billing-line"} data-testid={testId}>
      <span>{label}</span>
      <span className="billing-amount" data-testid={amountTestId}>
        {amount}
      </span>
    </p>
  );
}
