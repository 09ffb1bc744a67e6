// Plans and billing: Upgrade for a team on Free (its admins only), the price from the
// server's preview, a refused card said beside it with everything kept, the bank's
// confirmation awaited until billing_changed, the team's Billing section (scheduled change,
// Edit Plan's credits, older invoices by `before`), and nothing of it for plain members.
import { screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { PlanChangePreview } from "../../../src/bindings/PlanChangePreview";
import { formatMoney } from "../../../src/features/billing/money";
import { emit, ipc, resetIpc } from "../../fakeIpc";
import { billingOverview, invoiceSummary, signedInAsAda, team, usd } from "../../fixtures";
import { openTeam } from "../teams/teamsHelpers";

vi.mock("../../../src/ipc", () => import("../../fakeIpc").then((m) => m.fakeIpcModule));

const JAN_2027 = 1_798_761_600; // 2027-01-01T00:00:00Z
const NOW = 1_797_379_200; // 2026-12-16

function preview(overrides: Partial<PlanChangePreview> = {}): PlanChangePreview {
  return {
    plan: { tier: "basic", cycle: "monthly", seats: 3 },
    at: NOW,
    takes_effect: NOW,
    charge: {
      lines: [{ description: "3 seats of Basic (monthly)", amount: usd(2400) }],
      subtotal: usd(2400),
      credit_applied: usd(0),
      credit_carried: usd(0),
      total: usd(2400),
    },
    credit_balance_after: usd(0),
    needs_card: true,
    expires_at: NOW + 900,
    ...overrides,
  };
}

const paidOverview = billingOverview({
  plan: { tier: "basic", cycle: "monthly", seats: 3 },
  period_start: NOW,
  period_end: JAN_2027,
  next_invoice: usd(2400),
  card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2029 },
});

async function openUpgrade() {
  const app = await openTeam("Acme QA");
  await app.user.click(await screen.findByTestId("upgrade-button"));
  return { ...app, dialog: within(await screen.findByRole("dialog", { name: /Upgrade/ })) };
}

