/**
 * The labelled forms the mapper is trained and measured on: the DuckDuckGo
 * autofill corpus (labels in data-manual-scoring, their own names) and the
 * plugin pages rendered from sources.ts (labels in data-label, our
 * vocabulary). Labels are stripped before Chromium sees a page; each
 * labelled control keeps only an opaque key (data-bench-key) so its verdict
 * can be found again.
 */
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { loadHtmlOffline, withTimeout } from "../lib/chromium";
import { mapPage } from "../../browser-worker/src/mapper/page";
import { createScorer } from "../../browser-worker/src/mapper/scoring";
import { defaultMapperConfig } from "../../browser-worker/src/mapper/lexicon";
import type { MappedField, MapperConfig } from "../../browser-worker/src/mapper/types";
import type { Sample } from "./train";
import { AUTOFILL_FIELD_TYPES } from "../../core/vocabulary";

const here = dirname(fileURLToPath(import.meta.url));
export const PLUGIN_PAGES = join(here, "pages");
export const DEFAULT_DDG = join(here, "..", "..", "..", "shared", "corpora", "ddg-autofill");

export interface LabelledPage {
  file: string;
  path: string;
  kind: "ddg" | "plugin";
  /** cross-validation group: the plugin, or the corpus site (first word of the file name) */
  group: string;
}

export function listPages(ddgCorpus: string): LabelledPage[] {
  const out: LabelledPage[] = [];
  const dir = existsSync(join(ddgCorpus, "test-forms")) ? join(ddgCorpus, "test-forms") : ddgCorpus;
  if (existsSync(dir)) {
    const index = join(dir, "index.json");
    const files = existsSync(index) ? (JSON.parse(readFileSync(index, "utf8")) as { html: string }[]).map((e) => e.html) : readdirSync(dir).filter((f) => f.endsWith(".html"));
    for (const f of files) if (existsSync(join(dir, f))) out.push({ file: f, path: join(dir, f), kind: "ddg", group: `ddg:${f.split(/[_.]/)[0]}` });
  }
  for (const f of readdirSync(PLUGIN_PAGES)
    .filter((x) => x.endsWith(".html"))
    .sort())
    out.push({ file: f, path: join(PLUGIN_PAGES, f), kind: "plugin", group: `plugin:${f.split(".")[0]}` });
  return out;
}

/** DuckDuckGo's label names → ours (the corpus README's table). */
const DDG: Record<string, string> = {
  emailAddress: "email",
  phone: "tel",
  firstName: "given-name",
  middleName: "additional-name",
  lastName: "family-name",
  fullName: "name",
  addressStreet: "address-line1",
  addressStreet2: "address-line2",
  addressCity: "address-level2",
  addressProvince: "address-level1",
  addressPostalCode: "postal-code",
  addressCountryCode: "country",
  username: "username",
  "password.new": "new-password",
  "password.current": "current-password",
};
/** Types whose prediction would put contact/address/credential data in a box. */
export const SCORED = new Set<string>(AUTOFILL_FIELD_TYPES.filter((t) => t !== "organization" && t !== "url"));

export interface Gold {
  /** the class this field counts for in the per-class table ("" = counts for none: ambiguous) */
  stat: string;
  /** answers counted right; empty = anything outside SCORED */
  accept: string[];
  /** the training target ("" = not used for training) */
  train: string;
}

export function goldOf(kind: LabelledPage["kind"], label: string): Gold {
  if (kind === "plugin") {
    const street = label === "street-address" || label === "address-line1";
    return {
      stat: street ? "address-line1" : label,
      accept: street ? ["street-address", "address-line1"] : [label],
      train: label === "new-password" || label === "current-password" ? "x-password" : label,
    };
  }
  if (label === "username OR emailAddress") return { stat: "", accept: ["username", "email"], train: "" };
  if (label === "password") return { stat: "", accept: ["new-password", "current-password"], train: "x-password" };
  const t = DDG[label];
  // card, birthday, totp...: must stay out of contact types, and are unknown
  // in our vocabulary too. The corpus's bare "unknown" means "none of the
  // corpus's types": a company name, a website or a description is labelled
  // so. It is scored the same way but not trained on: as a target it would
  // teach that "Company name" means nothing.
  if (!t) return { stat: "unknown", accept: [], train: label === "unknown" ? "" : "unknown" };
  if (t === "address-line1") return { stat: t, accept: ["address-line1", "street-address"], train: t };
  return { stat: t, accept: [t], train: t === "new-password" || t === "current-password" ? "x-password" : t };
}

/** street-address is address-line1's equal for scoring */
export const canon = (t: string) => (t === "street-address" ? "address-line1" : t);

