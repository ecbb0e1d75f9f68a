/**
 * `GET /readyz`: can this deployment do its work? One entry per check, each
 * `ok`, `warn` (works, but an operator should look) or `fail`; 503 when any
 * check fails. Checks:
 * - database: a Postgres round trip (as /healthz);
 * - queue: the `directory-tasks` producer binding is bound;
 * - evidence: an R2 round trip (a HEAD of a key that need not exist);
 * - ops_monitor: the OpsMonitor answers, with the figures below from it;
 * - outbox: changes coordinators hold for Postgres (warn when any wait);
 * - oldest_queued_task: age of the oldest released task no worker has taken
 *   (warn past the queued lease, 15 min: no browser worker is consuming).
 * The public gets `{ status }` only; staff and the operator token the checks.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { isOperatorOrStaff } from "../auth/operator";
import { jsonAnswer, newApiApp } from "../http/openapi";
import { opsMonitor } from "../jobs/coordinator-client";
import { probeDatabase } from "./health";

export type CheckStatus = "ok" | "warn" | "fail";
export interface ReadyCheck {
  status: CheckStatus;
  detail?: string;
  latencyMs?: number;
  value?: number;
}
export interface ReadyReport {
  status: "ready" | "degraded" | "unavailable";
  checks: Record<"database" | "queue" | "evidence" | "ops_monitor" | "outbox" | "oldest_queued_task", ReadyCheck>;
}

/** A released task not taken within the queued lease means no consumer is working. */
const STUCK_QUEUED_SECONDS = 15 * 60;
const CHECK_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; latencyMs: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
}

export async function readiness(env: Env): Promise<ReadyReport> {
  const [database, evidence, ops] = await Promise.all([
    probeDatabase(env),
    timed(() => withTimeout(env.EVIDENCE.head("readyz/probe"), CHECK_TIMEOUT_MS, "R2")).then(
      (r): ReadyCheck => ({ status: "ok", latencyMs: r.latencyMs }),
      (err: unknown): ReadyCheck => ({ status: "fail", detail: String(err) }),
    ),
    timed(() => withTimeout(opsMonitor(env).metrics(), CHECK_TIMEOUT_MS, "OpsMonitor")).then(
      (r) => ({ ok: true as const, snapshot: r.value, latencyMs: r.latencyMs }),
      (err: unknown) => ({ ok: false as const, detail: String(err) }),
    ),
  ]);
  const queueBound = typeof (env.TASKS as { send?: unknown } | undefined)?.send === "function";
  const checks: ReadyReport["checks"] = {
    database: database.ok ? { status: "ok", latencyMs: database.latencyMs } : { status: "fail", detail: database.error },
    queue: queueBound ? { status: "ok" } : { status: "fail", detail: "the TASKS queue binding is missing" },
    evidence,
    ops_monitor: ops.ok ? { status: "ok", latencyMs: ops.latencyMs } : { status: "fail", detail: ops.detail },
    outbox: !ops.ok
      ? { status: "warn", detail: "unknown: OpsMonitor did not answer" }
      : ops.snapshot.outboxBacklog > 0
        ? { status: "warn", value: ops.snapshot.outboxBacklog, detail: "coordinators hold changes Postgres has not taken yet" }
        : { status: "ok", value: 0 },
    oldest_queued_task: !ops.ok
      ? { status: "warn", detail: "unknown: OpsMonitor did not answer" }
      : ops.snapshot.oldestQueuedAgeSeconds > STUCK_QUEUED_SECONDS
        ? { status: "warn", value: Math.round(ops.snapshot.oldestQueuedAgeSeconds), detail: "a released task has waited past its queued lease: is the browser worker consuming?" }
        : { status: "ok", value: Math.round(ops.snapshot.oldestQueuedAgeSeconds) },
  };
  const all = Object.values(checks);
  const status = all.some((c) => c.status === "fail") ? "unavailable" : all.some((c) => c.status === "warn") ? "degraded" : "ready";
  return { status, checks };
}

const CheckSchema = z.object({
  status: z.enum(["ok", "warn", "fail"]),
  detail: z.string().optional(),
  latencyMs: z.number().optional(),
  value: z.number().optional(),
});
const CHECK_NAMES = ["database", "queue", "evidence", "ops_monitor", "outbox", "oldest_queued_task"] as const;
const ReadyReportSchema = z
  .object({
    status: z.enum(["ready", "degraded", "unavailable"]),
    checks: z.object(Object.fromEntries(CHECK_NAMES.map((name) => [name, CheckSchema])) as Record<(typeof CHECK_NAMES)[number], typeof CheckSchema>).optional(),
  })
  .describe("The public gets `status` only; staff and the operator (`Authorization: Bearer <METRICS_TOKEN>`) the checks")
  .openapi("ReadyReport");

const getReadiness = createRoute({
  method: "get",
  path: "/",
  tags: ["operations"],
  summary: "Can this deployment do its work? One entry per check",
  responses: {
    200: jsonAnswer("Ready, or degraded (works, but an operator should look)", ReadyReportSchema),
    503: jsonAnswer("A check failed", ReadyReportSchema),
  },
});

export const readyz = newApiApp().openapi(getReadiness, async (c) => {
  const report = await readiness(c.env);
  c.header("cache-control", "no-store");
  const answer = (await isOperatorOrStaff(c.req.header("authorization"), c.env)) ? report : { status: report.status };
  return report.status === "unavailable" ? c.json(answer, 503) : c.json(answer, 200);
});
