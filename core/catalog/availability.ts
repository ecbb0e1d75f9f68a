/**
 * What each plan would get for one business: the pricing preview's answer
 * (GET /api/directories/preview) and the availability table's cells, both
 * from selectForPlan, so a preview can never promise more than an order gets.
 */
import { PLAN_IDS, PLANS, type PlanId } from "../plans";
import { servedCategories } from "./categories";
import { type BusinessFit, type CandidateDirectory, type Catalog, selectForPlan } from "./selection";

export interface ListedDirectory extends CandidateDirectory {
  name: string;
  website: string;
}

export interface PreviewDirectory {
  name: string;
  website: string;
  scope: string;
  /** Taxonomy slugs served; ["*"] for every category. */
  categories: readonly string[];
  country: string;
  /** "browser": filled automatically; "staff": a person submits it (manual policy). */
  submittedBy: "browser" | "staff";
}

export interface PlanAvailability {
  plan: PlanId;
  /** What the plan promises. */
  directories: number;
  /** How many relevant directories this plan would get now. */
  available: number;
  list: PreviewDirectory[];
}

export function planAvailability(candidates: readonly ListedDirectory[], catalog: Catalog, business: BusinessFit): PlanAvailability[] {
  return PLAN_IDS.map((plan) => {
    const picked = selectForPlan(candidates, plan, catalog, business);
    return {
      plan,
      directories: PLANS[plan].directories,
      available: picked.length,
      list: picked.map((d) => ({
        name: d.name,
        website: d.website,
        scope: d.scope,
        categories: servedCategories(d),
        country: d.country,
        submittedBy: d.automation === "manual" ? "staff" : "browser",
      })),
    };
  });
}
