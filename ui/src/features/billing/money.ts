// Money and dates as the billing screens show them. Amounts stay integers of minor units
// (cents) everywhere; they become a decimal only here, for display, with the currency's
// own number of minor digits. Dates are UTC days (YYYY-MM-DD), as invoices print them.
import type { Amount } from "../../bindings/Amount";
import type { BillingCycle } from "../../bindings/BillingCycle";
import type { CardOnFile } from "../../bindings/CardOnFile";
import type { PlanChoice } from "../../bindings/PlanChoice";
import type { PlanTier } from "../../bindings/PlanTier";

const formats = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string): Intl.NumberFormat {
  let format = formats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: "currency", currency });
    formats.set(currency, format);
  }
  return format;
}

/** `{minor: 12345, currency: "USD"}` → "$123.45" (in the person's locale). */
export function formatMoney({ minor, currency }: Amount): string {
  const format = currencyFormat(currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** A credit as a positive sum, whichever sign it travelled with: "$30.00". */
export const formatCredit = (amount: Amount) =>
  formatMoney({ ...amount, minor: Math.abs(amount.minor) });

/** Unix seconds → "2027-01-01" (UTC). */
export function formatDay(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export const isZero = (amount: Amount) => amount.minor === 0;

export const zero = (currency: string): Amount => ({ minor: 0, currency });

export const tierNames: Record<PlanTier, string> = {
  free: "Free",
  basic: "Basic",
  professional: "Professional",
  enterprise: "Enterprise",
};

export const cycleNames: Record<BillingCycle, string> = {
  monthly: "Monthly",
  annual: "Annual",
};

/** "Professional · Annual · 8 seats" (Free alone: it has no cycle or seats to pay). */
export function planLine(plan: PlanChoice): string {
  if (plan.tier === "free") return tierNames.free;
  const seats = plan.seats === 1 ? "1 seat" : `${plan.seats} seats`;
  return `${tierNames[plan.tier]} · ${cycleNames[plan.cycle]} · ${seats}`;
}

/** What a scheduled change changes, in words: "Monthly", "Basic, 5 seats", "Free". */
export function changeWords(from: PlanChoice, to: PlanChoice): string {
  if (to.tier === "free") return tierNames.free;
  const parts: string[] = [];
  if (to.tier !== from.tier) parts.push(tierNames[to.tier]);
  if (to.cycle !== from.cycle) parts.push(cycleNames[to.cycle]);
  if (to.seats !== from.seats) parts.push(to.seats === 1 ? "1 seat" : `${to.seats} seats`);
  return parts.length > 0 ? parts.join(", ") : planLine(to);
}

/** "Visa •••• 4242, expires 12/2029". */
export function cardLine(card: CardOnFile): string {
  const brand =
    card.brand === "amex"
      ? "American Express"
      : card.brand.charAt(0).toUpperCase() + card.brand.slice(1);
  const month = String(card.exp_month).padStart(2, "0");
  return `${brand} •••• ${card.last4}, expires ${month}/${card.exp_year}`;
}
