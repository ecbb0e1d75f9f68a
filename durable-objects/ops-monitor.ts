/**
 * OpsMonitor: the single Durable Object behind the staff overview
 * (named OPS_MONITOR_NAME in core/rpc.ts).
 *
 * Responsibilities:
 * - Keep a summary of every active job, as coordinators report it.
 * - Keep queue health: tasks in flight over all jobs, and reports applied per
 *   minute over the last hour (60 buckets).
 * - Keep worker heartbeats (last seen per worker) and recent activity.
 * - Push the overview to staff sockets, batched in short windows.
 * State is in SQLite, so an eviction loses nothing but the open timer.
 */
import { DurableObject } from "cloudflare:workers";
import type { ActivityLine, OpsJobSummary, OpsOverview, ServerMessage } from "../core/protocol/live";
import { DURATION_BUCKETS, type OpsMetricsSnapshot, type OpsStats } from "../src/observability/ops-stats";
import { SocketHub } from "./socket-hub";
import type { OpsMonitorRpc } from "../core/rpc";

const MINUTE = 60_000;
const FINISHED = new Set(["completed", "cancelled", "failed"]);
/** Finished jobs stay on the board for a while so staff see them end. */
const FINISHED_VISIBLE_MS = 30 * MINUTE;
/** A worker seen within this window counts as alive in `/metrics`. */
const WORKER_ALIVE_MS = 5 * MINUTE;
/** A browser lease older than a queue consumer's longest run (15 min) was never released: its invocation died. */
const BROWSER_LEASE_MAX_MS = 15 * MINUTE;

