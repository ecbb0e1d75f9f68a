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

export function money(cents: unknown, currency: unknown): string {
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
  const shortfall = d.shortfall as { promised?: unknown; delivered?: unknown; amountCents?: unknown } | null | undefined;
  if (shortfall && typeof shortfall.promised === "number" && typeof shortfall.delivered === "number") {
    // The shortfall refund (src/billing/shortfall-refund.ts): the promise, what was delivered, the money back.
    const missing = shortfall.promised - shortfall.delivered;
    return simpleEmail(
      input.to,
      `We refunded the ${missing} directories we could not deliver`,
      [
        `Your DirectoryBolt ${planName} plan promised ${shortfall.promised} directories${input.businessName ? ` for ${input.businessName}` : ""}, and we delivered ${shortfall.delivered}.`,
        `We refunded the ${missing} missing, pro rata: ${money(shortfall.amountCents ?? d.refundedCents, d.currency)} of the ${money(d.amountCents, d.currency)} you paid.`,
        "Your bank shows the refund within 5-10 business days.",
      ],
      jobLink ?? { url: base, label: "DirectoryBolt" },
    );
  }
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

interface MailAttachment {
  filename: string;
  mimeType: string;
  size: number;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

function attachmentLines(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) return [];
  return [
    "",
    "Attachments (listed in the portal, not forwarded):",
    ...(v as MailAttachment[]).map((a) => `- ${str(a.filename)} (${str(a.mimeType)}, ${Math.max(1, Math.round(Number(a.size) / 1024))} KB)`),
  ];
}

/**
 * One mail a directory (or someone who found the listing) sent to the
 * listing's address, forwarded to the customer (src/mail/directory-mail.ts).
 * The body is the sanitized text, escaped in the HTML part: nothing of the
 * sender's markup reaches the customer's mail client.
 */
export function directoryMailEmail(input: { to: string; businessName: string | null; jobId: string | null; data: Record<string, unknown>; publicUrl: string }): EmailMessage {
  const d = input.data;
  const base = input.publicUrl.replace(/\/$/, "");
  const url = input.jobId ? `${base}/portal/jobs/${input.jobId}/mail` : `${base}/jobs`;
  const directory = str(d.directoryName) || "a directory";
  const intro = `A mail arrived at the address we gave ${directory} for ${input.businessName ?? "your business"}.`;
  const head = [intro, "", `From: ${str(d.from)}`, `Subject: ${str(d.subject) || "(no subject)"}`];
  const body = str(d.body);
  const tail = attachmentLines(d.attachments);
  const text = [...head, "", body, ...tail, "", `All mail from your directories: ${url}`].join("\n");
  const para = (lines: string[]) => lines.map(escapeHtml).join("<br>");
  return {
    to: input.to,
    subject: `${directory}: ${str(d.subject) || "a message about your listing"}`.slice(0, 200),
    text,
    html: `<p>${para(head.filter(Boolean))}</p><pre style="white-space:pre-wrap;font-family:inherit">${escapeHtml(body)}</pre>${tail.length ? `<p>${para(tail.filter(Boolean))}</p>` : ""}<p><a href="${escapeHtml(url)}">All mail from your directories</a></p>`,
  };
}

/** The daily digest of directory mails (src/notifications/directory-mail-digest.ts): one line and an excerpt per mail. */
export function directoryMailDigestEmail(input: { to: string; businessName: string | null; data: Record<string, unknown>; publicUrl: string }): EmailMessage {
  const base = input.publicUrl.replace(/\/$/, "");
  const mails = (Array.isArray(input.data.mails) ? input.data.mails : []) as Record<string, unknown>[];
  const jobIds = [...new Set(mails.map((m) => str(m.jobId)).filter(Boolean))];
  const url = jobIds.length === 1 ? `${base}/portal/jobs/${jobIds[0]}/mail` : `${base}/jobs`;
  const count = mails.length === 1 ? "1 mail" : `${mails.length} mails`;
  const intro = `Your directories sent ${count} for ${input.businessName ?? "your business"} (daily digest, ${str(input.data.day)}).`;
  const items = mails.map((m) => ({
    head: `${str(m.directoryName) || "A directory"} – ${str(m.subject) || "(no subject)"} (from ${str(m.from)})`,
    excerpt: str(m.excerpt),
  }));
  const text = [intro, "", ...items.flatMap((i) => [i.head, i.excerpt, ""]), `Read them all: ${url}`].join("\n");
  return {
    to: input.to,
    subject: `Mail from your directories: ${count}`,
    text,
    html: `<p>${escapeHtml(intro)}</p>${items.map((i) => `<p><strong>${escapeHtml(i.head)}</strong><br>${escapeHtml(i.excerpt)}</p>`).join("")}<p><a href="${escapeHtml(url)}">Read them all</a></p>`,
  };
}

/** A survival check found a listing gone or showing other details (src/listings/survival.ts); "submit again" is in the portal. */
export function listingFlaggedEmail(input: { to: string; businessName: string | null; jobId: string | null; data: Record<string, unknown>; publicUrl: string }): EmailMessage {
  const d = input.data;
  const base = input.publicUrl.replace(/\/$/, "");
  const url = input.jobId ? `${base}/portal/jobs/${input.jobId}#listing-checks` : `${base}/jobs`;
  const directory = str(d.directoryName) || "a directory";
  const differences = Array.isArray(d.differences) ? d.differences.map(str).filter(Boolean) : [];
  const what = str(d.verdict) === "gone" ? "is no longer online" : `shows a different ${differences.join(", ") || "detail"} than your profile`;
  const lines = [
    `Your listing of ${input.businessName ?? "your business"} on ${directory} ${what} (checked ${typeof d.milestoneDays === "number" ? d.milestoneDays : "some"} days after it went live).`,
    str(d.listingUrl) ? `Listing: ${str(d.listingUrl)}` : "",
    "",
    `You can submit it again with one click: ${url}`,
  ];
  return {
    to: input.to,
    subject: `${directory}: your listing ${str(d.verdict) === "gone" ? "is gone" : "has changed"}`.slice(0, 200),
    text: lines.join("\n"),
    html: `<p>${lines.filter(Boolean).slice(0, -1).map(escapeHtml).join("<br>")}</p><p><a href="${escapeHtml(url)}">Submit it again</a></p>`,
  };
}
