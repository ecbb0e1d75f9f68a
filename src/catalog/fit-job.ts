/**
 * Fitting a job to its business. An order is usually paid before the
 * profile says what the business is, so fulfilment can only pick directories
 * that serve every category; when the profile is complete and the job has
 * not started, the job's directories are chosen again with the business's
 * categories and languages (core/catalog/selection.ts), once: untouched
 * submissions that no longer fit are removed, the new ones added, every
 * priority set to its rank, and the total updated. Nothing released is
 * touched: a job with any submission past `pending` is left as it is. The
 * sandbox catalog ignores the business, so there is nothing to fit there; a
 * job whose directories staff edited (src/jobs/staff-directories.ts) is left
 * as staff made it.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Transaction } from "../db/rls";
import { businessProfiles, directorySubmissions, jobEvents, jobs } from "../db/schema";
import { type Catalog, selectDirectoriesForJob } from "../db/tier-selection";
import type { PlanId } from "../../core/plans";
import { STAFF_EDIT_EVENT } from "../jobs/staff-directories";
import { businessFit } from "./business-fit";

export interface FitResult {
  fitted: boolean;
  added: number;
  removed: number;
  total: number;
}

export async function fitJobToBusiness(tx: Transaction, jobId: string, catalog: Catalog): Promise<FitResult> {
  // The sandbox farm takes any business: fitting would choose the same rows.
  if (catalog !== "live") return { fitted: false, added: 0, removed: 0, total: 0 };
  const [job] = await tx.select().from(jobs).where(eq(jobs.id, jobId)).for("update");
  const [profile] = job ? await tx.select().from(businessProfiles).where(eq(businessProfiles.customerId, job.customerId)) : [];
  if (!job || job.status !== "pending" || !profile) return { fitted: false, added: 0, removed: 0, total: job?.directoriesTotal ?? 0 };
  // Staff chose this job's directories by hand: fitting would undo them.
  const [edited] = await tx
    .select({ id: jobEvents.id })
    .from(jobEvents)
    .where(and(eq(jobEvents.jobId, jobId), eq(jobEvents.kind, STAFF_EDIT_EVENT)))
    .limit(1);
  if (edited) return { fitted: false, added: 0, removed: 0, total: job.directoriesTotal };
  const current = await tx.select({ directoryId: directorySubmissions.directoryId, status: directorySubmissions.status }).from(directorySubmissions).where(eq(directorySubmissions.jobId, jobId));
  if (current.some((s) => s.status !== "pending")) return { fitted: false, added: 0, removed: 0, total: job.directoriesTotal };

  const business = businessFit(profile, profile.country);
  const selected = await selectDirectoriesForJob(tx, { customerId: job.customerId, plan: job.plan as PlanId, catalog, business, exceptJobId: jobId });
  const keep = new Set(selected.map((d) => d.id));
  const had = new Set(current.map((s) => s.directoryId));
  const remove = current.filter((s) => !keep.has(s.directoryId)).map((s) => s.directoryId);
  if (remove.length) {
    await tx.delete(directorySubmissions).where(and(eq(directorySubmissions.jobId, jobId), eq(directorySubmissions.status, "pending"), inArray(directorySubmissions.directoryId, remove)));
  }
  const ids = `{${selected.map((d) => d.id).join(",")}}`;
  if (selected.length) {
    // Insert the new ones and re-rank all in one statement; the rank is the priority.
    await tx.execute(sql`
      insert into directory_submissions (job_id, directory_id, customer_id, priority)
      select ${jobId}::uuid, d.id, ${job.customerId}::uuid, (d.ord - 1)::int
      from unnest(${ids}::uuid[]) with ordinality as d(id, ord)
      on conflict (job_id, directory_id) do update set priority = excluded.priority`);
  }
  const added = selected.filter((d) => !had.has(d.id)).length;
  await tx.update(jobs).set({ directoriesTotal: selected.length }).where(eq(jobs.id, jobId));
  await tx
    .insert(jobEvents)
    .values({
      jobId,
      customerId: job.customerId,
      kind: "job_fitted",
      message: `Directories chosen for the business: ${selected.length} (${added} added, ${remove.length} removed)`,
      data: { categories: business.categories, languages: business.languages, country: business.country, added, removed: remove.length, total: selected.length },
      dedupeKey: `job_fitted:${jobId}`,
    })
    .onConflictDoNothing();
  return { fitted: true, added, removed: remove.length, total: selected.length };
}
