/**
 * The staff catalog: search the directories, see each one's last check, and
 * change what staff steer day to day (active or not, priority tier, and
 * lifting or setting the hold a failed check put on it). Reads run as the signed-in
 * staff user under RLS; the write runs on the API's own connection, as every
 * write does (there are no write policies).
 */
import { sql } from "drizzle-orm";
import type { AuthUser } from "../auth/user-token";
import type { Database } from "../db/client";
import { asClient } from "../db/rls";
import type { CatalogDirectory, CatalogPage } from "../../core/protocol/staff";

export interface CatalogQuery {
  q?: string;
  status: "all" | "active" | "inactive" | "held";
  limit: number;
  offset: number;
}

type Row = {
  id: string;
  slug: string;
  name: string;
  website: string;
  priority_tier: number;
  da_score: number | null;
  country: string;
  automation: string;
  sandbox: boolean;
  is_active: boolean;
  checked_at: string | Date | null;
  check_status: string | null;
  check_result: { reasons?: unknown } | null;
  facts_verified: boolean;
  check_hold: boolean;
  total?: string | number;
};

const reasonsOf = (result: Row["check_result"]): string[] => (Array.isArray(result?.reasons) ? result.reasons.filter((r): r is string => typeof r === "string") : []);

const toDirectory = (r: Row): CatalogDirectory => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  website: r.website,
  priorityTier: Number(r.priority_tier),
  daScore: r.da_score === null ? null : Number(r.da_score),
  country: r.country,
  automation: r.automation,
  sandbox: r.sandbox,
  isActive: r.is_active,
  lastCheck:
    r.checked_at && r.check_status
      ? { at: new Date(r.checked_at).toISOString(), status: r.check_status as NonNullable<CatalogDirectory["lastCheck"]>["status"], reasons: reasonsOf(r.check_result) }
      : null,
  factsVerified: r.facts_verified,
  checkHold: r.check_hold,
});

const COLUMNS = sql`id, slug, name, website, priority_tier, da_score, country, automation, sandbox, is_active, checked_at, check_status, check_result, facts_verified, check_hold`;

/** `%` and `_` typed by staff are literal characters, not wildcards. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function searchCatalog(db: Database, user: AuthUser, query: CatalogQuery): Promise<CatalogPage> {
  return asClient(db, "authenticated", user.claims, async (tx) => {
    const conditions = [sql`true`];
    if (query.q) conditions.push(sql`(name ilike ${likePattern(query.q)} or slug ilike ${likePattern(query.q)})`);
    if (query.status === "held") conditions.push(sql`check_hold`);
    else if (query.status !== "all") conditions.push(sql`is_active = ${query.status === "active"}`);
    const where = sql.join(conditions, sql` and `);
    const { rows } = await tx.execute<Row>(sql`
      select ${COLUMNS}, count(*) over () as total from directories
      where ${where}
      order by priority_tier, da_score desc nulls last, name, id
      limit ${query.limit} offset ${query.offset}`);
    let total = rows.length ? Number(rows[0]!.total) : 0;
    if (!rows.length && query.offset > 0) {
      const count = await tx.execute<{ n: string }>(sql`select count(*) as n from directories where ${where}`);
      total = Number(count.rows[0]!.n);
    }
    return { directories: rows.map(toDirectory), total };
  });
}

/** Null when there is no such directory. A change to the value it has leaves it as it is. */
export async function updateDirectory(db: Database, id: string, change: { isActive?: boolean; priorityTier?: number; checkHold?: boolean }): Promise<CatalogDirectory | null> {
  const sets = []; // updated_at follows by trigger (migration 0002)
  if (change.isActive !== undefined) sets.push(sql`is_active = ${change.isActive}`);
  if (change.priorityTier !== undefined) sets.push(sql`priority_tier = ${change.priorityTier}`);
  if (change.checkHold !== undefined) sets.push(sql`check_hold = ${change.checkHold}`);
  if (!sets.length) throw new Error("updateDirectory needs a change");
  const { rows } = await db.execute<Row>(sql`
    update directories set ${sql.join(sets, sql`, `)}
    where id = ${id} returning ${COLUMNS}`);
  return rows[0] ? toDirectory(rows[0]) : null;
}
