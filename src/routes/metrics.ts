/**
 * `GET /metrics`: Prometheus text exposition, scraped with the METRICS_TOKEN
 * bearer. Figures come from two places and nowhere else:
 * - Postgres (one grouped query each): jobs by status, submissions by status
 *   and failure class, Stripe webhook events by type and result, the e-mail
 *   and outgoing-webhook outboxes by status, the last complete day's roll-up;
 * - OpsMonitor: tasks in flight, queue depth, oldest queued task, browser
 *   sessions in use, reports applied, retries, failures by class,
 *   submission durations, worker heartbeats.
 * When a source cannot be read its families are left out and
 * `directorybolt_metrics_source_up{source}` says 0, so a scrape still answers.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireMetricsToken } from "../auth/metrics-token";
import type { Connection } from "../db/client";
import { connectFromWorker } from "../db/worker-database";
import type { OpsMetricsSnapshot } from "../observability/ops-stats";
import { EXPOSITION_CONTENT_TYPE, Exposition } from "../observability/prometheus";
import { FAILURE_CLASSES } from "../../core/protocol/tasks";
import { JOB_STATUSES, SUBMISSION_STATUSES } from "../../core/statuses";
import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES, WEBHOOK_DELIVERY_STATUSES } from "../db/schema";
import { log } from "../../core/log";
import { opsMonitor } from "../jobs/coordinator-client";
import { jsonError, newApiApp } from "../http/openapi";

interface PostgresFigures {
  jobs: { status: string; n: number }[];
  submissions: { status: string; failure_class: string | null; n: number }[];
  stripeEvents: { type: string; result: string; n: number }[];
  notifications: { kind: string; status: string; n: number }[];
  webhookDeliveries: { status: string; n: number }[];
  /** The roll-up of the last complete UTC day, if the cron has written it. */
  previousDay: { orders_paid: number; jobs_completed: number; approval_rate: number | null; mean_submission_seconds: number | null; computed_at: Date } | null;
}

async function readPostgres(env: Env): Promise<PostgresFigures> {
  let conn: Connection | undefined;
  try {
    conn = await connectFromWorker(env, { timeoutMs: 3_000 });
    const jobs = await conn.client.query<{ status: string; n: number }>("select status, count(*)::int as n from jobs group by status");
    const submissions = await conn.client.query<{ status: string; failure_class: string | null; n: number }>(
      "select status, failure_class, count(*)::int as n from directory_submissions group by status, failure_class",
    );
    const stripeEvents = await conn.client.query<{ type: string; result: string; n: number }>(
      "select type, case when processed_at is null then 'unprocessed' when refusal is not null then 'refused' else 'processed' end as result, count(*)::int as n from stripe_events group by 1, 2",
    );
    const notifications = await conn.client.query<{ kind: string; status: string; n: number }>("select kind, status, count(*)::int as n from notifications group by 1, 2");
    const webhookDeliveries = await conn.client.query<{ status: string; n: number }>("select status, count(*)::int as n from webhook_deliveries group by 1");
    const previousDay = await conn.client.query<NonNullable<PostgresFigures["previousDay"]>>(
      "select orders_paid, jobs_completed, approval_rate, mean_submission_seconds, computed_at from daily_rollups where day = (now() at time zone 'UTC')::date - 1",
    );
    return {
      jobs: jobs.rows,
      submissions: submissions.rows,
      stripeEvents: stripeEvents.rows,
      notifications: notifications.rows,
      webhookDeliveries: webhookDeliveries.rows,
      previousDay: previousDay.rows[0] ?? null,
    };
  } finally {
    await conn?.close();
  }
}

/** Stripe event types look like `checkout.session.completed`; anything else is folded into "other". */
function boundedEventType(type: string): string {
  return /^[a-z_]+(\.[a-z_]+){1,3}$/.test(type) && type.length <= 80 ? type : "other";
}

