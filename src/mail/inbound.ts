/**
 * The verification mailboxes (Cloudflare Email Routing → the Worker's `email`
 * handler; locally `POST /cdn-cgi/handler/email?from=&to=` under wrangler dev).
 *
 * One mail: keep it raw in R2, parse it (postal-mime), find its job from the
 * recipient (`job-<jobId>@VERIFY_DOMAIN`), let that job's coordinator say
 * which directory sent it, and hand the verification link over. Anything
 * that matches nothing waits in the staff inbox (`inbound_mails`, status
 * `unmatched`). A mail is known by the SHA-256 of its bytes, so a redelivery
 * writes the same R2 object and row and queues nothing new. A failure to
 * store throws, so Email Routing (or the local caller) sees an error and the
 * mail is delivered again rather than lost.
 */
import PostalMime from "postal-mime";
import { sql } from "drizzle-orm";
import { connectFromWorker } from "../db/worker-database";
import { coordinatorFor } from "../jobs/coordinator-client";
import { log } from "../../core/log";
import { extractLinks, jobIdFromRecipient } from "./links";

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
  if (message.rawSize > MAX_MAIL_BYTES) {
    message.setReject("message too large for a verification mailbox");
    return { mailId: "", status: "rejected", reason: "too large" };
  }
  const raw = await new Response(message.raw).arrayBuffer();
  const mailId = await sha256Hex(raw);
  const parsed = await PostalMime.parse(raw);
  const subject = (parsed.subject ?? "").slice(0, 500);
  const text = (parsed.text ?? "").slice(0, 100_000);
  const links = extractLinks(parsed.text, parsed.html);
  const jobId = jobIdFromRecipient(message.to, env.VERIFY_DOMAIN ?? "");

  let result: InboundResult = { mailId, status: "unmatched", reason: jobId ? "" : "the recipient is not a job's verification address" };
  let directorySlug: string | null = null;
  let knownJob = false;
  if (jobId) {
    const coordinator = coordinatorFor(env, jobId);
    const match = await coordinator.matchVerificationMail({ mailId, from: message.from, fromHeader: parsed.from?.address ?? null, subject, text, links });
    if (!match.matched) {
      knownJob = !match.reason.startsWith("the job is not running");
      result = { mailId, status: "unmatched", reason: match.reason, ...(knownJob ? { jobId } : {}) };
    } else {
      knownJob = true;
      directorySlug = match.directorySlug;
      result = match.link
        ? { mailId, status: "matched", reason: "", jobId, submissionId: match.submissionId, link: match.link }
        : { mailId, status: "unmatched", reason: `from ${match.directoryName}, but no verification link in it`, jobId, submissionId: match.submissionId };
    }
  }

  // Raw first: whatever happens next, the mail itself is kept.
  const r2Key = directorySlug && jobId ? `mail/jobs/${jobId}/${directorySlug}/${mailId}.eml` : `mail/unmatched/${mailId}.eml`;
  await env.EVIDENCE.put(r2Key, raw, {
    httpMetadata: { contentType: "message/rfc822" },
    customMetadata: { from: message.from.slice(0, 300), to: message.to.slice(0, 300), subject: subject.slice(0, 300) },
  });
  result.r2Key = r2Key;

  if (result.status === "matched" && jobId) {
    const accepted = await coordinatorFor(env, jobId).acceptVerificationMail(result.submissionId!, result.link!, r2Key);
    result.reason = accepted.accepted ? accepted.detail : accepted.reason;
  }

  const conn = await connectFromWorker(env);
  try {
    // A job id only when that job exists (the foreign key); an unknown one stays in the reason.
    await conn.db.execute(sql`
      insert into inbound_mails (mail_id, envelope_from, envelope_to, subject, r2_key, status, reason, verification_link, job_id, submission_id)
      values (${mailId}, ${pgText(message.from.slice(0, 500))}, ${pgText(message.to.slice(0, 500))}, ${pgText(subject)}, ${r2Key}, ${result.status},
              ${result.reason ? pgText(result.reason) : null}, ${result.link ? pgText(result.link) : null}, ${knownJob ? (jobId ?? null) : null}::uuid, ${result.submissionId ?? null}::uuid)
      on conflict (mail_id) do nothing`);
  } finally {
    await conn.close();
  }
  log("info", "verification mail", { mailId, to: message.to, status: result.status, reason: result.reason, jobId: result.jobId, submissionId: result.submissionId });
  return result;
}
