/**
 * The pricing preview: for a business of one country and category, what each
 * plan would get now. The candidates come from the same query an order's
 * selection uses (no customer: nothing is held yet), and planAvailability
 * applies the same selectForPlan, so the count shown is the count bought.
 */
import { type PlanAvailability, planAvailability } from "../../core/catalog/availability";
import { countryLanguages } from "../../core/catalog/languages";
import type { Catalog } from "../../core/catalog/selection";
import type { Database } from "../db/client";
import { candidateDirectories } from "../db/tier-selection";

export async function previewAvailability(db: Pick<Database, "select">, catalog: Catalog, business: { country: string; category: string; region?: string | null }): Promise<PlanAvailability[]> {
  // The widest plan's candidates hold every smaller plan's.
  const rows = await candidateDirectories(db, { plan: "enterprise", catalog, country: business.country });
  return planAvailability(rows, catalog, { country: business.country, categories: [business.category], languages: countryLanguages(business.country, business.region) });
}
