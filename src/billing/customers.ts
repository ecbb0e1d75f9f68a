/**
 * Customers: one row per lower-cased email. A purchase creates or finds the
 * row (by Stripe customer id first, then email); a signed-in user is linked
 * to it the first time they call the API with a token whose email matches,
 * once Supabase Auth says that email was confirmed.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { AuthUser } from "../auth/user-token";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { customers } from "../db/schema";
import { ApiError } from "../http/errors";

type Db = Database | Transaction;

/**
 * The buyer's customer row, created if new, and locked (FOR UPDATE) until the
 * transaction ends: two fulfilments for one customer run one after the
 * other, so the second one's tier selection sees the first one's directories.
 */
export async function upsertPurchaser(tx: Transaction, buyer: { email: string; name: string | null; stripeCustomerId: string | null }): Promise<string> {
  if (buyer.stripeCustomerId) {
    const [known] = await tx.select({ id: customers.id }).from(customers).where(eq(customers.stripeCustomerId, buyer.stripeCustomerId)).for("update");
    if (known) return known.id;
  }
  // `do update` (not `do nothing`) so the row comes back, locked, either way.
  const [row] = await tx
    .insert(customers)
    .values({ email: buyer.email, name: buyer.name })
    .onConflictDoUpdate({ target: customers.email, set: { name: sql`coalesce(${customers.name}, excluded.name)` } })
    .returning({ id: customers.id, stripeCustomerId: customers.stripeCustomerId });
  if (buyer.stripeCustomerId && !row!.stripeCustomerId) {
    // Keep the first Stripe customer of an email (Checkout makes a new one per
    // purchase); never steal an id another row holds.
    await tx.execute(sql`
      update customers set stripe_customer_id = ${buyer.stripeCustomerId}
      where id = ${row!.id} and stripe_customer_id is null
        and not exists (select 1 from customers c where c.stripe_customer_id = ${buyer.stripeCustomerId})`);
  }
  return row!.id;
}

export type CustomerRow = typeof customers.$inferSelect;

/**
 * The signed-in user's customer row. Links it on first use: a customer row
 * with the token's (verified) email and no user yet becomes this user's.
 * With `create`, a user who has not bought yet gets a row (the profile may
 * come before the payment). Null when there is none and `create` is off.
 */
export async function customerForUser(db: Db, user: AuthUser, options: { create: boolean }): Promise<CustomerRow | null> {
  const [linked] = await db.select().from(customers).where(eq(customers.userId, user.userId));
  if (linked) return linked;
  if (!user.email) {
    throw new ApiError(403, "email_required", "Your sign-in token carries no email address, so no purchase can be linked to it");
  }
  const email = user.email.toLowerCase();
  // Both a link and a new row tie purchases of this email to this user (a
  // later purchase finds the row by email), so the address must be proven
  // first; a user with nothing to link and nothing to create is not asked.
  const [existing] = await db.select({ userId: customers.userId }).from(customers).where(eq(customers.email, email));
  if (!existing && !options.create) return null;
  if (!existing || existing.userId === null) {
    if (!(await user.emailConfirmed())) {
      throw new ApiError(403, "email_unverified", "Confirm your email address before purchases can be linked to your account");
    }
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    const [claimed] = await db
      .update(customers)
      .set({ userId: user.userId })
      .where(and(eq(customers.email, email), isNull(customers.userId)))
      .returning();
    if (claimed) return claimed;
    const [byEmail] = await db.select().from(customers).where(eq(customers.email, email));
    if (byEmail) {
      // A concurrent call of the same user may have linked it a moment ago.
      if (byEmail.userId === user.userId) return byEmail;
      throw new ApiError(409, "account_conflict", "This email address belongs to another sign-in account; contact support");
    }
    if (!options.create) return null;
    const [created] = await db.insert(customers).values({ email, userId: user.userId }).onConflictDoNothing().returning();
    if (created) return created;
    // Lost a race with a purchase (or this user's other request): look again.
  }
  throw new ApiError(409, "account_conflict", "Could not link your account; try again");
}
