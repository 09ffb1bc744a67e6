// A team's Billing section (admins and billing managers): where payments stand (past due,
// moved to Free, a payment waiting for the bank), the plan with its seats and workspaces
// used, the next invoice and a scheduled change, the credit, the card on file (Replace
// card), the billing email, and the invoices (View, Download PDF / HTML, Load older).
import { type FormEvent, useState } from "react";

import type { BillingOverview } from "../../bindings/BillingOverview";
import type { InvoiceFormat } from "../../bindings/InvoiceFormat";
import type { InvoiceSummary } from "../../bindings/InvoiceSummary";
import { CommandProblem, FormStatus, fieldErrors, QueryGate, TextField } from "../settings/forms";
import {
  type CardDraft,
  CardFields,
  type CardProblems,
  cardRefusals,
  emptyCard,
  readCard,
} from "./CardFields";
import { InvoiceDialog } from "./InvoiceDialog";
import {
  cardLine,
  changeWords,
  cycleNames,
  formatDay,
  formatMoney,
  planLine,
  tierNames,
} from "./money";
import { PaymentStanding } from "./PaymentBanner";
import {
  useOlderInvoices,
  useOpenPaymentConfirmation,
  useReplaceCard,
  useSaveInvoice,
  useSetBillingEmail,
  useTeamBilling,
} from "./queries";
import { PlanButton } from "./UpgradeButton";

type Props = { accountId: string; teamId: string };

export function BillingSection({ accountId, teamId }: Props) {
  return (
    <QueryGate
      query={useTeamBilling(accountId, teamId)}
      loading="Loading the billing"
      failed="Could not load the billing"
    >
      {(overview) => <BillingDashboard accountId={accountId} overview={overview} />}
    </QueryGate>
  );
}

type DashboardProps = { accountId: string; overview: BillingOverview };

function BillingDashboard({ accountId, overview }: DashboardProps) {
  const free = overview.plan.tier === "free";
  return (
    <div className="billing" data-testid="billing">
      <PaymentStanding overview={overview} />
      <PendingPayment accountId={accountId} overview={overview} />
      <dl className="billing-facts">
        <dt>Plan</dt>
        <dd data-testid="billing-plan">
          {free
            ? tierNames.free
            : `${tierNames[overview.plan.tier]} (${cycleNames[overview.plan.cycle]})`}
        </dd>
        <dt>Seats</dt>
        <dd data-testid="billing-seats">
          {free
            ? `${overview.seats_used} used`
            : `${overview.plan.seats} paid · ${overview.seats_used} used`}
        </dd>
        <dt>Workspaces</dt>
        <dd data-testid="billing-workspaces">
          {overview.max_workspaces === null
            ? `${overview.workspaces_used} (no limit)`
            : `${overview.workspaces_used} of ${overview.max_workspaces}`}
        </dd>
        {overview.period_end !== null && (
          <>
            <dt>Next invoice</dt>
            <dd data-testid="billing-next-invoice">
              {formatDay(overview.period_end)}
              {overview.next_invoice && ` · ${formatMoney(overview.next_invoice)}`}
            </dd>
          </>
        )}
        {overview.scheduled && (
          <>
            <dt>Scheduled</dt>
            <dd data-testid="billing-scheduled">
              Changes to {changeWords(overview.plan, overview.scheduled.plan)} on{" "}
              {formatDay(overview.scheduled.takes_effect)}
            </dd>
          </>
        )}
        {overview.credit_balance.minor !== 0 && (
          <>
            <dt>Credit</dt>
            <dd data-testid="billing-credit">{formatMoney(overview.credit_balance)}</dd>
          </>
        )}
      </dl>
      <div className="form-actions">
        <PlanButton accountId={accountId} overview={overview} testId="edit-plan-button" primary />
      </div>
      <CardOnFile accountId={accountId} overview={overview} />
      <BillingEmail accountId={accountId} overview={overview} />
      <Invoices accountId={accountId} overview={overview} />
    </div>
  );
}

