/**
 * Issue 17, items 1 and 4: the promise stated at checkout (a short plan is
 * sold only with the buyer's acceptance, recorded), and the refund of a
 * shortfall when a job ends: exactly the missing share, once, under a second
 * job-end signal and replayed webhooks, through the local stand-in's Stripe
 * Refunds; a partial charge.refunded leaves the job alone, a full one still
 * cancels it.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { refundEndedJobShortfalls, refundShortfall } from "../../src/billing/shortfall-refund";
import { localCharge } from "../../src/billing/local-refunds";
import { stripeWebhook } from "../../src/routes/stripe-webhook";
import { count, customerToken, deliver, fetchWith, installStripeStandIn, json, query, seedSandboxCatalog, stripeEvent, uniq } from "./support/purchase";
import { paymentNoticeEmail } from "../../src/notifications/templates";
import { withDb } from "./support/db";

const tag = uniq("sf");
beforeAll(async () => {
  await seedSandboxCatalog(tag);
}, 120_000);

const worker = (path: string, init?: RequestInit) => exports.default.fetch(`http://localhost${path}`, init);
const receive = (request: Request) => stripeWebhook.fetch(request, env);

/** A Starter order bought through the local checkout, paid: its ids. */
async function buyStarter(): Promise<{ sessionId: string; jobId: string; orderId: string; paymentIntentId: string }> {
  const created = await worker("/api/checkout", json({ plan: "starter", email: `${uniq("sf")}@example.com` }));
  expect(created.status).toBe(200);
  const { sessionId } = (await created.json()) as { sessionId: string };
  const paid = await worker(`/api/checkout/local/${sessionId}/pay`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "country=US",
    redirect: "manual",
  });
  expect(paid.status).toBe(303);
  const [row] = await query<{ job_id: string; order_id: string; pi: string }>(
    "select j.id as job_id, o.id as order_id, o.stripe_payment_intent_id as pi from orders o join jobs j on j.order_id = o.id where o.stripe_checkout_session_id = $1",
    [sessionId],
  );
  return { sessionId, jobId: row!.job_id, orderId: row!.order_id, paymentIntentId: row!.pi };
}

/** The job ended with `delivered` of its submissions delivered and the rest not (a catalog that held only so many). */
async function endJob(jobId: string, delivered: number): Promise<void> {
  await query(
    `with ranked as (select id, row_number() over (order by priority) as n from directory_submissions where job_id = $1)
     update directory_submissions s
        set status = case when r.n > $2 then 'skipped' when r.n % 3 = 0 then 'submitted' when r.n % 3 = 1 then 'approved' else 'awaiting_verification' end
       from ranked r where r.id = s.id`,
    [jobId, delivered],
  );
  await query("update jobs set status = 'completed', completed_at = now() where id = $1", [jobId]);
}

const jobRow = async (jobId: string) => (await query<{ status: string; status_reason: string | null }>("select status, status_reason from jobs where id = $1", [jobId]))[0]!;
const orderRow = async (orderId: string) => (await query<{ status: string }>("select status from orders where id = $1", [orderId]))[0]!;

