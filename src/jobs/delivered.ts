/**
 * How many directories a job delivered against its plan's promise: THE one
 * count the shortfall refund (src/billing/shortfall-refund.ts) reads. For now
 * a delivered directory is a submission that ended submitted, awaiting
 * verification or approved; replacements (issue 17, item 3) and existing
 * listings feed this function, not a copy of it.
 */
import { and, eq, inArray, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { DELIVERED_SUBMISSION_STATUSES } from "../../core/statuses";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { directorySubmissions } from "../db/schema";

export async function deliveredCount(db: Database | Transaction, jobId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(directorySubmissions)
    .where(and(eq(directorySubmissions.jobId, jobId), inArray(directorySubmissions.status, [...DELIVERED_SUBMISSION_STATUSES])));
  return row?.n ?? 0;
}

/** The same count as a scalar subquery, for sweeps that filter many jobs at once. */
export function deliveredCountSql(jobId: AnyColumn | SQL): SQL<number> {
  return sql<number>`(select count(*)::int from ${directorySubmissions} ds where ds.job_id = ${jobId} and ds.status in (${sql.join(
    DELIVERED_SUBMISSION_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  )}))`;
}
