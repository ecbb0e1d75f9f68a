/**
 * Which jobs may have open staff tasks: running or finished jobs with a
 * submission to a manual directory that is not yet final. Only a finder:
 * each job's coordinator says what is open (Postgres trails it by the outbox).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";

export async function staffTaskJobIds(db: Database, limit = 200): Promise<string[]> {
  const { rows } = await db.execute<{ job_id: string }>(sql`
    select s.job_id from directory_submissions s
    join directories d on d.id = s.directory_id
    join jobs j on j.id = s.job_id
    where d.automation = 'manual'
      and s.status in ('pending', 'manual', 'submitted')
      and j.status in ('in_progress', 'paused', 'completed', 'failed')
    group by s.job_id
    order by min(j.created_at)
    limit ${limit}`);
  return rows.map((r) => r.job_id);
}