export function isRight(g: Gold, pred: string): boolean {
  return g.accept.length ? g.accept.includes(pred) : !SCORED.has(pred);
}

/** Strip every label, leaving an opaque key on each labelled element. */
export function prepare(bytes: Buffer): { html: Buffer; labelled: { key: number; label: string }[] } {
  // latin1 round-trips every byte, so the page's own charset survives
  let s = bytes.toString("latin1");
  const labelled: { key: number; label: string }[] = [];
  s = s.replace(/\s(?:data-manual-scoring|data-label)\s*=\s*("([^"]*)"|'([^']*)')/gi, (_m, _q, a, b) => {
    const key = labelled.length;
    labelled.push({ key, label: (a ?? b ?? "").trim() });
    return ` data-bench-key="${key}"`;
  });
  s = s.replace(/\sdata-manual-[a-z-]+(\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/gi, "");
  // other classifiers' verdicts saved with the pages: Chrome's autofill
  // debug annotations and DuckDuckGo's own decorations
  s = s.replace(/\s(autofill-information|data-ddg-[a-z-]+)(\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/gi, "");
  if (/data-manual-|data-label=/i.test(s)) throw new Error("a label survived stripping");
  return { html: Buffer.from(s, "latin1"), labelled };
}

export interface FieldResult {
  page: LabelledPage;
  label: string;
  gold: Gold;
  pred: string;
  field?: MappedField;
  /** the kind the mapper gave the field's form (login, signup...) */
  formKind: string;
}

/** Maps one page with one config; one result per labelled control. */
export async function mapLabelled(page: Page, lp: LabelledPage, config: MapperConfig): Promise<FieldResult[]> {
  const { html, labelled } = prepare(readFileSync(lp.path));
  await loadHtmlOffline(page, html, `https://corpus.invalid/${encodeURIComponent(lp.file)}`);
  const mapped = await withTimeout(mapPage(page, { config }), 20_000, "mapping");
  const forms = mapped.forms.filter((f) => f.frame === 0);
  const fields = forms.flatMap((f) => f.fields);
  const kinds = forms.flatMap((f) => f.fields.map(() => f.kind));
  const keys = (await page.evaluate(
    (sels: string[]) =>
      sels.map((s) => {
        try {
          const el = document.querySelector(s);
          return el ? el.getAttribute("data-bench-key") : null;
        } catch {
          return null;
        }
      }),
    fields.map((f) => f.selector),
  )) as (string | null)[];
  const byKey = new Map<number, [MappedField, string]>();
  keys.forEach((k, i) => {
    if (k !== null) byKey.set(Number(k), [fields[i]!, kinds[i]!]);
  });
  return labelled.map(({ key, label }) => {
    const [field, formKind] = byKey.get(key) ?? [undefined, "other"];
    return { page: lp, label, gold: goldOf(lp.kind, label), pred: field ? field.type : "(missing)", field, formKind };
  });
}

/** Maps many pages, `concurrency` at a time, each with the config `configFor` gives it. */
export async function mapPages(browser: Browser, pages: LabelledPage[], configFor: (p: LabelledPage) => MapperConfig, concurrency = 3) {
  const results: FieldResult[] = [];
  const failed: { file: string; error: string }[] = [];
  let next = 0;
  const worker = async () => {
    let page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    while (next < pages.length) {
      const lp = pages[next++]!;
      try {
        results.push(...(await mapLabelled(page, lp, configFor(lp))));
      } catch (err) {
        failed.push({ file: lp.file, error: (err as Error).message.split("\n")[0]! });
        // a hung or crashed page is replaced, not reused
        await page.close().catch(() => {});
        page = await browser.newPage();
        await page.setViewport({ width: 1280, height: 900 });
      }
    }
    await page.close().catch(() => {});
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { results, failed };
}

/** Training samples from a debug run (signals attached): the same features the page computes. */
export function samplesFrom(results: FieldResult[]): Sample[] {
  const scorer = createScorer(defaultMapperConfig());
  const out: Sample[] = [];
  for (const r of results) {
    const sig = r.field?.debug?.signals;
    if (!sig || !r.gold.train) continue;
    // In a login or recovery form the identifier is the username whatever it
    // looks like; the form-context rule says so (scoring.ts resolve). Taught to
    // the model, it would learn that boxes saying "Email" are usernames.
    if (r.gold.train === "username" && (r.formKind === "login" || r.formKind === "recovery")) continue;
    const acc = scorer.evidence(sig);
    out.push({ group: r.page.group, label: r.gold.train, features: scorer.features(sig, acc, r.formKind), evidence: (classes) => scorer.classEvidence(classes, acc) });
  }
  return out;
}