function PendingPayment({ accountId, overview }: DashboardProps) {
  const reopen = useOpenPaymentConfirmation(accountId, overview.team_id);
  const pending = overview.pending_payment;
  if (!pending) return null;
  return (
    <div role="status" className="notice billing-pending" data-testid="billing-pending">
      <p>
        A payment of {formatMoney(pending.amount)} for {planLine(pending.plan)} is waiting for your
        bank's confirmation.
      </p>
      <button type="button" className="button" onClick={() => reopen.mutate()}>
        Open the bank's page again
      </button>
      <CommandProblem
        error={reopen.error}
        what="Could not open the bank's page"
        accountId={accountId}
      />
    </div>
  );
}

function CardOnFile({ accountId, overview }: DashboardProps) {
  const replace = useReplaceCard(accountId, overview.team_id);
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<CardDraft>(emptyCard);
  const [problems, setProblems] = useState<CardProblems | null>(null);
  const [done, setDone] = useState("");

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (replace.isPending) return;
    const read = readCard(draft);
    if ("problems" in read) {
      setProblems(read.problems);
      return;
    }
    setProblems(null);
    replace.mutate(read.card, {
      onSuccess: () => {
        setOpen(false);
        setDraft(emptyCard);
        setDone("The new card is on file.");
      },
    });
  };

  const refused = cardRefusals(replace.error);
  return (
    <section className="billing-part" aria-labelledby="billing-card-title">
      <h3 id="billing-card-title" className="settings-subtitle">
        Card
      </h3>
      <p data-testid="billing-card">
        {overview.card ? cardLine(overview.card) : "No card on file."}
      </p>
      {open ? (
        <form className="settings-form" onSubmit={submit} noValidate aria-label="Replace card">
          <CardFields
            draft={draft}
            onChange={(next) => {
              setDraft(next);
              setProblems(null);
            }}
            problems={problems ?? refused}
          />
          <CommandProblem
            error={Object.keys(refused).length > 0 ? null : replace.error}
            what="Could not replace the card"
            accountId={accountId}
          />
          <div className="form-actions">
            <button type="button" className="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="submit"
              className="button button-primary"
              data-testid="save-card-button"
              disabled={replace.isPending}
            >
              {replace.isPending ? "Saving…" : "Save card"}
            </button>
          </div>
        </form>
      ) : (
        <div className="form-actions">
          <button
            type="button"
            className="button"
            data-testid="replace-card-button"
            onClick={() => {
              setDone("");
              setOpen(true);
            }}
          >
            {overview.card ? "Replace card" : "Add a card"}
          </button>
          <FormStatus>{done}</FormStatus>
        </div>
      )}
    </section>
  );
}

function BillingEmail({ accountId, overview }: DashboardProps) {
  const save = useSetBillingEmail(accountId, overview.team_id);
  const [email, setEmail] = useState(overview.billing_email);
  // The server's address as last shown: when it moves (an upgrade sets it, another admin
  // changes it), the field follows unless something else is being typed.
  const [shown, setShown] = useState(overview.billing_email);
  if (overview.billing_email !== shown) {
    setShown(overview.billing_email);
    if (email.trim() === shown) setEmail(overview.billing_email);
  }
  const [done, setDone] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending) return;
    setDone("");
    save.mutate(email.trim(), { onSuccess: () => setDone("Saved.") });
  };
  const refused = fieldErrors(save.error).billing_email;
  return (
    <form
      className="settings-form billing-part"
      onSubmit={submit}
      noValidate
      aria-label="Billing email"
    >
      <CommandProblem
        error={refused ? null : save.error}
        what="Could not change the billing email"
        accountId={accountId}
      />
      <TextField
        label="Billing email"
        name="billing-email"
        testId="billing-email"
        type="email"
        value={email}
        onChange={(value) => {
          setEmail(value);
          setDone("");
        }}
        error={refused}
        hint="Invoices and payment mails go here."
      />
      <div className="form-actions">
        <button
          type="submit"
          className="button"
          disabled={save.isPending || email.trim() === overview.billing_email}
        >
          Save email
        </button>
        <FormStatus>{done}</FormStatus>
      </div>
    </form>
  );
}