describe("refund of a shortfall", () => {
  it("refunds exactly the missing share once, under a second job-end signal and replayed webhooks, and tells the customer", async () => {
    const { jobId, orderId, paymentIntentId } = await buyStarter();
    // The customer's agency listens for refunds only.
    await query("insert into webhook_endpoints (customer_id, url, secret, events) select customer_id, $2, 'whsec_test', '{job.shortfall_refund}' from orders where id = $1", [
      orderId,
      `https://hooks.agency.example/${uniq("sf")}`,
    ]);
    await endJob(jobId, 20);
    const expected = Math.floor((14900 * 30) / 50); // 30 of 50 missing: 8940 cents

    // Three signals at once, then the cron sweep again: one refund.
    // (Each on its own connection, as separate cron runs or Workers would be.)
    const outcomes = await Promise.all([
      withDb(({ db }) => refundShortfall(env, db, jobId, { receive })),
      withDb(({ db }) => refundShortfall(env, db, jobId, { receive })),
      withDb(({ db }) => refundEndedJobShortfalls(env, db, { receive })),
    ]);
    expect(outcomes[0]).toMatchObject({ status: "refunded", amountCents: expected, promised: 50, delivered: 20 });
    expect(outcomes[1]).toMatchObject({ status: "refunded", amountCents: expected });
    const again = await withDb(({ db }) => refundShortfall(env, db, jobId, { receive }));
    expect(again).toMatchObject({ status: "refunded", amountCents: expected, created: false });

    const refunds = await query<{ id: string; amount_cents: number }>("select id, amount_cents from local_refunds where payment_intent_id = $1", [paymentIntentId]);
    expect(refunds).toEqual([{ id: expect.stringMatching(/^re_local_/), amount_cents: expected }]);
    expect(await query("select status, amount_cents, stripe_refund_id from shortfall_refunds where job_id = $1", [jobId])).toEqual([
      { status: "succeeded", amount_cents: expected, stripe_refund_id: refunds[0]!.id },
    ]);

    // The stand-in sent charge.refunded as Stripe would: a partial refund, the job and order stay.
    const charge = await withDb(({ db }) => db.transaction((tx) => localCharge(tx, paymentIntentId)));
    expect(charge).toMatchObject({ object: "charge", amount: 14900, amount_refunded: expected, refunded: false });
    expect(await jobRow(jobId)).toMatchObject({ status: "completed" });
    expect((await orderRow(orderId)).status).toBe("paid");

    // Replays: the same event twice, and a fresh event about the same state.
    const event = stripeEvent("charge.refunded", charge);
    expect((await deliver(event)).status).toBe(200);
    expect(await (await deliver(event)).json()).toMatchObject({ duplicate: true });
    expect((await deliver(stripeEvent("charge.refunded", charge))).status).toBe(200);
    expect(await count("select 1 from local_refunds where payment_intent_id = $1", [paymentIntentId])).toBe(1);
    expect((await orderRow(orderId)).status).toBe("paid");

    // Told in words: one e-mail naming the promise, and the job's feed (portal and staff).
    const notices = await query<{ data: { shortfall: { promised: number; delivered: number; amountCents: number }; full: boolean } }>(
      "select data from notifications where order_id = $1 and kind = 'payment_refunded'",
      [orderId],
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]!.data).toMatchObject({ full: false, shortfall: { promised: 50, delivered: 20, amountCents: expected } });
    const [feed] = await query<{ message: string }>("select message from job_events where job_id = $1 and kind = 'shortfall_refund'", [jobId]);
    expect(feed?.message).toBe("Your Starter plan promised 50 directories and 20 were delivered: we refund the 30 missing, 89.40 USD of the 149.00 USD paid");
    // And the agency's endpoint gets it once, as `job.shortfall_refund`, with the words.
    const hooks = await query<{ event_type: string; body: string }>("select d.event_type, d.body from webhook_deliveries d join job_events e on e.id = d.job_event_id where e.job_id = $1", [jobId]);
    expect(hooks.map((h) => h.event_type)).toEqual(["job.shortfall_refund"]);
    expect(JSON.parse(hooks[0]!.body)).toMatchObject({ type: "job.shortfall_refund", data: { message: feed!.message, job: { id: jobId } } });

    // The portal and the staff job page read it: the job's customer, not another.
    const { token, userId } = await customerToken(`${uniq("owner")}@example.com`);
    await query("update customers set user_id = $1 where id = (select customer_id from orders where id = $2)", [userId, orderId]);
    const shown = await worker(`/api/jobs/${jobId}/shortfall`, { headers: { authorization: `Bearer ${token}` } });
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({
      plan: "starter",
      promised: 50,
      available: 50,
      shortfallAccepted: false,
      refund: {
        status: "succeeded",
        promised: 50,
        delivered: 20,
        amountCents: expected,
        message: "Starter promised 50 directories and 20 were delivered: we refunded the 30 missing, 89.40 USD of the 149.00 USD paid.",
      },
    });
    const stranger = await customerToken(`${uniq("stranger")}@example.com`);
    expect((await worker(`/api/jobs/${jobId}/shortfall`, { headers: { authorization: `Bearer ${stranger.token}` } })).status).toBe(404);
  });

  it("refunds nothing for a job that kept its promise or has not ended", async () => {
    const kept = await buyStarter();
    await endJob(kept.jobId, 50);
    const running = await buyStarter();
    await query("update jobs set status = 'in_progress' where id = $1", [running.jobId]);
    const outcomes = [await withDb(({ db }) => refundShortfall(env, db, kept.jobId, { receive })), await withDb(({ db }) => refundShortfall(env, db, running.jobId, { receive }))];
    expect(outcomes).toEqual([
      { status: "none", jobId: kept.jobId, reason: "the promise was kept" },
      { status: "none", jobId: running.jobId, reason: "the job is in_progress" },
    ]);
    // The cron's sweep does not even pick them.
    const swept = await withDb(({ db }) => refundEndedJobShortfalls(env, db, { receive }, 1000));
    expect(swept.map((o) => o.jobId)).not.toContain(kept.jobId);
    expect(swept.map((o) => o.jobId)).not.toContain(running.jobId);
    expect(await count("select 1 from local_refunds where payment_intent_id in ($1, $2)", [kept.paymentIntentId, running.paymentIntentId])).toBe(0);
  });
});

