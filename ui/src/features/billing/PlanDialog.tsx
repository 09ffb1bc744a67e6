// Upgrade (from Free) and Edit Plan: choose the tier, the cycle and the seats; the price is
// the server's preview of exactly that choice (asked again as the choice settles), with its
// lines, the credit applied and carried, the total to pay now and when it takes effect.
// Pay / Confirm sends the preview's second and total back. A refused card keeps everything
// typed and says why beside it; a price that moved meanwhile is previewed again and said; a
// payment the bank must confirm waits here until Rust says the billing changed.
import { type FormEvent, useEffect, useId, useState } from "react";

import type { BillingCycle } from "../../bindings/BillingCycle";
import type { BillingOverview } from "../../bindings/BillingOverview";
import type { PlanChangePreview } from "../../bindings/PlanChangePreview";
import type { PlanChoice } from "../../bindings/PlanChoice";
import type { PlanOffer } from "../../bindings/PlanOffer";
import type { PlanTier } from "../../bindings/PlanTier";
import { CommandProblem, FieldMessage } from "../settings/forms";
import { useDebounced } from "../teams/useDebounced";
import {
  type CardDraft,
  CardFields,
  type CardProblems,
  cardRefusals,
  emptyCard,
  readCard,
} from "./CardFields";
import { ChargeLines, SumRow } from "./Charges";
import { Dialog } from "./Dialog";
import { cycleNames, formatCredit, formatDay, formatMoney, isZero, zero } from "./money";
import {
  useChangePlan,
  useOpenPaymentConfirmation,
  usePlans,
  usePreview,
  useTeamBilling,
} from "./queries";

/** How long the choice must stay still before its price is asked for. */
export const PREVIEW_DELAY_MS = 400;

type Props = {
  accountId: string;
  teamId: string;
  overview: BillingOverview;
  mode: "upgrade" | "edit";
  onClose: () => void;
};

const samePlan = (a: PlanChoice, b: PlanChoice) =>
  a.tier === b.tier && a.cycle === b.cycle && a.seats === b.seats;

