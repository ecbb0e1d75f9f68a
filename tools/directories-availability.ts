/**
 * `npm run directories:availability -- [FILE.csv]`
 * Prints, as a markdown table, how many directories each plan would get for a
 * business in US, GB, CA, AU, DE and FR in ten common categories, from the
 * same selection the order and the pricing preview use
 * (core/catalog/selection.ts), over a catalog file (default: the starter
 * catalog). An English-only profile is assumed: the country's languages only.
 */
import { categoryLabel } from "../core/catalog/categories";
import { countryLanguages } from "../core/catalog/languages";
import { type ListedDirectory, planAvailability } from "../core/catalog/availability";
import { PLAN_IDS, PLANS } from "../core/plans";
import { validateDirectoryRecords } from "../src/catalog/directory-input";
import { readCatalogFile } from "./lib/catalog-file";

export const AVAILABILITY_COUNTRIES = ["US", "GB", "CA", "AU", "DE", "FR"] as const;
export const AVAILABILITY_CATEGORIES = ["restaurant", "plumber", "dentist", "lawyer", "hair-salon", "auto-repair", "real-estate-agent", "accountant", "general-contractor", "retail-store"] as const;

export function availabilityTable(catalog: readonly ListedDirectory[]): string {
  const head = `| country | category | ${PLAN_IDS.map((p) => `${PLANS[p].name} (${PLANS[p].directories})`).join(" | ")} |`;
  const rule = `| --- | --- | ${PLAN_IDS.map(() => "---:").join(" | ")} |`;
  const rows = AVAILABILITY_COUNTRIES.flatMap((country) =>
    AVAILABILITY_CATEGORIES.map((category) => {
      const plans = planAvailability(catalog, "live", { country, categories: [category], languages: countryLanguages(country) });
      return `| ${country} | ${categoryLabel(category)} | ${plans.map((p) => p.available).join(" | ")} |`;
    }),
  );
  return [head, rule, ...rows].join("\n");
}

export async function readCatalogForSelection(file: string): Promise<ListedDirectory[]> {
  const { valid, problems } = validateDirectoryRecords(await readCatalogFile(file));
  if (problems.length) throw new Error(`${file}: ${problems.length} bad row(s), first at line ${problems[0]!.line}: ${problems[0]!.errors.join("; ")}`);
  return valid.map((d) => ({ ...d, daScore: d.daScore ?? null, checkHold: false }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "migrations/seed/starter-directories.csv";
  console.log(availabilityTable(await readCatalogForSelection(file)));
}
