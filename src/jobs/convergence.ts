/**
 * The sweep's half of two best-effort calls into a coordinator (issue 22):
 * the start after payment and profile are in, and the cancel after a refund
 * or a staff cancel. Each is made once, after its transaction commits; if that
 * one call fails, Postgres says what should be and the coordinator does not
 * know. The cron (src/scheduled.ts) finds both cases in Postgres and calls
 * again; both calls are idempotent, so a call that did arrive is harmless.
 */
import type { Connection } from "../db/client";

/** Submission statuses a cancelled job's coordinator skips: still there, the cancel has not reached it. */
const CANCEL_SKIPS = ["pending", "queued", "retrying", "manual"];

/**
 * Jobs still `pending` though their readiness was recorded (`job_ready`: paid
 * and the profile complete), while the order is still paid, oldest first.
 */
export async function findReadyPendingJobs(conn: Connection, limit = 50): Promise<string[]> {
  const res = await conn.client.query<{ id: string }>(
    `select j.id from jobs j join orders o on o.id = j.order_id
      where j.status = 'pending' and o.status = 'paid'
        and exists (select 1 from job_events e where e.job_id = j.id and e.kind = 'job_ready')
      order by j.created_at limit $1`,
    [limit],
  );
  return res.rows.map((r) => r.id);
}

/** Cancelled jobs with work their coordinator would have skipped had the cancel reached it, and why they were cancelled. */
export async function findUnfinishedCancels(conn: Connection, limit = 50): Promise<{ jobId: string; reason: string }[]> {
  const res = await conn.client.query<{ id: string; status_reason: string | null }>(
    `select j.id, j.status_reason from jobs j
      where j.status = 'cancelled'
        and exists (select 1 from directory_submissions s where s.job_id = j.id and s.status = any($1::text[]))
        -- A coordinator that never started the job holds nothing to stop.
        and (j.started_at is not null or exists (select 1 from directory_submissions s where s.job_id = j.id and s.attempt > 0))
      order by j.updated_at limit $2`,
    [CANCEL_SKIPS, limit],
  );
  return res.rows.map((r) => ({ jobId: r.id, reason: r.status_reason ?? "cancelled" }));
}
