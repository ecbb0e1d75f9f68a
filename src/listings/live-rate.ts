/**
 * Live rate (issue 17 item 5): how many of a job's listings were live 7, 14
 * and 28 days after the job started, against the count promised; the jobs
 * under 70% at 28 days (the staff dashboard); and, from the cron, the
 * replacements that bring such a job back towards 70%.
 *
 * The clock is the job's start (`jobs.started_at`), not each submission's:
 * the promise ("70% live within four weeks") is the customer's, counted from
 * when their job began; a per-submission clock would let a slow job hide
 * behind late submissions. A replacement made later gets its own 28 days
 * before it is itself replaced (else it would be replaced on the day it is
 * made). Live = `approved` with its go-live time (`approved_at`).
 *
 * Exactly once: the sweep asks the job's coordinator (`replaceNotLive`),
 * which chooses in Postgres under `replaces_submission_id`'s unique key
 * (durable-objects/coordinator/replacements.ts). A replayed or concurrent
 * sweep sees the rows already chosen (a replaced submission is no longer a
 * candidate, and a fresh replacement counts as still open), so it asks for
 * nothing more, and asking again for the same submission returns the row
 * first chosen.
 */
import type pg from "pg";
import { log } from "../../core/log";
import { PLANS } from "../../core/plans";
import { LIVE_RATE_DAYS, LIVE_RATE_DEADLINE_DAYS, LIVE_RATE_TARGET, type JobLiveRate } from "../../core/protocol/live-rate";

/** Jobs looked at per cron run: each may cost a catalog query per replacement. */
const JOBS_PER_RUN = 20;
/**
 * The sweep looks at jobs started at most this long ago: every run reads the
 * submissions of each job it considers, and a job still under target after
 * four months (its catalog exhausted day after day) is staff's, on their list.
 */
const SWEEP_WINDOW_DAYS = 120;
/** Listed on the staff dashboard at most. */
const LIST_LIMIT = 200;

const DAY_MS = 86_400_000;

interface FactsRow {
  job_id: string;
  plan: string;
  status: string;
  started_at: Date | null;
  promised: number;
  live_now: number;
  live_by: number[];
  replacements: number;
}

/**
 * The figures of every job matching `where` (the job's alias is `j`).
 * Promised: the checkout's promise, else the plan's count, less what a
 * shortfall refund paid back (a directory refunded is not owed a listing).
 */
/**
 * Live at a moment: approved by then, or found already listed by then (the
 * business's own listing, live for the customer though not delivered by us;
 * its status is final, so its row's last update is when it was found).
 */
const liveBy = (at: string) => `((s.status = 'approved' and s.approved_at <= ${at}) or (s.status = 'already_listed' and s.updated_at <= ${at}))`;

function factsQuery(where: string): string {
  const byDay = LIVE_RATE_DAYS.map((d) => `count(s.id) filter (where ${liveBy(`j.started_at + interval '${d} days'`)})::int`).join(", ");
  return `
    select j.id as job_id, j.plan, j.status, j.started_at,
           greatest(0, coalesce(cp.promised, ($1::jsonb ->> j.plan)::int, 0) - coalesce(sr.promised - sr.delivered, 0))::int as promised,
           count(s.id) filter (where ${liveBy("$2")})::int as live_now,
           array[${byDay}] as live_by,
           count(s.id) filter (where s.replaces_submission_id is not null)::int as replacements
      from jobs j
      left join orders o on o.id = j.order_id
      left join checkout_promises cp on cp.session_id = o.stripe_checkout_session_id
      left join shortfall_refunds sr on sr.job_id = j.id
      left join directory_submissions s on s.job_id = j.id
     where ${where}
     group by j.id, cp.promised, sr.promised, sr.delivered`;
}

const planCounts = JSON.stringify(Object.fromEntries(Object.values(PLANS).map((p) => [p.id, p.directories])));

export function targetOf(promised: number): number {
  return Math.ceil(promised * LIVE_RATE_TARGET - 1e-9);
}