export class OpsMonitor extends DurableObject<Env> implements OpsMonitorRpc {
  private readonly sockets: SocketHub;
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sockets = new SocketHub(ctx, 250);
    this.sql.exec(`
      create table if not exists jobs (job_id text primary key, summary text not null, updated_at integer not null);
      create table if not exists throughput (minute integer primary key, applied integer not null);
      create table if not exists workers (worker_id text primary key, kind text not null, last_seen_at integer not null);
      create table if not exists activity (seq integer primary key autoincrement, line text not null);
      create table if not exists counters (name text not null, label text not null default '', value real not null, primary key (name, label));
      create table if not exists job_queue (job_id text primary key, oldest_queued_at integer, outbox integer not null default 0);
      create table if not exists browser_leases (lease_id text primary key, acquired_at integer not null, released_at integer);
      create table if not exists outbox_alerts (job_id text primary key, since integer not null, failures integer not null, error text not null);
    `);
    // Added after the first deploy: objects created before need the column.
    const cols = this.sql.exec<{ name: string }>("pragma table_info(job_queue)").toArray();
    if (!cols.some((c) => c.name === "queued")) this.sql.exec("alter table job_queue add column queued integer not null default 0");
  }

  /** Called by every JobCoordinator after it flushes its own sockets. */
  async jobUpdate(summary: OpsJobSummary, activity: ActivityLine[], applied: number, workerIds: string[], stats?: OpsStats): Promise<void> {
    const now = Date.now();
    this.sql.exec("insert or replace into jobs (job_id, summary, updated_at) values (?, ?, ?)", summary.jobId, JSON.stringify(summary), now);
    if (stats) this.recordStats(summary, stats);
    if (applied > 0) {
      this.count("reports_applied", "", applied);
      const minute = Math.floor(now / MINUTE);
      this.sql.exec("insert into throughput (minute, applied) values (?, ?) on conflict (minute) do update set applied = applied + excluded.applied", minute, applied);
      this.sql.exec("delete from throughput where minute < ?", minute - 60);
    }
    for (const id of workerIds) this.heartbeat(id, "cloudflare", now);
    for (const line of activity) this.sql.exec("insert into activity (line) values (?)", JSON.stringify(line));
    this.sql.exec("delete from activity where seq <= (select max(seq) - 200 from activity)");
    this.sockets.schedule(() => this.sockets.broadcast({ type: "ops", overview: this.overview() }, "staff"));
  }

  /** The browser worker's solver figures after each batch (deltas). */
  async browserBatch(counts: { captchasSolved: number; captchasFailed: number }): Promise<void> {
    if (counts.captchasSolved > 0) this.count("captchas", "solved", counts.captchasSolved);
    if (counts.captchasFailed > 0) this.count("captchas", "failed", counts.captchasFailed);
  }

  /**
   * The browser worker holds a Browser Rendering session (`acquired`) or gave
   * it back (`released`). Either may arrive first (two RPCs in flight): a
   * release recorded first stays released.
   */
  async browserLease(leaseId: string, state: "acquired" | "released"): Promise<void> {
    const now = Date.now();
    if (state === "acquired") this.sql.exec("insert into browser_leases (lease_id, acquired_at) values (?, ?) on conflict (lease_id) do nothing", leaseId, now);
    else this.sql.exec("insert into browser_leases (lease_id, acquired_at, released_at) values (?, ?, ?) on conflict (lease_id) do update set released_at = excluded.released_at", leaseId, now, now);
    this.sql.exec("delete from browser_leases where acquired_at < ?", now - 4 * BROWSER_LEASE_MAX_MS);
  }

  /**
   * A coordinator's outbox keeps failing (`failing` set) or writes again
   * (null): staff see an alert line in the overview's activity, and
   * `/metrics` counts the jobs failing now and the alerts raised.
   */
  async outboxAlert(jobId: string, failing: { failures: number; error: string } | null): Promise<void> {
    const now = Date.now();
    let line: ActivityLine | null = null;
    if (failing) {
      const fresh = this.sql
        .exec("insert into outbox_alerts (job_id, since, failures, error) values (?, ?, ?, ?) on conflict (job_id) do nothing returning job_id", jobId, now, failing.failures, failing.error)
        .toArray();
      if (fresh.length) {
        this.count("outbox_alerts", "", 1);
        line = { at: now, jobId, kind: "alert_outbox_failing", message: `Postgres writes of job ${jobId} failed ${failing.failures} times in a row: ${failing.error}` };
      }
    } else if (this.sql.exec("delete from outbox_alerts where job_id = ? returning job_id", jobId).toArray().length) {
      line = { at: now, jobId, kind: "outbox_recovered", message: `Postgres writes of job ${jobId} go through again` };
    }
    if (!line) return;
    this.sql.exec("insert into activity (line) values (?)", JSON.stringify(line));
    this.sockets.schedule(() => this.sockets.broadcast({ type: "ops", overview: this.overview() }, "staff"));
  }

  /** External workers report themselves through the worker API. */
  async workerHeartbeat(workerId: string, kind: "cloudflare" | "external"): Promise<void> {
    this.heartbeat(workerId, kind, Date.now());
    this.sockets.schedule(() => this.sockets.broadcast({ type: "ops", overview: this.overview() }, "staff"));
  }

  private count(name: string, label: string, delta: number): void {
    this.sql.exec("insert into counters (name, label, value) values (?, ?, ?) on conflict (name, label) do update set value = value + excluded.value", name, label, delta);
  }

  private recordStats(summary: OpsJobSummary, stats: OpsStats): void {
    if (stats.retries > 0) this.count("retries", "", stats.retries);
    for (const [failureClass, n] of Object.entries(stats.failures)) if (n) this.count("failures", failureClass, n);
    for (const ms of stats.durationsMs) {
      const seconds = Math.max(0, ms / 1000);
      const bucket = DURATION_BUCKETS.find((le) => seconds <= le);
      // Stored per bucket (non-cumulative); `metrics()` accumulates.
      this.count("duration_bucket", bucket === undefined ? "+Inf" : String(bucket), 1);
      this.count("duration_sum", "", seconds);
      this.count("duration_count", "", 1);
    }
    // An empty outbox is not failing, whether or not its recovery call arrived.
    if (stats.outbox === 0) this.sql.exec("delete from outbox_alerts where job_id = ?", summary.jobId);
    if (FINISHED.has(summary.status) && stats.outbox === 0) this.sql.exec("delete from job_queue where job_id = ?", summary.jobId);
    else
      this.sql.exec(
        "insert or replace into job_queue (job_id, oldest_queued_at, outbox, queued) values (?, ?, ?, ?)",
        summary.jobId,
        FINISHED.has(summary.status) ? null : stats.oldestQueuedAt,
        stats.outbox,
        FINISHED.has(summary.status) ? 0 : (stats.queued ?? 0),
      );
  }

  /** The figures behind `GET /metrics` (counters are totals since this object's storage began). */
  metrics(): OpsMetricsSnapshot {
    const now = Date.now();
    const rows = this.sql.exec<{ name: string; label: string; value: number }>("select name, label, value from counters").toArray();
    const get = (name: string, label = "") => rows.find((r) => r.name === name && r.label === label)?.value ?? 0;
    const active = this.sql
      .exec<{ summary: string }>("select summary from jobs")
      .toArray()
      .map((r) => JSON.parse(r.summary) as OpsJobSummary)
      .filter((j) => !FINISHED.has(j.status));
    const queue = this.sql
      .exec<{ at: number | null; outbox: number | null; queued: number | null }>("select min(oldest_queued_at) as at, sum(outbox) as outbox, sum(queued) as queued from job_queue")
      .one();
    const browsers = this.sql.exec<{ n: number }>("select count(*) as n from browser_leases where released_at is null and acquired_at >= ?", now - BROWSER_LEASE_MAX_MS).one().n;
    const oldest = queue.at;
    let cumulative = 0;
    const buckets = DURATION_BUCKETS.map((le) => ({ le, count: (cumulative += get("duration_bucket", String(le))) }));
    return {
      now,
      tasksInFlight: active.reduce((n, j) => n + j.inFlight, 0),
      activeJobs: active.length,
      oldestQueuedAgeSeconds: oldest === null ? 0 : Math.max(0, (now - oldest) / 1000),
      queueDepth: queue.queued ?? 0,
      browserSessionsInUse: browsers,
      outboxBacklog: queue.outbox ?? 0,
      outboxFailingJobs: this.sql.exec<{ n: number }>("select count(*) as n from outbox_alerts").one().n,
      outboxAlertsTotal: get("outbox_alerts"),
      reportsAppliedTotal: get("reports_applied"),
      retriesTotal: get("retries"),
      captchasTotal: { solved: get("captchas", "solved"), failed: get("captchas", "failed") },
      failuresTotal: rows.filter((r) => r.name === "failures").map((r) => ({ failureClass: r.label, value: r.value })),
      duration: { buckets, count: get("duration_count"), sumSeconds: get("duration_sum") },
      workers: this.sql
        .exec<{ kind: string; seen: number; alive: number; last: number }>(
          "select kind, count(*) as seen, sum(case when last_seen_at >= ? then 1 else 0 end) as alive, max(last_seen_at) as last from workers group by kind",
          now - WORKER_ALIVE_MS,
        )
        .toArray()
        .map((w) => ({ kind: w.kind, seen: w.seen, alive: w.alive, lastSeenAt: w.last })),
    };
  }

  private heartbeat(workerId: string, kind: string, at: number): void {
    this.sql.exec("insert into workers (worker_id, kind, last_seen_at) values (?, ?, ?) on conflict (worker_id) do update set last_seen_at = excluded.last_seen_at", workerId, kind, at);
  }

  overview(): OpsOverview {
    const now = Date.now();
    const jobs = this.sql
      .exec<{ summary: string }>("select summary from jobs order by updated_at desc")
      .toArray()
      .map((r) => JSON.parse(r.summary) as OpsJobSummary)
      .filter((j) => !FINISHED.has(j.status) || now - j.updatedAt < FINISHED_VISIBLE_MS);
    const currentMinute = Math.floor(now / MINUTE);
    const buckets = new Map(
      this.sql
        .exec<{ minute: number; applied: number }>("select minute, applied from throughput")
        .toArray()
        .map((r) => [r.minute, r.applied]),
    );
    return {
      jobs,
      queueDepth: jobs.reduce((n, j) => n + (FINISHED.has(j.status) ? 0 : j.inFlight), 0),
      throughputPerMinute: Array.from({ length: 60 }, (_, i) => buckets.get(currentMinute - 59 + i) ?? 0),
      workers: this.sql
        .exec<{ worker_id: string; kind: string; last_seen_at: number }>("select * from workers order by last_seen_at desc limit 100")
        .toArray()
        .map((w) => ({ workerId: w.worker_id, kind: w.kind, lastSeenAt: w.last_seen_at })),
      activity: this.sql
        .exec<{ line: string }>("select line from activity order by seq desc limit 50")
        .toArray()
        .reverse()
        .map((r) => JSON.parse(r.line) as ActivityLine),
    };
  }

  override async fetch(request: Request): Promise<Response> {
    const admitted = this.sockets.admit(request, ["staff"]);
    if (admitted instanceof Response) return admitted;
    const first: ServerMessage = { type: "ops", overview: this.overview() };
    return this.sockets.accept(admitted, first);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message !== '{"type":"ping"}') ws.send(JSON.stringify({ type: "error", code: "unsupported", message: "This socket only sends updates" } satisfies ServerMessage));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    SocketHub.close(ws, code, reason);
  }
}
