/**
 * Plans, checkout (Stripe through a stand-in for api.stripe.com, and the
 * local stand-in without keys), the success page's status and fulfilment,
 * the webhook racing the success page, and the OpenAPI document.
 */
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PLANS, PLAN_IDS } from "../../core/plans";
import { PRODUCTION } from "./support/production";
import { checkoutSession, count, deliver, fetchWith, installStripeStandIn, json, query, seedSandboxCatalog, stripeEvent, uniq } from "./support/purchase";

const STRIPE = { STRIPE_SECRET_KEY: "sk_test_standin" };
const worker = (path: string, init?: RequestInit) => exports.default.fetch(`http://localhost${path}`, init);

beforeAll(async () => {
  await seedSandboxCatalog(uniq("co"));
}, 120_000);

let standIn: ReturnType<typeof installStripeStandIn> | undefined;
afterEach(() => {
  standIn?.restore();
  standIn = undefined;
});

describe("GET /api/plans", () => {
  it("serves the one plan table", async () => {
    const res = await worker("/api/plans");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ plans: PLAN_IDS.map((id) => PLANS[id]) });
  });
});

describe("GET /api/openapi.json", () => {
  it("documents the purchase routes with their schemas, not the local stand-in", async () => {
    const res = await worker("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; responses: object }>>; components: { schemas: object } };
    expect(doc.openapi).toBe("3.1.0");
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(expect.arrayContaining(["/api/business", "/api/checkout", "/api/checkout/{sessionId}", "/api/plans", "/api/webhooks/stripe"]));
    expect(paths.filter((p) => p.includes("/local/"))).toEqual([]);
    expect(Object.keys(doc.paths["/api/business"]!).sort()).toEqual(["get", "put"]);
    expect(JSON.stringify(doc.paths["/api/checkout"]!.post!.requestBody)).toContain("CheckoutRequest");
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["BusinessProfileInput", "CheckoutRequest", "CheckoutStatus", "Error", "Plan"]));
  });
});

describe("POST /api/checkout with Stripe", () => {
  it("creates a Checkout Session with the plan, email, price, billing address and return URLs", async () => {
    standIn = installStripeStandIn();
    const res = await fetchWith(STRIPE, "/api/checkout", json({ plan: "professional", email: " Owner@Example.COM " }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; sessionId: string };
    expect(body.sessionId).toMatch(/^cs_test_/);
    expect(body.url).toBe(`https://checkout.stripe.com/c/pay/${body.sessionId}`);

    expect(standIn.requests).toHaveLength(1);
    const { method, path, form, headers } = standIn.requests[0]!;
    expect([method, path]).toEqual(["POST", "/v1/checkout/sessions"]);
    expect(headers.get("authorization")).toBe("Bearer sk_test_standin");
    expect(Object.fromEntries(form)).toMatchObject({
      mode: "payment",
      customer_email: "owner@example.com",
      customer_creation: "always",
      billing_address_collection: "required",
      "metadata[plan]": "professional",
      "payment_intent_data[metadata][plan]": "professional",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": String(PLANS.professional.priceCents),
      "line_items[0][price_data][product_data][name]": "DirectoryBolt Professional",
      success_url: `${env.PUBLIC_URL}/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${env.PUBLIC_URL}/pricing?checkout=cancelled&plan=professional`,
    });
  });

  it("returns the same session for a repeated Idempotency-Key, and refuses the key with another body", async () => {
    standIn = installStripeStandIn();
    const key = uniq("idem");
    const first = (await (await fetchWith(STRIPE, "/api/checkout", json({ plan: "starter", email: "a@example.com" }, { "idempotency-key": key }))).json()) as { sessionId: string };
    const again = (await (await fetchWith(STRIPE, "/api/checkout", json({ plan: "starter", email: "a@example.com" }, { "idempotency-key": key }))).json()) as { sessionId: string };
    expect(again.sessionId).toBe(first.sessionId);
    expect(standIn.requests.map((r) => r.headers.get("idempotency-key"))).toEqual([`directorybolt-checkout:${key}`, `directorybolt-checkout:${key}`]);
    const other = await fetchWith(STRIPE, "/api/checkout", json({ plan: "growth", email: "a@example.com" }, { "idempotency-key": key }));
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ error: { code: "idempotency_key_reused" } });
    const fresh = (await (await fetchWith(STRIPE, "/api/checkout", json({ plan: "starter", email: "a@example.com" }))).json()) as { sessionId: string };
    expect(fresh.sessionId).not.toBe(first.sessionId);
  });

  it("is a 502 when Stripe fails, and a 503 where payments are not configured", async () => {
    standIn = installStripeStandIn({ failWith: { status: 500, type: "api_error", message: "Something went wrong on Stripe's end." } });
    const failed = await fetchWith(STRIPE, "/api/checkout", json({ plan: "starter", email: "a@example.com" }));
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ error: { code: "payment_provider_error" } });

    const email = `${uniq("prod")}@example.com`;
    const unconfigured = await fetchWith({ ...PRODUCTION, STRIPE_SECRET_KEY: "" }, "/api/checkout", json({ plan: "starter", email }));
    expect(unconfigured.status).toBe(503);
    expect(await unconfigured.json()).toMatchObject({ error: { code: "payments_not_configured" } });
    expect(await count("select 1 from local_checkout_sessions where email = $1", [email])).toBe(0);
  });
});

