/**
 * Payment-problem e-mails: Stripe's signed events through the real webhook
 * route enqueue one notice per fact in the event's own transaction; replays
 * and a second event about the same fact enqueue nothing; the outbox sends
 * each once through a stand-in speaking Resend's wire format.
 */
import { describe, expect, it } from "vitest";
import { drainNotifications } from "../../src/notifications/outbox";
import { withDb } from "./support/db";
import { checkoutSession, deliver, query, refundedCharge, stripeEvent, uniq } from "./support/purchase";
import { seedJob } from "./support/seed";

const EMAIL = { apiKey: "re_test_key", from: "DirectoryBolt <billing@directorybolt.test>", apiUrl: "https://email.test", publicUrl: "https://app.test" };

/** Resend's wire format: POST /emails, JSON { from, to[], subject, text, html } → 200 { id }. */
function provider() {
  const sent: { to: string; subject: string; text: string; key: string | null }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const body = (await req.json()) as { to: string[]; subject: string; text: string };
    sent.push({ to: body.to[0]!, subject: body.subject, text: body.text, key: req.headers.get("idempotency-key") });
    return Response.json({ id: `email_${crypto.randomUUID()}` });
  }) as typeof fetch;
  return { fetcher, sent, to: (email: string) => sent.filter((s) => s.to === email) };
}

/** Drains until the recipient's pending notices are gone (other tests' rows share the outbox). */
async function drainFor(email: string, p: ReturnType<typeof provider>) {
  for (let i = 0; i < 30; i++) {
    const [row] = await query<{ n: number }>("select count(*)::int as n from notifications where recipient = $1 and status = 'pending'", [email]);
    if (row!.n === 0) return;
    await withDb(({ client }) => drainNotifications(client, { ...EMAIL, fetch: p.fetcher }, 100));
  }
  throw new Error("notices not drained");
}

const noticesOf = (email: string) =>
  query<{ kind: string; dedupe_key: string; status: string; order_id: string; data: Record<string, unknown> }>(
    "select kind, dedupe_key, status, order_id, data from notifications where recipient = $1 order by created_at",
    [email],
  );

/** A paid order with a payment intent, its job and customer (no catalog needed). */
async function paidOrder() {
  const seeded = await seedJob({ directories: 2 });
  const pi = `pi_${uniq()}`;
  const [row] = await query<{ email: string; order_id: string }>(
    "update orders o set stripe_payment_intent_id = $2 from customers c where o.customer_id = $1 and c.id = o.customer_id returning c.email, o.id as order_id",
    [seeded.customerId, pi],
  );
  return { ...seeded, pi, email: row!.email, orderId: row!.order_id };
}

