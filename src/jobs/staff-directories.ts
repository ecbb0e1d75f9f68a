/**
 * Staff add or remove directories of a job before it starts. "Before it
 * starts" is before the job is ready (payment and profile in; readiness
 * starts it at once) and while every submission is untouched `pending`: the
 * coordinator loads the submissions only when started, so nothing it holds
 * can be lost. An added directory must be selectable (active, not disabled,
 * not held after a check, of the deployment's catalog) and not already held
 * by the business elsewhere, so nothing is submitted twice; adding a
 * directory the job has, or removing one it lacks, changes nothing. Once
 * staff edited a job, fitting it to the profile leaves it as staff made it
 * (src/catalog/fit-job.ts).
 */
import { and, eq, inArray, ne, notInArray, sql } from "drizzle-orm";
import type { Catalog } from "../../core/catalog/selection";
import { RELEASED_SUBMISSION_STATUSES } from "../../core/statuses";
import type { Transaction } from "../db/rls";
import { directories, directorySubmissions, jobEvents, jobs } from "../db/schema";
import { ApiError } from "../http/errors";

export const STAFF_EDIT_EVENT = "directories_edited";

export interface DirectoryEdit {
  add: string[];
  remove: string[];
}

export interface DirectoryEditResult {
  jobId: string;
  added: number;
  removed: number;
  total: number;
}

export async function editJobDirectories(tx: Transaction, jobId: string, edit: DirectoryEdit, catalog: Catalog, staff: string): Promise<DirectoryEditResult> {
  const [job] = await tx.select().from(jobs).where(eq(jobs.id, jobId)).for("update");
  if (!job) throw new ApiError(404, "not_found", "No such job");
  const [ready] = await tx
    .select({ id: jobEvents.id })
    .from(jobEvents)
    .where(and(eq(jobEvents.jobId, jobId), eq(jobEvents.kind, "job_ready")));
  const [touched] = await tx
    .select({ id: directorySubmissions.id })
    .from(directorySubmissions)
    .where(and(eq(directorySubmissions.jobId, jobId), ne(directorySubmissions.status, "pending")))
    .limit(1);
  if (job.status !== "pending" || ready || touched) {
    throw new ApiError(409, "job_started", "The job has started (or is ready and starting): its directories can no longer change");
  }

  const add = [...new Set(edit.add)].filter((id) => !edit.remove.includes(id));
  if (add.length) {
    const fit = await tx
      .select({ id: directories.id })
      .from(directories)
      .where(
        and(inArray(directories.id, add), eq(directories.isActive, true), ne(directories.automation, "disabled"), eq(directories.checkHold, false), eq(directories.sandbox, catalog === "sandbox")),
      );
    const held = await tx
      .select({ id: directorySubmissions.directoryId })
      .from(directorySubmissions)
      .where(
        and(
          eq(directorySubmissions.customerId, job.customerId),
          ne(directorySubmissions.jobId, jobId),
          inArray(directorySubmissions.directoryId, add),
          notInArray(directorySubmissions.status, [...RELEASED_SUBMISSION_STATUSES]),
        ),
      );
    const fitIds = new Set(fit.map((d) => d.id));
    const heldIds = new Set(held.map((d) => d.id));
    const refused: Record<string, string> = {};
    for (const id of add) {
      if (!fitIds.has(id)) refused[id] = "no such directory, or not selectable (inactive, disabled, held after a check, or of the other catalog)";
      else if (heldIds.has(id)) refused[id] = "the business already holds this directory in another job";
    }
    if (Object.keys(refused).length) throw new ApiError(400, "directories_refused", "Some directories cannot be added; nothing was changed", { refused });
  }

  let removed = 0;
  if (edit.remove.length) {
    const gone = await tx
      .delete(directorySubmissions)
      .where(and(eq(directorySubmissions.jobId, jobId), eq(directorySubmissions.status, "pending"), inArray(directorySubmissions.directoryId, [...new Set(edit.remove)])))
      .returning({ id: directorySubmissions.id });
    removed = gone.length;
  }
  let added = 0;
  if (add.length) {
    const ids = `{${add.join(",")}}`;
    // Added ones go after the chosen ones, in the order staff gave them.
    const { rows } = await tx.execute<{ id: string }>(sql`
      insert into directory_submissions (job_id, directory_id, customer_id, priority)
      select ${jobId}::uuid, d.id, ${job.customerId}::uuid,
        (select coalesce(max(priority), -1) from directory_submissions where job_id = ${jobId}) + d.ord::int
      from unnest(${ids}::uuid[]) with ordinality as d(id, ord)
      on conflict (job_id, directory_id) do nothing
      returning id`);
    added = rows.length;
  }
  const [{ total }] = (await tx.execute<{ total: number }>(sql`select count(*)::int as total from directory_submissions where job_id = ${jobId}`)).rows as [{ total: number }];
  if (added || removed) {
    await tx.update(jobs).set({ directoriesTotal: total }).where(eq(jobs.id, jobId));
    await tx.insert(jobEvents).values({
      jobId,
      customerId: job.customerId,
      kind: STAFF_EDIT_EVENT,
      message: `Directories changed by staff: ${added} added, ${removed} removed (${total} now)`,
      data: { added, removed, total, by: staff },
      dedupeKey: `${STAFF_EDIT_EVENT}:${jobId}:${crypto.randomUUID()}`,
    });
  }
  return { jobId, added, removed, total };
}
