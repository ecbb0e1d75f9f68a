/**
 * The promise stated before payment (issue 17, item 1): at checkout, what the
 * plan promises (its count) and what the catalog holds for this business now
 * (the pricing preview's count: the same selectForPlan an order runs). A plan
 * the catalog cannot fill is sold only when the buyer accepts, in so many
 * words, that the shortfall is refunded; otherwise checkout answers 409 with
 * both numbers, so the buyer picks a smaller plan. The promise is written
 * per Checkout Session (`checkout_promises`) and read back with the order.
 */
import { eq } from "drizzle-orm";
import { selectForPlan, type Catalog } from "../../core/catalog/selection";
import { PLANS, type PlanId } from "../../core/plans";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { checkoutPromises } from "../db/schema";
import { candidateDirectories } from "../db/tier-selection";
import { previewAvailability } from "../catalog/preview";
import { ApiError } from "../http/errors";

export interface PromiseRequest {
  plan: PlanId;
  country?: string;
  category?: string;
  region?: string;
  acceptShortfall?: boolean;
}

export interface CheckoutPromise {
  plan: PlanId;
  promised: number;
  available: number;
  country: string | null;
  category: string | null;
  shortfallAccepted: boolean;
}

/** How many relevant directories this plan gets for the business now. */
async function availableFor(db: Pick<Database, "select">, catalog: Catalog, input: PromiseRequest): Promise<number> {
  if (input.country && input.category) {
    const plans = await previewAvailability(db, catalog, { country: input.country, category: input.category, region: input.region });
    return plans.find((p) => p.plan === input.plan)!.available;
  }
  // Only the sandbox farm gets here (it takes any business: selection ignores country and category).
  const rows = await candidateDirectories(db, { plan: input.plan, catalog });
  return selectForPlan(rows, input.plan, catalog, { country: null, categories: [], languages: [] }).length;
}

/**
 * The promise for a checkout, or a 4xx that changes nothing: 400 when the
 * live catalog is not told the business (the count would be a guess), 409
 * when the plan is short and the shortfall was not accepted.
 */
export async function statePromise(db: Pick<Database, "select">, catalog: Catalog, input: PromiseRequest): Promise<CheckoutPromise> {
  if (catalog === "live" && !(input.country && input.category)) {
    throw new ApiError(400, "business_required", "Tell us the business's country and category first: we state how many directories the plan gets before you pay");
  }
  const promised = PLANS[input.plan].directories;
  const available = Math.min(promised, await availableFor(db, catalog, input));
  if (available < promised && input.acceptShortfall !== true) {
    throw new ApiError(
      409,
      "plan_short",
      `${PLANS[input.plan].name} promises ${promised} directories, and ${available} fit this business now: choose a smaller plan, or accept that the ${promised - available} missing are refunded (pro rata) when the job ends`,
    );
  }
  return {
    plan: input.plan,
    promised,
    available,
    country: input.country ?? null,
    category: input.category ?? null,
    shortfallAccepted: available < promised && input.acceptShortfall === true,
  };
}

/** Records the promise for a session (a repeat, as on an idempotent retry, keeps the first). */
export async function recordPromise(db: Database | Transaction, sessionId: string, promise: CheckoutPromise): Promise<void> {
  await db
    .insert(checkoutPromises)
    .values({ sessionId, ...promise })
    .onConflictDoNothing();
}

export async function promiseOf(db: Database | Transaction, sessionId: string): Promise<CheckoutPromise | null> {
  const [row] = await db.select().from(checkoutPromises).where(eq(checkoutPromises.sessionId, sessionId));
  return row ? { plan: row.plan as PlanId, promised: row.promised, available: row.available, country: row.country, category: row.category, shortfallAccepted: row.shortfallAccepted } : null;
}
