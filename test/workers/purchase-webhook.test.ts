/**
 * POST /api/webhooks/stripe: signature checks on the raw body, exactly-once
 * processing (concurrent and replayed deliveries), fulfilment per plan,
 * async payments, refunds, and a failure after the event id was recorded.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { PLANS, PLAN_IDS, type PlanId } from "../../core/plans";
import { checkoutSession, count, deliver, fetchWith, query, refundedCharge, seedSandboxCatalog, signature, stripeEvent, uniq } from "./support/purchase";
import { withDb } from "./support/db";

const tag = uniq("wh");
beforeAll(async () => {
  await seedSandboxCatalog(tag);
}, 120_000);

/** Rows that a delivery of this event/session/email could have written. */
async function footprint(eventId: string, sessionId: string, email: string) {
  return {
    events: await count("select 1 from stripe_events where id = $1", [eventId]),
    orders: await count("select 1 from orders where stripe_checkout_session_id = $1", [sessionId]),
    customers: await count("select 1 from customers where email = $1", [email.toLowerCase()]),
    jobs: await count("select 1 from jobs j join orders o on o.id = j.order_id where o.stripe_checkout_session_id = $1", [sessionId]),
  };
}
const NOTHING = { events: 0, orders: 0, customers: 0, jobs: 0 };

async function jobOf(sessionId: string) {
  const [job] = await query<{ id: string; status: string; plan: string; directories_total: number; status_reason: string | null; customer_id: string }>(
    `select j.* from jobs j join orders o on o.id = j.order_id where o.stripe_checkout_session_id = $1`,
    [sessionId],
  );
  return job;
}

function paidEvent(plan: PlanId, o: { email?: string; country?: string | null } = {}) {
  const email = o.email ?? `${uniq("buyer")}@Example.com`;
  const session = checkoutSession({ plan, email, country: o.country });
  return { email, session, event: stripeEvent("checkout.session.completed", session) };
}

describe("signature verification", () => {
  it("refuses missing, malformed, foreign, stale and tampered signatures, and writes nothing", async () => {
    const { email, session, event } = paidEvent("starter");
    const payload = JSON.stringify(event);
    const post = (headers: Record<string, string>, body = payload) =>
      exports.default.fetch("http://localhost/api/webhooks/stripe", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, Promise<Response>, string][] = [
      ["missing", post({}), "missing_signature"],
      ["garbage", post({ "stripe-signature": "garbage" }), "invalid_signature"],
      ["wrong scheme", post({ "stripe-signature": `t=${now},v0=abc` }), "invalid_signature"],
      ["foreign secret", post({ "stripe-signature": await signature(payload, { secret: "whsec_someone_else" }) }), "invalid_signature"],
      ["stale (10 min)", post({ "stripe-signature": await signature(payload, { timestamp: now - 600 }) }), "invalid_signature"],
      ["tampered body", post({ "stripe-signature": await signature(payload) }, payload.replace('"starter"', '"enterprise"')), "invalid_signature"],
    ];
    for (const [name, pending, code] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, name).toBe(code);
      expect(body.error.message.length, name).toBeGreaterThan(10);
    }
    const stale = await post({ "stripe-signature": await signature(payload, { timestamp: now - 600 }) });
    expect(((await stale.json()) as { error: { message: string } }).error.message).toContain("tolerance");
    expect(await footprint(event.id, session.id, email)).toEqual(NOTHING);
  });

  it("refuses wrong content types, malformed or non-event JSON and oversized bodies, writing nothing", async () => {
    const { email, session, event } = paidEvent("starter");
    const payload = JSON.stringify(event);
    const url = "http://localhost/api/webhooks/stripe";
    const signed = async (body: string, contentType = "application/json") =>
      exports.default.fetch(url, { method: "POST", headers: { "content-type": contentType, "stripe-signature": await signature(body) }, body });

    const text = await signed(payload, "text/plain");
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({ error: { code: "unsupported_media_type" } });
    const form = await signed(payload, "application/x-www-form-urlencoded");
    expect(form.status).toBe(415);

    const malformed = await signed('{"id": "evt_x", "type": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "malformed_json" } });
    const notEvent = await signed(JSON.stringify({ hello: "world" }));
    expect(notEvent.status).toBe(400);
    expect(await notEvent.json()).toMatchObject({ error: { code: "invalid_event" } });

    // Over 1 MiB: refused by Content-Length, and by counting a streamed body.
    const big = JSON.stringify({ ...event, padding: "x".repeat(1024 * 1024) });
    const sized = await signed(big);
    expect(sized.status).toBe(413);
    expect(await sized.json()).toMatchObject({ error: { code: "payload_too_large" } });
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    const streamed = await exports.default.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": await signature(big) },
      body: stream,
    });
    expect(streamed.status).toBe(413);

    expect(await footprint(event.id, session.id, email)).toEqual(NOTHING);
  });

  it("refuses a signed event holding a NUL character (Postgres cannot store one) with a 400, writing nothing", async () => {
    // Found by the fuzz project: an event id of "\u0000" was a 500.
    const { email, session, event } = paidEvent("starter");
    const url = "http://localhost/api/webhooks/stripe";
    for (const tainted of [
      { ...event, id: "\u0000" },
      { ...event, data: { object: { ...session, customer_email: "a\u0000@example.com" } } },
    ]) {
      const body = JSON.stringify(tainted);
      const res = await exports.default.fetch(url, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": await signature(body) }, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_event" } });
    }
    expect(await footprint(event.id, session.id, email)).toEqual(NOTHING);
    expect(await count("select id from stripe_events where id = $1", ["\ufffd"])).toBe(0);
  });
});