describe("Upgrade", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([team()]);
    ipc.previewPlanChange.mockImplementation(async (_a, _t, plan) => preview({ plan }));
  });

  it("is offered to an admin of a team on Free only", async () => {
    await openTeam("Acme QA");
    expect(await screen.findByTestId("upgrade-button")).toHaveAccessibleName("Upgrade");
  });

  it("is not offered on a paid plan", async () => {
    ipc.teamBilling.mockResolvedValue(paidOverview);
    await openTeam("Acme QA");
    expect(await screen.findByTestId("billing-plan")).toHaveTextContent("Basic (Monthly)");
    expect(screen.queryByTestId("upgrade-button")).not.toBeInTheDocument();
  });

  it("shows the preview's total and pays it, after which the team is on its new plan", async () => {
    ipc.changePlan.mockResolvedValue({
      payment: { payment: "paid" },
      invoice: null,
      overview: paidOverview,
    });
    const { user, dialog } = await openUpgrade();
    expect(await dialog.findByTestId("preview-total")).toHaveTextContent(formatMoney(usd(2400)));
    expect(ipc.previewPlanChange).toHaveBeenLastCalledWith("ada", "t-acme", {
      tier: "basic",
      cycle: "monthly",
      seats: 3,
    });
    expect(dialog.getByText("2 months free")).toBeInTheDocument();
    expect(dialog.getByText("Test mode: 4242 4242 4242 4242 succeeds.")).toBeInTheDocument();

    await user.type(dialog.getByLabelText("Card number"), "4242 4242 4242 4242");
    await user.type(dialog.getByLabelText("Expiry (MM/YY)"), "12/29");
    await user.type(dialog.getByLabelText("CVC"), "123");
    await user.click(dialog.getByTestId("pay-button"));

    expect(ipc.changePlan).toHaveBeenCalledWith("ada", "t-acme", {
      plan: { tier: "basic", cycle: "monthly", seats: 3 },
      at: NOW,
      expected_total: usd(2400),
      card: { number: "4242424242424242", exp_month: 12, exp_year: 2029, cvc: "123" },
    });
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(screen.queryByTestId("upgrade-button")).not.toBeInTheDocument();
    expect(screen.getByTestId("billing-plan")).toHaveTextContent("Basic (Monthly)");
  });

  it("says a refused card beside it and keeps what was typed", async () => {
    ipc.changePlan.mockRejectedValue({
      kind: "payment_failed",
      message: "The card was declined.",
      fields: [{ field: "card", message: "The card was declined." }],
    });
    const { user, dialog } = await openUpgrade();
    await dialog.findByTestId("preview-total");
    await user.type(dialog.getByLabelText("Card number"), "4000 0000 0000 0002");
    await user.type(dialog.getByLabelText("Expiry (MM/YY)"), "01/30");
    await user.type(dialog.getByLabelText("CVC"), "999");
    await user.click(dialog.getByTestId("pay-button"));

    const number = dialog.getByLabelText("Card number");
    await waitFor(() => expect(number).toHaveAccessibleDescription("The card was declined."));
    expect(number).toHaveValue("4000 0000 0000 0002");
    expect(dialog.getByLabelText("Expiry (MM/YY)")).toHaveValue("01/30");
    expect(dialog.getByLabelText("CVC")).toHaveValue("999");
    expect(dialog.getByTestId("seats")).toHaveValue(3);
  });

  it("prices again and says so when the price moved since the preview", async () => {
    ipc.changePlan.mockRejectedValueOnce({ kind: "conflict", message: "The preview is stale." });
    const { user, dialog } = await openUpgrade();
    await dialog.findByTestId("preview-total");
    await user.type(dialog.getByLabelText("Card number"), "4242424242424242");
    await user.type(dialog.getByLabelText("Expiry (MM/YY)"), "12/29");
    await user.type(dialog.getByLabelText("CVC"), "123");
    const asked = ipc.previewPlanChange.mock.calls.length;
    await user.click(dialog.getByTestId("pay-button"));
    expect(await dialog.findByTestId("price-changed")).toHaveTextContent(/price changed/);
    await waitFor(() => expect(ipc.previewPlanChange.mock.calls.length).toBeGreaterThan(asked));
  });

  it("waits for the bank's confirmation until billing_changed brings the paid plan", async () => {
    const pending = billingOverview({
      pending_payment: {
        invoice_id: "inv-1",
        amount: usd(2400),
        plan: { tier: "basic", cycle: "monthly", seats: 3 },
        confirm_url: "https://pay.example.com/confirm/1",
      },
    });
    ipc.changePlan.mockResolvedValue({
      payment: { payment: "needs_confirmation", confirm_url: "https://pay.example.com/confirm/1" },
      invoice: null,
      overview: pending,
    });
    const { user, dialog } = await openUpgrade();
    await dialog.findByTestId("preview-total");
    await user.type(dialog.getByLabelText("Card number"), "4000002760003184");
    await user.type(dialog.getByLabelText("Expiry (MM/YY)"), "12/29");
    await user.type(dialog.getByLabelText("CVC"), "123");
    await user.click(dialog.getByTestId("pay-button"));
    expect(await screen.findByTestId("payment-waiting")).toHaveTextContent(
      "Waiting for your bank's confirmation… (opened in your browser)",
    );

    ipc.teamBilling.mockResolvedValue(paidOverview);
    emit("billing_changed", { accountId: "ada", teamId: "t-acme" });
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    expect(await screen.findByTestId("billing-plan")).toHaveTextContent("Basic (Monthly)");
  });
});

