/**
 * Fulfilment: a paid Checkout Session becomes exactly one job. ONE function,
 * called by the webhook (inside the transaction that records the event id)
 * and by the success page (GET /api/checkout/:sessionId), whichever comes
 * first; the second finds the work done.
 *
 * In one transaction: the customer (by Stripe customer id, else lower-cased
 * email; created if new, row locked), the order (unique per Checkout
 * Session: `insert ... on conflict do nothing`, then `select ... for
 * update`, so concurrent calls queue on the order row and each re-reads what
 * the previous one committed), the job (unique per order), one
 * directory_submissions row per directory tier selection picks, and a
 * `job_created` event. Nothing waits on another connection while the
 * transaction is open (PGlite serialises sessions; docs/decisions.md).
 *
 * Refunds (`charge.refunded`) are here too: a full refund (amount_refunded
 * reaches amount) makes the order `refunded` and stops the job's unstarted
 * work (job `cancelled`, pending submissions `skipped` with reason
 * `refunded`); a partial one, such as a shortfall refund, is only noted.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { businessProfiles, directorySubmissions, jobEvents, jobs, orders } from "../db/schema";
import { businessFit } from "../catalog/business-fit";
import { selectDirectoriesForJob, type Catalog } from "../db/tier-selection";
import { PLANS, type PlanId } from "../../core/plans";
import type { OrderStatus } from "../../core/statuses";
import { upsertPurchaser } from "./customers";
import { purchaseMismatch, readCheckoutSession, type PurchaseFacts } from "./session";

type Db = Database | Transaction;

export type FulfilmentResult =
  | {
      status: "fulfilled";
      orderId: string;
      customerId: string;
      jobId: string;
      plan: PlanId;
      directories: number;
      /** True only for the call that created the job. */
      created: boolean;
    }
  | { status: "pending" | "payment_failed" | "refunded"; orderId: string; customerId: string; jobId: string | null; plan: PlanId; directories: number; created: false }
  | { status: "ignored"; reason: string; created: false }
  /** A paid session that does not match its plan's price or our mode: not fulfilled; staff look (stripe_events.refusal). */
  | { status: "refused"; reason: string; created: false };

export function catalogOf(env: { DIRECTORY_CATALOG?: string }): Catalog {
  if (env.DIRECTORY_CATALOG === "live" || env.DIRECTORY_CATALOG === "sandbox") return env.DIRECTORY_CATALOG;
  throw new Error(`DIRECTORY_CATALOG must be "live" or "sandbox", not ${JSON.stringify(env.DIRECTORY_CATALOG)}`);
}

/**
 * Applies a Checkout Session: records the order (pending while an async
 * payment clears, payment_failed when it failed) and, once paid, creates the
 * job with its submissions. Idempotent; safe under concurrency.
 */
export async function fulfilCheckoutSession(db: Db, options: { catalog: Catalog; livemode: boolean; paymentFailed?: boolean }, session: Stripe.Checkout.Session): Promise<FulfilmentResult> {
  const reading = readCheckoutSession(session);
  if (!reading.ok) return { status: "ignored", reason: reading.reason, created: false };
  const facts = reading.facts;
  if (!facts.complete && !options.paymentFailed) {
    // An open or expired session: nothing was bought (yet). Write nothing.
    return { status: "ignored", reason: `session is ${session.status ?? "not complete"}`, created: false };
  }
  if (!options.paymentFailed) {
    // Checked before anything is written: a mismatched session makes no customer, order or job.
    const mismatch = purchaseMismatch(facts, { livemode: options.livemode });
    if (mismatch) return { status: "refused", reason: mismatch, created: false };
  }
  const target: OrderStatus = options.paymentFailed ? "payment_failed" : facts.paid ? "paid" : "pending";
  return db.transaction((tx) => applyInTransaction(tx, options.catalog, facts, target));
}