export function PlanDialog({ accountId, teamId, overview, mode, onClose }: Props) {
  const upgrading = mode === "upgrade";
  const startTier: PlanTier = upgrading ? "basic" : overview.plan.tier;
  const [tier, setTier] = useState<PlanTier>(startTier);
  const [cycle, setCycle] = useState<BillingCycle>(overview.plan.cycle);
  const fewest = Math.max(1, overview.seats_used);
  const [seatsText, setSeatsText] = useState(
    String(upgrading ? fewest : Math.max(overview.plan.seats, fewest)),
  );
  const [card, setCard] = useState<CardDraft>(emptyCard);
  const [cardProblems, setCardProblems] = useState<CardProblems | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);

  const seats = Number(seatsText);
  const seatsProblem =
    !Number.isInteger(seats) || seatsText.trim() === ""
      ? "Enter a whole number of seats."
      : seats < fewest
        ? `At least ${fewest}: the team has ${fewest} members and pending invitations.`
        : undefined;
  const chosen: PlanChoice | null = seatsProblem ? null : { tier, cycle, seats };
  const settled = useDebounced(chosen, PREVIEW_DELAY_MS);
  const preview = usePreview(accountId, teamId, settled);
  const shown = preview.data;
  const current =
    chosen !== null && shown !== undefined && samePlan(shown.plan, chosen) && !preview.isFetching;

  const change = useChangePlan(accountId, teamId);
  const reopen = useOpenPaymentConfirmation(accountId, teamId);
  // While the bank's confirmation is awaited, the dashboard's copy says when it came.
  const billing = useTeamBilling(accountId, teamId);
  const confirmed = waiting && billing.data !== undefined && billing.data.pending_payment === null;
  useEffect(() => {
    if (confirmed) onClose();
  }, [confirmed, onClose]);

  const refused = change.error;
  const seatsRefusal =
    refused?.kind === "invalid_input"
      ? refused.fields?.find((field) => field.field === "plan.seats")?.message
      : undefined;
  // Once a card is typed, or a payment refused, the card form stays: a refused card is
  // kept on file, so the preview asked again after billing_changed needs no card, yet the
  // refusal belongs beside the card, and Pay sends the card typed, not the refused one.
  const needsCard =
    (shown?.needs_card ?? false) || card !== emptyCard || refused?.kind === "payment_failed";
  const cardRefused = needsCard ? cardRefusals(refused) : {};
  const shownCardProblems = cardProblems ?? cardRefused;
  const problemShownBeside = seatsRefusal !== undefined || Object.keys(cardRefused).length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Drawn in a portal, the dialog's events still bubble through whatever opened it (a
    // refused invitation's form): this submit is the dialog's alone.
    event.stopPropagation();
    if (!current || !shown || change.isPending) return;
    let typed = null;
    if (needsCard) {
      const read = readCard(card);
      if ("problems" in read) {
        setCardProblems(read.problems);
        return;
      }
      typed = read.card;
    }
    setCardProblems(null);
    setNotice(null);
    change.mutate(
      {
        plan: shown.plan,
        at: shown.at,
        expected_total: shown.charge?.total ?? zero(overview.credit_balance.currency),
        card: typed,
      },
      {
        onSuccess: (outcome) => {
          if (outcome.payment.payment === "needs_confirmation") setWaiting(true);
          else onClose();
        },
        onError: (error) => {
          if (error.kind === "conflict") {
            setNotice("The price changed since it was shown: check the new total, then confirm.");
            void preview.refetch();
          }
        },
      },
    );
  };

  const title = upgrading ? `Upgrade ${overview.team_name}` : `Edit Plan of ${overview.team_name}`;
  if (waiting)
    return (
      <Dialog title={title} onClose={onClose} testId="plan-dialog">
        <p role="status" className="billing-waiting" data-testid="payment-waiting">
          <span className="spinner" aria-hidden="true" /> Waiting for your bank's confirmation…
          (opened in your browser)
        </p>
        <CommandProblem
          error={reopen.error}
          what="Could not open the bank's page"
          accountId={accountId}
        />
        <div className="form-actions dialog-actions">
          <button type="button" className="button" onClick={() => reopen.mutate()}>
            Open the bank's page again
          </button>
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );

  const charged = shown?.charge ? !isZero(shown.charge.total) : false;
  return (
    <Dialog title={title} onClose={onClose} testId="plan-dialog" wide>
      <form className="settings-form" onSubmit={submit} noValidate aria-label={title}>
        <TierChoice
          accountId={accountId}
          value={tier}
          onChange={setTier}
          withFree={!upgrading}
          cycle={cycle}
        />
        <CycleChoice value={cycle} onChange={setCycle} />
        <SeatsField
          value={seatsText}
          onChange={setSeatsText}
          error={seatsProblem ?? seatsRefusal}
          fewest={fewest}
        />
        {notice && (
          <p role="alert" className="dialog-warning" data-testid="price-changed">
            {notice}
          </p>
        )}
        {preview.error && chosen ? (
          <CommandProblem
            error={preview.error}
            what="Could not price this plan"
            accountId={accountId}
          />
        ) : (
          <PreviewLines preview={current ? shown : undefined} loading={!current && !!chosen} />
        )}
        {needsCard && (
          <CardFields
            draft={card}
            onChange={(draft) => {
              setCard(draft);
              setCardProblems(null);
            }}
            problems={shownCardProblems}
          />
        )}
        <CommandProblem
          error={problemShownBeside || refused?.kind === "conflict" ? null : refused}
          what="Could not change the plan"
          accountId={accountId}
        />
        <div className="form-actions dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            data-testid="pay-button"
            disabled={!current || change.isPending}
          >
            {change.isPending ? "Paying…" : charged ? "Pay" : "Confirm"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Up to 10 members · 5 workspaces · SSO · Audit log". */
function allowances(offer: PlanOffer): string {
  const members =
    offer.max_members === null ? "Unlimited members" : `Up to ${offer.max_members} members`;
  const workspaces =
    offer.max_workspaces === null
      ? "unlimited workspaces"
      : `${offer.max_workspaces} ${offer.max_workspaces === 1 ? "workspace" : "workspaces"}`;
  return [members, workspaces, offer.sso && "SSO", offer.audit_log && "Audit log"]
    .filter(Boolean)
    .join(" · ");
}

function seatPrice(offer: PlanOffer, cycle: BillingCycle): string {
  return cycle === "annual"
    ? `${formatMoney(offer.annual_seat_price)} per seat / year`
    : `${formatMoney(offer.monthly_seat_price)} per seat / month`;
}

type TierProps = {
  accountId: string;
  value: PlanTier;
  onChange: (tier: PlanTier) => void;
  withFree: boolean;
  cycle: BillingCycle;
};

function TierChoice({ accountId, value, onChange, withFree, cycle }: TierProps) {
  const plans = usePlans(accountId);
  const offers = (plans.data ?? []).filter((offer) => withFree || offer.tier !== "free");
  return (
    <fieldset className="billing-tiers" aria-busy={plans.isPending}>
      <legend className="field-label">Plan</legend>
      {plans.error && (
        <p role="alert" className="field-hint field-error">
          Could not load the plans. {plans.error.message}
        </p>
      )}
      {offers.map((offer) => (
        <label key={offer.tier} className="billing-tier" data-testid={`tier-${offer.tier}`}>
          <input
            type="radio"
            name="tier"
            value={offer.tier}
            checked={value === offer.tier}
            onChange={() => onChange(offer.tier)}
          />
          <span className="billing-tier-text">
            <span className="billing-tier-name">{offer.name}</span>
            <span className="billing-tier-price">
              {offer.tier === "free" ? "No charge" : seatPrice(offer, cycle)}
            </span>
            <span className="billing-tier-detail">{allowances(offer)}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function CycleChoice({
  value,
  onChange,
}: {
  value: BillingCycle;
  onChange: (cycle: BillingCycle) => void;
}) {
  const cycles: BillingCycle[] = ["monthly", "annual"];
  return (
    <fieldset className="billing-cycles">
      <legend className="field-label">Billing cycle</legend>
      {cycles.map((cycle) => (
        <label key={cycle} className="radio">
          <input
            type="radio"
            name="cycle"
            value={cycle}
            checked={value === cycle}
            onChange={() => onChange(cycle)}
          />
          {cycleNames[cycle]}
          {cycle === "annual" && <span className="tag tag-accent">2 months free</span>}
        </label>
      ))}
    </fieldset>
  );
}

type SeatsProps = {
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  fewest: number;
};

function SeatsField({ value, onChange, error, fewest }: SeatsProps) {
  const id = useId();
  return (
    <div className="form-field">
      <label htmlFor={id} className="field-label">
        Seats
      </label>
      <input
        id={id}
        className="input billing-seats"
        type="number"
        inputMode="numeric"
        min={fewest}
        max={100000}
        value={value}
        data-testid="seats"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-message`}
        onChange={(event) => onChange(event.target.value)}
      />
      <FieldMessage
        id={`${id}-message`}
        error={error}
        hint={`At least ${fewest} (members and pending invitations).`}
      />
    </div>
  );
}

/** The preview: what is charged now, line by line, and when the plan changes. */
function PreviewLines({
  preview,
  loading,
}: {
  preview: PlanChangePreview | undefined;
  loading: boolean;
}) {
  if (!preview)
    return (
      <div className="billing-preview" data-testid="preview" aria-busy={loading}>
        <p className="field-hint">{loading ? "Working out the price…" : ""}</p>
      </div>
    );
  const { charge } = preview;
  const scheduled = preview.takes_effect > preview.at;
  return (
    <section className="billing-preview" data-testid="preview" aria-label="Price">
      {charge ? (
        <>
          <ChargeLines lines={charge.lines} label="Charges" testId="preview-line" />
          {!isZero(charge.credit_applied) && (
            <SumRow
              label="Credit applied"
              amount={`−${formatCredit(charge.credit_applied)}`}
              testId="preview-credit-applied"
            />
          )}
          {!isZero(charge.credit_carried) && (
            <p className="billing-note" data-testid="preview-credit-carried">
              Credit of {formatCredit(charge.credit_carried)} kept for your next invoice.
            </p>
          )}
          <SumRow
            label="Total to pay now"
            amount={formatMoney(charge.total)}
            total
            amountTestId="preview-total"
          />
        </>
      ) : (
        <SumRow label="Nothing to pay now" amount="" total />
      )}
      <p className="billing-note" data-testid="preview-effect">
        {scheduled
          ? `Takes effect at the end of your period on ${formatDay(preview.takes_effect)}.`
          : "Takes effect now."}
      </p>
    </section>
  );
}
