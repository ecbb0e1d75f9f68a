/**
 * OpsMonitor: the single Durable Object behind the staff overview
 * (`idFromName("ops")`).
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
import type { ActivityLine, OpsJobSummary, OpsOverview, ServerMessage } from "../src/shared/protocol";
import { SocketHub } from "./socket-hub";

const MINUTE = 60_000;
const FINISHED = new Set(["completed", "cancelled", "failed"]);
/** Finished jobs stay on the board for a while so staff see them end. */
const FINISHED_VISIBLE_MS = 30 * MINUTE;

export class OpsMonitor extends DurableObject<Env> {
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
    `);
  }

  /** Called by every JobCoordinator after it flushes its own sockets. */
  async jobUpdate(summary: OpsJobSummary, activity: ActivityLine[], applied: number, workerIds: string[]): Promise<void> {
    const now = Date.now();
    this.sql.exec("insert or replace into jobs (job_id, summary, updated_at) values (?, ?, ?)", summary.jobId, JSON.stringify(summary), now);
    if (applied > 0) {
      const minute = Math.floor(now / MINUTE);
      this.sql.exec(
        "insert into throughput (minute, applied) values (?, ?) on conflict (minute) do update set applied = applied + excluded.applied",
        minute,
        applied,
      );
      this.sql.exec("delete from throughput where minute < ?", minute - 60);
    }
    for (const id of workerIds) this.heartbeat(id, "cloudflare", now);
    for (const line of activity) this.sql.exec("insert into activity (line) values (?)", JSON.stringify(line));
    this.sql.exec("delete from activity where seq <= (select max(seq) - 200 from activity)");
    this.sockets.schedule(() => this.sockets.broadcast({ type: "ops", overview: this.overview() }, "staff"));
  }

  /** External workers report themselves through the worker API. */
  async workerHeartbeat(workerId: string, kind: "cloudflare" | "external"): Promise<void> {
    this.heartbeat(workerId, kind, Date.now());
    this.sockets.schedule(() => this.sockets.broadcast({ type: "ops", overview: this.overview() }, "staff"));
  }

  private heartbeat(workerId: string, kind: string, at: number): void {
    this.sql.exec(
      "insert into workers (worker_id, kind, last_seen_at) values (?, ?, ?) on conflict (worker_id) do update set last_seen_at = excluded.last_seen_at",
      workerId,
      kind,
      at,
    );
  }

  overview(): OpsOverview {
    const now = Date.now();
    const jobs = this.sql
      .exec<{ summary: string }>("select summary from jobs order by updated_at desc")
      .toArray()
      .map((r) => JSON.parse(r.summary) as OpsJobSummary)
      .filter((j) => !FINISHED.has(j.status) || now - j.updatedAt < FINISHED_VISIBLE_MS);
    const currentMinute = Math.floor(now / MINUTE);
    const buckets = new Map(this.sql.exec<{ minute: number; applied: number }>("select minute, applied from throughput").toArray().map((r) => [r.minute, r.applied]));
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
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || request.headers.get("x-socket-role") !== "staff") {
      return Response.json({ error: { code: "bad_request", message: "Expected a staff WebSocket upgrade from the API" } }, { status: 400 });
    }
    const first: ServerMessage = { type: "ops", overview: this.overview() };
    return this.sockets.accept("staff", first);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message !== '{"type":"ping"}') ws.send(JSON.stringify({ type: "error", code: "unsupported", message: "This socket only sends updates" } satisfies ServerMessage));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    SocketHub.close(ws, code, reason);
  }
}
