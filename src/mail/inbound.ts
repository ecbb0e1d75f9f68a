/**
 * The verification mailboxes (Cloudflare Email Routing → the Worker's `email`
 * handler; locally `POST /cdn-cgi/handler/email?from=&to=` under wrangler dev).
 *
 * One mail: find the job and submission from the recipient (a submission's
 * own mailbox, src/mail/links.ts), read what our MX vouches for about the
 * sender (authentication.ts), let that job's coordinator count it against
 * the mailbox caps and say whether it comes from the submission's directory,
 * keep it raw in R2 and hand the verification link over. A mail to no mailbox
 * of a job we have, or over the caps, is refused and nothing is written for
 * it. Anything kept that is not opened waits in the staff inbox
 * (`inbound_mails`, status `unmatched`, with the reason). A mail is known by
 * the SHA-256 of its bytes, so a redelivery writes the same R2 object and row
 * and queues nothing new. A failure to store throws, so Email Routing (or the
 * local caller) sees an error and the mail is delivered again rather than lost.
 */
import PostalMime from "postal-mime";
import { sql } from "drizzle-orm";
import { connectFromWorker } from "../db/worker-database";
import { coordinatorFor } from "../jobs/coordinator-client";
import { log } from "../../core/log";
import type { Database } from "../db/client";
import { mailAuthentication } from "./authentication";
import { recordDirectoryMail } from "./directory-mail";
import { sanitizeMail } from "./sanitize";
import { extractLinks, type Mailbox, mailboxOf } from "./links";

/** Directories' verification mails are small; anything bigger is not one. */
export const MAX_MAIL_BYTES = 2 * 1024 * 1024;

/** The part of ForwardableEmailMessage the handler uses. */
export interface InboundMessage {
  readonly from: string;
  readonly to: string;
  readonly raw: ReadableStream<Uint8Array>;
  readonly rawSize: number;
  setReject(reason: string): void;
}

export interface InboundResult {
  mailId: string;
  status: "matched" | "unmatched" | "rejected";
  reason: string;
  r2Key?: string;
  jobId?: string;
  submissionId?: string;
  link?: string;
  /** Shown to the job's owner (directory mail): a verification, or a message e-mailed to them. */
  customerMail?: "verification" | "message";
  /** An at-once e-mail to the customer entered the notification outbox. */
  notified?: boolean;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Postgres text cannot hold NUL, and anyone can mail a job's address a subject
 * like `=?UTF-8?B?AA==?=`: unreplaced, the insert fails and Email Routing
 * delivers the mail again forever. It becomes U+FFFD, as in the coordinator's outbox.
 */
const pgText = (s: string): string => s.replaceAll("\u0000", "\uFFFD");

export async function handleInboundMail(message: InboundMessage, env: Env): Promise<InboundResult> {
  const refuse = (reason: string): InboundResult => {
    message.setReject(reason);
    log("info", "verification mail refused", { to: message.to, reason });
    return { mailId: "", status: "rejected", reason };
  };
  if (message.rawSize > MAX_MAIL_BYTES) return refuse("message too large for a verification mailbox");
  // Anyone can mail the catch-all: nothing is written for an address that is no mailbox of a job we have.
  const mailbox = mailboxOf(message.to, env.VERIFY_DOMAIN ?? "");
  if (!mailbox) return refuse("no such mailbox");
  const conn = await connectFromWorker(env);
  try {
    const job = await conn.db.execute(sql`select 1 from jobs where id = ${mailbox.jobId}::uuid`);
    if (job.rows.length === 0) return refuse("no such mailbox");
    return await receive(message, env, mailbox, conn.db, refuse);
  } finally {
    await conn.close();
  }
}

async function receive(message: InboundMessage, env: Env, mailbox: Mailbox, db: Database, refuse: (reason: string) => InboundResult): Promise<InboundResult> {
  const raw = await new Response(message.raw).arrayBuffer();
  const mailId = await sha256Hex(raw);
  const parsed = await PostalMime.parse(raw);
  const subject = (parsed.subject ?? "").slice(0, 500);
  const text = (parsed.text ?? "").slice(0, 100_000);
  const links = extractLinks(parsed.text, parsed.html);
  const auth = mailAuthentication(parsed.headers);
  const { jobId } = mailbox;

  const coordinator = coordinatorFor(env, jobId);
  const match = await coordinator.matchVerificationMail({
    mailId,
    mailbox: mailbox.kind === "submission" ? { token: mailbox.token } : { job: true },
    from: message.from,
    fromHeader: parsed.from?.address ?? null,
    subject,
    text,
    links,
    auth,
  });
  if (!match.matched && match.refused) return refuse(match.reason);
  let result: InboundResult;
  if (!match.matched) result = { mailId, status: "unmatched", reason: match.reason, jobId, ...(match.submissionId ? { submissionId: match.submissionId } : {}) };
  else if (!match.link) result = { mailId, status: "unmatched", reason: `from ${match.directoryName}, but no verification link on its site in it`, jobId, submissionId: match.submissionId };
  else result = { mailId, status: "matched", reason: "", jobId, submissionId: match.submissionId, link: match.link };

  // Raw first: whatever happens next, the mail itself is kept.
  const r2Key = match.matched && match.link ? `mail/jobs/${jobId}/${match.directorySlug}/${mailId}.eml` : `mail/unmatched/${mailId}.eml`;
  await env.EVIDENCE.put(r2Key, raw, {
    httpMetadata: { contentType: "message/rfc822" },
    customMetadata: { from: message.from.slice(0, 300), to: message.to.slice(0, 300), subject: subject.slice(0, 300) },
  });
  result.r2Key = r2Key;

  if (match.matched && match.link) {
    const accepted = await coordinator.acceptVerificationMail(match.submissionId, match.link, r2Key, match.trust);
    result.reason = accepted.accepted ? accepted.detail : accepted.reason;
  }

  await db.execute(sql`
    insert into inbound_mails (mail_id, envelope_from, envelope_to, subject, r2_key, status, reason, verification_link, job_id, submission_id)
    values (${mailId}, ${pgText(message.from.slice(0, 500))}, ${pgText(message.to.slice(0, 500))}, ${pgText(subject)}, ${r2Key}, ${result.status},
            ${result.reason ? pgText(result.reason) : null}, ${result.link ? pgText(result.link) : null}, ${jobId}::uuid, ${result.submissionId ?? null}::uuid)
    on conflict (mail_id) do nothing`);

  // The listing's mailbox is the customer's: whatever a submission's mailbox took (not the old shared address, which anyone may write to).
  const submissionId = match.submissionId;
  if (mailbox.kind === "submission" && submissionId) {
    result.customerMail = result.status === "matched" ? "verification" : "message";
    const recorded = await recordDirectoryMail(db, {
      mailId,
      jobId,
      submissionId,
      kind: result.customerMail,
      fromDirectory: match.matched,
      mail: sanitizeMail(parsed, message.from),
    });
    result.notified = recorded.notified;
  }
  log("info", "verification mail", { mailId, to: message.to, status: result.status, reason: result.reason, jobId: result.jobId, submissionId: result.submissionId });
  return result;
}
