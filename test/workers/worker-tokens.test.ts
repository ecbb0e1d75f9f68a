/**
 * External workers' own tokens: named, scoped, revocable, stored only as a
 * hash. Off loopback they are the only way in: WORKER_API_TOKEN is the local
 * stack's token and means nothing to a deployment.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { hashWorkerToken, issueWorkerToken, listWorkerTokens, revokeWorkerToken } from "../../src/auth/worker-tokens";
import { withDb } from "./support/db";
import { PRODUCTION } from "./support/production";
import { uniq } from "./support/purchase";

async function call(path: string, token: string | null, vars: Partial<Env> = PRODUCTION): Promise<Response> {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const res = await app.fetch(new Request(`https://directorybolt.com${path}`, { headers }), { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const status = (token: string | null) => call("/api/autobolt/status", token);

describe("worker tokens", () => {
  it("let a named worker in with its scope; revoked or replaced, the old token is refused", async () => {
    const name = uniq("fleet");
    const token = await withDb(({ db }) => issueWorkerToken(db, { name, scopes: ["tasks"] }));
    expect(token).toMatch(/^dbw_[A-Za-z0-9_-]{43}$/);
    expect((await status(token)).status).toBe(200);

    // Only the hash is stored.
    const [row] = await withDb(({ client }) => client.query("select * from workers where id = $1", [name])).then((r) => r.rows);
    expect(row).toMatchObject({ kind: "external", token_hash: await hashWorkerToken(token), scopes: ["tasks"], revoked_at: null });
    expect(JSON.stringify(row)).not.toContain(token.slice(4));

    // Issued again: a new token, and the old one stops working.
    const replacement = await withDb(({ db }) => issueWorkerToken(db, { name, scopes: ["tasks"] }));
    expect((await status(token)).status).toBe(401);
    expect((await status(replacement)).status).toBe(200);

    expect(await withDb(({ db }) => revokeWorkerToken(db, name))).toBe(true);
    const refused = await status(replacement);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "invalid_worker_token" } });
    expect(await withDb(({ db }) => revokeWorkerToken(db, name))).toBe(false);
    expect((await withDb(({ db }) => listWorkerTokens(db))).find((t) => t.name === name)).toMatchObject({ scopes: ["tasks"], revokedAt: expect.any(Date) });
  });

  it("refuse a token without the route's scope with 403", async () => {
    const faultsOnly = await withDb(({ db }) => issueWorkerToken(db, { name: uniq("faults-only"), scopes: ["faults"] }));
    const res = await status(faultsOnly);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "insufficient_scope" } });
    // And the fault hooks (on, locally) want `faults`, not `tasks`.
    const tasksOnly = await withDb(({ db }) => issueWorkerToken(db, { name: uniq("tasks-only"), scopes: ["tasks"] }));
    const ctx = createExecutionContext();
    const hook = await app.fetch(
      new Request(`http://127.0.0.1:8787/api/dev/faults/jobs/${crypto.randomUUID()}/counters`, { headers: { authorization: `Bearer ${tasksOnly}` } }),
      { ...env, DEV_FAULT_INJECTION: "1", PUBLIC_URL: "http://127.0.0.1:8787" } as Env,
      ctx,
    );
    expect(hook.status).toBe(403);
  });

  it("off loopback, WORKER_API_TOKEN (any value) and unknown tokens get nothing; locally it is the stack's worker token", async () => {
    for (const token of [PRODUCTION.WORKER_API_TOKEN, `dbw_${"A".repeat(43)}`, "garbage", null]) {
      const res = await status(token);
      expect(res.status, String(token)).toBe(401);
    }
    expect((await call("/api/autobolt/status", env.WORKER_API_TOKEN, {})).status).toBe(200);
  });
});
