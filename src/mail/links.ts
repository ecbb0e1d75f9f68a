/**
 * Links in a parsed mail (text and HTML parts), and the verification
 * mailboxes' addresses. Shared by the email handler and the coordinator, so
 * both read a mail and an address the same way.
 */
import { anchorsIn } from "../../core/anchors";

export interface MailLink {
  url: string;
  /** The anchor's text in the HTML part ("" for a bare URL in the text). */
  text: string;
}

function httpUrl(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Every http(s) link of the mail, anchors first, each URL once. */
export function extractLinks(text: string | undefined, html: string | undefined): MailLink[] {
  const out = new Map<string, MailLink>();
  for (const a of anchorsIn(html ?? "")) {
    const url = httpUrl(a.href);
    if (url && !out.has(url)) out.set(url, { url, text: a.text });
  }
  for (const m of (text ?? "").matchAll(/https?:\/\/[^\s<>"')\]]+/gi)) {
    const url = httpUrl(m[0].replace(/[.,;:!?]+$/, ""));
    if (url && !out.has(url)) out.set(url, { url, text: "" });
  }
  return [...out.values()].slice(0, 200);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A verification mailbox: one per submission, `v-<jobId as 32 hex>-<token>`,
 * where the token is random and known only to the job's coordinator (and the
 * directory it was typed into), so nobody can mail a submission's mailbox by
 * guessing. `job-<jobId>` is the shared address jobs used before; anyone who
 * knows a job id can write to it, so its mail is kept for staff and never
 * opened.
 */
export type Mailbox = { kind: "submission"; jobId: string; token: string } | { kind: "job"; jobId: string };

/** 20 characters of base32: 100 random bits. */
const TOKEN = /^[a-z2-7]{20}$/;

export function newMailboxToken(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  return [...crypto.getRandomValues(new Uint8Array(20))].map((b) => alphabet[b & 31]).join("");
}

const dashed = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;

/** The mailbox an address names, or null when it is not one of ours. */
export function mailboxOf(address: string, verifyDomain: string): Mailbox | null {
  const m = /^([^@]+)@(.+)$/.exec(address.trim().toLowerCase());
  const domain = verifyDomain.trim().toLowerCase();
  if (!m || !domain || m[2] !== domain) return null;
  const local = m[1]!;
  const sub = /^v-([0-9a-f]{32})-([a-z2-7]+)$/.exec(local);
  if (sub && TOKEN.test(sub[2]!)) return { kind: "submission", jobId: dashed(sub[1]!), token: sub[2]! };
  const job = /^job-(.+)$/.exec(local);
  if (job && UUID.test(job[1]!)) return { kind: "job", jobId: job[1]! };
  return null;
}

/** The address one submission gives its directory (the directory mails its verification link there). */
export function verificationAddress(jobId: string, token: string, verifyDomain: string): string {
  return `v-${jobId.replace(/-/g, "").toLowerCase()}-${token}@${verifyDomain}`;
}
