import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { signUserToken } from "../../src/auth/user-token";
import type { ReadyReport } from "../../src/routes/readyz";

const operator = { authorization: `Bearer ${env.METRICS_TOKEN}` };
type Detailed = Required<ReadyReport>;

describe("GET /readyz", () => {
  it("is 200 with a status per check when everything answers", async () => {
    const res = await exports.default.fetch("http://localhost/readyz", { headers: operator });
    const body = (await res.json()) as Detailed;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(Object.keys(body.checks).sort()).toEqual(["database", "evidence", "oldest_queued_task", "ops_monitor", "outbox", "queue"]);
    expect(body.checks.database.status).toBe("ok");
    expect(body.checks.queue.status).toBe("ok");
    expect(body.checks.evidence.status).toBe("ok");
    expect(body.checks.ops_monitor.status).toBe("ok");
    expect(["ok", "warn"]).toContain(body.checks.outbox.status);
    expect(typeof body.checks.oldest_queued_task.value).toBe("number");
    expect(["ready", "degraded"]).toContain(body.status);
  });

  it("is 503, naming the database, and without credentials, when the database is down", async () => {
    const deadDatabase = { ...env, HYPERDRIVE: { ...env.HYPERDRIVE, connectionString: "postgres://app:s3cret@127.0.0.1:1/none" } };
    const res = await app.fetch(new Request("http://localhost/readyz", { headers: operator }), deadDatabase);
    expect(res.status).toBe(503);
    const body = (await res.json()) as Detailed;
    expect(body.status).toBe("unavailable");
    expect(body.checks.database.status).toBe("fail");
    expect(body.checks.database.detail).toBeTruthy();
    expect(body.checks.evidence.status).toBe("ok");
    expect(JSON.stringify(body)).not.toContain("s3cret");
  });

  it("is 503 when the queue binding is missing", async () => {
    const noQueue = { ...env, TASKS: undefined } as unknown as Env;
    const res = await app.fetch(new Request("http://localhost/readyz", { headers: operator }), noQueue);
    expect(res.status).toBe(503);
    expect(((await res.json()) as Detailed).checks.queue).toMatchObject({ status: "fail" });
  });

  it("tells the public the status only; staff and the operator token get the checks", async () => {
    const anonymous = await exports.default.fetch("http://localhost/readyz");
    const body = (await anonymous.json()) as ReadyReport;
    expect(Object.keys(body)).toEqual(["status"]);
    expect(["ready", "degraded"]).toContain(body.status);
    const staff = await signUserToken(env, { userId: crypto.randomUUID(), staff: true });
    const detailed = await exports.default.fetch("http://localhost/readyz", { headers: { authorization: `Bearer ${staff}` } });
    expect(((await detailed.json()) as Detailed).checks.database.status).toBe("ok");
  });
});
