/**
 * The refund of a shortfall (issue 17, item 4): a job that ended with fewer
 * directories delivered than its plan promised gets the difference back, pro
 * rata of the order's real charge (read from Stripe, or the local stand-in),
 * through Stripe Refunds.
 *
 * Exactly once per job, in three steps, each safe to repeat:
 * 1. the facts (job ended, order paid, promised from the checkout's promise,
 *    delivered from src/jobs/delivered.ts) and the charge;
 * 2. one `shortfall_refunds` row per job (primary key; `on conflict do
 *    nothing`), which fixes the amount and the Stripe idempotency key, with a
 *    `shortfall_refund` job event in words for the record (the portal and
 *    staff read GET /api/jobs/:id/shortfall);
 * 3. the refund at Stripe with that key, then the row marked succeeded. A
 *    crash between Stripe and the row is repaired by the next signal: Stripe
 *    answers the same key with the same Refund.
 * The signal is the cron sweep (src/scheduled.ts) over recently ended jobs;
 * a second signal, a replay, or a concurrent one finds the row.
 * The `charge.refunded` event Stripe then sends is a partial refund (unless
 * nothing was delivered), which leaves the job alone (src/billing/fulfilment.ts)
 * and e-mails the customer the shortfall in words (src/billing/webhook.ts).
 */
