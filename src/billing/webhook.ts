/**
 * Applying one verified Stripe event, exactly once.
 *
 * The event id is inserted into `stripe_events` in the SAME transaction as
 * the work it causes (`insert ... on conflict do nothing`): if the work
 * fails, the insert rolls back with it and Stripe's retry finds no record,
 * so it does the work; if the work committed, a replay finds the record and
 * is a no-op. Concurrent deliveries of one event wait on the first one's
 * uncommitted row and then see the conflict. `processed_at` is set at the
 * end of that transaction, so every recorded event is a processed event.
 *
 * The work is synchronous: fulfilling an Enterprise order (500 submissions)
 * is one transaction of a handful of statements, measured by
 * `npm run bench:webhook`; Stripe's own retries are the durable queue if it
 * ever fails. Only the call to the job's coordinator runs after the response.
 */
import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { shortfallRefunds, stripeEvents } from "../db/schema";
import type { Catalog } from "../db/tier-selection";
import { disputeCreated, enqueuePaymentNotice, paymentIntentFailed, type PaymentProblemResult } from "../notifications/payment-notices";
import { log } from "../../core/log";
import { fulfilCheckoutSession, isFullRefund, refundCharge, type FulfilmentResult, type RefundResult } from "./fulfilment";

export type EventOutcome =
  | { kind: "checkout"; result: FulfilmentResult }
  | { kind: "refund"; result: RefundResult }
  | { kind: "payment_problem"; result: PaymentProblemResult }
  | { kind: "ignored"; reason: string };

export interface ProcessedEvent {
  eventId: string;
  type: string;
  /** A replay of an event already processed: nothing was done. */
  duplicate: boolean;
  outcome: EventOutcome | null;
}

/** What fulfilment checks a session against besides the plan: our catalog and our key's mode. */
export interface StripeContext {
  catalog: Catalog;
  livemode: boolean;
}

async function apply(tx: Transaction, context: StripeContext, event: Stripe.Event): Promise<EventOutcome> {
  const { catalog, livemode } = context;
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      // completed: fulfils when paid, records a pending order while an
      // async payment (bank debit, transfer) clears.
      return { kind: "checkout", result: await fulfilCheckoutSession(tx, { catalog, livemode }, event.data.object) };
    case "checkout.session.async_payment_failed": {
      const result = await fulfilCheckoutSession(tx, { catalog, livemode, paymentFailed: true }, event.data.object);
      if (result.status === "payment_failed") {
        // The customer hears of it once per order (src/notifications/payment-notices.ts).
        await enqueuePaymentNotice(tx, {
          kind: "payment_failed",
          orderId: result.orderId,
          dedupeKey: `payment_failed:${result.orderId}`,
          data: { amountCents: event.data.object.amount_total, currency: event.data.object.currency, reason: null },
        });
      }
      return { kind: "checkout", result };
    }
    case "payment_intent.payment_failed":
      return { kind: "payment_problem", result: await paymentIntentFailed(tx, event.data.object) };
    case "charge.dispute.created":
      return { kind: "payment_problem", result: await disputeCreated(tx, event.data.object) };
    case "charge.refunded": {
      const charge = event.data.object;
      const result = await refundCharge(tx, charge);
      if (result.status !== "ignored") {
        // A shortfall refund of this order is told in words: promised, delivered, refunded.
        const [shortfall] = await tx
          .select({ promised: shortfallRefunds.promised, delivered: shortfallRefunds.delivered, amountCents: shortfallRefunds.amountCents })
          .from(shortfallRefunds)
          .where(eq(shortfallRefunds.orderId, result.orderId));
        await enqueuePaymentNotice(tx, {
          kind: "payment_refunded",
          orderId: result.orderId,
          dedupeKey: `refund:${charge.id}:${charge.amount_refunded}`,
          data: { amountCents: charge.amount, refundedCents: charge.amount_refunded, currency: charge.currency, full: isFullRefund(charge), shortfall: shortfall ?? null },
        });
      }
      return { kind: "refund", result };
    }
    default:
      return { kind: "ignored", reason: `${event.type} is not handled` };
  }
}

export async function processStripeEvent(db: Database, context: StripeContext, event: Stripe.Event): Promise<ProcessedEvent> {
  return db.transaction(async (tx) => {
    const [fresh] = await tx.insert(stripeEvents).values({ id: event.id, type: event.type }).onConflictDoNothing({ target: stripeEvents.id }).returning({ id: stripeEvents.id });
    if (!fresh) return { eventId: event.id, type: event.type, duplicate: true, outcome: null };
    const outcome = await apply(tx, context, event);
    // Answered 200 all the same (a retry would be refused again); staff read why.
    const refusal = outcome.kind === "checkout" && outcome.result.status === "refused" ? outcome.result.reason : null;
    if (refusal) log("error", "stripe session refused", { eventId: event.id, reason: refusal });
    await tx.update(stripeEvents).set({ processedAt: sql`clock_timestamp()`, refusal }).where(eq(stripeEvents.id, event.id));
    return { eventId: event.id, type: event.type, duplicate: false, outcome };
  });
}
