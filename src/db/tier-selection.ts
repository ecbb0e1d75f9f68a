/**
 * Which directories a job gets, from Postgres. Postgres narrows the catalog
 * to rows that can fit (active, not disabled, not held after a failed check,
 * the right catalog, captcha, country; every tier, since a plan fills its
 * count from lower tiers when its own run short) and that the
 * business does not already hold (live, or on its way from an earlier job);
 * the rules themselves, and the order, are core/catalog/selection.ts, the same
 * function the pricing preview answers with. "manual" directories are chosen
 * and become staff tasks.
 */
import { and, eq, inArray, ne, notExists, notInArray, sql } from "drizzle-orm";
import { countryLanguages } from "../../core/catalog/languages";
import { type BusinessFit, type Catalog, selectForPlan } from "../../core/catalog/selection";
import { PLANS, type PlanId } from "../../core/plans";
import { RELEASED_SUBMISSION_STATUSES } from "../../core/statuses";
import type { Database } from "./client";
import { directories, directorySubmissions } from "./schema";

export type { Catalog };

export interface SelectedDirectory {
  id: string;
  slug: string;
  priorityTier: number;
  daScore: number | null;
}

const CANDIDATE_COLUMNS = {
  id: directories.id,
  slug: directories.slug,
  name: directories.name,
  website: directories.website,
  scope: directories.scope,
  category: directories.category,
  country: directories.country,
  language: directories.language,
  priorityTier: directories.priorityTier,
  daScore: directories.daScore,
  requiresCaptcha: directories.requiresCaptcha,
  automation: directories.automation,
  isActive: directories.isActive,
  sandbox: directories.sandbox,
  checkHold: directories.checkHold,
};

/** Rows that can fit an order of this plan in this catalog and country; `customerId` also drops what the business holds. */
export async function candidateDirectories(db: Pick<Database, "select">, params: { plan: PlanId; catalog: Catalog; country?: string | null; customerId?: string; exceptJobId?: string }) {
  const plan = PLANS[params.plan];
  return db
    .select(CANDIDATE_COLUMNS)
    .from(directories)
    .where(
      and(
        eq(directories.isActive, true),
        ne(directories.automation, "disabled"),
        eq(directories.checkHold, false),
        eq(directories.sandbox, params.catalog === "sandbox"),
        plan.captchaSolving ? undefined : eq(directories.requiresCaptcha, false),
        params.catalog === "live" && params.country ? inArray(directories.country, [params.country.toUpperCase(), "INT"]) : undefined,
        params.customerId
          ? notExists(
              db
                .select({ one: sql`1` })
                .from(directorySubmissions)
                .where(
                  and(
                    eq(directorySubmissions.customerId, params.customerId),
                    eq(directorySubmissions.directoryId, directories.id),
                    notInArray(directorySubmissions.status, [...RELEASED_SUBMISSION_STATUSES]),
                    // A job being refitted does not hold its own directories against itself.
                    params.exceptJobId ? ne(directorySubmissions.jobId, params.exceptJobId) : undefined,
                  ),
                ),
            )
          : undefined,
      ),
    );
}

/**
 * The job's directories, best first, at most the plan's count. Without a
 * `business` (nothing known but the billing country), only directories that
 * serve every category and language are chosen; the job is fitted to its
 * business when its profile is complete (src/catalog/fit-job.ts).
 */
export async function selectDirectoriesForJob(
  db: Pick<Database, "select">,
  params: { customerId: string; plan: PlanId; catalog: Catalog; country?: string | null; business?: BusinessFit; exceptJobId?: string },
): Promise<SelectedDirectory[]> {
  const country = params.country ?? null;
  const business: BusinessFit = params.business ?? { country, categories: [], languages: country ? countryLanguages(country) : ["en"] };
  const rows = await candidateDirectories(db, { plan: params.plan, catalog: params.catalog, country: business.country, customerId: params.customerId, exceptJobId: params.exceptJobId });
  return selectForPlan(rows, params.plan, params.catalog, business).map((d) => ({ id: d.id, slug: d.slug, priorityTier: d.priorityTier, daScore: d.daScore }));
}