describe("the team's Billing section", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([team()]);
  });

  it("is neither shown nor asked for to a plain member, and no Upgrade either", async () => {
    ipc.teams.mockResolvedValue([team({ role: "member" })]);
    await openTeam("Acme QA");
    expect(screen.queryByRole("heading", { name: "Billing" })).not.toBeInTheDocument();
    expect(screen.queryByTestId("upgrade-button")).not.toBeInTheDocument();
    expect(ipc.teamBilling).not.toHaveBeenCalled();
  });

  it("is shown to a billing manager", async () => {
    ipc.teams.mockResolvedValue([team({ role: "billing_manager" })]);
    await openTeam("Acme QA");
    expect(await screen.findByRole("heading", { name: "Billing" })).toBeInTheDocument();
    expect(await screen.findByTestId("upgrade-button")).toBeInTheDocument();
  });

  it("says a scheduled change, and Edit Plan shows the credits and when it takes effect", async () => {
    ipc.teamBilling.mockResolvedValue({
      ...paidOverview,
      plan: { tier: "professional", cycle: "annual", seats: 8 },
      scheduled: {
        plan: { tier: "professional", cycle: "monthly", seats: 8 },
        takes_effect: JAN_2027,
      },
      credit_balance: usd(3000),
    });
    ipc.previewPlanChange.mockImplementation(async (_a, _t, plan) =>
      preview({
        plan,
        takes_effect: JAN_2027,
        charge: {
          lines: [
            { description: "Unused time on Professional (annual)", amount: usd(-9000) },
            { description: "Basic (annual) from 2027-01-01", amount: usd(6000) },
          ],
          subtotal: usd(-3000),
          credit_applied: usd(0),
          credit_carried: usd(3000),
          total: usd(0),
        },
        needs_card: false,
      }),
    );
    const { user } = await openTeam("Acme QA");
    expect(await screen.findByTestId("billing-scheduled")).toHaveTextContent(
      "Changes to Monthly on 2027-01-01",
    );
    expect(screen.getByTestId("billing-next-invoice")).toHaveTextContent("2027-01-01");

    await user.click(screen.getByTestId("edit-plan-button"));
    const dialog = within(await screen.findByRole("dialog", { name: /Edit Plan/ }));
    await user.click(dialog.getByRole("radio", { name: /Basic/ }));
    expect(await dialog.findByTestId("preview-credit-carried")).toHaveTextContent(
      `Credit of ${formatMoney(usd(3000))} kept for your next invoice.`,
    );
    expect(dialog.getAllByTestId("preview-line")).toHaveLength(2);
    expect(dialog.getByTestId("preview-total")).toHaveTextContent(formatMoney(usd(0)));
    expect(dialog.getByTestId("preview-effect")).toHaveTextContent(
      "Takes effect at the end of your period on 2027-01-01.",
    );
    expect(dialog.queryByLabelText("Card number")).not.toBeInTheDocument();
    expect(dialog.getByTestId("pay-button")).toHaveAccessibleName("Confirm");
  });

  it("loads older invoices a page at a time, asking with `before`", async () => {
    ipc.teamBilling.mockResolvedValue({
      ...paidOverview,
      invoices: [invoiceSummary()],
      invoice_count: 3,
    });
    ipc.invoices.mockImplementation(async (_a, _t, before) =>
      before === "inv-7"
        ? { invoices: [invoiceSummary({ id: "inv-6", number: "ACME-0006" })], next: "inv-6" }
        : { invoices: [invoiceSummary({ id: "inv-5", number: "ACME-0005" })], next: null },
    );
    const { user } = await openTeam("Acme QA");
    expect(await screen.findAllByTestId("invoice-row")).toHaveLength(1);

    await user.click(screen.getByRole("button", { name: "Load older invoices" }));
    await waitFor(() => expect(screen.getAllByTestId("invoice-row")).toHaveLength(2));
    expect(ipc.invoices).toHaveBeenLastCalledWith("ada", "t-acme", "inv-7");

    await user.click(screen.getByRole("button", { name: "Load older invoices" }));
    await waitFor(() => expect(screen.getAllByTestId("invoice-row")).toHaveLength(3));
    expect(ipc.invoices).toHaveBeenLastCalledWith("ada", "t-acme", "inv-6");
    expect(screen.queryByRole("button", { name: "Load older invoices" })).not.toBeInTheDocument();
  });

  it("views an invoice's lines and saves its PDF", async () => {
    ipc.teamBilling.mockResolvedValue({
      ...paidOverview,
      invoices: [invoiceSummary()],
      invoice_count: 1,
    });
    ipc.invoice.mockResolvedValue({
      summary: invoiceSummary(),
      breakdown: {
        lines: [{ description: "8 seats of Professional (monthly)", amount: usd(12_000) }],
        subtotal: usd(12_000),
        credit_applied: usd(0),
        credit_carried: usd(0),
        total: usd(12_000),
      },
      paid_with: paidOverview.card,
      billing_email: "billing@acme.test",
      team_name: "Acme QA",
    });
    ipc.saveInvoice.mockResolvedValue("/home/ada/ACME-0007.pdf");
    const { user } = await openTeam("Acme QA");
    await user.click(await screen.findByRole("button", { name: "View ACME-0007" }));
    const dialog = within(await screen.findByRole("dialog", { name: "Invoice ACME-0007" }));
    expect(await dialog.findByTestId("invoice-total")).toHaveTextContent(formatMoney(usd(12_000)));
    expect(dialog.getByText("Paid with Visa •••• 4242, expires 12/2029")).toBeInTheDocument();
    await user.click(dialog.getByRole("button", { name: "Close" }));

    await user.click(screen.getByRole("button", { name: "Download PDF of ACME-0007" }));
    expect(ipc.saveInvoice).toHaveBeenCalledWith("ada", "t-acme", "inv-7", "pdf");
    expect(
      await screen.findByText("Saved ACME-0007 to /home/ada/ACME-0007.pdf."),
    ).toBeInTheDocument();
  });
});

