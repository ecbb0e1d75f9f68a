/**
 * Verification mails of one job. A mail reaches this object only through one
 * of its submissions' mailboxes (src/mail/links.ts), so the mailbox names the
 * submission; what is left to judge is whether the mail really comes from
 * that submission's directory and which link confirms the listing:
 * - trust: our MX's DKIM or SPF result aligned with the directory's
 *   registrable domain (core/domains.ts); DKIM (the message was signed by the
 *   directory's domain) over SPF (it left a server the domain allows, which
 *   may be a shared mail service); nothing aligned, nothing opened;
 * - the link: on the directory's registrable domain, worded like a
 *   confirmation, never an unsubscribe/privacy link.
 */
import { httpHost, registrableDomain, sameSite } from "../../core/domains";
import type { MailAuth } from "../../src/mail/authentication";
import type { MailLink } from "../../src/mail/links";
import type { SubmissionStatus } from "../../core/statuses";
import type { TaskRow } from "./task-store";

/** What the email handler tells the coordinator about one mail. */
export interface MailFacts {
  mailId: string;
  /** The mailbox it was sent to: a submission's token, or the job's old shared address. */
  mailbox: { token: string } | { job: true };
  /** Envelope sender, and the From header's address. */
  from: string;
  fromHeader: string | null;
  subject: string;
  text: string;
  links: MailLink[];
  /** What our own MX vouches for (src/mail/authentication.ts). */
  auth: MailAuth;
}

/** How well a mail is tied to its directory: 2 DKIM aligned, 1 SPF aligned, 0 neither. */
export type MailTrust = 0 | 1 | 2;

export type MailMatch =
  | { matched: true; submissionId: string; directorySlug: string; directoryName: string; link: string | null; trust: MailTrust; status: SubmissionStatus }
  | { matched: false; reason: string; submissionId?: string; directorySlug?: string; refused?: boolean };

/** Statuses in which a directory may be mailing us about the submission. */
/**
 * Statuses a submission's mailbox takes mail in. A retry waiting ("retrying",
 * "queued") too: a verification mail then proves an earlier attempt's post
 * arrived, and the submission is not posted again (AfterSubmit.acceptMail).
 */
export const MAILABLE: SubmissionStatus[] = ["submitting", "retrying", "queued", "submitted", "awaiting_verification", "approved"];

const VERIFY_WORDS = /verif|confirm|activat|validat|token|bestätig|bestaetig|freischalt|bevestig|conferm|confirma|valider/i;
const AVOID_WORDS = /unsubscribe|abmelden|désinscri|desinscri|privacy|datenschutz|terms|agb|help|support/i;

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

/** The trust our MX's results give a mail for the directory at `website`. */
export function mailTrust(auth: MailAuth, website: string): MailTrust {
  const host = httpHost(website);
  if (!host || registrableDomain(host) === null) return 0;
  if (auth.dkim.some((d) => sameSite(d, host))) return 2;
  if (auth.spf && sameSite(auth.spf, host)) return 1;
  return 0;
}

/** The link that confirms the listing: on the directory's registrable domain, worded like a confirmation. */
export function pickVerificationLink(links: MailLink[], website: string): string | null {
  const host = httpHost(website);
  if (!host) return null;
  const ranked = links
    .filter((l) => sameSite(httpHost(l.url), host))
    .filter((l) => !AVOID_WORDS.test(l.url) && !AVOID_WORDS.test(l.text))
    .map((l) => ({ l, rank: (VERIFY_WORDS.test(l.url) ? 2 : 0) + (VERIFY_WORDS.test(l.text) ? 1 : 0) + (underSite(l.url, website) ? 1 : 0) }))
    .filter((x) => x.rank >= 2)
    .sort((a, b) => b.rank - a.rank);
  return ranked[0]?.l.url ?? null;
}

/** A mail to a submission's own mailbox: from its directory (authenticated), with the link to open. */
export function matchMail(task: TaskRow, mail: MailFacts): MailMatch {
  const about = { submissionId: task.submission_id, directorySlug: task.directory_slug };
  if (!MAILABLE.includes(task.status)) return { matched: false, reason: `the submission is ${task.status}, not waiting for mail`, ...about };
  const trust = mailTrust(mail.auth, task.website);
  if (trust === 0) {
    const site = registrableDomain(httpHost(task.website)) ?? task.website;
    const why = mail.auth.untrusted ?? `neither DKIM nor SPF passed for ${site}`;
    return { matched: false, reason: `not authenticated as ${task.directory_name}: ${why}`, ...about };
  }
  return {
    matched: true,
    submissionId: task.submission_id,
    directorySlug: task.directory_slug,
    directoryName: task.directory_name,
    link: pickVerificationLink(mail.links, task.website),
    trust,
    status: task.status,
  };
}
