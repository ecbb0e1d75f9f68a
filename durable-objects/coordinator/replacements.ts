/**
 * Replacements (issue 17): a submission that ended for good without a
 * listing is replaced by the next relevant directory, so the job still
 * delivers the count it promised. The choice is made in Postgres, where the
 * catalog is: the same candidates and order as the job's own selection
 * (src/db/tier-selection.ts, core/catalog/selection.ts), less every directory
 * already in this job and every one the business holds elsewhere.
 *
 * Exactly once: the new row carries `replaces_submission_id`, which is
 * unique. A coordinator that asks again (a replayed report, an alarm after an
 * eviction between the insert and its own SQLite write) finds that row and
 * gets it back instead of choosing a second directory.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client";
import { businessFit } from "../../src/catalog/business-fit";
import { loadProfile } from "../../src/profile/store";
import { type Catalog, candidateDirectories } from "../../src/db/tier-selection";
import { selectForPlan } from "../../core/catalog/selection";
import { isPlanId } from "../../core/plans";
import { type LoadedJob, loadTasks } from "./postgres-sync";

export type ReplacementTask = LoadedJob["tasks"][number];

/**
 * The replacement of `replaced`: the row already chosen, else a new one;
 * null when the catalog has no directory left; "retry" when a concurrent
 * choice took the same directory for another replacement (ask again).
 */
export async function chooseReplacement(db: Database, params: { jobId: string; catalog: Catalog; replaced: { submissionId: string; reason: string } }): Promise<ReplacementTask | null | "retry"> {
  const chosen = () => loadTasks(db, sql`s.replaces_submission_id = ${params.replaced.submissionId}`).then((rows) => rows[0]);
  const existing = await chosen();
  if (existing) return existing;
  const jobs = await db.execute<{ customer_id: string; plan: string }>(sql`select customer_id, plan from jobs where id = ${params.jobId}`);
  const job = jobs.rows[0];
  if (!job || !isPlanId(job.plan)) return null;
  const profile = await loadProfile(db, job.customer_id);
  const business = businessFit(profile, profile?.country ?? null);
  // Candidates already drop what the business holds (live or on its way);
  // a directory this job tried and lost is released, so it is dropped here.
  const inJob = await db.execute<{ directory_id: string }>(sql`select directory_id from directory_submissions where job_id = ${params.jobId}`);
  const taken = new Set(inJob.rows.map((r) => r.directory_id));
  const rows = (await candidateDirectories(db, { plan: job.plan, catalog: params.catalog, country: business.country, customerId: job.customer_id })).filter((d) => !taken.has(d.id));
  const next = selectForPlan(rows, job.plan, params.catalog, business)[0];
  if (!next) return null;
  // Either unique key may refuse: this submission's replacement was chosen
  // meanwhile (then `chosen` finds it), or this directory was taken by
  // another replacement of the job (then nothing is found: ask again).
  await db.execute(sql`
    insert into directory_submissions (job_id, directory_id, customer_id, priority, replaces_submission_id, replacement_reason)
    select ${params.jobId}::uuid, ${next.id}::uuid, ${job.customer_id}::uuid,
           coalesce((select max(priority) + 1 from directory_submissions where job_id = ${params.jobId}), 0),
           ${params.replaced.submissionId}::uuid, ${params.replaced.reason}
    on conflict do nothing`);
  return (await chosen()) ?? "retry";
}