async function applyInTransaction(tx: Transaction, catalog: Catalog, facts: PurchaseFacts, target: OrderStatus): Promise<FulfilmentResult> {
  const customerId = await upsertPurchaser(tx, facts);
  await tx
    .insert(orders)
    .values({
      customerId,
      plan: facts.plan,
      status: target,
      stripeCheckoutSessionId: facts.sessionId,
      stripePaymentIntentId: facts.paymentIntentId,
      amountCents: facts.amountCents,
      currency: facts.currency,
      paidAt: target === "paid" ? sql`now()` : null,
    })
    .onConflictDoNothing({ target: orders.stripeCheckoutSessionId });
  // Concurrent fulfilments of this session queue here, one at a time.
  const [order] = await tx.select().from(orders).where(eq(orders.stripeCheckoutSessionId, facts.sessionId)).for("update");
  if (!order) throw new Error(`order for ${facts.sessionId} vanished`);

  let status = order.status as OrderStatus;
  // pending → paid | payment_failed; payment_failed → paid (a later success
  // wins); paid and refunded are final here.
  if (status !== target && (status === "pending" || (status === "payment_failed" && target === "paid")) && target !== "pending") {
    await tx
      .update(orders)
      .set({
        status: target,
        paidAt: target === "paid" ? sql`now()` : order.paidAt,
        stripePaymentIntentId: order.stripePaymentIntentId ?? facts.paymentIntentId,
      })
      .where(eq(orders.id, order.id));
    status = target;
  } else if (!order.stripePaymentIntentId && facts.paymentIntentId) {
    await tx.update(orders).set({ stripePaymentIntentId: facts.paymentIntentId }).where(eq(orders.id, order.id));
  }

  const plan = order.plan as PlanId;
  const [existing] = await tx.select({ id: jobs.id, total: jobs.directoriesTotal }).from(jobs).where(eq(jobs.orderId, order.id));
  if (existing) {
    return status === "paid"
      ? { status: "fulfilled", orderId: order.id, customerId: order.customerId, jobId: existing.id, plan, directories: existing.total, created: false }
      : { status: status as "refunded", orderId: order.id, customerId: order.customerId, jobId: existing.id, plan, directories: existing.total, created: false };
  }
  if (status !== "paid") {
    return { status: status as "pending", orderId: order.id, customerId: order.customerId, jobId: null, plan, directories: PLANS[plan].directories, created: false };
  }

  // A profile saved before paying already says what the business is.
  const [profile] = await tx.select().from(businessProfiles).where(eq(businessProfiles.customerId, order.customerId));
  const business = profile ? businessFit(profile, facts.country) : undefined;
  const selected = await selectDirectoriesForJob(tx, { customerId: order.customerId, plan, catalog, country: facts.country, business });
  const [job] = await tx
    .insert(jobs)
    .values({ orderId: order.id, customerId: order.customerId, plan, directoriesTotal: selected.length })
    .onConflictDoNothing({ target: jobs.orderId })
    .returning({ id: jobs.id });
  if (!job) throw new Error(`a job for order ${order.id} appeared while its row was locked`);
  if (selected.length > 0) {
    // One statement for all of them: the ids travel as one array parameter,
    // and their order (best first) becomes the priority.
    const ids = `{${selected.map((d) => d.id).join(",")}}`;
    await tx.execute(sql`
      insert into directory_submissions (job_id, directory_id, customer_id, priority)
      select ${job.id}::uuid, d.id, ${order.customerId}::uuid, (d.ord - 1)::int
      from unnest(${ids}::uuid[]) with ordinality as d(id, ord)`);
  }
  const requested = PLANS[plan].directories;
  await tx
    .insert(jobEvents)
    .values({
      jobId: job.id,
      customerId: order.customerId,
      kind: "job_created",
      message:
        selected.length < requested
          ? `${PLANS[plan].name} order paid: ${selected.length} of ${requested} directories available and selected`
          : `${PLANS[plan].name} order paid: ${selected.length} directories selected`,
      data: { orderId: order.id, plan, requested, selected: selected.length, checkoutSessionId: facts.sessionId, catalog, country: facts.country },
      dedupeKey: `job_created:${job.id}`,
    })
    .onConflictDoNothing();
  return { status: "fulfilled", orderId: order.id, customerId: order.customerId, jobId: job.id, plan, directories: selected.length, created: true };
}

