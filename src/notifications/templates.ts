/** The customer e-mails' text and HTML. */
import { PLANS, isPlanId } from "../shared/plans";
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