function toLiveRate(row: FactsRow, now: Date): JobLiveRate {
  const start = row.started_at ? row.started_at.getTime() : null;
  const target = targetOf(row.promised);
  const percent = (n: number) => (row.promised > 0 ? Math.round((n / row.promised) * 1000) / 10 : 0);
  const milestones = LIVE_RATE_DAYS.map((day, i) => {
    const at = start === null ? null : start + day * DAY_MS;
    const reached = at !== null && at <= now.getTime();
    // Before the day: the listings live so far.
    const live = reached ? row.live_by[i]! : row.live_now;
    return { day, at: at === null ? null : new Date(at).toISOString(), reached, live, percent: percent(live) };
  });
  const deadlinePassed = start !== null && start + LIVE_RATE_DEADLINE_DAYS * DAY_MS <= now.getTime();
  return {
    jobId: row.job_id,
    plan: row.plan,
    status: row.status,
    startedAt: start === null ? null : new Date(start).toISOString(),
    promised: row.promised,
    target,
    liveNow: row.live_now,
    milestones,
    underTarget: deadlinePassed && row.status !== "cancelled" && row.live_now < target,
    replacements: row.replacements,
  };
}

/** One job's live rate; null for no such job. */
export async function jobLiveRate(client: pg.Client, jobId: string, now = new Date()): Promise<JobLiveRate | null> {
  const { rows } = await client.query<FactsRow>(factsQuery("j.id = $3"), [planCounts, now, jobId]);
  return rows[0] ? toLiveRate(rows[0], now) : null;
}

/**
 * Jobs 28 days or more past their start with fewer listings live now than
 * 70% of the promise, the furthest behind first (the staff dashboard, and
 * the sweep's candidates). Live now, not at day 28: a job brought back to
 * 70% by its replacements leaves the list. `jobId` narrows it to one job;
 * `startedWithinDays` to jobs started since (the sweep's window).
 */
export async function jobsUnderLiveTarget(client: pg.Client, now = new Date(), jobId: string | null = null, startedWithinDays: number | null = null): Promise<JobLiveRate[]> {
  const { rows } = await client.query<FactsRow>(
    `select * from (${factsQuery(`j.status not in ('pending', 'cancelled') and j.started_at is not null
        and j.started_at + make_interval(days => $4) <= $2 and ($3::uuid is null or j.id = $3)
        and ($7::int is null or j.started_at > $2::timestamptz - make_interval(days => $7))`)}) f
      where f.live_now < ceil(f.promised * $5::numeric - 1e-9)
      order by f.live_now::numeric / greatest(f.promised, 1), f.started_at limit $6`,
    [planCounts, now, jobId, LIVE_RATE_DEADLINE_DAYS, LIVE_RATE_TARGET, LIST_LIMIT, startedWithinDays],
  );
  return rows.map((r) => toLiveRate(r, now));
}

interface CandidateRow {
  id: string;
  status: string;
  failure_class: string | null;
  failure_reason: string | null;
  ended: boolean;
  due: boolean;
}

export interface LiveRateReplacementPlan {
  jobId: string;
  /** Listings still needed for 70%, less those still on their way. */
  needed: number;
  requests: { submissionId: string; reason: string }[];
}

/**
 * What to replace in a job under target: submissions without a replacement
 * that refused for good (failed, or skipped as listed by another job) or
 * were sent but not published 28 days after they began, oldest first, as
 * many as are still missing for 70% once the listings live and those still
 * on their way (in flight, or within their own 28 days) are counted.
 */
