/**
 * Helpers of the purchase-flow tests: Stripe-shaped fixtures, signed webhook
 * deliveries (stripe-node's own test header helper), a stand-in for
 * api.stripe.com that speaks Stripe's wire format (form-encoded requests,
 * JSON objects and errors), a sandbox catalog, and row counts scoped to one
 * test's identifiers (tests share the database and run in parallel).
 */
import { env, exports } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import Stripe from "stripe";
import { vi } from "vitest";
import { app } from "../../../src/app";
import { signUserToken } from "../../../src/auth/user-token";
import * as t from "../../../src/db/schema";
import { uniq } from "../../support/ids";
import { checkoutSession, stripeSignature } from "../../support/stripe";
import { withDb } from "./db";

export { uniq } from "../../support/ids";
export { checkoutSession, stripeEvent, type SessionOptions } from "../../support/stripe";

/**
 * One statement, in a transaction: PGlite's socket server interleaves the
 * protocol messages of concurrent connections outside transactions, so a
 * parameterized query there can run with another connection's statement
 * (docs/decisions.md). Inside a transaction it has the database to itself.
 */
export async function query<R extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<R[]> {
  return withDb(async ({ client }) => {
    await client.query("begin");
    try {
      const { rows } = await client.query<R>(text, params);
      await client.query("commit");
      return rows;
    } catch (err) {
      await client.query("rollback").catch(() => {});
      throw err;
    }
  });
}

export async function count(text: string, params: unknown[] = []): Promise<number> {
  const [row] = await query<{ n: number }>(`select count(*)::int as n from (${text}) q`, params);
  return row!.n;
}

// ---------------------------------------------------------------- catalog

/**
 * A sandbox catalog: `perTier` directories in each tier 1-5, where the higher
 * tiers carry the HIGHER domain authority, so a selection that ignored a
 * plan's tier limit would pick them. Every 25th is disabled, every 40th
 * inactive, every 30th manual (chosen, as a staff task).
 */
export async function seedSandboxCatalog(tag: string, perTier = 120): Promise<void> {
  const rows: (typeof t.directories.$inferInsert)[] = [];
  for (let tier = 1; tier <= 5; tier++) {
    for (let i = 0; i < perTier; i++) {
      const n = (tier - 1) * perTier + i;
      rows.push({
        slug: `${tag}-t${tier}-${i}`,
        name: `Sandbox ${tag} ${tier}/${i}`,
        website: `https://d${tier}-${i}.${tag}.sandbox.test`,
        priorityTier: tier,
        daScore: i % 11 === 0 ? null : Math.min(100, (tier - 1) * 20 + 1 + ((i * 7) % 20)),
        country: ["US", "DE", "INT"][i % 3]!,
        sandbox: true,
        automation: n % 25 === 24 ? "disabled" : n % 30 === 29 ? "manual" : "automated",
        isActive: n % 40 !== 39,
      });
    }
  }
  await withDb(({ db }) =>
    db.transaction(async (tx) => {
      for (let i = 0; i < rows.length; i += 200) await tx.insert(t.directories).values(rows.slice(i, i + 200));
    }),
  );
}

// ---------------------------------------------------------------- fixtures

/** The fields of a Charge the refund handling reads, in Stripe's shape. */
export function refundedCharge(paymentIntent: string, o: { amount?: number; refunded?: number } = {}) {
  const amount = o.amount ?? 14900;
  const refunded = o.refunded ?? amount;
  return {
    id: `ch_${uniq()}`,
    object: "charge",
    amount,
    amount_captured: amount,
    amount_refunded: refunded,
    captured: true,
    currency: "usd",
    paid: true,
    payment_intent: paymentIntent,
    refunded: refunded >= amount,
    status: "succeeded",
    livemode: false,
    metadata: {},
  };
}

// ---------------------------------------------------------------- webhook

export async function signature(payload: string, o: { secret?: string; timestamp?: number } = {}): Promise<string> {
  return stripeSignature(payload, o.secret ?? env.STRIPE_WEBHOOK_SECRET, o.timestamp);
}

/** POSTs a signed event through the Worker, as Stripe delivers it. */
export async function deliver(event: unknown, o: { secret?: string; timestamp?: number; headers?: Record<string, string> } = {}): Promise<Response> {
  const payload = JSON.stringify(event, null, 2);
  return exports.default.fetch("http://localhost/api/webhooks/stripe", {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": await signature(payload, o), ...o.headers },
    body: payload,
  });
}

// ---------------------------------------------------------------- the Worker with other env