describe("fulfilment from checkout.session.completed", () => {
  for (const planId of PLAN_IDS) {
    it(`${planId}: one job with exactly ${PLANS[planId].directories} directories from its tiers, best first`, async () => {
      const plan = PLANS[planId];
      const { email, session, event } = paidEvent(planId);
      const res = await deliver(event);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, eventId: event.id, duplicate: false, outcome: "fulfilled" });

      const [order] = await query<{ id: string; status: string; plan: string; amount_cents: number; stripe_payment_intent_id: string; paid_at: Date | null }>(
        "select * from orders where stripe_checkout_session_id = $1",
        [session.id],
      );
      expect(order).toMatchObject({ status: "paid", plan: planId, amount_cents: plan.priceCents, stripe_payment_intent_id: session.payment_intent });
      expect(order!.paid_at).not.toBeNull();
      const [customer] = await query<{ email: string; stripe_customer_id: string; name: string }>("select c.* from customers c join orders o on o.customer_id = c.id where o.id = $1", [order!.id]);
      expect(customer).toMatchObject({ email: email.toLowerCase(), stripe_customer_id: session.customer, name: "Ana Müller" });

      const job = (await jobOf(session.id))!;
      expect(job).toMatchObject({ status: "pending", plan: planId, directories_total: plan.directories });
      const picked = await query<{ priority: number; status: string; priority_tier: number; da_score: number | null; sandbox: boolean; is_active: boolean; automation: string; directory_id: string }>(
        `select s.priority, s.status, s.directory_id, d.priority_tier, d.da_score, d.sandbox, d.is_active, d.automation
         from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1 order by s.priority`,
        [job.id],
      );
      expect(picked).toHaveLength(plan.directories);
      expect(new Set(picked.map((p) => p.directory_id)).size).toBe(plan.directories);
      expect(picked.map((p) => p.priority)).toEqual(picked.map((_, i) => i));
      for (const p of picked) {
        expect(p).toMatchObject({ status: "pending", sandbox: true, is_active: true });
        expect(p.automation).not.toBe("disabled");
        expect(p.priority_tier).toBeLessThanOrEqual(plan.tierLimit);
      }
      // Best DA first (unknown last), and none of this test's eligible
      // directories with a better DA than the worst picked was left out.
      const das = picked.map((p) => p.da_score ?? -1);
      expect([...das].sort((a, b) => b - a)).toEqual(das);
      const worst = das.at(-1)!;
      const pickedIds = picked.map((p) => p.directory_id);
      const leftOut = await count(
        `select 1 from directories where slug like $1 and is_active and automation <> 'disabled' and priority_tier <= $2
           and coalesce(da_score, -1) > $3 and not (id = any($4::uuid[]))`,
        [`${tag}-%`, plan.tierLimit, worst, pickedIds],
      );
      expect(leftOut).toBe(0);

      const events = await query<{ kind: string; data: { selected: number; plan: string } }>("select kind, data from job_events where job_id = $1", [job.id]);
      expect(events).toEqual([{ kind: "job_created", data: expect.objectContaining({ selected: plan.directories, plan: planId }) }]);
      const [recorded] = await query<{ type: string; processed_at: Date | null }>("select * from stripe_events where id = $1", [event.id]);
      expect(recorded!.type).toBe("checkout.session.completed");
      expect(recorded!.processed_at).not.toBeNull();
    });
  }

  it("50 concurrent deliveries of one event make exactly one job with the plan's submissions", async () => {
    const { session, event } = paidEvent("enterprise");
    const responses = await Promise.all(Array.from({ length: 50 }, () => deliver(event)));
    const bodies = (await Promise.all(
      responses.map(async (r) => {
        expect(r.status, await r.clone().text()).toBe(200);
        return r.json();
      }),
    )) as { duplicate: boolean; outcome: string }[];
    expect(bodies.filter((b) => !b.duplicate)).toEqual([expect.objectContaining({ outcome: "fulfilled" })]);
    expect(bodies.filter((b) => b.duplicate)).toHaveLength(49);
    expect(await count("select 1 from jobs j join orders o on o.id = j.order_id where o.stripe_checkout_session_id = $1", [session.id])).toBe(1);
    const job = (await jobOf(session.id))!;
    expect(await count("select 1 from directory_submissions where job_id = $1", [job.id])).toBe(500);
    expect(await count("select 1 from job_events where job_id = $1 and kind = 'job_created'", [job.id])).toBe(1);
    expect(await count("select 1 from stripe_events where id = $1", [event.id])).toBe(1);
  });

  it("a replayed event is a 200 no-op; a second event for the same session finds the job done", async () => {
    const { session, event } = paidEvent("growth");
    expect((await (await deliver(event)).json()) as object).toMatchObject({ duplicate: false, outcome: "fulfilled" });
    const job = (await jobOf(session.id))!;
    const [before] = await query<{ updated_at: Date }>("select updated_at from jobs where id = $1", [job.id]);
    for (let i = 0; i < 3; i++) {
      const replay = await deliver(event);
      expect(replay.status).toBe(200);
      expect(await replay.json()).toEqual({ received: true, eventId: event.id, duplicate: true, outcome: "duplicate" });
    }
    // Stripe may also send a different event about the same session.
    const other = await deliver(stripeEvent("checkout.session.async_payment_succeeded", session));
    expect(await other.json()).toMatchObject({ duplicate: false, outcome: "fulfilled" });
    expect(await count("select 1 from directory_submissions where job_id = $1", [job.id])).toBe(100);
    expect(await count("select 1 from jobs j join orders o on o.id = j.order_id where o.stripe_checkout_session_id = $1", [session.id])).toBe(1);
    const [after] = await query<{ updated_at: Date }>("select updated_at from jobs where id = $1", [job.id]);
    expect(after!.updated_at).toEqual(before!.updated_at);
  });

  it("a failure after the event id was recorded rolls the record back, so Stripe's retry fulfils", async () => {
    // A fault injected in the database: the first job insert for this buyer fails.
    await withDb(async ({ client }) => {
      await client.query("begin");
      await client.query(`create table if not exists purchase_test_faults (email text primary key)`);
      await client.query(`create or replace function purchase_test_fault() returns trigger language plpgsql as $$
        begin
          if exists (select 1 from purchase_test_faults f join customers c on c.email = f.email where c.id = new.customer_id) then
            raise exception 'injected fault for %', new.customer_id;
          end if;
          return new;
        end $$`);
      await client.query(`create or replace trigger purchase_test_fault before insert on jobs for each row execute function purchase_test_fault()`);
      await client.query("commit");
    });
    const { email, session, event } = paidEvent("starter");
    await query("insert into purchase_test_faults (email) values ($1)", [email.toLowerCase()]);
    const failed = await deliver(event);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: { code: "internal" } });
    expect(await footprint(event.id, session.id, email)).toEqual(NOTHING);

    await query("delete from purchase_test_faults where email = $1", [email.toLowerCase()]);
    const retried = await deliver(event);
    expect(await retried.json()).toMatchObject({ duplicate: false, outcome: "fulfilled" });
    expect(await footprint(event.id, session.id, email)).toEqual({ events: 1, orders: 1, customers: 1, jobs: 1 });
  });

  it("one customer buying twice gets the second job's directories without the first job's", async () => {
    const email = `${uniq("repeat")}@example.com`;
    const first = paidEvent("starter", { email });
    const second = paidEvent("starter", { email });
    await Promise.all([deliver(first.event), deliver(second.event)]);
    const a = (await jobOf(first.session.id))!;
    const b = (await jobOf(second.session.id))!;
    expect(a.customer_id).toBe(b.customer_id);
    expect(
      await count(
        `select 1 from directory_submissions x join directory_submissions y on x.directory_id = y.directory_id
         where x.job_id = $1 and y.job_id = $2`,
        [a.id, b.id],
      ),
    ).toBe(0);
    expect(await count("select 1 from directory_submissions where job_id = any($1::uuid[])", [[a.id, b.id]])).toBe(100);
  });

  it("ignores sessions that are not DirectoryBolt purchases (200, recorded, nothing else)", async () => {
    for (const o of [{ plan: null }, { plan: "platinum" }, { mode: "subscription" as const }]) {
      const email = `${uniq("other")}@example.com`;
      const session = checkoutSession({ ...o, email });
      const event = stripeEvent("checkout.session.completed", session);
      const res = await deliver(event);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ duplicate: false, outcome: "ignored" });
      expect(await footprint(event.id, session.id, email)).toEqual({ ...NOTHING, events: 1 });
    }
  });

  it("does not fulfil a paid session whose amount, currency or mode does not match the plan: 200 (no retries), recorded for staff, nothing else written", async () => {
    const cases = [
      { why: /amount/, session: (email: string) => checkoutSession({ plan: "growth", email, amount: PLANS.starter.priceCents }) },
      { why: /currency/, session: (email: string) => checkoutSession({ plan: "starter", email, currency: "eur" }) },
      { why: /live mode/, session: (email: string) => ({ ...checkoutSession({ plan: "starter", email }), livemode: true }) },
    ];
    for (const c of cases) {
      const email = `${uniq("mismatch")}@example.com`;
      const session = c.session(email);
      const event = stripeEvent("checkout.session.completed", session);
      const res = await deliver(event);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ duplicate: false, outcome: "refused" });
      expect(await footprint(event.id, session.id, email)).toEqual({ ...NOTHING, events: 1 });
      const [recorded] = await query<{ refusal: string | null; processed_at: Date | null }>("select refusal, processed_at from stripe_events where id = $1", [event.id]);
      expect(recorded!.refusal).toMatch(c.why);
      expect(recorded!.processed_at).not.toBeNull();
      // Stripe's retry of the same event is a no-op.
      expect(await (await deliver(event)).json()).toMatchObject({ duplicate: true });
    }
    // A test-mode session under a live key is refused too.
    const email = `${uniq("mismatch")}@example.com`;
    const session = checkoutSession({ plan: "starter", email });
    const event = stripeEvent("checkout.session.completed", session);
    const payload = JSON.stringify(event);
    const res = await fetchWith({ STRIPE_SECRET_KEY: "sk_live_standin" }, "/api/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": await signature(payload) },
      body: payload,
    });
    expect(await res.json()).toMatchObject({ outcome: "refused" });
    expect(await footprint(event.id, session.id, email)).toEqual({ ...NOTHING, events: 1 });
  });

  it("answers 200 to event types it does not handle, and records them once", async () => {
    const event = stripeEvent("customer.created", { id: `cus_${uniq()}`, object: "customer" });
    expect(await (await deliver(event)).json()).toEqual({ received: true, eventId: event.id, duplicate: false, outcome: "ignored" });
    expect(await (await deliver(event)).json()).toMatchObject({ duplicate: true });
    expect(await count("select 1 from stripe_events where id = $1 and processed_at is not null", [event.id])).toBe(1);
  });

  it("sends a live-catalog order only its country's and international directories", async () => {
    const liveTag = uniq("live");
    await query(
      `insert into directories (slug, name, website, priority_tier, da_score, country, sandbox)
         select $1 || '-' || g, 'Live ' || g, 'https://l' || g || '.' || $1 || '.test', 1, 50 + (g % 40), (array['US','DE','FR','INT'])[1 + g % 4], false
         from generate_series(1, 240) g`,
      [liveTag],
    );
    const { session, event } = paidEvent("starter", { country: "FR" });
    const res = await fetchWith({ DIRECTORY_CATALOG: "live" }, "/api/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": await signature(JSON.stringify(event)) },
      body: JSON.stringify(event),
    });
    expect(await res.json()).toMatchObject({ outcome: "fulfilled" });
    const job = (await jobOf(session.id))!;
    const countries = await query<{ country: string }>("select distinct d.country from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1 order by 1", [job.id]);
    expect(countries.map((c) => c.country).every((c) => c === "FR" || c === "INT")).toBe(true);
    expect(await count("select 1 from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1 and d.sandbox", [job.id])).toBe(0);
  });
});