const statusNames = { paid: "Paid", open: "Open", void: "Void" } as const;

const formats: { format: InvoiceFormat; name: string }[] = [
  { format: "pdf", name: "PDF" },
  { format: "html", name: "HTML" },
];

function Invoices({ accountId, overview }: DashboardProps) {
  const teamId = overview.team_id;
  const [wanted, setWanted] = useState(false);
  const [viewing, setViewing] = useState<InvoiceSummary | null>(null);
  const [saved, setSaved] = useState("");
  const oldest = overview.invoices.at(-1)?.id ?? null;
  const older = useOlderInvoices(accountId, teamId, oldest, wanted);
  const save = useSaveInvoice(accountId, teamId);
  const pages = older.data ?? [];
  const invoices = [...overview.invoices, ...pages.flatMap((page) => page.invoices)];
  const more =
    oldest !== null &&
    (pages.length === 0 ? overview.invoice_count > overview.invoices.length : older.hasNextPage);

  const loadOlder = () => {
    if (!wanted) setWanted(true);
    else void older.fetchNextPage();
  };
  const download = (invoice: InvoiceSummary, format: InvoiceFormat) => {
    setSaved("");
    save.mutate(
      { invoiceId: invoice.id, format },
      { onSuccess: (path) => setSaved(path ? `Saved ${invoice.number} to ${path}.` : "") },
    );
  };

  return (
    <section className="billing-part" aria-labelledby="billing-invoices-title">
      <h3 id="billing-invoices-title" className="settings-subtitle">
        Invoices
      </h3>
      <CommandProblem
        error={save.error ?? older.error}
        what={save.error ? "Could not save the invoice" : "Could not load older invoices"}
        accountId={accountId}
      />
      {invoices.length === 0 ? (
        <p className="team-empty-line">No invoices yet.</p>
      ) : (
        <table className="billing-invoices" aria-label="Invoices">
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Date</th>
              <th scope="col">Period</th>
              <th scope="col">Total</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {invoices.map((invoice) => (
              <tr key={invoice.id} data-testid="invoice-row" aria-label={invoice.number}>
                <td>{invoice.number}</td>
                <td>{formatDay(invoice.issued_at)}</td>
                <td>
                  {formatDay(invoice.period_start)} – {formatDay(invoice.period_end)}
                </td>
                <td className="billing-amount">{formatMoney(invoice.total)}</td>
                <td>{statusNames[invoice.status]}</td>
                <td className="actions-inline">
                  <button
                    type="button"
                    className="button-quiet"
                    aria-label={`View ${invoice.number}`}
                    onClick={() => setViewing(invoice)}
                  >
                    View
                  </button>
                  {formats.map(({ format, name }) => (
                    <button
                      key={format}
                      type="button"
                      className="button-quiet"
                      aria-label={`Download ${name} of ${invoice.number}`}
                      disabled={save.isPending}
                      onClick={() => download(invoice, format)}
                    >
                      Download {name}
                    </button>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="form-actions">
        {more && (
          <button
            type="button"
            className="button"
            data-testid="load-older-invoices"
            disabled={older.isFetching}
            onClick={loadOlder}
          >
            {older.isFetching ? "Loading…" : "Load older invoices"}
          </button>
        )}
        <FormStatus>{saved}</FormStatus>
      </div>
      {viewing && (
        <InvoiceDialog
          accountId={accountId}
          teamId={teamId}
          invoiceId={viewing.id}
          number={viewing.number}
          onClose={() => setViewing(null)}
        />
      )}
    </section>
  );
}
