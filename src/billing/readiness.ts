/**
 * When a job may start: it is `pending`, its order is `paid`, and its
 * customer's business profile is complete. Payment and profile arrive in
 * either order, so this is asked after fulfilment and after every profile
 * save; the first time the answer is yes, a `job_ready` event is written
 * (once: its dedupe key), and the coordinator is told (startJob) after the
 * transaction commits, so it reads committed rows.
 */
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { businessProfiles, jobEvents, jobs, orders } from "../db/schema";
import { missingProfileFields } from "../profile/schema";
import { profileFromRow } from "../profile/store";
import { fitJobToBusiness } from "../catalog/fit-job";
import type { Catalog } from "../db/tier-selection";
import { catalogOf } from "./fulfilment";
import { startJob } from "./start-job";

type Db = Database | Transaction;

export interface Readiness {
  jobId: string;
  customerId: string | null;
  ready: boolean;
  /** What is still missing: "job" (no such job), "job_status:<status>", "payment", "profile", "profile.<field>". */
  missing: string[];
}

export async function jobReadyToStart(db: Db, jobId: string): Promise<Readiness> {
  const [row] = await db
    .select({ job: jobs, orderStatus: orders.status, profile: businessProfiles })
    .from(jobs)
    .innerJoin(orders, eq(orders.id, jobs.orderId))
    .leftJoin(businessProfiles, eq(businessProfiles.customerId, jobs.customerId))
    .where(eq(jobs.id, jobId));
  if (!row) return { jobId, customerId: null, ready: false, missing: ["job"] };
  const missing: string[] = [];
  if (row.job.status !== "pending") missing.push(`job_status:${row.job.status}`);
  if (row.orderStatus !== "paid") missing.push("payment");
  if (!row.profile) missing.push("profile");
  else missing.push(...missingProfileFields(profileFromRow(row.profile)).map((f) => `profile.${f}`));
  return { jobId, customerId: row.job.customerId, ready: missing.length === 0, missing };
}

/**
 * Inside a transaction: decides, and records `job_ready` the first time; that
 * first time the job's directories are fitted to the now complete profile
 * (src/catalog/fit-job.ts). Does not call the coordinator.
 */
export async function markJobReady(tx: Transaction, jobId: string, catalog: Catalog): Promise<Readiness> {
  const readiness = await jobReadyToStart(tx, jobId);
  if (readiness.ready) {
    const first = await tx
      .insert(jobEvents)
      .values({
        jobId,
        customerId: readiness.customerId!,
        kind: "job_ready",
        message: "Payment and business profile complete: ready to start",
        dedupeKey: `job_ready:${jobId}`,
      })
      .onConflictDoNothing()
      .returning({ id: jobEvents.id });
    if (first.length) await fitJobToBusiness(tx, jobId, catalog);
  }
  return readiness;
}

/** Pending jobs of a customer whose order is paid: the ones a profile save may release. */
export async function waitingJobIds(tx: Db, customerId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: jobs.id })
    .from(jobs)
    .innerJoin(orders, eq(orders.id, jobs.orderId))
    .where(and(eq(jobs.customerId, customerId), eq(jobs.status, "pending"), eq(orders.status, "paid")));
  return rows.map((r) => r.id);
}

export interface StartOptions {
  /** Run the coordinator call after the response (ctx.waitUntil) instead of awaiting it. */
  defer?: (work: Promise<unknown>) => void;
}

/** Tells the coordinator of each ready job (after the deciding transaction committed). */
export async function startReadyJobs(env: Env, readiness: Readiness[], options: StartOptions = {}): Promise<void> {
  for (const r of readiness) {
    if (!r.ready) continue;
    const work = startJob(env, r.jobId);
    if (options.defer) options.defer(work);
    else await work;
  }
}

/** Decides in its own transaction, records readiness once, and starts the job when it is ready. */
export async function maybeStartJob(env: Env, db: Database, jobId: string, options: StartOptions = {}): Promise<Readiness> {
  const readiness = await db.transaction((tx) => markJobReady(tx, jobId, catalogOf(env)));
  await startReadyJobs(env, [readiness], options);
  return readiness;
}