describe("refund of a shortfall with Stripe", () => {
  it("reads the order's real charge and refunds through Stripe Refunds with one idempotency key", async () => {
    const STRIPE = { STRIPE_SECRET_KEY: "sk_test_standin" };
    const standIn = installStripeStandIn();
    try {
      const created = await fetchWith(STRIPE, "/api/checkout", json({ plan: "growth", email: `${uniq("sfs")}@example.com` }));
      expect(created.status).toBe(200);
      const { sessionId } = (await created.json()) as { sessionId: string };
      expect(Object.fromEntries(standIn.requests[0]!.form)).toMatchObject({ "metadata[promised]": "100", "metadata[available]": "100", "metadata[shortfall_accepted]": "false" });
      const session = standIn.complete(sessionId);
      expect((await deliver(stripeEvent("checkout.session.completed", session))).status).toBe(200);
      const [row] = await query<{ job_id: string; order_id: string }>(
        "select j.id as job_id, o.id as order_id from orders o join jobs j on j.order_id = o.id where o.stripe_checkout_session_id = $1",
        [sessionId],
      );
      const jobId = row!.job_id;
      await endJob(jobId, 40);
      // Stripe's charge is what is split, not the plan's list price.
      const pi = session.payment_intent as string;
      standIn.charges.get(pi)!.amount = 20000;
      const expected = Math.floor((20000 * 60) / 100);

      const stripeEnv = { ...env, ...STRIPE };
      const outcomes = await Promise.all([withDb(({ db }) => refundShortfall(stripeEnv, db, jobId)), withDb(({ db }) => refundShortfall(stripeEnv, db, jobId))]);
      expect(outcomes.map((o) => o.status)).toEqual(["refunded", "refunded"]);
      expect(await withDb(({ db }) => refundShortfall(stripeEnv, db, jobId))).toMatchObject({ status: "refunded", amountCents: expected, created: false });

      expect(standIn.refunds).toEqual([{ id: expect.stringMatching(/^re_/), payment_intent: pi, amount: expected }]);
      const posts = standIn.requests.filter((r) => r.path === "/v1/refunds");
      expect(posts.length).toBeGreaterThanOrEqual(1);
      for (const post of posts) {
        expect(post.headers.get("idempotency-key")).toBe(`directorybolt-shortfall:${jobId}`);
        expect(Object.fromEntries(post.form)).toMatchObject({ payment_intent: pi, amount: String(expected), reason: "requested_by_customer", "metadata[kind]": "shortfall" });
      }
      expect(await query("select stripe_refund_id, amount_cents, charge_amount_cents from shortfall_refunds where job_id = $1", [jobId])).toEqual([
        { stripe_refund_id: standIn.refunds[0]!.id, amount_cents: expected, charge_amount_cents: 20000 },
      ]);
    } finally {
      standIn.restore();
    }
  });

  it("asks Stripe for nothing when a short plan is not accepted, and says the numbers on Stripe's page when it is", async () => {
    const standIn = installStripeStandIn();
    try {
      const stripeLive = { STRIPE_SECRET_KEY: "sk_test_standin", DIRECTORY_CATALOG: "live" };
      const body = { plan: "enterprise", email: `${uniq("sfs")}@example.com`, country: "MC", category: "bakery" };
      expect((await fetchWith(stripeLive, "/api/checkout", json(body))).status).toBe(409);
      expect(standIn.requests).toHaveLength(0);
      const accepted = await fetchWith(stripeLive, "/api/checkout", json({ ...body, acceptShortfall: true }));
      expect(accepted.status).toBe(200);
      const { sessionId } = (await accepted.json()) as { sessionId: string };
      const form = Object.fromEntries(standIn.requests[0]!.form);
      const [promise] = await query<{ available: number }>("select available from checkout_promises where session_id = $1", [sessionId]);
      expect(form["line_items[0][price_data][product_data][description]"]).toBe(
        `${promise!.available} of the 500 directories fit your business now; the ${500 - promise!.available} missing are refunded pro rata when the job ends (one-time)`,
      );
      expect(form).toMatchObject({ "metadata[promised]": "500", "metadata[available]": String(promise!.available), "metadata[shortfall_accepted]": "true" });
    } finally {
      standIn.restore();
    }
  });

  it("words the e-mail with the promise, what was delivered and the money back", () => {
    const mail = paymentNoticeEmail("payment_refunded", {
      to: "owner@example.com",
      businessName: "Bolt Bakery",
      publicUrl: "https://directorybolt.example",
      data: { plan: "professional", jobId: "j1", amountCents: 49900, refundedCents: 29940, currency: "usd", full: false, shortfall: { promised: 300, delivered: 120, amountCents: 29940 } },
    });
    expect(mail.subject).toBe("We refunded the 180 directories we could not deliver");
    expect(mail.text).toContain("Your DirectoryBolt Professional plan promised 300 directories for Bolt Bakery, and we delivered 120.");
    expect(mail.text).toContain("We refunded the 180 missing, pro rata: 299.40 USD of the 499.00 USD you paid.");
  });
});