describe("POST /api/checkout input", () => {
  it("answers every bad request with a 4xx naming the problem, and creates nothing", async () => {
    const email = `${uniq("bad")}@example.com`;
    const post = (init: RequestInit) => worker("/api/checkout", init);
    const cases: [string, RequestInit, number, string, Record<string, string>?][] = [
      ["unknown plan", json({ plan: "platinum", email }), 400, "validation_failed", { plan: "Unknown plan; choose one of starter, growth, professional, enterprise" }],
      ["bad email", json({ plan: "starter", email: "not-an-email" }), 400, "validation_failed", { email: "Not a valid email address" }],
      ["missing fields", json({}), 400, "validation_failed", { plan: expect.any(String), email: "Required" }],
      ["extra field", json({ plan: "starter", email, coupon: "FREE" }), 400, "validation_failed", { coupon: "Unknown field" }],
      ["array body", json([]), 400, "validation_failed", { body: expect.any(String) }],
      ["bad idempotency key", json({ plan: "starter", email }, { "idempotency-key": "has spaces in it" }), 400, "validation_failed", { "idempotency-key": expect.stringContaining("Printable ASCII") }],
      ["malformed JSON", json('{"plan": "starter", '), 400, "malformed_json"],
      ["wrong content type", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ plan: "starter", email }) }, 415, "unsupported_media_type"],
      ["no content type", { method: "POST", body: JSON.stringify({ plan: "starter", email }) }, 415, "unsupported_media_type"],
      ["oversized", json({ plan: "starter", email, padding: "x".repeat(70 * 1024) }), 413, "payload_too_large"],
    ];
    for (const [name, init, status, code, fields] of cases) {
      const res = await post(init);
      expect(res.status, name).toBe(status);
      expect(res.headers.get("content-type"), name).toContain("application/json");
      const body = (await res.json()) as { error: { code: string; message: string; details?: { fields: Record<string, string> } } };
      expect(body.error.code, name).toBe(code);
      if (fields) expect(body.error.details!.fields, name).toEqual(fields);
    }
    expect(await count("select 1 from local_checkout_sessions where email = $1", [email])).toBe(0);
  });
});

