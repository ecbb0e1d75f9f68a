/**
 * The notification outbox (table `notifications`). Two steps, both safe to run
 * any number of times, from the cron handler (src/scheduled.ts):
 * (Payment notices are enqueued by the Stripe webhook, src/notifications/payment-notices.ts;
 * directory mails by the email handler, src/mail/directory-mail.ts, and
 * their daily digests by src/notifications/directory-mail-digest.ts.)
 * - `enqueueCompletionNotifications`: one `job_completed` row per job that
 *   completed in the last week and has none (unique (job_id, kind): a second
 *   run, or a concurrent one, inserts nothing);
 * - `drainNotifications`: claims due rows (moving `next_attempt_at` forward
 *   first, so a concurrent drain skips them), sends each, and marks it sent,
 *   or records the error and backs off; a permanent refusal, or
 *   MAX_ATTEMPTS failures, ends in `failed`. A sent row is never picked again.
 */
import type pg from "pg";
import type { NotificationKind } from "../db/schema";
import { directoryMailDigestEmail, directoryMailEmail, jobCompletedEmail, listingFlaggedEmail, paymentNoticeEmail } from "./templates";
import { sendEmail, type EmailConfig, type EmailMessage } from "./email";

export const MAX_ATTEMPTS = 8;
/** Backoff after the n-th failed attempt: 1, 2, 4 … minutes, at most 6 h. */
export function backoffSeconds(attempts: number): number {
  return Math.min(6 * 3600, 60 * 2 ** Math.max(0, attempts - 1));
}

export async function enqueueCompletionNotifications(client: pg.Client): Promise<number> {
  const res = await client.query(
    `insert into notifications (job_id, customer_id, kind, recipient)
     select j.id, j.customer_id, 'job_completed', c.email
       from jobs j join customers c on c.id = j.customer_id
      where j.status = 'completed' and j.completed_at > now() - interval '7 days'
        and not exists (select 1 from notifications n where n.job_id = j.id and n.kind = 'job_completed')
     on conflict (job_id, kind) where kind = 'job_completed' do nothing`,
  );
  return res.rowCount ?? 0;
}

interface ClaimedRow {
  id: string;
  job_id: string | null;
  kind: NotificationKind;
  recipient: string;
  attempts: number;
  data: Record<string, unknown>;
  business_name: string | null;
  plan: string | null;
  total: number | null;
  submitted: number | null;
  approved: number | null;
  failed: number | null;
}

export interface DrainResult {
  sent: number;
  retrying: number;
  failed: number;
}

function messageFor(row: ClaimedRow, publicUrl: string): EmailMessage {
  if (row.kind === "job_completed") {
    return jobCompletedEmail({
      to: row.recipient,
      businessName: row.business_name,
      plan: row.plan ?? "",
      total: row.total ?? 0,
      submitted: row.submitted ?? 0,
      approved: row.approved ?? 0,
      failed: row.failed ?? 0,
      reportUrl: `${publicUrl.replace(/\/$/, "")}/portal/jobs/${row.job_id}`,
    });
  }
  if (row.kind === "directory_mail") return directoryMailEmail({ to: row.recipient, businessName: row.business_name, jobId: row.job_id, data: row.data, publicUrl });
  if (row.kind === "listing_flagged") return listingFlaggedEmail({ to: row.recipient, businessName: row.business_name, jobId: row.job_id, data: row.data, publicUrl });
  if (row.kind === "directory_mail_digest") return directoryMailDigestEmail({ to: row.recipient, businessName: row.business_name, data: row.data, publicUrl });
  return paymentNoticeEmail(row.kind, { to: row.recipient, businessName: row.business_name, data: row.data, publicUrl });
}

export async function drainNotifications(client: pg.Client, config: EmailConfig & { publicUrl: string }, limit = 20): Promise<DrainResult> {
  // Claim: a lease of 10 minutes on each row, so a drain running at the same
  // time (an overlapping cron) leaves them alone. Completion notices read the
  // job's figures now; payment notices carry theirs in `data`.
  const claimed = await client.query<ClaimedRow>(
    `with due as (
       select id from notifications
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at limit $1 for update skip locked
     ), claimed as (
       update notifications n set next_attempt_at = now() + interval '10 minutes', attempts = n.attempts + 1
         from due where n.id = due.id
       returning n.id, n.job_id, n.customer_id, n.kind, n.recipient, n.attempts, n.data
     )
     select c.id, c.job_id, c.kind, c.recipient, c.attempts, c.data, p.business_name, j.plan,
            j.directories_total as total, j.directories_submitted as submitted,
            j.directories_approved as approved, j.directories_failed as failed
       from claimed c left join jobs j on j.id = c.job_id
       left join business_profiles p on p.customer_id = c.customer_id`,
    [limit],
  );
  const result: DrainResult = { sent: 0, retrying: 0, failed: 0 };
  for (const row of claimed.rows) {
    const message = messageFor(row, config.publicUrl);
    const outcome = await sendEmail(config, message, `notification-${row.id}`);
    if (outcome.ok) {
      await client.query("update notifications set status = 'sent', sent_at = now(), provider_message_id = $2, last_error = null where id = $1 and status = 'pending'", [row.id, outcome.id]);
      result.sent++;
    } else if (outcome.permanent || row.attempts >= MAX_ATTEMPTS) {
      await client.query("update notifications set status = 'failed', last_error = $2 where id = $1 and status = 'pending'", [row.id, outcome.error]);
      result.failed++;
    } else {
      await client.query("update notifications set last_error = $2, next_attempt_at = now() + make_interval(secs => $3) where id = $1 and status = 'pending'", [
        row.id,
        outcome.error,
        backoffSeconds(row.attempts),
      ]);
      result.retrying++;
    }
  }
  return result;
}
