/** The customer e-mails' text and HTML. */
import { PLANS, isPlanId } from "../../core/plans";
import type { EmailMessage } from "./email";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

export function jobCompletedEmail(input: {
  to: string;
  businessName: string | null;
  plan: string;
  total: number;
  submitted: number;
  approved: number;
  failed: number;
  reportUrl: string;
}): EmailMessage {
  const name = input.businessName ?? "your business";
  const planName = isPlanId(input.plan) ? PLANS[input.plan].name : input.plan;
  const lines = [
    `Your DirectoryBolt ${planName} order for ${name} is complete.`,
    "",
    `Directories: ${input.total}`,
    `Submitted: ${input.submitted} (live already: ${input.approved})`,
    `Not possible: ${input.failed}`,
    "",
    `The full report, with every listing and its evidence: ${input.reportUrl}`,
  ];
  return {
    to: input.to,
    subject: `Your directory submissions for ${name} are done`,
    text: lines.join("\n"),
    html: `<p>${lines.filter(Boolean).slice(0, 4).map(escapeHtml).join("<br>")}</p><p><a href="${escapeHtml(input.reportUrl)}">Open the full report</a></p>`,
  };
}

function money(cents: unknown, currency: unknown): string {
  const n = typeof cents === "number" ? cents : Number(cents);
  const cur = typeof currency === "string" ? currency.toUpperCase() : "";
  return Number.isFinite(n) ? `${(n / 100).toFixed(2)} ${cur}`.trim() : "";
}

function simpleEmail(to: string, subject: string, lines: string[], link: { url: string; label: string }): EmailMessage {
  const text = [...lines, "", `${link.label}: ${link.url}`].join("\n");
  return {
    to,
    subject,
    text,
    html: `<p>${lines.filter(Boolean).map(escapeHtml).join("<br>")}</p><p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`,
  };
}

/** The payment-problem e-mails (src/notifications/payment-notices.ts); `data` as enqueued. */
export function paymentNoticeEmail(
  kind: "payment_failed" | "payment_disputed" | "payment_refunded",
  input: { to: string; businessName: string | null; data: Record<string, unknown>; publicUrl: string },
): EmailMessage {
  const d = input.data;
  const base = input.publicUrl.replace(/\/$/, "");
  const planName = typeof d.plan === "string" && isPlanId(d.plan) ? PLANS[d.plan].name : "DirectoryBolt";
  const jobLink = typeof d.jobId === "string" ? { url: `${base}/portal/jobs/${d.jobId}`, label: "Your order's page" } : null;
  if (kind === "payment_failed") {
    return simpleEmail(
      input.to,
      `Your DirectoryBolt ${planName} payment did not go through`,
      [
        `The payment of ${money(d.amountCents, d.currency)} for your DirectoryBolt ${planName} order failed${typeof d.reason === "string" && d.reason ? `: ${d.reason}` : "."}`,
        "Nothing was charged and no submissions were started. You can place the order again with another payment method.",
      ],
      { url: `${base}/pricing`, label: "Choose a plan again" },
    );
  }
  if (kind === "payment_disputed") {
    return simpleEmail(
      input.to,
      `A dispute was opened on your DirectoryBolt ${planName} payment`,
      [
        `Your bank told us you disputed the payment of ${money(d.amountCents, d.currency)} for your DirectoryBolt ${planName} order${typeof d.reason === "string" ? ` (reason: ${d.reason.replace(/_/g, " ")})` : ""}.`,
        "If this was a mistake, or you want a refund instead, reply to this e-mail and we will sort it out with you.",
      ],
      jobLink ?? { url: base, label: "DirectoryBolt" },
    );
  }
  const full = d.full === true;
  return simpleEmail(
    input.to,
    full ? `Your DirectoryBolt ${planName} order was refunded` : `A partial refund on your DirectoryBolt ${planName} order`,
    [
      full
        ? `We refunded ${money(d.refundedCents, d.currency)} for your DirectoryBolt ${planName} order${input.businessName ? ` for ${input.businessName}` : ""}. Submissions not yet started were stopped.`
        : `We refunded ${money(d.refundedCents, d.currency)} of ${money(d.amountCents, d.currency)} for your DirectoryBolt ${planName} order.`,
      "Your bank shows the refund within 5-10 business days.",
    ],
    jobLink ?? { url: base, label: "DirectoryBolt" },
  );
}
