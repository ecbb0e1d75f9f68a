/**
 * Builds the one script string that runs the mapper inside a page.
 *
 * Every in-page function is serialized with toString() and handed to
 * mapDocument as an argument, so each stays a small module of its own and
 * none closes over module scope. Bundlers with keepNames (tsx, esbuild,
 * wrangler) rewrite inner functions as `__name(fn, "fn")`; the script
 * defines `__name` as the identity so that code runs in the page too.
 * Always evaluate the mapper through this helper.
 */
import { assessVisibility, honeypotVerdict } from "./honeypot";
import { mapDocument } from "./inpage";
import { defaultMapperConfig, HONEYPOT_WORDS } from "./lexicon";
import { createScorer } from "./scoring";
import { collectSignals } from "./signals";
import type { MapperConfig } from "./types";

let cached: string | null = null;

export function mapperScript(config?: MapperConfig): string {
  if (!config && cached) return cached;
  const cfg = { ...(config || defaultMapperConfig()), honeypotWords: HONEYPOT_WORDS };
  const src =
    "(() => {\n" +
    "const __name = (f) => f;\n" +
    "const deps = {\n" +
    `collectSignals: (${collectSignals.toString()}),\n` +
    `assessVisibility: (${assessVisibility.toString()}),\n` +
    `honeypotVerdict: (${honeypotVerdict.toString()}),\n` +
    `createScorer: (${createScorer.toString()}),\n` +
    "};\n" +
    `return (${mapDocument.toString()})(${JSON.stringify(cfg)}, deps);\n` +
    "})()";
  if (!config) cached = src;
  return src;
}
