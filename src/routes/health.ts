/**
 * `GET /healthz`: the database round trip and which bindings are present.
 * 200 when the database answers, 503 when it does not (load balancers and the
 * staff dashboard read the status code; people read the JSON). The public
 * gets `{ status }` only; staff and the operator token the whole report.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Connection } from "../db/client";
import { connectFromWorker } from "../db/worker-database";
import { isOperatorOrStaff } from "../auth/operator";
import { jsonAnswer, newApiApp } from "../http/openapi";

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

const DatabaseCheck = z.object({ ok: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional() });
const HealthReportSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    database: DatabaseCheck.optional(),
    bindings: z.object(Object.fromEntries(BINDINGS.map((name) => [name, z.boolean()])) as Record<(typeof BINDINGS)[number], z.ZodBoolean>).optional(),
    catalog: z.string().optional(),
  })
  .describe("The public gets `status` only; staff and the operator (`Authorization: Bearer <METRICS_TOKEN>`) the details")
  .openapi("HealthReport");

const getHealth = createRoute({
  method: "get",
  path: "/",
  tags: ["operations"],
  summary: "The database round trip and which bindings are present",
  responses: {
    200: jsonAnswer("The database answers", HealthReportSchema),
    503: jsonAnswer("The database does not answer", HealthReportSchema),
  },
});

export const health = newApiApp().openapi(getHealth, async (c) => {
  const database = await probeDatabase(c.env);
  const bindings = Object.fromEntries(BINDINGS.map((name) => [name, (c.env as unknown as Record<string, unknown>)[name] != null])) as HealthReport["bindings"];
  const report: HealthReport = {
    status: database.ok ? "ok" : "unavailable",
    database,
    bindings,
    catalog: c.env.DIRECTORY_CATALOG,
  };
  c.header("cache-control", "no-store");
  const answer = (await isOperatorOrStaff(c.req.header("authorization"), c.env)) ? report : { status: report.status };
  return database.ok ? c.json(answer, 200) : c.json(answer, 503);
});
