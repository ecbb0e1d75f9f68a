/**
 * `npm run directories:availability`: the markdown table of what each plan
 * gets per country and category, from the order's own selection, over a
 * catalog file (here the starter catalog, read as the tool reads it).
 */
import { describe, expect, it } from "vitest";
import { planAvailability } from "../../core/catalog/availability";
import { countryLanguages } from "../../core/catalog/languages";
import { AVAILABILITY_CATEGORIES, AVAILABILITY_COUNTRIES, availabilityTable, readCatalogForSelection } from "../../tools/directories-availability";

describe("directories:availability", () => {
  it("prints one row per country and category, each cell what selectForPlan gives that business", async () => {
    const catalog = await readCatalogForSelection("migrations/seed/starter-directories.csv");
    const lines = availabilityTable(catalog).split("\n");
    expect(lines[0]).toBe("| country | category | Starter (50) | Growth (100) | Professional (300) | Enterprise (500) |");
    expect(lines).toHaveLength(2 + AVAILABILITY_COUNTRIES.length * AVAILABILITY_CATEGORIES.length);
    const fr = planAvailability(catalog, "live", { country: "FR", categories: ["dentist"], languages: countryLanguages("FR") }).map((p) => p.available);
    expect(lines).toContain(`| FR | Dentist | ${fr.join(" | ")} |`);
    // A plan never gets more than it promises, and a bigger plan never fewer than a smaller one.
    for (const line of lines.slice(2)) {
      const counts = line.split("|").slice(3, 7).map(Number);
      expect(counts.every((n, i) => n <= [50, 100, 300, 500][i]!)).toBe(true);
      expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    }
  });
});
