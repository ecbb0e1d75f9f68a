/**
 * Who may watch a job: row-level security decides. The job is read as the
 * signed-in user (their verified claims), so a customer finds only their own
 * jobs and staff find all, with the same policies Supabase enforces.
 */
import { sql } from "drizzle-orm";
import type { AuthUser } from "../auth/user-token";
import type { Database } from "../db/client";
import { asClient } from "../db/rls";
import { ApiError } from "../http/errors";
import { withDatabase } from "../http/per-request";

export async function canSeeJob(db: Database, user: AuthUser, jobId: string): Promise<boolean> {
  return asClient(db, "authenticated", user.claims, async (tx) => {
    const { rows } = await tx.execute<{ id: string }>(sql`select id from jobs where id = ${jobId}`);
    return rows.length === 1;
  });
}

/** Staff, or the job's own customer; anyone else gets the 404 of a job that does not exist (they learn nothing about others' job ids). */
export async function assertCanSeeJob(env: Env, user: AuthUser, jobId: string): Promise<void> {
  if (user.staff) return;
  if (!(await withDatabase(env, ({ db }) => canSeeJob(db, user, jobId)))) throw new ApiError(404, "not_found", "No such job");
}
