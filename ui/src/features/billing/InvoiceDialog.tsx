// One invoice, whole (View in the invoices table): its lines, subtotal, credits and total,
// the card charged and where it was sent.
import type { InvoiceDetail } from "../../bindings/InvoiceDetail";
import { QueryGate } from "../settings/forms";
import { ChargeLines, SumRow } from "./Charges";
import { Dialog } from "./Dialog";
import { cardLine, formatCredit, formatDay, formatMoney, isZero } from "./money";
import { useInvoice } from "./queries";

type Props = {
  accountId: string;
  teamId: string;
  invoiceId: string;
  number: string;
  onClose: () => void;
};

export function InvoiceDialog({ accountId, teamId, invoiceId, number, onClose }: Props) {
  return (
    <Dialog title={`Invoice ${number}`} onClose={onClose} testId="invoice-dialog" wide>
      <QueryGate
        query={useInvoice(accountId, teamId, invoiceId)}
        loading="Loading the invoice"
        failed="Could not load the invoice"
      >
        {(detail) => <InvoiceBody detail={detail} />}
      </QueryGate>
      <div className="form-actions dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

function InvoiceBody({ detail }: { detail: InvoiceDetail }) {
  const { summary, breakdown } = detail;
  return (
    <>
      <p className="billing-note">
        {detail.team_name} · issued {formatDay(summary.issued_at)} · for{" "}
        {formatDay(summary.period_start)} to {formatDay(summary.period_end)} · sent to{" "}
        {detail.billing_email}
      </p>
      <ChargeLines lines={breakdown.lines} label="Invoice lines" testId="invoice-line" />
      <SumRow label="Subtotal" amount={formatMoney(breakdown.subtotal)} />
      {!isZero(breakdown.credit_applied) && (
        <SumRow label="Credit applied" amount={`−${formatCredit(breakdown.credit_applied)}`} />
      )}
      {!isZero(breakdown.credit_carried) && (
        <SumRow
          label="Credit kept for the next invoice"
          amount={formatCredit(breakdown.credit_carried)}
        />
      )}
      <SumRow
        label="Total"
        amount={formatMoney(breakdown.total)}
        total
        amountTestId="invoice-total"
      />
      {detail.paid_with && <p className="billing-note">Paid with {cardLine(detail.paid_with)}</p>}
    </>
  );
}
