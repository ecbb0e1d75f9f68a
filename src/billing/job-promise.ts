/**
 * What a job was promised and what came back, for the portal and the staff
 * job page (GET /api/jobs/:id/shortfall): the checkout's promise and the
 * shortfall refund, with the sentence the customer reads.
 */
import { eq } from "drizzle-orm";
import { PLANS, type PlanId } from "../../core/plans";
import type { Database } from "../db/client";
import { checkoutPromises, jobs, orders, shortfallRefunds } from "../db/schema";
import { money } from "../notifications/templates";

export interface JobPromise {
  plan: PlanId;
  promised: number;
  /** Relevant directories at checkout; null for orders from before the promise was recorded. */
  available: number | null;
  shortfallAccepted: boolean;
  refund: {
    status: "pending" | "succeeded" | "failed";
    promised: number;
    delivered: number;
    amountCents: number;
    chargeAmountCents: number;
    currency: string;
    refundedAt: string | null;
    message: string;
  } | null;
}

export async function jobPromise(db: Pick<Database, "select">, jobId: string): Promise<JobPromise | null> {
  const [row] = await db
    .select({ plan: orders.plan, promise: checkoutPromises, refund: shortfallRefunds })
    .from(jobs)
    .innerJoin(orders, eq(orders.id, jobs.orderId))
    .leftJoin(checkoutPromises, eq(checkoutPromises.sessionId, orders.stripeCheckoutSessionId))
    .leftJoin(shortfallRefunds, eq(shortfallRefunds.jobId, jobs.id))
    .where(eq(jobs.id, jobId));
  if (!row) return null;
  const plan = row.plan as PlanId;
  const r = row.refund;
  return {
    plan,
    promised: row.promise?.promised ?? PLANS[plan].directories,
    available: row.promise?.available ?? null,
    shortfallAccepted: row.promise?.shortfallAccepted ?? false,
    refund: r
      ? {
          status: r.status as "pending" | "succeeded" | "failed",
          promised: r.promised,
          delivered: r.delivered,
          amountCents: r.amountCents,
          chargeAmountCents: r.chargeAmountCents,
          currency: r.currency,
          refundedAt: r.refundedAt?.toISOString() ?? null,
          message: `${PLANS[plan].name} promised ${r.promised} directories and ${r.delivered} were delivered: ${r.status === "succeeded" ? "we refunded" : "we are refunding"} the ${r.promised - r.delivered} missing, ${money(r.amountCents, r.currency)} of the ${money(r.chargeAmountCents, r.currency)} paid.`,
        }
      : null,
  };
}