describe("charge.refunded", () => {
  it("a partial refund leaves the job running; a full one still cancels it", async () => {
    const { jobId, orderId, paymentIntentId } = await buyStarter();
    await query("update jobs set status = 'in_progress' where id = $1", [jobId]);
    const base = await withDb(({ db }) => db.transaction((tx) => localCharge(tx, paymentIntentId)));
    const pending = () => count("select 1 from directory_submissions where job_id = $1 and status = 'pending'", [jobId]);
    const before = await pending();
    expect(before).toBeGreaterThan(0);

    expect((await deliver(stripeEvent("charge.refunded", { ...base, amount_refunded: 5000, refunded: false }))).status).toBe(200);
    expect(await jobRow(jobId)).toMatchObject({ status: "in_progress" });
    expect((await orderRow(orderId)).status).toBe("paid");
    expect(await pending()).toBe(before);

    expect((await deliver(stripeEvent("charge.refunded", { ...base, amount_refunded: 14900, refunded: true }))).status).toBe(200);
    expect(await jobRow(jobId)).toMatchObject({ status: "cancelled", status_reason: "refunded" });
    expect((await orderRow(orderId)).status).toBe("refunded");
    expect(await pending()).toBe(0);
  });
});

describe("the promise at checkout", () => {
  const live = { DIRECTORY_CATALOG: "live" };
  const checkout = (body: Record<string, unknown>) => fetchWith(live, "/api/checkout", json(body));

  it("states a short plan in numbers and refuses it without the acceptance (409), recording nothing", async () => {
    const preview = (await (await fetchWith(live, "/api/directories/preview?country=MC&category=bakery")).json()) as { plans: { plan: string; available: number }[] };
    const available = preview.plans.find((p) => p.plan === "enterprise")!.available;
    expect(available).toBeLessThan(500);
    const email = `${uniq("promise")}@example.com`;

    const refused = await checkout({ plan: "enterprise", email, country: "MC", category: "bakery" });
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("plan_short");
    expect(body.error.message).toContain(`Enterprise promises 500 directories, and ${available} fit this business now`);
    expect(await count("select 1 from local_checkout_sessions where email = $1", [email])).toBe(0);

    const accepted = await checkout({ plan: "enterprise", email, country: "MC", category: "bakery", acceptShortfall: true });
    expect(accepted.status).toBe(200);
    const { sessionId } = (await accepted.json()) as { sessionId: string };
    expect(await query("select plan, promised, available, country, category, shortfall_accepted from checkout_promises where session_id = $1", [sessionId])).toEqual([
      { plan: "enterprise", promised: 500, available, country: "MC", category: "bakery", shortfall_accepted: true },
    ]);
    // The (local) checkout page says it again, in numbers.
    const page = await (await fetchWith(live, `/api/checkout/local/${sessionId}`)).text();
    expect(page).toContain(`${available} of the 500 directories fit your business now; the ${500 - available} missing are refunded pro rata when the job ends.`);
  });

  it("asks the live catalog for the business, and refuses bad input with a 400", async () => {
    const email = `${uniq("promise")}@example.com`;
    const cases: [Record<string, unknown>, string][] = [
      [{ plan: "starter", email }, "business_required"],
      [{ plan: "starter", email, country: "MC" }, "business_required"],
      [{ plan: "starter", email, country: "XX", category: "bakery" }, "validation_failed"],
      [{ plan: "starter", email, country: "MC", category: "no-such-thing" }, "validation_failed"],
      [{ plan: "starter", email, country: "MC", category: "bakery", acceptShortfall: "yes" }, "validation_failed"],
    ];
    for (const [input, code] of cases) {
      const res = await checkout(input);
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, JSON.stringify(input)).toBe(code);
    }
    expect(await count("select 1 from local_checkout_sessions where email = $1", [email])).toBe(0);
  });

  it("records a plan that can be filled as such (sandbox: any business)", async () => {
    const created = await worker("/api/checkout", json({ plan: "starter", email: `${uniq("promise")}@example.com` }));
    const { sessionId } = (await created.json()) as { sessionId: string };
    expect(await query("select promised, available, shortfall_accepted from checkout_promises where session_id = $1", [sessionId])).toEqual([
      { promised: 50, available: 50, shortfall_accepted: false },
    ]);
  });
});
