// Where a team's payments stand, said where its admins and billing managers will see it:
// PaymentStanding inside the team's Billing section, and PaymentBanner across the top of
// the app while the team on screen has a failed payment (the plan kept until the grace
// period ends) or was moved to Free for one in the last 30 days.
import type { BillingOverview } from "../../bindings/BillingOverview";
import type { TeamRole } from "../../bindings/TeamRole";
import { nowSeconds } from "../../clock";
import { formatDay } from "./money";
import { seesBilling, useTeamBilling } from "./queries";

/** How long the banner keeps saying that a team was moved to Free. */
const DOWNGRADE_SHOWN_SECONDS = 30 * 86_400;

/** The standing in words, or null when payments are current. */
function standingWords(overview: BillingOverview): string | null {
  const { standing } = overview;
  if (standing.state === "past_due")
    return `Your last payment failed on ${formatDay(standing.since)}; your team keeps its plan until ${formatDay(standing.grace_ends)}. Replace the card to retry.`;
  if (standing.state === "downgraded")
    return `Moved to Free on ${formatDay(standing.at)} because payment failed; nothing was deleted.`;
  return null;
}

export function PaymentStanding({ overview }: { overview: BillingOverview }) {
  const words = standingWords(overview);
  if (!words) return null;
  return (
    <div role="alert" className="notice notice-warning" data-testid="billing-standing">
      <p>{words}</p>
    </div>
  );
}

type BannerProps = { accountId: string; teamId: string; role: TeamRole | undefined };

export function PaymentBanner({ accountId, teamId, role }: BannerProps) {
  const billing = useTeamBilling(accountId, teamId, seesBilling(role));
  const overview = billing.data;
  if (!seesBilling(role) || !overview) return null;
  const { standing } = overview;
  const recent =
    standing.state === "past_due" ||
    (standing.state === "downgraded" && nowSeconds() - standing.at < DOWNGRADE_SHOWN_SECONDS);
  const words = standingWords(overview);
  if (!recent || !words) return null;
  return (
    <aside className="banner" aria-label="Payment" data-testid="payment-banner">
      <p>
        <strong>{overview.team_name}</strong> — {words}{" "}
        {standing.state === "past_due" && "Team → Billing → Replace card."}
      </p>
    </aside>
  );
}
