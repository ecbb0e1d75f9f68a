/**
 * Refunds of the local checkout stand-in (no STRIPE_SECRET_KEY, loopback
 * PUBLIC_URL), in Stripe's wire format, so the shortfall refund runs offline
 * end to end: `createLocalRefund` answers as `POST /v1/refunds` does (the same
 * Idempotency-Key returns the first Refund; more than the charge has left is
 * refused), and a new refund is followed, as on Stripe, by a signed
 * `charge.refunded` event whose Charge carries the running `amount_refunded`
 * (src/billing/local-checkout.ts: deliverLocalEvent).
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { localCheckoutSessions, localRefunds } from "../db/schema";
import { localId, type LocalSessionRow } from "./local-checkout";
import { Stripe } from "./stripe";

type LocalRefundRow = typeof localRefunds.$inferSelect;

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** The one charge of a local session's payment: its id is derived from the payment intent's. */
export function localChargeId(paymentIntentId: string): string {
  return paymentIntentId.replace(/^pi_/, "ch_");
}

export function localRefundObject(row: LocalRefundRow, metadata: Record<string, string> = {}): Stripe.Refund {
  return {
    id: row.id,
    object: "refund",
    amount: row.amountCents,
    balance_transaction: null,
    charge: localChargeId(row.paymentIntentId),
    created: seconds(row.createdAt),
    currency: row.currency,
    customer: null,
    customer_account: null,
    metadata,
    payment_intent: row.paymentIntentId,
    payment_method: null,
    reason: "requested_by_customer",
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  } satisfies Stripe.Refund;
}

/** The session's charge as Stripe returns it, with what its refunds add up to. */
export function localChargeObject(session: LocalSessionRow, refunded: number): Stripe.Charge {
  const paymentIntentId = session.stripePaymentIntentId ?? "";
  return {
    id: localChargeId(paymentIntentId),
    object: "charge",
    amount: session.amountCents,
    amount_captured: session.amountCents,
    amount_refunded: refunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: {
      address: { city: null, country: session.country, line1: null, line2: null, postal_code: null, state: null },
      email: session.email,
      name: null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: "DIRECTORYBOLT",
    captured: true,
    created: seconds(session.completedAt ?? session.createdAt),
    currency: session.currency,
    customer: session.stripeCustomerId,
    description: null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: { plan: session.plan },
    on_behalf_of: null,
    outcome: null,
    paid: true,
    payment_intent: paymentIntentId,
    payment_method: null,
    payment_method_details: null,
    receipt_email: session.email,
    receipt_number: null,
    receipt_url: null,
    // Stripe's own meaning: true only once the whole amount is refunded.
    refunded: refunded >= session.amountCents,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: null,
  } satisfies Stripe.Charge;
}

export class LocalRefundError extends Error {}

async function sessionOf(db: Database | Transaction, paymentIntentId: string): Promise<LocalSessionRow | null> {
  const [row] = await db.select().from(localCheckoutSessions).where(eq(localCheckoutSessions.stripePaymentIntentId, paymentIntentId));
  return row ?? null;
}

async function refundedSoFar(db: Database | Transaction, paymentIntentId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(sum(${localRefunds.amountCents}), 0)::int` })
    .from(localRefunds)
    .where(eq(localRefunds.paymentIntentId, paymentIntentId));
  return row?.n ?? 0;
}

/** The charge of a local payment, as `GET /v1/charges/:id` would return it; null when there is none. */
export async function localCharge(db: Database | Transaction, paymentIntentId: string): Promise<Stripe.Charge | null> {
  const session = await sessionOf(db, paymentIntentId);
  if (!session || session.paymentStatus !== "paid") return null;
  return localChargeObject(session, await refundedSoFar(db, paymentIntentId));
}

/**
 * `POST /v1/refunds {payment_intent, amount}` with an Idempotency-Key. Call
 * it in a transaction: the session row is locked, so two refunds of one
 * payment never both pass the amount check.
 */
export async function createLocalRefund(
  tx: Transaction,
  input: { paymentIntentId: string; amountCents: number; idempotencyKey: string },
): Promise<{ refund: Stripe.Refund; charge: Stripe.Charge; created: boolean }> {
  const [session] = await tx.select().from(localCheckoutSessions).where(eq(localCheckoutSessions.stripePaymentIntentId, input.paymentIntentId)).for("update");
  if (!session || session.paymentStatus !== "paid") throw new LocalRefundError(`No such payment_intent: '${input.paymentIntentId}'`);
  const [first] = await tx.select().from(localRefunds).where(eq(localRefunds.idempotencyKey, input.idempotencyKey));
  if (first) {
    if (first.paymentIntentId !== input.paymentIntentId || first.amountCents !== input.amountCents) {
      throw new LocalRefundError("Keys for idempotent requests can only be used with the same parameters they were first used with");
    }
    return { refund: localRefundObject(first), charge: localChargeObject(session, await refundedSoFar(tx, input.paymentIntentId)), created: false };
  }
  const before = await refundedSoFar(tx, input.paymentIntentId);
  if (!Number.isInteger(input.amountCents) || input.amountCents <= 0 || before + input.amountCents > session.amountCents) {
    throw new LocalRefundError(`Refund amount (${input.amountCents}) is greater than unrefunded amount on charge (${session.amountCents - before})`);
  }
  const [row] = await tx
    .insert(localRefunds)
    .values({ id: localId("re", 24), idempotencyKey: input.idempotencyKey, paymentIntentId: input.paymentIntentId, amountCents: input.amountCents, currency: session.currency })
    .returning();
  return { refund: localRefundObject(row!), charge: localChargeObject(session, before + input.amountCents), created: true };
}

/** A `charge.refunded` event around a charge, as Stripe delivers it. */
export function localChargeRefundedEvent(charge: Stripe.Charge): Stripe.Event {
  return {
    id: localId("evt", 24),
    object: "event",
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: { object: charge, previous_attributes: {} },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "charge.refunded",
  } as Stripe.Event;
}
