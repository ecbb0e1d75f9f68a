/**
 * `GET /healthz`: the database round trip and which bindings are present.
 * 200 when the database answers, 503 when it does not (load balancers and the
 * staff dashboard read the status code; people read the JSON).
 */
import { Hono } from "hono";
import type { Connection } from "../db/client";
import { connectFromWorker } from "../db/worker-database";

const BINDINGS = ["HYPERDRIVE", "JOB_COORDINATOR", "OPS_MONITOR", "TASKS", "EVIDENCE", "ASSETS"] as const;

export interface HealthReport {
  status: "ok" | "unavailable";
  database: { ok: boolean; latencyMs?: number; error?: string };
  bindings: Record<(typeof BINDINGS)[number], boolean>;
  catalog: string;
}

export async function probeDatabase(env: Env): Promise<HealthReport["database"]> {
  const started = performance.now();
  let conn: Connection | undefined;
  try {
    conn = await connectFromWorker(env, { timeoutMs: 3_000 });
    await conn.client.query("select 1");
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (err) {
    // Say what failed without leaking the connection string.
    const message = err instanceof Error ? err.message.replace(/postgres(ql)?:\/\/\S+/g, "postgres://…") : "unknown";
    return { ok: false, error: message };
  } finally {
    await conn?.close();
  }
}

export const health = new Hono<{ Bindings: Env }>().get("/", async (c) => {
  const database = await probeDatabase(c.env);
  const bindings = Object.fromEntries(
    BINDINGS.map((name) => [name, (c.env as unknown as Record<string, unknown>)[name] != null]),
  ) as HealthReport["bindings"];
  const report: HealthReport = {
    status: database.ok ? "ok" : "unavailable",
    database,
    bindings,
    catalog: c.env.DIRECTORY_CATALOG,
  };
  c.header("cache-control", "no-store");
  return c.json(report, database.ok ? 200 : 503);
});
