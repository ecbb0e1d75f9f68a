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
let cachedFactory: string | null = null;

/** The mapper's dependencies and config as one source text, ending in `map`, a function that maps the current document. */
function mapperBody(config?: MapperConfig): string {
  const cfg = { ...(config || defaultMapperConfig()), honeypotWords: HONEYPOT_WORDS };
  return (
    "const __name = (f) => f;\n" +
    "const deps = {\n" +
    `collectSignals: (${collectSignals.toString()}),\n` +
    `assessVisibility: (${assessVisibility.toString()}),\n` +
    `honeypotVerdict: (${honeypotVerdict.toString()}),\n` +
    `createScorer: (${createScorer.toString()}),\n` +
    "};\n" +
    // The config (lexicon and model, ~570 KB) as JSON text parsed at the first map: a document that is never mapped (preloaded, mapper/page.ts) only scans a string.
    `const text = ${JSON.stringify(JSON.stringify(cfg))};\n` +
    "let cfg = null;\n" +
    `const map = () => (${mapDocument.toString()})(cfg || (cfg = JSON.parse(text)), deps);\n`
  );
}

/**
 * An expression whose value is a function mapping the document it runs in,
 * with the default config: built once per document by mapPage and kept
 * there (page.ts), so later maps of the same document send a few bytes, not
 * the ~600 KB of lexicon and model to parse again.
 */
export function mapperFactory(): string {
  cachedFactory ??= `(() => {\n${mapperBody()}return map;\n})()`;
  return cachedFactory;
}

export function mapperScript(config?: MapperConfig): string {
  if (!config && cached) return cached;
  const src = `(() => {\n${mapperBody(config)}return map();\n})()`;
  if (!config) cached = src;
  return src;
}
