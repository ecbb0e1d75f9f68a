/**
 * Success rate by directory over time, from the submissions in Postgres.
 * A submission counts in the bucket (UTC day or ISO week) its outcome was
 * decided: succeeded (submitted, awaiting verification or approved) at
 * `submitted_at`, failed at its last update. Skipped and unfinished work is
 * no outcome yet and does not count. Read as the staff user, under RLS.
 */
import { sql } from "drizzle-orm";
import type { AuthUser } from "../auth/user-token";
import type { Database } from "../db/client";
import { asClient } from "../db/rls";
import type { DirectorySuccess, SuccessRates } from "../../core/protocol/staff";

const DAY_MS = 86_400_000;

/** Bucket starts (YYYY-MM-DD) covering `count` buckets that end with the one holding `now`. */
export function bucketStarts(bucket: "day" | "week", count: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  // ISO weeks start on Monday (date_trunc('week') agrees).
  const last = bucket === "day" ? today : today - ((new Date(today).getUTCDay() + 6) % 7) * DAY_MS;
  const step = bucket === "day" ? DAY_MS : 7 * DAY_MS;
  return Array.from({ length: count }, (_, i) => new Date(last - (count - 1 - i) * step).toISOString().slice(0, 10));
}

export async function successRates(db: Database, user: AuthUser, options: { bucket: "day" | "week"; count: number; directoryId?: string; now?: Date }): Promise<SuccessRates> {
  const starts = bucketStarts(options.bucket, options.count, options.now);
  const unit = sql.raw(options.bucket === "day" ? "'day'" : "'week'");
  const only = options.directoryId ? sql`and s.directory_id = ${options.directoryId}` : sql``;
  const rows = await asClient(db, "authenticated", user.claims, async (tx) => {
    const result = await tx.execute<{ id: string; slug: string; name: string; start: string; succeeded: string; failed: string }>(sql`
      with decided as (
        select s.directory_id,
               s.status = 'failed' as failed,
               case when s.status = 'failed' then s.updated_at else coalesce(s.submitted_at, s.updated_at) end as at
        from directory_submissions s
        where s.status in ('submitted', 'awaiting_verification', 'approved', 'failed') ${only}
      )
      select d.id, d.slug, d.name,
             to_char(date_trunc(${unit}, x.at at time zone 'UTC'), 'YYYY-MM-DD') as start,
             count(*) filter (where not x.failed) as succeeded,
             count(*) filter (where x.failed) as failed
      from decided x join directories d on d.id = x.directory_id
      where x.at >= ${`${starts[0]}T00:00:00Z`}::timestamptz
      group by d.id, d.slug, d.name, 4
      order by d.name, d.id, 4`);
    return result.rows;
  });
  const byDirectory = new Map<string, DirectorySuccess>();
  for (const r of rows) {
    let d = byDirectory.get(r.id);
    if (!d) byDirectory.set(r.id, (d = { directoryId: r.id, slug: r.slug, name: r.name, attempts: 0, succeeded: 0, failed: 0, buckets: [] }));
    const succeeded = Number(r.succeeded);
    const failed = Number(r.failed);
    d.buckets.push({ start: r.start, succeeded, failed });
    d.succeeded += succeeded;
    d.failed += failed;
    d.attempts += succeeded + failed;
  }
  const directories = [...byDirectory.values()].sort((a, b) => b.attempts - a.attempts || a.name.localeCompare(b.name));
  return { bucket: options.bucket, starts, directories };
}