describe("local checkout (no Stripe keys)", () => {
  it("leads to a local page whose Pay posts a signed webhook that fulfils the order", async () => {
    expect(env.STRIPE_SECRET_KEY).toBe("");
    const email = `${uniq("local")}@example.com`;
    const created = await worker("/api/checkout", json({ plan: "starter", email }));
    expect(created.status).toBe(200);
    const { url, sessionId } = (await created.json()) as { url: string; sessionId: string };
    expect(sessionId).toMatch(/^cs_local_[A-Za-z0-9]{32}$/);
    expect(url).toBe(`${env.PUBLIC_URL}/api/checkout/local/${sessionId}`);

    const page = await worker(`/api/checkout/local/${sessionId}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain("DirectoryBolt Starter");
    expect(html).toContain(email);
    expect(html).toContain(`action="/api/checkout/local/${sessionId}/pay"`);

    expect(await (await worker(`/api/checkout/${sessionId}`)).json()).toEqual({ status: "pending", jobId: null, plan: "starter", directories: 50 });

    const pay = (country: string) =>
      worker(`/api/checkout/local/${sessionId}/pay`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `country=${country}`,
        redirect: "manual",
      });
    const paid = await pay("de");
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`${env.PUBLIC_URL}/checkout/success?session_id=${sessionId}`);

    const status = (await (await worker(`/api/checkout/${sessionId}`)).json()) as { status: string; jobId: string; plan: string; directories: number };
    expect(status).toEqual({ status: "fulfilled", jobId: expect.any(String), plan: "starter", directories: 50 });
    // The webhook did it: its event is recorded, in Stripe's shape and type.
    const [event] = await query<{ id: string; type: string }>(
      `select e.id, e.type from stripe_events e where e.id like 'evt_local_%' and e.received_at >= (select created_at from local_checkout_sessions where id = $1)
         and exists (select 1 from orders o where o.stripe_checkout_session_id = $1)
       order by e.received_at limit 1`,
      [sessionId],
    );
    expect(event?.type).toBe("checkout.session.completed");
    const [order] = await query<{ status: string; amount_cents: number; stripe_payment_intent_id: string }>("select * from orders where stripe_checkout_session_id = $1", [sessionId]);
    expect(order).toMatchObject({ status: "paid", amount_cents: 14900, stripe_payment_intent_id: expect.stringMatching(/^pi_local_/) });
    const [session] = await query<{ status: string; payment_status: string; country: string }>("select * from local_checkout_sessions where id = $1", [sessionId]);
    expect(session).toMatchObject({ status: "complete", payment_status: "paid", country: "DE" });

    // Paying twice (a double click) changes nothing.
    expect((await pay("DE")).status).toBe(303);
    expect(await count("select 1 from jobs j join orders o on o.id = j.order_id where o.stripe_checkout_session_id = $1", [sessionId])).toBe(1);

    // The page now says it is done.
    expect(await (await worker(`/api/checkout/local/${sessionId}`)).text()).toContain("This checkout is complete");
  });

  it("keeps an Idempotency-Key's session, and refuses the key for another body", async () => {
    const key = uniq("lk");
    const email = `${uniq("lk")}@example.com`;
    const a = (await (await worker("/api/checkout", json({ plan: "growth", email }, { "idempotency-key": key }))).json()) as { sessionId: string };
    const b = (await (await worker("/api/checkout", json({ plan: "growth", email }, { "idempotency-key": key }))).json()) as { sessionId: string };
    expect(b.sessionId).toBe(a.sessionId);
    const other = await worker("/api/checkout", json({ plan: "enterprise", email }, { "idempotency-key": key }));
    expect(other.status).toBe(422);
    expect(await count("select 1 from local_checkout_sessions where email = $1", [email])).toBe(1);
  });

  it("refuses a bad pay form and unknown sessions; is not served when Stripe keys are set", async () => {
    const { sessionId } = (await (await worker("/api/checkout", json({ plan: "starter", email: `${uniq("f")}@example.com` }))).json()) as { sessionId: string };
    const form = (body: string, type = "application/x-www-form-urlencoded") =>
      worker(`/api/checkout/local/${sessionId}/pay`, { method: "POST", headers: { "content-type": type }, body, redirect: "manual" });
    const badCountry = await form("country=XX");
    expect(badCountry.status).toBe(400);
    expect(await badCountry.json()).toMatchObject({ error: { code: "validation_failed", details: { fields: { country: expect.any(String) } } } });
    expect((await form('{"country":"US"}', "application/json")).status).toBe(415);
    expect(await count("select 1 from orders where stripe_checkout_session_id = $1", [sessionId])).toBe(0);
    expect((await worker("/api/checkout/local/cs_local_doesnotexist")).status).toBe(404);
    expect((await fetchWith(STRIPE, `/api/checkout/local/${sessionId}`)).status).toBe(404);
  });

  it("answers only requests addressed to a loopback host: elsewhere no page, no payment and no new session", async () => {
    const email = `${uniq("remote")}@example.com`;
    const { sessionId } = (await (await worker("/api/checkout", json({ plan: "starter", email }))).json()) as { sessionId: string };
    const remote = (path: string, init: RequestInit = {}) => exports.default.fetch(`https://checkout.directorybolt.com${path}`, { redirect: "manual", ...init });
    expect((await remote(`/api/checkout/local/${sessionId}`)).status).toBe(404);
    const pay = await remote(`/api/checkout/local/${sessionId}/pay`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "country=DE" });
    expect(pay.status).toBe(404);
    expect(await count("select 1 from orders where stripe_checkout_session_id = $1", [sessionId])).toBe(0);
    const created = await remote("/api/checkout", json({ plan: "starter", email }));
    expect(created.status).toBe(503);
    expect(await created.json()).toMatchObject({ error: { code: "payments_not_configured" } });
    expect(await count("select 1 from local_checkout_sessions where email = $1", [email])).toBe(1);
  });

  it("fulfils once when Pay races the success page's polling", async () => {
    const { sessionId } = (await (await worker("/api/checkout", json({ plan: "growth", email: `${uniq("race")}@example.com` }))).json()) as { sessionId: string };
    const pay = worker(`/api/checkout/local/${sessionId}/pay`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "country=US",
      redirect: "manual",
    });
    const polls = Array.from({ length: 10 }, () => worker(`/api/checkout/${sessionId}`));
    const [paid, ...answers] = await Promise.all([pay, ...polls]);
    expect(paid!.status, await paid!.clone().text()).toBe(303);
    for (const a of answers) expect(a.status).toBe(200);
    const final = (await (await worker(`/api/checkout/${sessionId}`)).json()) as { jobId: string; directories: number };
    expect(final.directories).toBe(100);
    expect(await count("select 1 from jobs j join orders o on o.id = j.order_id where o.stripe_checkout_session_id = $1", [sessionId])).toBe(1);
    expect(await count("select 1 from directory_submissions where job_id = $1", [final.jobId])).toBe(100);
  });
});