/** The app with env overrides (e.g. STRIPE_SECRET_KEY), waiting for its waitUntil work. */
export async function fetchWith(overrides: Partial<Env>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://localhost${path}`, init), { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

export async function customerToken(email: string, userId = crypto.randomUUID()): Promise<{ token: string; userId: string }> {
  return { token: await signUserToken(env, { userId, email }), userId };
}

// ---------------------------------------------------------------- Stripe stand-in

export interface StandInRequest {
  method: string;
  path: string;
  form: URLSearchParams;
  headers: Headers;
}

/**
 * Answers api.stripe.com the way Stripe does, for Checkout Sessions: form
 * bodies in, JSON objects out, Stripe's error envelope, Idempotency-Key
 * replays (same body → same answer; other body → 400 idempotency_error).
 * Everything else passes through to the real fetch.
 */
export function installStripeStandIn(options: { failWith?: { status: number; type: string; message: string } } = {}) {
  const sessions = new Map<string, Stripe.Checkout.Session>();
  /** The one charge of each completed session's payment, by payment intent. */
  const charges = new Map<string, { id: string; amount: number; currency: string; refunded: number }>();
  const refunds: { id: string; payment_intent: string; amount: number }[] = [];
  const requests: StandInRequest[] = [];
  const idempotent = new Map<string, { body: string; response: { status: number; body: unknown } }>();
  const realFetch = globalThis.fetch;

  const reply = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", "request-id": `req_${uniq()}`, "stripe-version": Stripe.API_VERSION },
    });
  const error = (status: number, type: string, message: string, code?: string) => ({ status, body: { error: { type, message, ...(code ? { code } : {}) } } });

  function handle(method: string, path: string, form: URLSearchParams, headers: Headers): { status: number; body: unknown } {
    if (!/^Bearer sk_test_\w+$/.test(headers.get("authorization") ?? "")) return error(401, "invalid_request_error", "Invalid API Key provided");
    if (options.failWith) return error(options.failWith.status, options.failWith.type, options.failWith.message);
    if (method === "POST" && path === "/v1/checkout/sessions") {
      for (const required of ["mode", "success_url", "line_items[0][quantity]"]) {
        if (!form.get(required)) return error(400, "invalid_request_error", `Missing required param: ${required}.`, "parameter_missing");
      }
      const session = checkoutSession({
        status: "open",
        plan: form.get("metadata[plan]"),
        email: form.get("customer_email") ?? undefined,
        customer: null,
        paymentIntent: null,
      });
      session.customer_email = form.get("customer_email");
      session.success_url = form.get("success_url");
      session.cancel_url = form.get("cancel_url");
      session.amount_total = session.amount_subtotal = Number(form.get("line_items[0][price_data][unit_amount]"));
      session.url = `https://checkout.stripe.com/c/pay/${session.id}`;
      sessions.set(session.id, session);
      return { status: 200, body: session };
    }
    const charge = (pi: string) => {
      const c = charges.get(pi)!;
      return {
        id: c.id,
        object: "charge",
        amount: c.amount,
        amount_captured: c.amount,
        amount_refunded: c.refunded,
        captured: true,
        currency: c.currency,
        paid: true,
        payment_intent: pi,
        refunded: c.refunded >= c.amount,
        status: "succeeded",
        livemode: false,
        metadata: {},
      };
    };
    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === "GET" && intent) {
      const pi = decodeURIComponent(intent[1]!);
      if (!charges.has(pi)) return error(404, "invalid_request_error", `No such payment_intent: '${pi}'`, "resource_missing");
      const expanded = [...form.entries()].some(([k, v]) => k.startsWith("expand") && v === "latest_charge");
      return {
        status: 200,
        body: {
          id: pi,
          object: "payment_intent",
          amount: charges.get(pi)!.amount,
          currency: charges.get(pi)!.currency,
          status: "succeeded",
          latest_charge: expanded ? charge(pi) : charges.get(pi)!.id,
        },
      };
    }
    if (method === "POST" && path === "/v1/refunds") {
      const pi = form.get("payment_intent") ?? "";
      const c = charges.get(pi);
      if (!c) return error(404, "invalid_request_error", `No such payment_intent: '${pi}'`, "resource_missing");
      const amount = Number(form.get("amount") ?? c.amount - c.refunded);
      if (!(amount > 0) || c.refunded + amount > c.amount) {
        return error(400, "invalid_request_error", `Refund amount (${amount}) is greater than unrefunded amount on charge (${c.amount - c.refunded})`, "amount_too_large");
      }
      c.refunded += amount;
      const refund = { id: `re_${uniq()}`, object: "refund", amount, charge: c.id, currency: c.currency, payment_intent: pi, status: "succeeded", reason: form.get("reason"), metadata: {} };
      refunds.push({ id: refund.id, payment_intent: pi, amount });
      return { status: 200, body: refund };
    }
    const m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (method === "GET" && m) {
      const session = sessions.get(decodeURIComponent(m[1]!));
      return session ? { status: 200, body: session } : error(404, "invalid_request_error", `No such checkout.session: '${m[1]}'`, "resource_missing");
    }
    return error(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  }

  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.hostname !== "api.stripe.com") return realFetch(input, init);
    const body = request.method === "GET" ? "" : new TextDecoder().decode(await request.arrayBuffer());
    const form = new URLSearchParams(body || url.search);
    requests.push({ method: request.method, path: url.pathname, form, headers: request.headers });
    const key = request.headers.get("idempotency-key");
    if (key && request.method === "POST") {
      const seen = idempotent.get(key);
      if (seen && seen.body !== body) {
        return reply(400, {
          error: { type: "idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters they were first used with." },
        });
      }
      if (seen) return reply(seen.response.status, seen.response.body);
      const response = handle(request.method, url.pathname, form, request.headers);
      idempotent.set(key, { body, response });
      return reply(response.status, response.body);
    }
    const response = handle(request.method, url.pathname, form, request.headers);
    return reply(response.status, response.body);
  });

  return {
    sessions,
    requests,
    /** The buyer paid on Stripe's page: the session completes. */
    complete(id: string, o: { country?: string; paymentStatus?: "paid" | "unpaid" } = {}): Stripe.Checkout.Session {
      const open = sessions.get(id)!;
      const done = checkoutSession({
        id,
        plan: open.metadata?.plan ?? null,
        email: open.customer_email ?? undefined,
        country: o.country ?? "US",
        paymentStatus: o.paymentStatus ?? "paid",
        paymentIntent: `pi_${uniq()}`,
      });
      sessions.set(id, done);
      const pi = done.payment_intent as string;
      charges.set(pi, { id: `ch_${uniq()}`, amount: done.amount_total ?? 0, currency: done.currency ?? "usd", refunded: 0 });
      return done;
    },
    charges,
    refunds,
    restore: () => spy.mockRestore(),
  };
}