export async function planLiveRateReplacements(client: pg.Client, rate: JobLiveRate, now: Date): Promise<LiveRateReplacementPlan> {
  const { rows } = await client.query<CandidateRow>(
    `select s.id, s.status, s.failure_class, s.failure_reason,
            (s.status = 'failed' or (s.status = 'skipped' and s.failure_class = 'duplicate_listing')) as ended,
            greatest(j.started_at, s.created_at) + make_interval(days => $2) <= $3 as due
       from directory_submissions s join jobs j on j.id = s.job_id
      where s.job_id = $1 and s.status not in ('approved', 'already_listed')
        and not exists (select 1 from directory_submissions r where r.replaces_submission_id = s.id)
      order by greatest(j.started_at, s.created_at), s.created_at, s.id`,
    [rate.jobId, LIVE_RATE_DEADLINE_DAYS, now],
  );
  const sentUnpublished = (r: CandidateRow) => r.due && (r.status === "submitted" || r.status === "awaiting_verification");
  const candidates = rows.filter((r) => r.ended || sentUnpublished(r));
  // A staff skip or a cancelled job's skip is neither replaced nor on its way.
  const onTheirWay = rows.filter((r) => !r.ended && !sentUnpublished(r) && r.status !== "skipped" && r.status !== "failed").length;
  const needed = Math.max(0, rate.target - rate.liveNow - onTheirWay);
  return {
    jobId: rate.jobId,
    needed,
    requests: candidates.slice(0, needed).map((r) => ({
      submissionId: r.id,
      reason: r.ended ? (r.failure_reason ?? r.failure_class ?? r.status) : `not live ${LIVE_RATE_DEADLINE_DAYS} days after it was sent (${r.status.replace(/_/g, " ")})`,
    })),
  };
}

export interface LiveRateSweepResult {
  /** Jobs under target past day 28 that were looked at. */
  jobs: number;
  /** Replacement submissions made in this run. */
  replaced: number;
  /** Jobs whose catalog had nothing left (not asked again the same day). */
  exhausted: number;
}

export interface LiveRateCoordinator {
  replaceNotLive(requests: { submissionId: string; reason: string }[]): Promise<{ replaced: string[]; exhausted: boolean }>;
}

/**
 * The cron's step: every job under target past day 28 asks its coordinator
 * for the replacements it still needs. A job whose catalog ran out is
 * recorded once a day (a `live_rate_exhausted` event) and left alone until
 * the next day, when the catalog may have grown.
 */
/** `jobId`: that job alone (a test sharing the database with others). */
export async function replaceForLiveRate(client: pg.Client, coordinatorFor: (jobId: string) => LiveRateCoordinator, now = new Date(), jobId: string | null = null): Promise<LiveRateSweepResult> {
  const day = now.toISOString().slice(0, 10);
  const under = await jobsUnderLiveTarget(client, now, jobId, SWEEP_WINDOW_DAYS);
  const result: LiveRateSweepResult = { jobs: 0, replaced: 0, exhausted: 0 };
  for (const rate of under) {
    if (result.jobs >= JOBS_PER_RUN) break;
    const key = `live-rate:exhausted:${rate.jobId}:${day}`;
    const seen = await client.query("select 1 from job_events where dedupe_key = $1", [key]);
    if (seen.rowCount) continue;
    const plan = await planLiveRateReplacements(client, rate, now);
    if (plan.requests.length === 0) continue;
    result.jobs++;
    try {
      const answer = await coordinatorFor(rate.jobId).replaceNotLive(plan.requests);
      result.replaced += answer.replaced.length;
      if (answer.exhausted) {
        result.exhausted++;
        await client.query(
          `insert into job_events (job_id, customer_id, kind, message, data, dedupe_key)
           select id, customer_id, 'live_rate_exhausted', $2, $3::jsonb, $4 from jobs where id = $1
           on conflict (dedupe_key) do nothing`,
          [
            rate.jobId,
            `${rate.liveNow} of ${rate.promised} listings live after ${LIVE_RATE_DEADLINE_DAYS} days, and no directory is left in the catalog to replace the others`,
            JSON.stringify({ liveNow: rate.liveNow, target: rate.target, promised: rate.promised }),
            key,
          ],
        );
      }
    } catch (err) {
      log("warn", "live-rate replacements failed", { jobId: rate.jobId, error: err });
    }
  }
  return result;
}
