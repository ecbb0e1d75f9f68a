/**
 * Trains the mapper's model on every labelled page (DuckDuckGo corpus and
 * plugin pages) and writes it as data the in-page mapper reads:
 *
 *   npx tsx tools/mapper-model/build.ts      # DDG_CORPUS names the corpus (default ../shared/corpora/ddg-autofill)
 *
 * The figures for this model are printed by `npm run --silent bench:mapper`
 * (in sample, and cross-validated by source group).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "../lib/chromium";
import { defaultMapperConfig } from "../../browser-worker/src/mapper/lexicon";
import { DEFAULT_DDG, type FieldResult, listPages, mapPages, samplesFrom } from "./dataset";
import { SETTINGS, train } from "./train";

const pages = listPages(process.env.DDG_CORPUS || DEFAULT_DDG);
const browser = await launchChromium();
let results: FieldResult[];
try {
  ({ results } = await mapPages(browser, pages, () => ({ ...defaultMapperConfig(), model: undefined, debug: true })));
} finally {
  await browser.close();
}
const samples = samplesFrom(results);
const model = train(samples);
const groups = new Set(samples.map((s) => s.group));
model.about = {
  trained: new Date().toISOString().slice(0, 10),
  fields: samples.length,
  groups: groups.size,
  pages: pages.length,
  settings: SETTINGS,
  sources: "tools/mapper-model/pages (plugins, origin in each page) + DuckDuckGo autofill corpus",
};
const out = join(import.meta.dirname, "..", "..", "browser-worker", "src", "mapper", "model-data.ts");
writeFileSync(
  out,
  `/**
 * The mapper's learned model, as data (written by tools/mapper-model/build.ts;
 * do not edit by hand). A JSON string, parsed once, so the in-page script
 * carries it as plain data.
 */
import type { MapperModel } from "./types";

export const MODEL: MapperModel = JSON.parse(${JSON.stringify(JSON.stringify(model))});
`,
);
console.log(`model: ${samples.length} fields, ${groups.size} groups, ${model.classes.length} classes, ${Object.keys(model.weights).length} features → ${out}`);
