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
import { stripeEvents } from "../db/schema";
import type { Catalog } from "../db/tier-selection";
import { fulfilCheckoutSession, refundCharge, type FulfilmentResult, type RefundResult } from "./fulfilment";

export type EventOutcome =
  | { kind: "checkout"; result: FulfilmentResult }
  | { kind: "refund"; result: RefundResult }
  | { kind: "ignored"; reason: string };

export interface ProcessedEvent {
  eventId: string;
  type: string;
  /** A replay of an event already processed: nothing was done. */
  duplicate: boolean;
  outcome: EventOutcome | null;
}

async function apply(tx: Transaction, catalog: Catalog, event: Stripe.Event): Promise<EventOutcome> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      // completed: fulfils when paid, records a pending order while an
      // async payment (bank debit, transfer) clears.
      return { kind: "checkout", result: await fulfilCheckoutSession(tx, { catalog }, event.data.object) };
    case "checkout.session.async_payment_failed":
      return { kind: "checkout", result: await fulfilCheckoutSession(tx, { catalog, paymentFailed: true }, event.data.object) };
    case "charge.refunded":
      return { kind: "refund", result: await refundCharge(tx, event.data.object) };
    default:
      return { kind: "ignored", reason: `${event.type} is not handled` };
  }
}

export async function processStripeEvent(db: Database, catalog: Catalog, event: Stripe.Event): Promise<ProcessedEvent> {
  return db.transaction(async (tx) => {
    const [fresh] = await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type })
      .onConflictDoNothing({ target: stripeEvents.id })
      .returning({ id: stripeEvents.id });
    if (!fresh) return { eventId: event.id, type: event.type, duplicate: true, outcome: null };
    const outcome = await apply(tx, catalog, event);
    await tx.update(stripeEvents).set({ processedAt: sql`clock_timestamp()` }).where(eq(stripeEvents.id, event.id));
    return { eventId: event.id, type: event.type, duplicate: false, outcome };
  });
}