describe("asynchronous payments", () => {
  it("records a pending order while the payment clears, and fulfils when it succeeds", async () => {
    const email = `${uniq("async")}@example.com`;
    const unpaid = checkoutSession({ plan: "growth", email, paymentStatus: "unpaid" });
    const completed = stripeEvent("checkout.session.completed", unpaid);
    expect(await (await deliver(completed)).json()).toMatchObject({ outcome: "pending" });
    const [order] = await query<{ status: string; paid_at: Date | null }>("select * from orders where stripe_checkout_session_id = $1", [unpaid.id]);
    expect(order).toMatchObject({ status: "pending", paid_at: null });
    expect(await jobOf(unpaid.id)).toBeUndefined();

    const succeeded = stripeEvent("checkout.session.async_payment_succeeded", { ...unpaid, payment_status: "paid" });
    expect(await (await deliver(succeeded)).json()).toMatchObject({ outcome: "fulfilled" });
    const [paid] = await query<{ status: string }>("select status from orders where stripe_checkout_session_id = $1", [unpaid.id]);
    expect(paid!.status).toBe("paid");
    expect((await jobOf(unpaid.id))!.directories_total).toBe(100);
  });

  it("marks the order payment_failed when the payment fails, and creates no job", async () => {
    const unpaid = checkoutSession({ plan: "starter", paymentStatus: "unpaid" });
    await deliver(stripeEvent("checkout.session.completed", unpaid));
    const failed = await deliver(stripeEvent("checkout.session.async_payment_failed", unpaid));
    expect(await failed.json()).toMatchObject({ outcome: "payment_failed" });
    const [order] = await query<{ status: string }>("select status from orders where stripe_checkout_session_id = $1", [unpaid.id]);
    expect(order!.status).toBe("payment_failed");
    expect(await jobOf(unpaid.id)).toBeUndefined();
  });
});

