/**
 * Which jobs may have open staff tasks: running or finished jobs with a
 * submission to a manual directory that is not yet final, or an "update my
 * listings" (its staff items live in the coordinator only). Only a finder:
 * each job's coordinator says what is open (Postgres trails it by the outbox).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";

export async function staffTaskJobIds(db: Database, limit = 200): Promise<string[]> {
  const { rows } = await db.execute<{ job_id: string }>(sql`
    select x.job_id from (
      select s.job_id from directory_submissions s
      join directories d on d.id = s.directory_id
      where d.automation = 'manual' and s.status in ('pending', 'manual', 'submitted')
      union
      select u.job_id from listing_updates u
    ) x
    join jobs j on j.id = x.job_id
    where j.status in ('in_progress', 'paused', 'completed', 'failed')
    order by j.created_at
    limit ${limit}`);
  return rows.map((r) => r.job_id);
}