describe("a plan's limit met elsewhere", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([team()]);
    ipc.previewPlanChange.mockImplementation(async (_a, _t, plan) => preview({ plan }));
  });

  it("offers Upgrade beside the refusal of an invitation", async () => {
    ipc.invite.mockRejectedValue({
      kind: "plan_limit",
      message: "Free allows 3 members; upgrade to Basic for up to 10.",
    });
    const { user } = await openTeam("Acme QA");
    await user.type(
      await screen.findByRole("textbox", { name: "Email addresses" }),
      "mary@example.com",
    );
    await user.click(screen.getByRole("button", { name: "Send invitations" }));
    expect(await screen.findByText(/upgrade to Basic for up to 10/)).toBeInTheDocument();
    await user.click(screen.getByTestId("plan-limit-action"));
    const dialog = within(await screen.findByRole("dialog", { name: /Upgrade/ }));
    // Enter in the dialog is its own: the invitation is not sent again.
    await user.type(await dialog.findByLabelText("CVC"), "1{Enter}");
    expect(ipc.invite).toHaveBeenCalledTimes(1);
  });
});

describe("the billing email", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
    ipc.teams.mockResolvedValue([team()]);
  });

  it("follows the server's address when it moves, unless another is being typed", async () => {
    ipc.teamBilling.mockResolvedValue({ ...paidOverview, billing_email: "" });
    const { user } = await openTeam("Acme QA");
    const field = await screen.findByRole("textbox", { name: "Billing email" });
    expect(field).toHaveValue("");

    ipc.teamBilling.mockResolvedValue({ ...paidOverview, billing_email: "ada@example.com" });
    emit("billing_changed", { accountId: "ada", teamId: "t-acme" });
    await waitFor(() => expect(field).toHaveValue("ada@example.com"));

    await user.clear(field);
    await user.type(field, "books@acme.test");
    ipc.teamBilling.mockResolvedValue({ ...paidOverview, billing_email: "grace@example.com" });
    emit("billing_changed", { accountId: "ada", teamId: "t-acme" });
    await waitFor(() => expect(ipc.teamBilling).toHaveBeenCalledTimes(3));
    expect(field).toHaveValue("books@acme.test");
  });
});

describe("the payment banner", () => {
  beforeEach(() => {
    resetIpc(signedInAsAda());
  });

  const pastDue = {
    ...paidOverview,
    team_name: "Acme QA",
    standing: {
      state: "past_due" as const,
      since: NOW,
      grace_ends: NOW + 14 * 86_400,
      attempts: 1,
    },
  };

  it("tells the team's admins across the app that a payment failed, and until when", async () => {
    ipc.teams.mockResolvedValue([team()]);
    ipc.teamBilling.mockResolvedValue(pastDue);
    await openTeam("Acme QA");
    const banner = await screen.findByTestId("payment-banner");
    expect(banner).toHaveTextContent("Acme QA");
    expect(banner).toHaveTextContent("failed on 2026-12-16");
    expect(banner).toHaveTextContent("keeps its plan until 2026-12-30");
  });

  it("is not shown to plain members", async () => {
    ipc.teams.mockResolvedValue([team({ role: "member" })]);
    ipc.teamBilling.mockResolvedValue(pastDue);
    await openTeam("Acme QA");
    expect(ipc.teamBilling).not.toHaveBeenCalled();
    expect(screen.queryByTestId("payment-banner")).not.toBeInTheDocument();
  });

  it("is not shown while payments are current", async () => {
    ipc.teams.mockResolvedValue([team()]);
    ipc.teamBilling.mockResolvedValue(paidOverview);
    await openTeam("Acme QA");
    expect(await screen.findByTestId("billing-plan")).toBeInTheDocument();
    expect(screen.queryByTestId("payment-banner")).not.toBeInTheDocument();
  });
});