describe("refunds", () => {
  it("a full refund cancels the job and skips its unstarted submissions; started ones are left to the coordinator", async () => {
    const { session, event } = paidEvent("starter");
    await deliver(event);
    const job = (await jobOf(session.id))!;
    // Some work already left Postgres's hands.
    await query(`update directory_submissions set status = case when priority < 3 then 'submitted' when priority < 5 then 'queued' else status end where job_id = $1`, [job.id]);
    const refund = stripeEvent("charge.refunded", refundedCharge(session.payment_intent as string));
    const res = await deliver(refund);
    expect(await res.json()).toMatchObject({ duplicate: false, outcome: "refunded" });

    const [order] = await query<{ status: string; refunded_at: Date | null }>("select * from orders where stripe_checkout_session_id = $1", [session.id]);
    expect(order!.status).toBe("refunded");
    expect(order!.refunded_at).not.toBeNull();
    expect(await jobOf(session.id)).toMatchObject({ status: "cancelled", status_reason: "refunded" });
    const statuses = await query<{ status: string; failure_reason: string | null; n: number }>(
      "select status, failure_reason, count(*)::int as n from directory_submissions where job_id = $1 group by 1, 2 order by 1",
      [job.id],
    );
    expect(statuses).toEqual([
      { status: "queued", failure_reason: null, n: 2 },
      { status: "skipped", failure_reason: "refunded", n: 45 },
      { status: "submitted", failure_reason: null, n: 3 },
    ]);
    expect(await count("select 1 from job_events where job_id = $1 and kind = 'job_cancelled'", [job.id])).toBe(1);

    // Replayed, and a second refund event for the same charge: no change.
    expect(await (await deliver(refund)).json()).toMatchObject({ duplicate: true });
    const again = stripeEvent("charge.refunded", refundedCharge(session.payment_intent as string));
    expect(await (await deliver(again)).json()).toMatchObject({ duplicate: false, outcome: "refunded" });
    expect(await count("select 1 from job_events where job_id = $1 and kind = 'job_cancelled'", [job.id])).toBe(1);
  });

  it("a partial refund only notes it; a refund of an unknown payment is acknowledged", async () => {
    const { session, event } = paidEvent("starter");
    await deliver(event);
    const partial = await deliver(stripeEvent("charge.refunded", refundedCharge(session.payment_intent as string, { refunded: 2000 })));
    expect(await partial.json()).toMatchObject({ outcome: "partial_refund" });
    expect(await jobOf(session.id)).toMatchObject({ status: "pending" });
    expect(await count("select 1 from directory_submissions where job_id = $1 and status = 'pending'", [(await jobOf(session.id))!.id])).toBe(50);

    const unknown = await deliver(stripeEvent("charge.refunded", refundedCharge(`pi_${uniq()}`)));
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ outcome: "ignored" });
  });
});

describe("configuration", () => {
  it("is 503 without a webhook secret (Stripe retries later), writing nothing", async () => {
    const { email, session, event } = paidEvent("starter");
    const res = await fetchWith({ STRIPE_WEBHOOK_SECRET: "" }, "/api/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": await signature(JSON.stringify(event)) },
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(503);
    expect(await footprint(event.id, session.id, email)).toEqual(NOTHING);
    expect(env.STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_/);
  });

  it("accepts either secret while one is being rolled (comma-separated)", async () => {
    const { event } = paidEvent("starter");
    const payload = JSON.stringify(event);
    const rolled = { STRIPE_WEBHOOK_SECRET: `whsec_the_new_one, ${env.STRIPE_WEBHOOK_SECRET}` };
    const send = async (secret: string) =>
      fetchWith(rolled, "/api/webhooks/stripe", {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": await signature(payload, { secret }) },
        body: payload,
      });
    expect((await send("whsec_someone_else")).status).toBe(400);
    expect(await (await send(env.STRIPE_WEBHOOK_SECRET)).json()).toMatchObject({ outcome: "fulfilled" });
    expect(await (await send("whsec_the_new_one")).json()).toMatchObject({ duplicate: true });
  });
});