describe("GET /api/checkout/:sessionId with Stripe", () => {
  async function startCheckout(plan: "starter" | "growth" | "professional" | "enterprise") {
    const res = await fetchWith(STRIPE, "/api/checkout", json({ plan, email: `${uniq("s")}@example.com` }));
    return ((await res.json()) as { sessionId: string }).sessionId;
  }

  it("is pending until the session completes, then fulfils it itself when no webhook came", async () => {
    standIn = installStripeStandIn();
    const sessionId = await startCheckout("growth");
    expect(await (await fetchWith(STRIPE, `/api/checkout/${sessionId}`)).json()).toEqual({ status: "pending", jobId: null, plan: "growth", directories: 100 });
    expect(await count("select 1 from orders where stripe_checkout_session_id = $1", [sessionId])).toBe(0);

    const session = standIn.complete(sessionId, { country: "GB" });
    const done = (await (await fetchWith(STRIPE, `/api/checkout/${sessionId}`)).json()) as { status: string; jobId: string; directories: number };
    expect(done).toEqual({ status: "fulfilled", jobId: expect.any(String), plan: "growth", directories: 100 });
    // Polling again is answered from Postgres, without asking Stripe.
    const calls = standIn.requests.length;
    expect(await (await fetchWith(STRIPE, `/api/checkout/${sessionId}`)).json()).toEqual(done);
    expect(standIn.requests.length).toBe(calls);
    // The webhook arriving late finds the work done.
    expect(await (await deliver(stripeEvent("checkout.session.completed", session))).json()).toMatchObject({ duplicate: false, outcome: "fulfilled" });
    expect(await count("select 1 from jobs j join orders o on o.id = j.order_id where o.stripe_checkout_session_id = $1", [sessionId])).toBe(1);
  });

  it("makes exactly one job when the webhook races the success page", async () => {
    standIn = installStripeStandIn();
    const sessionId = await startCheckout("enterprise");
    const session = standIn.complete(sessionId);
    const event = stripeEvent("checkout.session.completed", session);
    const results = await Promise.all([...Array.from({ length: 10 }, () => deliver(event)), ...Array.from({ length: 10 }, () => fetchWith(STRIPE, `/api/checkout/${sessionId}`))]);
    for (const r of results) expect(r.status, await r.clone().text()).toBe(200);
    const polls = (await Promise.all(results.slice(10).map((r) => r.json()))) as { status: string; jobId: string; directories: number }[];
    const jobIds = new Set(polls.map((p) => p.jobId));
    expect(jobIds.size).toBe(1);
    expect(polls.every((p) => p.status === "fulfilled" && p.directories === 500)).toBe(true);
    expect(await count("select 1 from jobs j join orders o on o.id = j.order_id where o.stripe_checkout_session_id = $1", [sessionId])).toBe(1);
    expect(await count("select 1 from directory_submissions where job_id = $1", [[...jobIds][0]])).toBe(500);
    expect(await count("select 1 from stripe_events where id = $1", [event.id])).toBe(1);
  });

  it("answers 400 for a malformed id, 404 for unknown or foreign sessions, 402 for a failed payment", async () => {
    standIn = installStripeStandIn();
    const malformed = await fetchWith(STRIPE, "/api/checkout/not-a-session");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "validation_failed", details: { fields: { sessionId: expect.any(String) } } } });
    expect((await fetchWith(STRIPE, `/api/checkout/cs_test_${uniq()}`)).status).toBe(404);
    const foreign = checkoutSession({ plan: null });
    standIn.sessions.set(foreign.id, foreign);
    // Not created here: Stripe is not even asked.
    const asked = standIn.requests.length;
    expect((await fetchWith(STRIPE, `/api/checkout/${foreign.id}`)).status).toBe(404);
    expect(standIn.requests.length).toBe(asked);
    // Known here (as if created by this deployment) but not a DirectoryBolt purchase: still a 404.
    await query("insert into stripe_checkout_sessions (id, plan) values ($1, 'starter')", [foreign.id]);
    expect((await fetchWith(STRIPE, `/api/checkout/${foreign.id}`)).status).toBe(404);
    expect(standIn.requests.length).toBe(asked + 1);
    expect(await count("select 1 from orders where stripe_checkout_session_id = $1", [foreign.id])).toBe(0);

    const unpaid = checkoutSession({ plan: "starter", paymentStatus: "unpaid" });
    standIn.sessions.set(unpaid.id, unpaid);
    await deliver(stripeEvent("checkout.session.async_payment_failed", unpaid));
    const failed = await fetchWith(STRIPE, `/api/checkout/${unpaid.id}`);
    expect(failed.status).toBe(402);
    expect(await failed.json()).toMatchObject({ error: { code: "payment_failed" } });
  });

  it("answers 409 payment_mismatch for a paid session whose amount is not the plan's price, and fulfils nothing", async () => {
    standIn = installStripeStandIn();
    const cheap = checkoutSession({ plan: "enterprise", amount: 100 });
    standIn.sessions.set(cheap.id, cheap);
    // Made by this deployment (else the poll would not ask Stripe at all).
    await query("insert into stripe_checkout_sessions (id, plan) values ($1, 'enterprise')", [cheap.id]);
    const res = await fetchWith(STRIPE, `/api/checkout/${cheap.id}`);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "payment_mismatch" } });
    expect(await count("select 1 from orders where stripe_checkout_session_id = $1", [cheap.id])).toBe(0);
  });
});