describe("payment-problem e-mails", () => {
  it("a failed async payment: one notice, whatever the replays or the payment intent's own event, sent once", async () => {
    const email = `${uniq("async")}@example.com`;
    const pi = `pi_${uniq()}`;
    const pending = checkoutSession({ email, paymentStatus: "unpaid", paymentIntent: pi });
    expect(await (await deliver(stripeEvent("checkout.session.completed", pending))).json()).toMatchObject({ outcome: "pending" });
    expect(await noticesOf(email)).toHaveLength(0);

    const failed = stripeEvent("checkout.session.async_payment_failed", pending);
    expect(await (await deliver(failed)).json()).toMatchObject({ outcome: "payment_failed", duplicate: false });
    expect(await (await deliver(failed)).json()).toMatchObject({ duplicate: true });
    const intent = { id: pi, object: "payment_intent", amount: 14900, currency: "usd", metadata: { plan: "starter" }, last_payment_error: { message: "Insufficient funds" } };
    const piEvent = stripeEvent("payment_intent.payment_failed", intent);
    expect(await (await deliver(piEvent)).json()).toMatchObject({ outcome: "payment_failed", duplicate: false });
    await deliver(piEvent);

    const notices = await noticesOf(email);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: "payment_failed", status: "pending", data: { plan: "starter", currency: "usd" } });
    expect(notices[0]!.dedupe_key).toBe(`payment_failed:${notices[0]!.order_id}`);

    const p = provider();
    await drainFor(email, p);
    await drainFor(email, p);
    expect(p.to(email)).toHaveLength(1);
    expect(p.to(email)[0]!.subject).toMatch(/did not go through/);
    expect(p.to(email)[0]!.text).toContain("https://app.test/pricing");
    expect((await noticesOf(email))[0]!.status).toBe("sent");
  });

  it("refunds: one notice per refund fact (partial, then full), replays add none; each sent once with its amount", async () => {
    const order = await paidOrder();
    const partial = refundedCharge(order.pi, { amount: 14900, refunded: 4900 });
    const full = { ...partial, amount_refunded: 14900, refunded: true };
    const partialEvent = stripeEvent("charge.refunded", partial);
    const fullEvent = stripeEvent("charge.refunded", full);
    expect(await (await deliver(partialEvent)).json()).toMatchObject({ outcome: "partial_refund" });
    await deliver(partialEvent);
    expect(await (await deliver(fullEvent)).json()).toMatchObject({ outcome: "refunded" });
    await deliver(fullEvent);
    // Stripe sends a fresh event id for the same refund state now and then: still one notice.
    await deliver(stripeEvent("charge.refunded", full));

    const notices = await noticesOf(order.email);
    expect(notices.map((n) => n.dedupe_key)).toEqual([`refund:${partial.id}:4900`, `refund:${partial.id}:14900`]);
    expect(notices.every((n) => n.kind === "payment_refunded")).toBe(true);
    expect(notices[1]!.data).toMatchObject({ jobId: order.jobId, full: true });

    const p = provider();
    await drainFor(order.email, p);
    const sent = p.to(order.email);
    expect(sent).toHaveLength(2);
    expect(sent.map((s) => s.subject).sort()).toEqual(["A partial refund on your DirectoryBolt Starter order", "Your DirectoryBolt Starter order was refunded"]);
    expect(sent.find((s) => s.subject.startsWith("A partial"))!.text).toContain("49.00 USD of 149.00 USD");
    expect(sent.find((s) => s.subject.startsWith("Your"))!.text).toContain(`https://app.test/portal/jobs/${order.jobId}`);
    expect(new Set(sent.map((s) => s.key)).size).toBe(2);
  });

  it("a dispute: one notice, replays add none", async () => {
    const order = await paidOrder();
    const dispute = { id: `dp_${uniq()}`, object: "dispute", amount: 14900, currency: "usd", charge: `ch_${uniq()}`, payment_intent: order.pi, reason: "fraudulent", status: "needs_response" };
    const event = stripeEvent("charge.dispute.created", dispute);
    expect(await (await deliver(event)).json()).toMatchObject({ outcome: "disputed", duplicate: false });
    expect(await (await deliver(event)).json()).toMatchObject({ duplicate: true });
    const notices = await noticesOf(order.email);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: "payment_disputed", dedupe_key: `dispute:${dispute.id}`, data: { reason: "fraudulent", amountCents: 14900 } });
    const p = provider();
    await drainFor(order.email, p);
    expect(p.to(order.email)).toHaveLength(1);
    expect(p.to(order.email)[0]!.text).toContain("149.00 USD");
  });

  it("ignores a payment failure with no order of ours (a card declined on Stripe's page) and records the event as processed", async () => {
    const intent = { id: `pi_${uniq()}`, object: "payment_intent", amount: 100, currency: "usd", metadata: {}, last_payment_error: null };
    const event = stripeEvent("payment_intent.payment_failed", intent);
    const res = await deliver(event);
    expect(await res.json()).toMatchObject({ outcome: "ignored", duplicate: false });
    // Recorded as processed, so a replay is a no-op.
    expect(await query("select 1 from stripe_events where id = $1 and processed_at is not null", [event.id])).toHaveLength(1);
  });
});
