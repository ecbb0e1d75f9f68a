/**
 * The notification outbox (table `notifications`). Two steps, both safe to run
 * any number of times, from the cron handler (src/scheduled.ts):
 * - `enqueueCompletionNotifications`: one `job_completed` row per job that
 *   completed in the last week and has none (unique (job_id, kind): a second
 *   run, or a concurrent one, inserts nothing);
 * - `drainNotifications`: claims due rows (moving `next_attempt_at` forward
 *   first, so a concurrent drain skips them), sends each, and marks it sent,
 *   or records the error and backs off; a permanent refusal, or
 *   MAX_ATTEMPTS failures, ends in `failed`. A sent row is never picked again.
 */
import type pg from "pg";
import { jobCompletedEmail } from "./templates";
import { sendEmail, type EmailConfig } from "./email";

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
     on conflict (job_id, kind) do nothing`,
  );
  return res.rowCount ?? 0;
}

interface ClaimedRow {
  id: string;
  job_id: string;
  kind: string;
  recipient: string;
  attempts: number;
  plan: string;
  business_name: string | null;
  total: number;
  submitted: number;
  approved: number;
  failed: number;
}

export interface DrainResult {
  sent: number;
  retrying: number;
  failed: number;
}

export async function drainNotifications(
  client: pg.Client,
  config: EmailConfig & { publicUrl: string },
  limit = 20,
): Promise<DrainResult> {
  // Claim: a lease of 10 minutes on each row, so a drain running at the same
  // time (an overlapping cron) leaves them alone.
  const claimed = await client.query<ClaimedRow>(
    `with due as (
       select id from notifications
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at limit $1 for update skip locked
     )
     update notifications n set next_attempt_at = now() + interval '10 minutes', attempts = n.attempts + 1
       from due, jobs j left join business_profiles p on p.customer_id = j.customer_id
      where n.id = due.id and j.id = n.job_id
     returning n.id, n.job_id, n.kind, n.recipient, n.attempts, j.plan, p.business_name,
               j.directories_total as total, j.directories_submitted as submitted,
               j.directories_approved as approved, j.directories_failed as failed`,
    [limit],
  );
  const result: DrainResult = { sent: 0, retrying: 0, failed: 0 };
  for (const row of claimed.rows) {
    const message = jobCompletedEmail({
      to: row.recipient,
      businessName: row.business_name,
      plan: row.plan,
      total: row.total,
      submitted: row.submitted,
      approved: row.approved,
      failed: row.failed,
      reportUrl: `${config.publicUrl.replace(/\/$/, "")}/portal/jobs/${row.job_id}`,
    });
    const outcome = await sendEmail(config, message, `notification-${row.id}`);
    if (outcome.ok) {
      await client.query(
        "update notifications set status = 'sent', sent_at = now(), provider_message_id = $2, last_error = null where id = $1 and status = 'pending'",
        [row.id, outcome.id],
      );
      result.sent++;
    } else if (outcome.permanent || row.attempts >= MAX_ATTEMPTS) {
      await client.query("update notifications set status = 'failed', last_error = $2 where id = $1 and status = 'pending'", [row.id, outcome.error]);
      result.failed++;
    } else {
      await client.query(
        "update notifications set last_error = $2, next_attempt_at = now() + make_interval(secs => $3) where id = $1 and status = 'pending'",
        [row.id, outcome.error, backoffSeconds(row.attempts)],
      );
      result.retrying++;
    }
  }
  return result;
}
