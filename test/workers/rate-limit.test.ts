/**
 * The unauthenticated routes are limited per client on the Workers
 * rate-limiting binding (miniflare's, here with a limit of 3 a minute): over
 * it a 429 with Retry-After, before any other work; and a checkout id that
 * cannot be ours is answered without calling Stripe.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../src/app";
import { installStripeStandIn, uniq } from "./support/purchase";

const tight = (env as unknown as { TIGHT_RATE_LIMIT: RateLimit }).TIGHT_RATE_LIMIT;
const STRIPE = { STRIPE_SECRET_KEY: "sk_test_standin" };

/** A client of its own (a fresh address), so no other test shares its budget. */
const newClient = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${uniq()}`;

async function call(path: string, client: string, vars: Partial<Env> & Record<string, unknown>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://localhost${path}`, { headers: { "cf-connecting-ip": client } }), { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

afterEach(() => vi.restoreAllMocks());

describe("rate limits", () => {
  it("answers a flood of made-up checkout ids with 429 and Retry-After, and those never reach Stripe", async () => {
    const standIn = installStripeStandIn();
    const client = newClient();
    const answers: Response[] = [];
    // 3 a minute: 7 requests cross at most one window boundary, so at least one is over the limit.
    for (let i = 0; i < 7; i++) answers.push(await call(`/api/checkout/cs_test_${uniq("madeup")}`, client, { ...STRIPE, CHECKOUT_RATE_LIMIT: tight }));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    for (const r of limited) {
      expect(r.headers.get("retry-after")).toBe("60");
      expect(await r.json()).toMatchObject({ error: { code: "rate_limited" } });
    }
    for (const r of answers.filter((a) => a.status !== 429)) expect(r.status).toBe(404);
    // None of them was created here, so none reached Stripe.
    expect(standIn.requests).toEqual([]);

    // Another client has its own budget.
    expect((await call(`/api/checkout/cs_test_${uniq("madeup")}`, newClient(), { ...STRIPE, CHECKOUT_RATE_LIMIT: tight })).status).toBe(404);
  });

  it("limits the other public routes too (plans, config, health, the catalog preview)", async () => {
    for (const path of ["/api/plans", "/api/config", "/healthz", "/api/directories/preview?country=US&category=restaurant"]) {
      const client = newClient();
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await call(path, client, { PUBLIC_RATE_LIMIT: tight })).status);
      expect(statuses, path).toContain(429);
      expect(
        statuses.filter((s) => s !== 429).every((s) => s === 200),
        path,
      ).toBe(true);
    }
  });

  it("asks Stripe only about sessions this deployment created", async () => {
    const standIn = installStripeStandIn();
    const ctx = createExecutionContext();
    const created = await app.fetch(
      new Request("http://localhost/api/checkout", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ plan: "starter", email: `${uniq("rl")}@example.com` }) }),
      { ...env, ...STRIPE } as Env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const { sessionId } = (await created.json()) as { sessionId: string };
    const before = standIn.requests.length;
    expect(await (await call(`/api/checkout/${sessionId}`, newClient(), STRIPE)).json()).toMatchObject({ status: "pending" });
    expect(standIn.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/checkout/sessions/${sessionId}`]);
    // A real session of the same account, not created here: a 404, and Stripe is not asked.
    const stranger = `cs_test_${uniq("stranger")}`;
    standIn.sessions.set(stranger, { ...standIn.sessions.get(sessionId)!, id: stranger });
    expect((await call(`/api/checkout/${stranger}`, newClient(), STRIPE)).status).toBe(404);
    expect(standIn.requests.length).toBe(before + 1);
  });

  it("answers a checkout id of the other Stripe mode, or a local id, with 404 without calling Stripe", async () => {
    const standIn = installStripeStandIn();
    for (const id of [`cs_live_${uniq("a")}`, `cs_local_${uniq("b")}`, `cs_${uniq("c")}`]) {
      const res = await call(`/api/checkout/${id}`, newClient(), STRIPE);
      expect(res.status, id).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "checkout_session_not_found" } });
    }
    expect(standIn.requests).toEqual([]);
    // And with a live key, a test-mode id is not ours either.
    expect((await call(`/api/checkout/cs_test_${uniq("d")}`, newClient(), { STRIPE_SECRET_KEY: "sk_live_standin" })).status).toBe(404);
    expect(standIn.requests).toEqual([]);
  });
});