export type RefundResult =
  | { status: "refunded"; orderId: string; jobId: string | null; cancelled: boolean; skipped: number; changed: boolean }
  | { status: "partial_refund"; orderId: string; jobId: string | null }
  | { status: "ignored"; reason: string };

/** Whether a `charge.refunded` event's charge is refunded in full. */
export function isFullRefund(charge: Pick<Stripe.Charge, "amount" | "amount_refunded">): boolean {
  return charge.amount_refunded >= charge.amount;
}

/** Unstarted job statuses a refund stops. */
const CANCELLABLE_JOB_STATUSES = ["pending", "in_progress", "paused"];

/**
 * `charge.refunded`: a full refund marks the order refunded and cancels the
 * job's unstarted work; a partial refund is noted in the job's feed only.
 * Work already queued or in a browser is the coordinator's to stop
 * (src/billing/start-job.ts: cancelJob).
 */
export async function refundCharge(db: Db, charge: Stripe.Charge): Promise<RefundResult> {
  const paymentIntentId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
  if (!paymentIntentId) return { status: "ignored", reason: "the charge has no payment intent" };
  return db.transaction(async (tx) => {
    const [order] = await tx.select().from(orders).where(eq(orders.stripePaymentIntentId, paymentIntentId)).for("update");
    if (!order) return { status: "ignored", reason: `no order for payment ${paymentIntentId}` } as const;
    const [job] = await tx.select().from(jobs).where(eq(jobs.orderId, order.id)).for("update");
    // Partial or full by the amounts (a shortfall refund, src/billing/shortfall-refund.ts,
    // is partial and must leave the job as it is); Stripe's `refunded` flag means the same.
    if (!isFullRefund(charge)) {
      if (job) {
        await tx
          .insert(jobEvents)
          .values({
            jobId: job.id,
            customerId: order.customerId,
            kind: "partial_refund",
            message: `Partial refund: ${(charge.amount_refunded / 100).toFixed(2)} ${charge.currency.toUpperCase()} of ${(charge.amount / 100).toFixed(2)}`,
            data: { chargeId: charge.id, amountRefunded: charge.amount_refunded },
            dedupeKey: `partial_refund:${charge.id}:${charge.amount_refunded}`,
          })
          .onConflictDoNothing();
      }
      return { status: "partial_refund", orderId: order.id, jobId: job?.id ?? null } as const;
    }
    if (order.status === "refunded") {
      return { status: "refunded", orderId: order.id, jobId: job?.id ?? null, cancelled: false, skipped: 0, changed: false } as const;
    }
    await tx.update(orders).set({ status: "refunded", refundedAt: sql`now()` }).where(eq(orders.id, order.id));
    let cancelled = false;
    let skipped = 0;
    if (job && CANCELLABLE_JOB_STATUSES.includes(job.status)) {
      await tx.update(jobs).set({ status: "cancelled", statusReason: "refunded" }).where(eq(jobs.id, job.id));
      const rows = await tx
        .update(directorySubmissions)
        .set({ status: "skipped", failureReason: "refunded" })
        .where(and(eq(directorySubmissions.jobId, job.id), inArray(directorySubmissions.status, ["pending"])))
        .returning({ id: directorySubmissions.id });
      cancelled = true;
      skipped = rows.length;
      await tx
        .insert(jobEvents)
        .values({
          jobId: job.id,
          customerId: order.customerId,
          kind: "job_cancelled",
          message: `Order refunded: job cancelled, ${skipped} unstarted submissions skipped`,
          data: { reason: "refunded", chargeId: charge.id, skipped },
          dedupeKey: `job_cancelled:refund:${job.id}`,
        })
        .onConflictDoNothing();
    }
    return { status: "refunded", orderId: order.id, jobId: job?.id ?? null, cancelled, skipped, changed: true } as const;
  });
}