import { and, eq, gt, inArray, ne, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { PLANS, type PlanId } from "../../core/plans";
import { log } from "../../core/log";
import type { Database } from "../db/client";
import { checkoutPromises, jobEvents, jobs, orders, shortfallRefunds } from "../db/schema";
import { deliveredCount, deliveredCountSql } from "../jobs/delivered";
import { money } from "../notifications/templates";
import { deliverLocalEvent } from "./local-checkout";
import { createLocalRefund, localCharge, localChargeRefundedEvent } from "./local-refunds";
import { promiseOf } from "./promise";
import { checkoutMode, stripeClient, type Stripe } from "./stripe";

type ShortfallRow = typeof shortfallRefunds.$inferSelect;
type StripeEnv = Pick<Env, "STRIPE_SECRET_KEY" | "PUBLIC_URL" | "STRIPE_WEBHOOK_SECRET">;

/** Jobs in these statuses have ended on their own; a cancelled job was refunded or stopped by staff. */
const ENDED_JOB_STATUSES = ["completed", "failed"];

export type ShortfallOutcome =
  | { status: "refunded"; jobId: string; promised: number; delivered: number; amountCents: number; refundId: string; created: boolean }
  | { status: "none"; jobId: string; reason: string }
  | { status: "error"; jobId: string; error: string };

export interface ShortfallDeps {
  /** The webhook route, for the local stand-in's `charge.refunded` delivery. */
  receive?: (request: Request) => Response | Promise<Response>;
}

/** Pro rata, rounded down (never more than the missing share), and never more than the charge has left. */
export function shortfallAmount(charge: { amount: number; amount_refunded: number }, promised: number, delivered: number): number {
  if (promised <= 0 || delivered >= promised) return 0;
  const share = Math.floor((charge.amount * (promised - delivered)) / promised);
  return Math.max(0, Math.min(share, charge.amount - charge.amount_refunded));
}

async function chargeOf(env: StripeEnv, db: Database, paymentIntentId: string): Promise<Stripe.Charge | null> {
  if (checkoutMode(env) === "local") return db.transaction((tx) => localCharge(tx, paymentIntentId));
  const intent = await stripeClient(env).paymentIntents.retrieve(paymentIntentId, { expand: ["latest_charge"] });
  const charge = intent.latest_charge;
  return charge && typeof charge === "object" ? charge : null;
}

async function createRefund(env: StripeEnv, db: Database, row: ShortfallRow, paymentIntentId: string, deps: ShortfallDeps): Promise<string> {
  if (checkoutMode(env) === "local") {
    const made = await db.transaction((tx) => createLocalRefund(tx, { paymentIntentId, amountCents: row.amountCents, idempotencyKey: row.idempotencyKey }));
    if (made.created && deps.receive) {
      const res = await deliverLocalEvent(env, env.PUBLIC_URL, localChargeRefundedEvent(made.charge), deps.receive);
      if (!res.ok) log("error", "local charge.refunded delivery failed", { status: res.status, jobId: row.jobId });
    }
    return made.refund.id;
  }
  const refund = await stripeClient(env).refunds.create(
    { payment_intent: paymentIntentId, amount: row.amountCents, reason: "requested_by_customer", metadata: { job_id: row.jobId, kind: "shortfall" } },
    { idempotencyKey: row.idempotencyKey },
  );
  return refund.id;
}

/** Refunds one job's shortfall, once; any number of calls, in any order, refund it once. */
export async function refundShortfall(env: StripeEnv, db: Database, jobId: string, deps: ShortfallDeps = {}): Promise<ShortfallOutcome> {
  const facts = await db.transaction(async (tx) => {
    const [found] = await tx.select({ job: jobs, order: orders }).from(jobs).innerJoin(orders, eq(orders.id, jobs.orderId)).where(eq(jobs.id, jobId));
    if (!found) return null;
    const [existing] = await tx.select().from(shortfallRefunds).where(eq(shortfallRefunds.jobId, jobId));
    const promise = await promiseOf(tx, found.order.stripeCheckoutSessionId);
    return { ...found, existing: existing ?? null, promised: promise?.promised ?? PLANS[found.order.plan as PlanId].directories, delivered: await deliveredCount(tx, jobId) };
  });
  if (!facts) return { status: "none", jobId, reason: "no such job" };
  const { job, order } = facts;
  const paymentIntentId = order.stripePaymentIntentId;
  if (!paymentIntentId) return { status: "none", jobId, reason: "the order has no payment" };
  let row = facts.existing;
  if (row?.status === "succeeded" && row.stripeRefundId) {
    return { status: "refunded", jobId, promised: row.promised, delivered: row.delivered, amountCents: row.amountCents, refundId: row.stripeRefundId, created: false };
  }
  if (!row) {
    if (!ENDED_JOB_STATUSES.includes(job.status)) return { status: "none", jobId, reason: `the job is ${job.status}` };
    if (order.status !== "paid") return { status: "none", jobId, reason: `the order is ${order.status}` };
    if (facts.delivered >= facts.promised) return { status: "none", jobId, reason: "the promise was kept" };
    let charge: Stripe.Charge | null;
    try {
      charge = await chargeOf(env, db, paymentIntentId);
    } catch (err) {
      return { status: "error", jobId, error: `the charge could not be read: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!charge) return { status: "error", jobId, error: `no charge for payment ${paymentIntentId}` };
    const amountCents = shortfallAmount(charge, facts.promised, facts.delivered);
    if (amountCents <= 0) return { status: "none", jobId, reason: "nothing left to refund on the charge" };
    row = await db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(shortfallRefunds)
        .values({
          jobId,
          orderId: order.id,
          customerId: order.customerId,
          promised: facts.promised,
          delivered: facts.delivered,
          chargeAmountCents: charge.amount,
          amountCents,
          currency: charge.currency,
          idempotencyKey: `directorybolt-shortfall:${jobId}`,
        })
        .onConflictDoNothing()
        .returning();
      if (inserted) {
        const missing = facts.promised - facts.delivered;
        await tx
          .insert(jobEvents)
          .values({
            jobId,
            customerId: order.customerId,
            kind: "shortfall_refund",
            message: `Your ${PLANS[order.plan as PlanId].name} plan promised ${facts.promised} directories and ${facts.delivered} were delivered: we refund the ${missing} missing, ${money(amountCents, charge.currency)} of the ${money(charge.amount, charge.currency)} paid`,
            data: { promised: facts.promised, delivered: facts.delivered, missing, amountCents, chargeAmountCents: charge.amount, currency: charge.currency },
            dedupeKey: `shortfall_refund:${jobId}`,
          })
          .onConflictDoNothing();
        return inserted;
      }
      const [winner] = await tx.select().from(shortfallRefunds).where(eq(shortfallRefunds.jobId, jobId));
      return winner!;
    });
  }
  try {
    const refundId = await createRefund(env, db, row, paymentIntentId, deps);
    await db.transaction((tx) =>
      tx
        .update(shortfallRefunds)
        .set({ stripeRefundId: refundId, status: "succeeded", refundedAt: sql`coalesce(${shortfallRefunds.refundedAt}, now())`, lastError: null })
        .where(eq(shortfallRefunds.jobId, jobId)),
    );
    return { status: "refunded", jobId, promised: row.promised, delivered: row.delivered, amountCents: row.amountCents, refundId, created: !facts.existing };
  } catch (err) {
    // The row stays pending with its key: the next signal tries again, and Stripe answers a repeat with the first Refund.
    const error = err instanceof Error ? err.message : String(err);
    await db.transaction((tx) =>
      tx
        .update(shortfallRefunds)
        .set({ lastError: error.slice(0, 500) })
        .where(and(eq(shortfallRefunds.jobId, jobId), ne(shortfallRefunds.status, "succeeded"))),
    );
    log("error", "shortfall refund failed", { jobId, error });
    return { status: "error", jobId, error };
  }
}

/** A plan's count in SQL, for orders placed before the promise was recorded. */
function planCountSql(plan: AnyColumn): SQL<number> {
  return sql<number>`(case ${plan} ${sql.join(
    Object.values(PLANS).map((p) => sql`when ${p.id} then ${p.directories}::int`),
    sql` `,
  )} end)`;
}

/**
 * The cron's job-end signal: jobs that ended in the last week on a paid
 * order and have no succeeded shortfall refund, each through refundShortfall.
 */
export async function refundEndedJobShortfalls(env: StripeEnv, db: Database, deps: ShortfallDeps = {}, limit = 50): Promise<ShortfallOutcome[]> {
  const candidates = await db.transaction((tx) =>
    tx
      .select({ id: jobs.id })
      .from(jobs)
      .innerJoin(orders, eq(orders.id, jobs.orderId))
      .leftJoin(shortfallRefunds, eq(shortfallRefunds.jobId, jobs.id))
      .leftJoin(checkoutPromises, eq(checkoutPromises.sessionId, orders.stripeCheckoutSessionId))
      .where(
        and(
          inArray(jobs.status, ENDED_JOB_STATUSES),
          eq(orders.status, "paid"),
          gt(jobs.completedAt, sql`now() - interval '7 days'`),
          sql`(${shortfallRefunds.jobId} is null or ${shortfallRefunds.status} <> 'succeeded')`,
          // Only jobs short of their promise: a week of kept promises must not fill the batch.
          sql`${deliveredCountSql(jobs.id)} < coalesce(${checkoutPromises.promised}, ${planCountSql(orders.plan)})`,
        ),
      )
      .orderBy(jobs.completedAt)
      .limit(limit),
  );
  const outcomes: ShortfallOutcome[] = [];
  for (const { id } of candidates) outcomes.push(await refundShortfall(env, db, id, deps));
  return outcomes;
}
