/**
 * Verification mails of one job: which of the job's directories sent a mail
 * (sender domain against the directory's host, links under the directory's
 * site, its name in the mail), which link confirms the listing, and what the
 * opened link means for the submission. The mail reached this object only
 * because its recipient names this job, so another job's mail never gets here.
 */
import type { MailLink } from "../../src/mail/links";
import type { SubmissionStatus } from "../../core/statuses";
import type { TaskRow } from "./task-store";

/** What the email handler tells the coordinator about one mail. */
export interface MailFacts {
  mailId: string;
  /** Envelope sender, and the From header's address. */
  from: string;
  fromHeader: string | null;
  subject: string;
  text: string;
  links: MailLink[];
}

export type MailMatch = { matched: true; submissionId: string; directorySlug: string; directoryName: string; link: string | null; status: SubmissionStatus } | { matched: false; reason: string };

/** Statuses in which a directory may be mailing us about the submission. */
const MAILABLE: SubmissionStatus[] = ["submitting", "submitted", "awaiting_verification", "approved"];

const VERIFY_WORDS = /verif|confirm|activat|validat|token|bestätig|bestaetig|freischalt|bevestig|conferm|confirma|valider/i;
const AVOID_WORDS = /unsubscribe|abmelden|désinscri|desinscri|privacy|datenschutz|terms|agb|help|support/i;

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

function domainOf(address: string | null): string | null {
  const m = /@([^@>\s]+)>?\s*$/.exec(address ?? "");
  return m ? m[1]!.toLowerCase().replace(/^\[|\]$/g, "") : null;
}

/** The last two labels (good enough to tie mail.example.com to www.example.com); IPs as they are. */
function baseDomain(host: string): string {
  if (/^[\d.]+$/.test(host) || host.includes(":")) return host;
  return host.split(".").slice(-2).join(".");
}

/** Under the directory's own site: same origin and within its base path. */
function underSite(url: string, website: string): boolean {
  try {
    const u = new URL(url);
    const w = new URL(website);
    const base = w.pathname.endsWith("/") ? w.pathname : `${w.pathname}/`;
    return u.origin === w.origin && (u.pathname + "/").startsWith(base);
  } catch {
    return false;
  }
}

function score(task: TaskRow, mail: MailFacts): number {
  const host = hostOf(task.website);
  if (!host) return 0;
  let s = 0;
  const senders = [domainOf(mail.from), domainOf(mail.fromHeader)].filter((d): d is string => d !== null);
  if (senders.some((d) => d === host || baseDomain(d) === baseDomain(host))) s += 2;
  if (mail.links.some((l) => underSite(l.url, task.website))) s += 3;
  else if (mail.links.some((l) => hostOf(l.url) === host)) s += 1;
  const name = task.directory_name.toLowerCase();
  if (name.length >= 3 && `${mail.subject}\n${mail.text}`.toLowerCase().includes(name)) s += 1;
  return s;
}

/** The link that confirms the listing: the directory's own, worded like a confirmation. */
export function pickVerificationLink(links: MailLink[], website: string): string | null {
  const host = hostOf(website);
  const ranked = links
    .filter((l) => hostOf(l.url) === host || (host !== null && baseDomain(hostOf(l.url) ?? "") === baseDomain(host)))
    .filter((l) => !AVOID_WORDS.test(l.url) && !AVOID_WORDS.test(l.text))
    .map((l) => ({ l, rank: (VERIFY_WORDS.test(l.url) ? 2 : 0) + (VERIFY_WORDS.test(l.text) ? 1 : 0) + (underSite(l.url, website) ? 1 : 0) }))
    .filter((x) => x.rank >= 2)
    .sort((a, b) => b.rank - a.rank);
  return ranked[0]?.l.url ?? null;
}

/** Needs a sender or link tie to the directory (3 points at least) and one clear best. */
export function matchMail(tasks: TaskRow[], mail: MailFacts): MailMatch {
  const scored = tasks
    .filter((t) => MAILABLE.includes(t.status))
    .map((t) => ({ t, s: score(t, mail) }))
    .filter((x) => x.s >= 3)
    .sort((a, b) => b.s - a.s);
  if (scored.length === 0) return { matched: false, reason: "no directory of this job matches the sender or the links" };
  if (scored.length > 1 && scored[1]!.s === scored[0]!.s) return { matched: false, reason: `ambiguous: ${scored[0]!.t.directory_name} or ${scored[1]!.t.directory_name}` };
  const task = scored[0]!.t;
  return {
    matched: true,
    submissionId: task.submission_id,
    directorySlug: task.directory_slug,
    directoryName: task.directory_name,
    link: pickVerificationLink(mail.links, task.website),
    status: task.status,
  };
}
