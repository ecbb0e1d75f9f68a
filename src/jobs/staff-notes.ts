/**
 * What the retry analyzer told staff about a job's submissions, read from
 * the coordinator's events in Postgres (`job_events`): the sentence for staff
 * on each stop (`submission_failed` / `submission_skipped`, `staffReason` in the
 * staff-only `job_event_staff_notes`, migration 0013)
 * and each retry's decision (`submission_retrying`, `data.retry`). Read as the
 * signed-in user under RLS, so only staff see other customers' events.
 * Returns null when the job is not visible (unknown, or not the user's).
 */
import { sql } from "drizzle-orm";
import type { AuthUser } from "../auth/user-token";
import type { Database } from "../db/client";
import { asClient } from "../db/rls";
import type { RetryNote, StaffJobNotes, SubmissionNotes } from "../../core/protocol/staff";
import type { ValueFix } from "../../core/protocol/tasks";

type EventRow = {
  submission_id: string;
  kind: string;
  data: { staffReason?: unknown; retry?: { why?: unknown; fixes?: unknown }; outcome?: { attempt?: unknown } };
  dedupe_key: string | null;
  created_at: string | Date;
};

const WHY = new Set<RetryNote["why"]>(["retry", "captcha", "fix"]);

/**
 * The failed attempt's number: the worker's outcome carries it; a retry after
 * an expired lease (or a stop after a dead letter) has no outcome, and the
 * coordinator's dedupe key (`<submission>:<attempt>:<kind>`) does.
 */
function attemptOf(row: EventRow): number | null {
  const reported = row.data.outcome?.attempt;
  if (Number.isInteger(reported)) return reported as number;
  const fromKey = Number(row.dedupe_key?.split(":")[1]);
  return Number.isInteger(fromKey) && fromKey > 0 ? fromKey : null;
}

export async function staffJobNotes(db: Database, user: AuthUser, jobId: string): Promise<StaffJobNotes | null> {
  const rows = await asClient(db, "authenticated", user.claims, async (tx) => {
    const job = await tx.execute<{ id: string }>(sql`select id from jobs where id = ${jobId}`);
    if (job.rows.length !== 1) return null;
    const events = await tx.execute<EventRow>(sql`
      select e.submission_id, e.kind, e.data || coalesce(n.data, '{}'::jsonb) as data, e.dedupe_key, e.created_at
      from job_events e
      left join job_event_staff_notes n on n.job_event_id = e.id
      where e.job_id = ${jobId} and e.submission_id is not null
        and ((e.kind in ('submission_failed', 'submission_skipped') and n.data ? 'staffReason')
             or (e.kind = 'submission_retrying' and e.data ? 'retry'))
      order by e.created_at, e.id`);
    return events.rows;
  });
  if (!rows) return null;
  const bySubmission = new Map<string, SubmissionNotes>();
  for (const row of rows) {
    let notes = bySubmission.get(row.submission_id);
    if (!notes) bySubmission.set(row.submission_id, (notes = { submissionId: row.submission_id, stop: null, retries: [] }));
    const at = new Date(row.created_at).toISOString();
    const attempt = attemptOf(row);
    if (attempt === null) continue;
    if (row.kind === "submission_retrying") {
      const why = row.data.retry?.why as RetryNote["why"];
      if (!WHY.has(why)) continue;
      const fixes = Array.isArray(row.data.retry?.fixes) ? (row.data.retry.fixes as ValueFix[]) : [];
      notes.retries.push({ attempt, why, fixes, at });
    } else if (typeof row.data.staffReason === "string") {
      // Ordered oldest first: the last stop wins.
      notes.stop = { status: row.kind === "submission_skipped" ? "skipped" : "failed", staffReason: row.data.staffReason, attempt, at };
    }
  }
  return { jobId, submissions: [...bySubmission.values()].filter((n) => n.stop !== null || n.retries.length > 0) };
}
