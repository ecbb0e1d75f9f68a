import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { signUserToken } from "../../src/auth/user-token";
import type { HealthReport } from "../../src/routes/health";

const operator = { authorization: `Bearer ${env.METRICS_TOKEN}` };

describe("GET /healthz", () => {
  it("is 200 with the database round trip and every binding present", async () => {
    const res = await exports.default.fetch("http://localhost/healthz", { headers: operator });
    if (res.status !== 200) throw new Error(await res.clone().text());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as HealthReport;
    expect(body.status).toBe("ok");
    expect(body.database.ok).toBe(true);
    expect(body.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(body.bindings).toEqual({
      HYPERDRIVE: true,
      JOB_COORDINATOR: true,
      OPS_MONITOR: true,
      TASKS: true,
      EVIDENCE: true,
      ASSETS: true,
    });
    expect(body.catalog).toBe("sandbox");
  });

  it("is 503 with the reason, and no credentials, when the database is unreachable", async () => {
    const deadDatabase = { ...env, HYPERDRIVE: { ...env.HYPERDRIVE, connectionString: "postgres://app:s3cret@127.0.0.1:1/none" } };
    const res = await app.fetch(new Request("http://localhost/healthz", { headers: operator }), deadDatabase);
    expect(res.status).toBe(503);
    const body = (await res.json()) as HealthReport;
    expect(body.status).toBe("unavailable");
    expect(body.database.ok).toBe(false);
    expect(body.database.error).toBeTruthy();
    expect(JSON.stringify(body)).not.toContain("s3cret");
    const anonymous = await app.fetch(new Request("http://localhost/healthz"), deadDatabase);
    expect(anonymous.status).toBe(503);
    expect(await anonymous.json()).toEqual({ status: "unavailable" });
  });

  it("tells the public the status only; staff and the operator token get the details", async () => {
    const customer = await signUserToken(env, { userId: crypto.randomUUID(), email: "c@example.com" });
    for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${customer}` }, { authorization: "Bearer wrong-token" }, { authorization: `Bearer ${env.WORKER_API_TOKEN}` }]) {
      const res = await exports.default.fetch("http://localhost/healthz", { headers });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ok" });
    }
    const staff = await signUserToken(env, { userId: crypto.randomUUID(), staff: true });
    for (const headers of [operator, { authorization: `Bearer ${staff}` }]) {
      expect(await (await exports.default.fetch("http://localhost/healthz", { headers })).json()).toMatchObject({ status: "ok", database: { ok: true }, catalog: "sandbox" });
    }
  });
});

describe("unknown routes", () => {
  it("answer a JSON 404 naming the path", async () => {
    const res = await exports.default.fetch("http://localhost/api/nope", { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "No route for POST /api/nope" } });
  });
});
