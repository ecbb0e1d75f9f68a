/**
 * Which directories a job gets: active ones of the right catalog (live or
 * sandbox), in the plan's tiers, highest DA first, at most the plan's count,
 * and none the business already holds (live, or on its way from an earlier
 * job). "disabled" directories are never chosen; "manual" ones are, and
 * become staff tasks. With the business's country, the live catalog offers
 * only that country's directories and international ones (a German
 * directory is worthless to a shop in Ohio); the sandbox farm's directories
 * take any business, so the sandbox ignores the country. Plans without
 * captcha solving never get directories that require a captcha.
 */
import { and, asc, eq, inArray, lte, ne, notExists, notInArray, sql } from "drizzle-orm";
import { PLANS, type PlanId } from "../../core/plans";
import { RELEASED_SUBMISSION_STATUSES } from "../../core/statuses";
import type { Database } from "./client";
import { directories, directorySubmissions } from "./schema";

export type Catalog = "live" | "sandbox";

export interface SelectedDirectory {
  id: string;
  slug: string;
  priorityTier: number;
  daScore: number | null;
}

export async function selectDirectoriesForJob(db: Pick<Database, "select">, params: { customerId: string; plan: PlanId; catalog: Catalog; country?: string | null }): Promise<SelectedDirectory[]> {
  const plan = PLANS[params.plan];
  return db
    .select({
      id: directories.id,
      slug: directories.slug,
      priorityTier: directories.priorityTier,
      daScore: directories.daScore,
    })
    .from(directories)
    .where(
      and(
        eq(directories.isActive, true),
        ne(directories.automation, "disabled"),
        eq(directories.sandbox, params.catalog === "sandbox"),
        lte(directories.priorityTier, plan.tierLimit),
        plan.captchaSolving ? undefined : eq(directories.requiresCaptcha, false),
        params.catalog === "live" && params.country ? inArray(directories.country, [params.country.toUpperCase(), "INT"]) : undefined,
        notExists(
          db
            .select({ one: sql`1` })
            .from(directorySubmissions)
            .where(
              and(
                eq(directorySubmissions.customerId, params.customerId),
                eq(directorySubmissions.directoryId, directories.id),
                notInArray(directorySubmissions.status, [...RELEASED_SUBMISSION_STATUSES]),
              ),
            ),
        ),
      ),
    )
    .orderBy(sql`${directories.daScore} desc nulls last`, asc(directories.priorityTier), asc(directories.id))
    .limit(plan.directories);
}
