// Billing as server state, keyed [command, accountId, teamId?, …]: the plans, a team's
// dashboard, Edit Plan's preview (one per choice), older invoices a page at a time, and one
// mutation per change that puts the new dashboard into its query. `billing_changed` (a
// payment confirmed at the bank, a renewal, a downgrade) and `teams_changed` (a role may
// have changed) from Rust refresh the account's billing queries.
import {
  keepPreviousData,
  skipToken,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { useEffect } from "react";

import type { BillingOverview } from "../../bindings/BillingOverview";
import type { CardInput } from "../../bindings/CardInput";
import type { InvoiceDetail } from "../../bindings/InvoiceDetail";
import type { InvoiceFormat } from "../../bindings/InvoiceFormat";
import type { InvoicePage } from "../../bindings/InvoicePage";
import type { IpcError } from "../../bindings/IpcError";
import type { PlanChangeConfirmation } from "../../bindings/PlanChangeConfirmation";
import type { PlanChangeOutcome } from "../../bindings/PlanChangeOutcome";
import type { PlanChangePreview } from "../../bindings/PlanChangePreview";
import type { PlanChoice } from "../../bindings/PlanChoice";
import type { PlanOffer } from "../../bindings/PlanOffer";
import type { TeamRole } from "../../bindings/TeamRole";
import * as ipc from "../../ipc";

export const billingKey = (accountId: string, teamId: string) =>
  ["team_billing", accountId, teamId] as const;

/** Every query above: what `billing_changed` and `teams_changed` refresh. */
const billingQueries = new Set([
  "team_billing",
  "invoices",
  "invoice",
  "preview_plan_change",
  "billing_plans",
]);

/** Who sees a team's billing: its admins and billing managers. */
export const seesBilling = (role: TeamRole | undefined) =>
  role === "admin" || role === "billing_manager";

export const usePlans = (accountId: string) =>
  useQuery<PlanOffer[], IpcError>({
    queryKey: ["billing_plans", accountId],
    queryFn: () => ipc.billingPlans(accountId),
    staleTime: 10 * 60_000,
  });

/** A team's dashboard; `enabled` false (a member) asks nothing. */
export const useTeamBilling = (accountId: string, teamId: string, enabled = true) =>
  useQuery<BillingOverview, IpcError>({
    queryKey: billingKey(accountId, teamId),
    queryFn: enabled ? () => ipc.teamBilling(accountId, teamId) : skipToken,
    // Changes arrive as billing_changed.
    staleTime: 60_000,
  });

/** What changing to `plan` charges now (null: nothing asked); the last answer stays while the next loads. */
export const usePreview = (accountId: string, teamId: string, plan: PlanChoice | null) =>
  useQuery<PlanChangePreview, IpcError>({
    queryKey: ["preview_plan_change", accountId, teamId, plan?.tier, plan?.cycle, plan?.seats],
    queryFn: plan ? () => ipc.previewPlanChange(accountId, teamId, plan) : skipToken,
    placeholderData: keepPreviousData,
    // A preview is priced at one second and expires: never served from an old copy.
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });

export function useChangePlan(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<PlanChangeOutcome, IpcError, PlanChangeConfirmation>({
    mutationKey: ["change_plan", accountId, teamId],
    mutationFn: (confirmation) => ipc.changePlan(accountId, teamId, confirmation),
    onSuccess: (outcome) =>
      queryClient.setQueryData(billingKey(accountId, teamId), outcome.overview),
  });
}

export function useReplaceCard(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<BillingOverview, IpcError, CardInput>({
    mutationKey: ["replace_card", accountId, teamId],
    mutationFn: (card) => ipc.replaceCard(accountId, teamId, card),
    onSuccess: (overview) => queryClient.setQueryData(billingKey(accountId, teamId), overview),
  });
}

export function useSetBillingEmail(accountId: string, teamId: string) {
  const queryClient = useQueryClient();
  return useMutation<BillingOverview, IpcError, string>({
    mutationKey: ["set_billing_email", accountId, teamId],
    mutationFn: (email) => ipc.setBillingEmail(accountId, teamId, email),
    onSuccess: (overview) => queryClient.setQueryData(billingKey(accountId, teamId), overview),
  });
}

export function useOpenPaymentConfirmation(accountId: string, teamId: string) {
  return useMutation<null, IpcError, void>({
    mutationKey: ["open_payment_confirmation", accountId, teamId],
    mutationFn: () => ipc.openPaymentConfirmation(accountId, teamId),
  });
}

/**
 * The invoices older than the dashboard's (`after`: the oldest it lists), a page at a
 * time, asked for only once `wanted` (Load older invoices).
 */
export const useOlderInvoices = (
  accountId: string,
  teamId: string,
  after: string | null,
  wanted: boolean,
) =>
  useInfiniteQuery<InvoicePage, IpcError, InvoicePage[], readonly unknown[], string>({
    queryKey: ["invoices", accountId, teamId, after],
    queryFn: ({ pageParam }) => ipc.invoices(accountId, teamId, pageParam),
    initialPageParam: after ?? "",
    getNextPageParam: (page) => page.next ?? undefined,
    select: (data) => data.pages,
    enabled: wanted && after !== null,
  });

export const useInvoice = (accountId: string, teamId: string, invoiceId: string) =>
  useQuery<InvoiceDetail, IpcError>({
    queryKey: ["invoice", accountId, teamId, invoiceId],
    queryFn: () => ipc.invoice(accountId, teamId, invoiceId),
  });

export function useSaveInvoice(accountId: string, teamId: string) {
  return useMutation<string | null, IpcError, { invoiceId: string; format: InvoiceFormat }>({
    mutationKey: ["save_invoice", accountId, teamId],
    mutationFn: ({ invoiceId, format }) => ipc.saveInvoice(accountId, teamId, invoiceId, format),
  });
}

/** Refetches an account's billing when Rust says it (or one of its teams) changed. Mounted once, in App. */
export function useBillingEvents() {
  const queryClient = useQueryClient();
  useEffect(() => {
    const refresh = (accountId: string, teamId: string | null) =>
      void queryClient.invalidateQueries({
        predicate: ({ queryKey }) =>
          billingQueries.has(String(queryKey[0])) &&
          queryKey[1] === accountId &&
          (teamId === null || queryKey[2] === undefined || queryKey[2] === teamId),
      });
    const stopBilling = ipc.subscribe("billing_changed", ({ accountId, teamId }) =>
      refresh(accountId, teamId),
    );
    const stopTeams = ipc.subscribe("teams_changed", ({ accountId, teamId }) =>
      refresh(accountId, teamId),
    );
    return () => {
      stopBilling();
      stopTeams();
    };
  }, [queryClient]);
}
