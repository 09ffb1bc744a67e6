// The doors to the Upgrade and Edit Plan dialogs. UpgradeButton, at the top right of the
// app, shows while the team on screen is on Free and the account is its admin or billing
// manager (who alone can see its billing). PlanLimitAction is the same door beside a
// "plan_limit" refusal (inviting past the plan's members, a workspace past its workspaces).
// PlanButton opens the dialog: Upgrade on Free, else Edit Plan.
import { useState } from "react";

import type { BillingOverview } from "../../bindings/BillingOverview";
import type { TeamRole } from "../../bindings/TeamRole";
import { PlanDialog } from "./PlanDialog";
import { seesBilling, useTeamBilling } from "./queries";

type Props = { accountId: string; teamId: string; role: TeamRole | undefined };

export function UpgradeButton({ accountId, teamId, role }: Props) {
  const billing = useTeamBilling(accountId, teamId, seesBilling(role));
  if (!seesBilling(role) || billing.data?.plan.tier !== "free") return null;
  return (
    <PlanButton accountId={accountId} overview={billing.data} testId="upgrade-button" primary />
  );
}

export function PlanLimitAction({ accountId, teamId, role }: Props) {
  const billing = useTeamBilling(accountId, teamId, seesBilling(role));
  if (!seesBilling(role) || !billing.data) return null;
  return <PlanButton accountId={accountId} overview={billing.data} testId="plan-limit-action" />;
}

type ButtonProps = {
  accountId: string;
  overview: BillingOverview;
  testId: string;
  primary?: boolean;
};

/** "Upgrade" (on Free) or "Edit Plan", and the dialog it opens. */
export function PlanButton({ accountId, overview, testId, primary }: ButtonProps) {
  const [open, setOpen] = useState(false);
  const free = overview.plan.tier === "free";
  return (
    <>
      <button
        type="button"
        className={primary ? "button button-primary" : "button"}
        data-testid={testId}
        onClick={() => setOpen(true)}
      >
        {free ? "Upgrade" : "Edit Plan"}
      </button>
      {open && (
        <PlanDialog
          accountId={accountId}
          teamId={overview.team_id}
          overview={overview}
          mode={free ? "upgrade" : "edit"}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
