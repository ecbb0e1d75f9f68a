/**
 * Daily business figures, one row per UTC day in `daily_rollups`, computed
 * from Postgres by one upsert per day: running it again for a day rewrites
 * the same row from the same facts (idempotent), so the cron (src/scheduled.ts)
 * simply recomputes today (so far) and yesterday (late writes land) each run.
 *
 * Per day:
 * - orders_paid / revenue_cents (by currency): orders whose paid_at falls in the day;
 * - orders_refunded: orders whose refunded_at falls in the day;
 * - jobs_completed: jobs completed that day;
 * - submissions: submission status changes that day (job_events
 *   `submission_<status>`, one per change the coordinator recorded);
 * - approval_rate: approved ÷ (submitted + awaiting_verification + approved + failed) of those changes;
 * - mean_submission_seconds: mean lease-to-report time of that day's reports
 *   (the coordinator puts the attempt's `outcome.durationMs` in each report's event).
 */
import type pg from "pg";

export interface DailyRollup {
  day: string;
  ordersPaid: number;
  ordersRefunded: number;
  revenueCents: Record<string, number>;
  jobsCompleted: number;
  submissions: Record<string, number>;
  approvalRate: number | null;
  meanSubmissionSeconds: number | null;
  computedAt: string;
}

const OUTCOMES = "('submitted', 'awaiting_verification', 'approved', 'failed')";

/** The UTC date `offsetDays` from `now`, as YYYY-MM-DD. */
export function utcDay(now: Date, offsetDays = 0): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offsetDays)).toISOString().slice(0, 10);
}

interface RollupRow {
  day: string;
  orders_paid: number;
  orders_refunded: number;
  revenue_cents: Record<string, number | string>;
  jobs_completed: number;
  submissions: Record<string, number>;
  approval_rate: number | null;
  mean_submission_seconds: number | null;
  computed_at: Date;
}

function fromRow(r: RollupRow): DailyRollup {
  return {
    day: r.day,
    ordersPaid: r.orders_paid,
    ordersRefunded: r.orders_refunded,
    revenueCents: Object.fromEntries(Object.entries(r.revenue_cents).map(([k, v]) => [k, Number(v)])),
    jobsCompleted: r.jobs_completed,
    submissions: r.submissions,
    approvalRate: r.approval_rate,
    meanSubmissionSeconds: r.mean_submission_seconds,
    computedAt: new Date(r.computed_at).toISOString(),
  };
}

const COLUMNS = "to_char(day, 'YYYY-MM-DD') as day, orders_paid, orders_refunded, revenue_cents, jobs_completed, submissions, approval_rate, mean_submission_seconds, computed_at";

/** Computes and upserts one UTC day (`YYYY-MM-DD`); returns the stored row. */
export async function rollUpDay(client: pg.Client, day: string): Promise<DailyRollup> {
  const res = await client.query<RollupRow>(
    `with b as (
       select $1::date as day, ($1::date)::timestamp at time zone 'UTC' as lo, ($1::date + 1)::timestamp at time zone 'UTC' as hi
     ),
     paid as (
       select o.currency, count(*)::int as n, sum(o.amount_cents)::bigint as cents
         from orders o, b where o.paid_at >= b.lo and o.paid_at < b.hi group by o.currency
     ),
     subs as (
       select substr(e.kind, 12) as status, count(*)::int as n
         from job_events e, b where e.created_at >= b.lo and e.created_at < b.hi and e.kind like 'submission\\_%'
        group by 1
     ),
     dur as (
       select avg((e.data->'outcome'->>'durationMs')::float8) / 1000 as secs
         from job_events e, b where e.created_at >= b.lo and e.created_at < b.hi and e.kind like 'submission\\_%' and e.data->'outcome' ? 'durationMs'
     )
     insert into daily_rollups as r (day, orders_paid, orders_refunded, revenue_cents, jobs_completed, submissions, approval_rate, mean_submission_seconds, computed_at)
     select b.day,
            coalesce((select sum(n) from paid), 0)::int,
            (select count(*)::int from orders o where o.refunded_at >= b.lo and o.refunded_at < b.hi),
            coalesce((select jsonb_object_agg(currency, cents) from paid), '{}'::jsonb),
            (select count(*)::int from jobs j where j.status = 'completed' and j.completed_at >= b.lo and j.completed_at < b.hi),
            coalesce((select jsonb_object_agg(status, n) from subs), '{}'::jsonb),
            (select (sum(n) filter (where status = 'approved'))::float8 / nullif(sum(n) filter (where status in ${OUTCOMES}), 0) from subs),
            (select secs from dur),
            now()
       from b
     on conflict (day) do update set
       orders_paid = excluded.orders_paid, orders_refunded = excluded.orders_refunded, revenue_cents = excluded.revenue_cents,
       jobs_completed = excluded.jobs_completed, submissions = excluded.submissions, approval_rate = excluded.approval_rate,
       mean_submission_seconds = excluded.mean_submission_seconds, computed_at = excluded.computed_at
     returning ${COLUMNS}`,
    [day],
  );
  return fromRow(res.rows[0]!);
}

/** Stored roll-ups between two days (inclusive), newest first. */
export async function readRollups(client: pg.Client, from: string, to: string): Promise<DailyRollup[]> {
  const res = await client.query<RollupRow>(`select ${COLUMNS} from daily_rollups where day between $1::date and $2::date order by day desc`, [from, to]);
  return res.rows.map(fromRow);
}
