/**
 * Seeds Postgres from inside workerd for a test: a customer with a profile, a
 * paid order, a job and its submissions over freshly made directories. Every
 * row is unique to the call, so tests sharing the database never collide.
 */
import { onTestFinished } from "vitest";
import { env } from "cloudflare:workers";
import { connectFromWorker } from "../../../src/db/worker-database";
import * as t from "../../../src/db/schema";
import { PLANS, type PlanId } from "../../../core/plans";

export interface SeededJob {
  jobId: string;
  customerId: string;
  userId: string;
  submissionIds: string[];
}

export async function seedJob(options: { plan?: PlanId; directories?: number } = {}): Promise<SeededJob> {
  const plan = options.plan ?? "starter";
  const count = options.directories ?? PLANS[plan].directories;
  const tag = crypto.randomUUID().slice(0, 8);
  const userId = crypto.randomUUID();
  const conn = await connectFromWorker(env);
  try {
    return await conn.db.transaction(async (tx) => {
      const [customer] = await tx
        .insert(t.customers)
        .values({ email: `${tag}@example.com`, userId })
        .returning();
      await tx.insert(t.businessProfiles).values({
        customerId: customer!.id,
        businessName: `Bäckerei ${tag}`,
        city: "Köln",
        country: "DE",
        phone: "+4922112345678",
        website: `https://${tag}.example`,
      });
      const [order] = await tx
        .insert(t.orders)
        .values({ customerId: customer!.id, plan, status: "paid", stripeCheckoutSessionId: `cs_test_${tag}`, amountCents: PLANS[plan].priceCents })
        .returning();
      const [job] = await tx.insert(t.jobs).values({ orderId: order!.id, customerId: customer!.id, plan, directoriesTotal: count }).returning();
      const dirs = [];
      for (let i = 0; i < count; i += 250) {
        dirs.push(
          ...(await tx
            .insert(t.directories)
            .values(
              Array.from({ length: Math.min(250, count - i) }, (_, k) => ({
                slug: `${tag}-${i + k}`,
                name: `Directory ${i + k}`,
                website: `https://d${i + k}.${tag}.example`,
                submitUrl: `https://d${i + k}.${tag}.example/add`,
                priorityTier: 1,
                daScore: 90 - ((i + k) % 80),
                country: "INT",
                sandbox: true,
              })),
            )
            .returning({ id: t.directories.id })),
        );
      }
      const subs = [];
      for (let i = 0; i < dirs.length; i += 250) {
        subs.push(
          ...(await tx
            .insert(t.directorySubmissions)
            .values(dirs.slice(i, i + 250).map((d) => ({ jobId: job!.id, directoryId: d.id, customerId: customer!.id })))
            .returning({ id: t.directorySubmissions.id })),
        );
      }
      return { jobId: job!.id, customerId: customer!.id, userId, submissionIds: subs.map((s) => s.id) };
    });
  } finally {
    await conn.close();
  }
}

/** The job's submissions and job row as Postgres has them. */
export async function postgresState(jobId: string) {
  const conn = await connectFromWorker(env);
  try {
    const subs = await conn.client.query<{ id: string; status: string; attempt: number; listing_url: string | null }>(
      "select id, status, attempt, listing_url from directory_submissions where job_id = $1",
      [jobId],
    );
    const job = await conn.client.query<{ status: string; directories_submitted: number; directories_failed: number; completed_at: Date | null }>(
      "select status, directories_submitted, directories_failed, completed_at from jobs where id = $1",
      [jobId],
    );
    const events = await conn.client.query<{ kind: string; n: number }>("select kind, count(*)::int as n from job_events where job_id = $1 group by kind", [jobId]);
    return { submissions: subs.rows, job: job.rows[0]!, events: Object.fromEntries(events.rows.map((e) => [e.kind, e.n])) };
  } finally {
    await conn.close();
  }
}

/**
 * More directories in the catalog than a job took, so a replacement exists;
 * at the top DA, so the choice is one of these and not a directory another
 * test file left behind in the shared catalog (made manual by the staff-task
 * tests, say, which would hold the job open). They leave the catalog again
 * when the calling test finishes, so no other file's choice depends on them.
 */
export async function spareDirectories(n: number, prefix = "spare"): Promise<void> {
  const tag = crypto.randomUUID().slice(0, 8);
  const conn = await connectFromWorker(env);
  try {
    for (let i = 0; i < n; i++) {
      await conn.client.query("insert into directories (slug, name, website, submit_url, priority_tier, da_score, country, sandbox) values ($1, $2, $3, $4, 1, 100, 'INT', true)", [
        `${prefix}-${tag}-${i}`,
        `Spare ${tag} ${i}`,
        `https://${prefix}${i}.${tag}.example`,
        `https://${prefix}${i}.${tag}.example/add`,
      ]);
    }
  } finally {
    await conn.close();
  }
  onTestFinished(() => retireSpares(`${prefix}-${tag}`));
}

/** Takes spares out of the shared catalog again. */
async function retireSpares(tag: string): Promise<void> {
  const conn = await connectFromWorker(env);
  try {
    await conn.client.query("update directories set is_active = false where slug like $1", [`${tag}-%`]);
  } finally {
    await conn.close();
  }
}
