/**
 * Which directories fit a business and a plan: ONE function, used by the
 * order (src/db/tier-selection.ts, over the rows Postgres pre-filters), the
 * pricing preview (src/catalog/preview.ts) and the availability table
 * (tools/directories-availability.ts, over the catalog CSV), so what the
 * buyer is shown is what the order gets.
 *
 * Rules, in order: active and not disabled, of the deployment's catalog, not
 * held after a failed check, no captcha without captcha solving; in the live
 * catalog also the business's country or international, a category it
 * serves (niche directories only) and a language the business can be listed
 * in. Order: the plan's own tiers first, best value first (DA, unknown last,
 * then tier, then slug); when they hold fewer fitting directories than the
 * plan's count, the next tiers fill it, tier by tier. A plan is a count the
 * customer paid for: a Starter business in Canada has 13-17 fitting
 * directories of tier 1, so a hard tier limit could never deliver its 50
 * (docs/decisions.md, 2026-12-07).
 * The sandbox farm takes any business, so it ignores country, category and
 * language (its directories exist to exercise the engine).
 */
import { PLANS, type PlanId } from "../plans";
import { type CategorySlug, servesCategories } from "./categories";

export type Catalog = "live" | "sandbox";

export interface CandidateDirectory {
  slug: string;
  scope: string;
  category: string;
  /** ISO 3166-1 alpha-2 or INT. */
  country: string;
  /** ISO 639-1 of the directory's form. */
  language: string;
  priorityTier: number;
  daScore: number | null;
  requiresCaptcha: boolean;
  automation: string;
  isActive: boolean;
  sandbox: boolean;
  /** True after a check found it gone or blocked, until staff clear it. */
  checkHold: boolean;
}

export interface BusinessFit {
  /** ISO 3166-1 alpha-2; null when not known yet (then country is not filtered). */
  country: string | null;
  /** Taxonomy slugs (core/catalog/categories.ts); empty: only directories serving every category. */
  categories: readonly CategorySlug[];
  /** ISO 639-1 codes the business can be listed in (core/catalog/languages.ts plus its profile's text). */
  languages: readonly string[];
}

/** Platforms that localise for every country: their catalog language does not bind the listing. */
const ANY_LANGUAGE_SCOPES = ["aggregator", "maps", "search-engine", "social"];

export function speaksBusinessLanguage(d: Pick<CandidateDirectory, "scope" | "country" | "language">, languages: readonly string[]): boolean {
  if (ANY_LANGUAGE_SCOPES.includes(d.scope)) return true;
  if (languages.includes(d.language)) return true;
  // International English directories are the lingua franca of listings.
  return d.country === "INT" && d.language === "en";
}

/** Fits the plan and the business, before ranking and the plan's count. */
export function fitsOrder(d: CandidateDirectory, plan: PlanId, catalog: Catalog, business: BusinessFit): boolean {
  const p = PLANS[plan];
  if (!d.isActive || d.automation === "disabled" || d.checkHold) return false;
  if (d.sandbox !== (catalog === "sandbox")) return false;
  if (d.requiresCaptcha && !p.captchaSolving) return false;
  if (catalog === "sandbox") return true;
  if (business.country && d.country !== "INT" && d.country !== business.country.toUpperCase()) return false;
  if (!servesCategories(d, business.categories)) return false;
  return speaksBusinessLanguage(d, business.languages);
}

/** Best value first: highest DA (unknown last), then the better tier, then slug for a stable order. */
export function byValue(a: CandidateDirectory, b: CandidateDirectory): number {
  const da = (b.daScore ?? -1) - (a.daScore ?? -1);
  if (da !== 0) return da;
  if (a.priorityTier !== b.priorityTier) return a.priorityTier - b.priorityTier;
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}

/** The plan's own tiers first (0), then each lower tier in turn: a smaller plan reaches further only to fill its count. */
function tierRank(d: CandidateDirectory, plan: PlanId): number {
  return d.priorityTier <= PLANS[plan].tierLimit ? 0 : d.priorityTier;
}

/** The directories an order of this plan gets, best first, at most the plan's count. */
export function selectForPlan<T extends CandidateDirectory>(candidates: readonly T[], plan: PlanId, catalog: Catalog, business: BusinessFit): T[] {
  return candidates
    .filter((d) => fitsOrder(d, plan, catalog, business))
    .sort((a, b) => tierRank(a, plan) - tierRank(b, plan) || byValue(a, b))
    .slice(0, PLANS[plan].directories);
}
