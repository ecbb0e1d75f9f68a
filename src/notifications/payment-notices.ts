/**
 * Payment-problem e-mails, enqueued in the notification outbox inside the
 * transaction that records the Stripe event (src/billing/webhook.ts), so a
 * replayed event (a no-op there) never enqueues again. Each notice also has a
 * `dedupe_key` naming the fact it reports, so two events about one fact
 * (`checkout.session.async_payment_failed` and `payment_intent.payment_failed`
 * for the same order) send one e-mail:
 * - payment_failed:<order id>
 * - dispute:<dispute id>
 * - refund:<charge id>:<amount refunded so far>  (each partial refund, then the full one)
 * The row names the order, not the job (job_id stays null: the one-per-job
 * rule is for completion notices); the job id, if any, is in `data`.
 */
import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Transaction } from "../db/rls";
import { orders, type NotificationKind } from "../db/schema";

export interface PaymentNotice {
  kind: Exclude<NotificationKind, "job_completed">;
  orderId: string;
  dedupeKey: string;
  data: Record<string, unknown>;
}

/** Enqueues one notice for the order's customer; false when it existed already. */
export async function enqueuePaymentNotice(tx: Transaction, notice: PaymentNotice): Promise<boolean> {
  const res = await tx.execute(sql`
    insert into notifications (order_id, customer_id, kind, recipient, dedupe_key, data)
    select o.id, o.customer_id, ${notice.kind}, c.email, ${notice.dedupeKey},
           ${JSON.stringify(notice.data)}::jsonb || jsonb_build_object('plan', o.plan, 'jobId', j.id)
      from orders o join customers c on c.id = o.customer_id left join jobs j on j.order_id = o.id
     where o.id = ${notice.orderId}
    on conflict do nothing`);
  return (res.rowCount ?? 0) > 0;
}

const idOf = (v: string | { id: string } | null | undefined): string | null => (typeof v === "string" ? v : (v?.id ?? null));

async function orderByPaymentIntent(tx: Transaction, paymentIntentId: string | null) {
  if (!paymentIntentId) return null;
  const [order] = await tx.select().from(orders).where(eq(orders.stripePaymentIntentId, paymentIntentId));
  return order ?? null;
}

export type PaymentProblemResult = { status: "payment_failed" | "disputed"; orderId: string; notified: boolean } | { status: "ignored"; reason: string };

/**
 * `payment_intent.payment_failed`: ours when an order holds the payment
 * intent (an async payment that failed after checkout). A card declined on
 * Stripe's own page has no order yet: the buyer saw the decline there, and we
 * have no customer to write to, so it is ignored. A paid or refunded order
 * ignores it too (a failed earlier attempt).
 */
export async function paymentIntentFailed(tx: Transaction, intent: Stripe.PaymentIntent): Promise<PaymentProblemResult> {
  const order = await orderByPaymentIntent(tx, intent.id);
  if (!order) return { status: "ignored", reason: `no order for payment ${intent.id}` };
  if (order.status === "paid" || order.status === "refunded") return { status: "ignored", reason: `order is ${order.status}` };
  const notified = await enqueuePaymentNotice(tx, {
    kind: "payment_failed",
    orderId: order.id,
    dedupeKey: `payment_failed:${order.id}`,
    data: { amountCents: order.amountCents, currency: order.currency, reason: intent.last_payment_error?.message ?? null },
  });
  return { status: "payment_failed", orderId: order.id, notified };
}

/** `charge.dispute.created`: the buyer's bank opened a dispute on one of our orders. */
export async function disputeCreated(tx: Transaction, dispute: Stripe.Dispute): Promise<PaymentProblemResult> {
  const order = await orderByPaymentIntent(tx, idOf(dispute.payment_intent));
  if (!order) return { status: "ignored", reason: `no order for dispute ${dispute.id}` };
  const notified = await enqueuePaymentNotice(tx, {
    kind: "payment_disputed",
    orderId: order.id,
    dedupeKey: `dispute:${dispute.id}`,
    data: { amountCents: dispute.amount, currency: dispute.currency, reason: dispute.reason },
  });
  return { status: "disputed", orderId: order.id, notified };
}