export function renderMetrics(pg: PostgresFigures | null, ops: OpsMetricsSnapshot | null): string {
  const out = new Exposition();
  out.metric("directorybolt_metrics_source_up", "gauge", "Whether this scrape could read the source (1) or not (0).", [
    { labels: { source: "postgres" }, value: pg ? 1 : 0 },
    { labels: { source: "ops_monitor" }, value: ops ? 1 : 0 },
  ]);
  if (pg) {
    const jobs = new Map(pg.jobs.map((r) => [r.status, r.n]));
    out.metric(
      "directorybolt_jobs",
      "gauge",
      "Jobs by status (Postgres).",
      JOB_STATUSES.map((status) => ({ labels: { status }, value: jobs.get(status) ?? 0 })),
    );
    const known = new Set<string>(FAILURE_CLASSES);
    const subs = new Map<string, number>();
    for (const r of pg.submissions) {
      const failureClass = r.failure_class === null ? "none" : known.has(r.failure_class) ? r.failure_class : "other";
      const key = `${r.status}\u0000${failureClass}`;
      subs.set(key, (subs.get(key) ?? 0) + r.n);
    }
    out.metric("directorybolt_submissions", "gauge", 'Directory submissions by status and failure class (Postgres; failure_class="none" when there is none).', [
      ...SUBMISSION_STATUSES.map((status) => ({ labels: { status, failure_class: "none" }, value: subs.get(`${status}\u0000none`) ?? 0 })),
      ...[...subs.entries()]
        .filter(([key]) => !key.endsWith("\u0000none"))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => {
          const [status, failure_class] = key.split("\u0000") as [string, string];
          return { labels: { status, failure_class }, value };
        }),
    ]);
    const events = new Map<string, number>();
    for (const r of pg.stripeEvents) {
      const key = `${boundedEventType(r.type)}\u0000${r.result}`;
      events.set(key, (events.get(key) ?? 0) + r.n);
    }
    out.metric(
      "directorybolt_stripe_webhook_events_total",
      "counter",
      "Stripe webhook events recorded, by event type and result (processed; refused: a session not matching its plan or our mode, for staff; or recorded but not processed).",
      [...events.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => {
          const [type, result] = key.split("\u0000") as [string, string];
          return { labels: { type, result }, value };
        }),
    );
    const notices = new Map(pg.notifications.map((r) => [`${r.kind}\u0000${r.status}`, r.n]));
    out.metric(
      "directorybolt_notifications",
      "gauge",
      "Customer e-mails in the notification outbox by kind and status (pending, sent, failed) (Postgres).",
      NOTIFICATION_KINDS.flatMap((kind) => NOTIFICATION_STATUSES.map((status) => ({ labels: { kind, status }, value: notices.get(`${kind}\u0000${status}`) ?? 0 }))),
    );
    const deliveries = new Map(pg.webhookDeliveries.map((r) => [r.status, r.n]));
    out.metric(
      "directorybolt_outgoing_webhook_deliveries",
      "gauge",
      "Deliveries to agencies' webhook endpoints by status (pending, delivered, failed) (Postgres).",
      WEBHOOK_DELIVERY_STATUSES.map((status) => ({ labels: { status }, value: deliveries.get(status) ?? 0 })),
    );
    const day = pg.previousDay;
    if (day) {
      out
        .metric("directorybolt_previous_day_orders_paid", "gauge", "Orders paid on the last complete UTC day (daily roll-up).", [{ value: day.orders_paid }])
        .metric("directorybolt_previous_day_jobs_completed", "gauge", "Jobs completed on the last complete UTC day (daily roll-up).", [{ value: day.jobs_completed }])
        .metric("directorybolt_previous_day_approval_ratio", "gauge", "Approved share of the last complete UTC day's submission outcomes; NaN when there were none (daily roll-up).", [
          { value: day.approval_rate ?? NaN },
        ])
        .metric("directorybolt_previous_day_mean_submission_seconds", "gauge", "Mean lease-to-report time of the last complete UTC day; NaN when unknown (daily roll-up).", [
          { value: day.mean_submission_seconds ?? NaN },
        ])
        .metric("directorybolt_daily_rollup_timestamp_seconds", "gauge", "When the cron last computed that roll-up (unix time): a stale value means the cron stopped.", [
          { value: new Date(day.computed_at).getTime() / 1000 },
        ]);
    }
  }
  if (ops) {
    out
      .metric("directorybolt_active_jobs", "gauge", "Jobs running or paused, as their coordinators last reported (OpsMonitor).", [{ value: ops.activeJobs }])
      .metric("directorybolt_tasks_in_flight", "gauge", "Tasks released to the queue or leased and not yet reported (OpsMonitor).", [{ value: ops.tasksInFlight }])
      .metric("directorybolt_queue_depth", "gauge", "Tasks released to the queue that no worker has leased yet, over active jobs (OpsMonitor).", [{ value: ops.queueDepth }])
      .metric("directorybolt_browser_sessions_in_use", "gauge", "Browser Rendering sessions the browser worker holds now, as it reports acquiring and releasing them (OpsMonitor).", [
        { value: ops.browserSessionsInUse },
      ])
      .metric("directorybolt_queue_oldest_task_age_seconds", "gauge", "Age of the oldest released task no worker has leased yet; 0 when none waits (OpsMonitor).", [
        { value: ops.oldestQueuedAgeSeconds },
      ])
      .metric("directorybolt_coordinator_outbox_backlog", "gauge", "Changes held in coordinators' outboxes, not yet written to Postgres, as last reported (OpsMonitor).", [
        { value: ops.outboxBacklog },
      ])
      .metric("directorybolt_coordinator_outbox_failing_jobs", "gauge", "Jobs whose coordinator has failed to write to Postgres several times in a row and not written since: an alert (OpsMonitor).", [
        { value: ops.outboxFailingJobs },
      ])
      .metric("directorybolt_coordinator_outbox_alerts_total", "counter", "Alerts raised for a coordinator's Postgres writes failing several times in a row (OpsMonitor).", [
        { value: ops.outboxAlertsTotal },
      ])
      .metric("directorybolt_reports_applied_total", "counter", "Worker reports applied by coordinators (OpsMonitor).", [{ value: ops.reportsAppliedTotal }])
      .metric("directorybolt_submission_retries_total", "counter", "Failed attempts sent back to the queue with backoff (OpsMonitor).", [{ value: ops.retriesTotal }])
      .metric("directorybolt_captchas_total", "counter", "Captchas sent to the solver by the browser worker, by result (OpsMonitor).", [
        { labels: { result: "solved" }, value: ops.captchasTotal.solved },
        { labels: { result: "failed" }, value: ops.captchasTotal.failed },
      ])
      .metric(
        "directorybolt_submission_failures_total",
        "counter",
        'Failed attempts by failure class, retried or final; failure_class="captcha" counts captchas that could not be solved (OpsMonitor).',
        FAILURE_CLASSES.map((failureClass) => ({
          labels: { failure_class: failureClass },
          value: ops.failuresTotal.find((f) => f.failureClass === failureClass)?.value ?? 0,
        })),
      )
      .histogram("directorybolt_submission_duration_seconds", "Time from a worker's lease to its report, per attempt (OpsMonitor).", {
        buckets: ops.duration.buckets,
        sum: ops.duration.sumSeconds,
        count: ops.duration.count,
      })
      .metric(
        "directorybolt_workers_alive",
        "gauge",
        "Workers whose last heartbeat is under 5 minutes old, by kind (OpsMonitor).",
        ops.workers.map((w) => ({ labels: { kind: w.kind }, value: w.alive })),
      )
      .metric(
        "directorybolt_worker_last_heartbeat_timestamp_seconds",
        "gauge",
        "Unix time of the latest heartbeat of any worker of the kind (OpsMonitor).",
        ops.workers.map((w) => ({ labels: { kind: w.kind }, value: w.lastSeenAt / 1000 })),
      );
  }
  return out.toString();
}

const scrape = createRoute({
  method: "get",
  path: "/",
  tags: ["operations"],
  summary: "Prometheus text exposition (METRICS_TOKEN bearer)",
  security: [{ metrics: [] }],
  middleware: [requireMetricsToken],
  responses: {
    200: { description: "The figures, Prometheus text format 0.0.4", content: { [EXPOSITION_CONTENT_TYPE]: { schema: z.string() } } },
    401: jsonError("A valid metrics bearer token is required"),
  },
});

export const metrics = newApiApp().openapi(scrape, async (c) => {
  const [pg, ops] = await Promise.all([
    readPostgres(c.env).catch((err: unknown) => {
      log("warn", "metrics: postgres unavailable", { error: err });
      return null;
    }),
    opsMonitor(c.env)
      .metrics()
      .catch((err: unknown) => {
        log("warn", "metrics: ops monitor unavailable", { error: err });
        return null;
      }),
  ]);
  return c.text(renderMetrics(pg, ops as OpsMetricsSnapshot | null), 200, { "Content-Type": EXPOSITION_CONTENT_TYPE, "cache-control": "no-store" });
});
