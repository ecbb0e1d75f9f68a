/**
 * `npx tsx tools/build-starter-catalog.ts [PATH_TO_CSV]`
 *
 * Derives the starter catalog `migrations/seed/starter-directories.csv` from
 * a list of known directories gathered before this project, which is not part
 * of the repository (the CSV given on the command line, taken relative to the
 * working directory; without one, the default path below). The derived
 * catalog is committed, so nothing else needs that list.
 * Nothing in that list was checked live: every URL, price and
 * authority figure is "as the source states", so every row goes out with
 * facts_verified=false and keeps the source's notes and source citation.
 *
 * The output is validated with `validateDirectoryRecords` (after a round trip
 * through `parseCsv`) before it is written; if any row is bad the problems are
 * printed, nothing is written and the exit code is 1.
 *
 * Derivation rules (deterministic; the same input always gives the same file):
 *
 * - slug: from the name with parenthetical asides dropped ("Data Axle (Local
 *   Listings)" -> "data-axle"), accents ASCII-folded (NFKD, plus ß->ss,
 *   æ->ae, ø->o, œ->oe, ł->l, đ->d, þ->th), "&" -> "and", apostrophes removed,
 *   every other run of non [a-z0-9] -> "-". In input order the first row keeps
 *   the plain slug; a later row with the same slug gets "-<country>" appended
 *   ("where-to-gb"), then "-2", "-3", ... until unique.
 * - name: trimmed, inner whitespace collapsed.
 * - website / submit_url: trimmed; a missing scheme is fixed by prefixing
 *   "https://". A row whose website is still not an http(s) URL with a dotted
 *   host is dropped and reported; a bad submit_url is blanked and reported
 *   (the row stays).
 * - country: trimmed, upper-cased ("UK" -> "GB"); a row whose country is not
 *   ISO alpha-2 or INT is dropped and reported.
 * - scope: lower-cased; anything outside the schema's scopes becomes
 *   "general" (reported). listing_cost: lower-cased; outside the enum ->
 *   "unknown" (reported). category: lower-cased as given ("general" if empty).
 * - language from country: DE/AT/CH -> de, FR -> fr, ES/MX/AR/CO/CL/PE/PA ->
 *   es, IT -> it, NL/BE -> nl, PT/BR -> pt, SE -> sv, DK -> da, FI -> fi,
 *   NO -> no, PL -> pl, JP -> ja, KR -> ko, RU -> ru; everything else
 *   (US, GB, AU, CA, IN, ZA, AE, SG, ... and INT) -> en.
 * - da_score: the first authority figure the notes state, in the order they
 *   state it: "DA 85+" -> 85, "DA 91", "est. authority 91",
 *   "Domain Authority 70" (figures above 100 are skipped); empty otherwise.
 * - priority_tier (broad scope = general, maps, search-engine, social,
 *   aggregator; niche is only relevant to some businesses):
 *     1: stated DA >= 80, or a broad-scope directory with stated DA >= 70
 *     2: stated DA 60-79 not already tier 1 (niche 60-79, broad 60-69)
 *     3: stated DA 40-59, or no stated DA and a broad-scope directory of a
 *        major market (INT, or a G20 country, ES or NL)
 *     4: no stated DA otherwise (niche directories; broad ones of smaller
 *        markets such as IE, NZ, SG, SE)
 *     5: stated DA < 40, or no stated DA and the notes say "low authority"
 *   The plans draw tier <= 1 (Starter, 50 directories), <= 2 (Growth, 100),
 *   <= 3 (Professional, 300) and <= 5 (Enterprise, 500); the thresholds are
 *   chosen so that each cumulative set, without disabled rows, can fill the
 *   plan's count (the summary prints those counts).
 * - automation (first match wins):
 *     disabled: the notes say the site takes no direct submissions or is fed
 *       by aggregators: "no direct submission", "fed by (core) aggregators",
 *       "covered by aggregators", "no separate action needed", "no public
 *       (write) API", "portal-only", "merged into", "cannot self-add", "not
 *       self-submittable", "nomination only", "editorially selected",
 *       "selection-based"; or "via aggregator" unless the row shows a direct
 *       way in (a submit_url, or notes saying "free listing", "claim",
 *       "sign up", "add listing", "eintragen")
 *     manual: the notes say the site blocks automated access ("blocked",
 *       "403", "Cloudflare challenge", "anti-bot", "forbid ... automated"),
 *       or it needs phone or postcard verification, or identity / licence /
 *       NPI / banking / address verification or a verification-gated claim
 *       ("verification-gated", "verification gates", "claim + verification",
 *       "verification path", "vetting", "background screening"), or a paid
 *       contract, membership or a call ("paid membership", "membership
 *       required", "sales-rep", "onboarding", "contract"; and every row whose
 *       listing_cost is "paid": someone has to pay), or a "manual portal" /
 *       "manual application"
 *     automated: everything else
 * - requires_phone_verification: a notes clause (split on ";") mentions
 *   phone/SMS together with verif*, confirm*, activat*, code or gate.
 *   requires_email_verification: a clause mentions e-mail together with
 *   verif*, confirm*, activat*, code or gate ("no (additional|extra)
 *   verification" clauses never count).
 *   requires_captcha: "captcha" (not "no captcha"), "Cloudflare challenge",
 *   "anti-bot".
 *   requires_account: the notes say "account", "sign up"/"signup",
 *   "register"/"registration", "login", "claim"/"claimable", or the scope is
 *   social or search-engine (profiles there always belong to an account).
 * - approval_type: "instant" if the notes say "instant", "goes live", "go
 *   live", "live almost right away", "immediately"; else "review" if they say
 *   "manual review", "human review", "N-step review", "review takes",
 *   "moderated", "approval", "vetting", "verified by their team", "processed
 *   in", "live within", "applications accepted"; else "email" if e-mail
 *   verification (above); else "unknown".
 * - facts_verified=false and sandbox=false for every row; is_active=true for
 *   every row (a disabled row stays active: the automation policy keeps it
 *   out of job selection).
 * - source: the source column, trimmed to 500 characters; notes: the notes
 *   column, trimmed to 1000 characters. Text is cut at the last " | " (source)
 *   or "; " (notes) that fits and marked with "…", so nothing is reworded.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { csvCell, parseCsv } from "../src/catalog/csv";
import { validateDirectoryRecords } from "../src/catalog/directory-input";
import { DIRECTORY_SCOPES, LISTING_COSTS } from "../core/statuses";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const inputPath = process.argv[2] ? resolve(process.cwd(), process.argv[2]) : resolve(repoRoot, "../shared/directories/known-directories.csv");
const outputPath = resolve(repoRoot, "migrations/seed/starter-directories.csv");

export const COLUMNS = [
  "slug",
  "name",
  "website",
  "submit_url",
  "da_score",
  "priority_tier",
  "category",
  "scope",
  "country",
  "language",
  "requires_captcha",
  "requires_email_verification",
  "requires_phone_verification",
  "requires_account",
  "approval_type",
  "automation",
  "listing_cost",
  "facts_verified",
  "sandbox",
  "is_active",
  "source",
  "notes",
] as const;
type OutRow = Record<(typeof COLUMNS)[number], string>;

const BROAD_SCOPES = new Set(["general", "maps", "search-engine", "social", "aggregator"]);
/** INT plus the G20 countries, Spain (permanent G20 guest) and the Netherlands. */
const MAJOR_MARKETS = new Set(["INT", "AR", "AU", "BR", "CA", "CN", "DE", "FR", "GB", "ID", "IN", "IT", "JP", "KR", "MX", "RU", "SA", "TR", "US", "ZA", "ES", "NL"]);
const LANGUAGE_BY_COUNTRY: Record<string, string> = {
  DE: "de",
  AT: "de",
  CH: "de",
  FR: "fr",
  ES: "es",
  MX: "es",
  AR: "es",
  CO: "es",
  CL: "es",
  PE: "es",
  PA: "es",
  IT: "it",
  NL: "nl",
  BE: "nl",
  PT: "pt",
  BR: "pt",
  SE: "sv",
  DK: "da",
  FI: "fi",
  NO: "no",
  PL: "pl",
  JP: "ja",
  KR: "ko",
  RU: "ru",
};
const COUNTRY_ALIASES: Record<string, string> = { UK: "GB" };

// ---------------------------------------------------------------- helpers

const FOLD: Record<string, string> = { ß: "ss", æ: "ae", ø: "o", œ: "oe", ł: "l", đ: "d", þ: "th", ı: "i" };

export function slugify(name: string): string {
  const withoutAsides = name.replace(/\s*\([^)]*\)\s*/g, " ").trim() || name;
  return withoutAsides
    .toLowerCase()
    .replace(/[ßæøœłđþı]/g, (c) => FOLD[c] ?? c)
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/&/g, " and ")
    .replace(/['’`]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** An http(s) URL with a dotted host, fixing a missing scheme; null if it cannot be made valid. */
export function fixUrl(raw: string): string | null {
  let s = raw.trim();
  if (s === "") return null;
  if (/^\/\//.test(s)) s = `https:${s}`;
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) s = `https://${s}`;
  try {
    const u = new URL(s);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    if (!/^[a-z0-9.-]+\.[a-z0-9-]{2,}$/i.test(u.hostname)) return null;
    return s;
  } catch {
    return null;
  }
}

/** The first authority figure the notes state ("DA 85+", "est. authority 91", "Domain Authority 70"). */
export function parseDa(notes: string): number | null {
  const re = /\b(?:DA|[Dd]omain [Aa]uthority|est\.? authority)\s*[:=]?\s*(\d{1,3})\+?/g;
  for (const m of notes.matchAll(re)) {
    const n = Number(m[1]);
    if (Number.isInteger(n) && n >= 0 && n <= 100) return n;
  }
  return null;
}

export function tierFor(da: number | null, scope: string, country: string, notes: string): number {
  const broad = BROAD_SCOPES.has(scope);
  if (da !== null) {
    if (da >= 80 || (broad && da >= 70)) return 1;
    if (da >= 60) return 2;
    if (da >= 40) return 3;
    return 5;
  }
  if (/\blow authority\b/i.test(notes)) return 5;
  if (broad && MAJOR_MARKETS.has(country)) return 3;
  return 4;
}

const clauses = (notes: string) =>
  notes
    .split(";")
    .map((c) => c.trim())
    .filter(Boolean);
const VERIFY_WORD = /verif|confirm|activat|\bcode\b|\bgate/i;
const NEGATED_VERIFY = /\bno (?:additional |extra )?verification\b/i;

export function verificationFlags(notes: string): { email: boolean; phone: boolean } {
  let email = false;
  let phone = false;
  for (const c of clauses(notes)) {
    if (!VERIFY_WORD.test(c) || NEGATED_VERIFY.test(c)) continue;
    if (/e-?mail/i.test(c)) email = true;
    if (/phone|\bsms\b/i.test(c)) phone = true;
  }
  return { email, phone };
}

export function captchaFlag(notes: string): boolean {
  if (/cloudflare challenge|anti-bot/i.test(notes)) return true;
  return clauses(notes).some((c) => /captcha/i.test(c) && !/\bno captcha\b/i.test(c));
}

export function accountFlag(notes: string, scope: string): boolean {
  if (scope === "social" || scope === "search-engine") return true;
  return /\baccount\b|\bsign[- ]?up\b|\bregist(?:er|ration)\b|\blog-?in\b|\bclaim(?:able|s|ed)?\b/i.test(notes);
}

const DISABLED_STRONG =
  /no direct submission|fed by (?:core )?aggregators|covered by aggregators|no separate action needed|no public (?:write )?api|portal-only|merged into|cannot self-add|not self-submittable|nomination only|editorially selected|selection-based/i;
const DISABLED_WEAK = /via aggregator/i;
const DIRECT_WAY_IN = /free listing|\bclaim\b|sign[- ]?up|add[- ]listing|eintragen/i;
const MANUAL_BLOCKED = /blocked|\b403\b|cloudflare challenge|anti-bot|forbid[^;]*automat/i;
const MANUAL_GATE =
  /postcard|identity|\bNPI\b|licen[cs]e verification|banking verification|address verification|verification[- ]gated|verification gates|claim \+ verification|verification path|vetting|background screening/i;
const MANUAL_CONTRACT = /paid (?:local )?membership|membership(?:\/certification)? required|sales-rep|onboarding|\bcontract\b/i;
const MANUAL_PORTAL = /manual (?:portal|application)/i;

export function automationFor(notes: string, listingCost: string, submitUrl: string, phoneVerification: boolean): { policy: "automated" | "manual" | "disabled"; reason: string } {
  const strong = DISABLED_STRONG.exec(notes);
  if (strong) return { policy: "disabled", reason: strong[0] };
  if (DISABLED_WEAK.test(notes) && !submitUrl && !DIRECT_WAY_IN.test(notes)) {
    return { policy: "disabled", reason: "via aggregator" };
  }
  const blocked = MANUAL_BLOCKED.exec(notes);
  if (blocked) return { policy: "manual", reason: `blocks automation (${blocked[0]})` };
  if (phoneVerification) return { policy: "manual", reason: "phone verification" };
  const gate = MANUAL_GATE.exec(notes);
  if (gate) return { policy: "manual", reason: `verification gate (${gate[0]})` };
  if (listingCost === "paid") return { policy: "manual", reason: "paid listing" };
  const contract = MANUAL_CONTRACT.exec(notes);
  if (contract) return { policy: "manual", reason: `contract (${contract[0]})` };
  const portal = MANUAL_PORTAL.exec(notes);
  if (portal) return { policy: "manual", reason: portal[0] };
  return { policy: "automated", reason: "" };
}

export function approvalFor(notes: string, emailVerification: boolean): "instant" | "review" | "email" | "unknown" {
  if (/\binstant|goes live|\bgo live|live almost right away|immediately/i.test(notes)) return "instant";
  if (/manual review|human review|\d-step review|review takes|moderated|approval|vetting|verified by their team|processed in|live within|applications accepted/i.test(notes)) {
    return "review";
  }
  if (emailVerification) return "email";
  return "unknown";
}

/** Cuts text to max characters at the last separator that fits, marking the cut with "…". */
export function trimTo(text: string, max: number, separator: string): string {
  const s = text.trim();
  if (s.length <= max) return s;
  const room = max - 1;
  const head = s.slice(0, room);
  const at = head.lastIndexOf(separator);
  // Whole entries when a separator fits (" …" marks the ones left off), else a hard cut.
  return at > 0 ? `${head.slice(0, at).trimEnd()} …` : `${head.trimEnd()}…`;
}

// ---------------------------------------------------------------- build

interface Report {
  dropped: { line: number; name: string; why: string }[];
  submitUrlBlanked: { line: number; name: string; value: string }[];
  schemeFixed: { line: number; name: string; field: string; value: string }[];
  scopeRemapped: { line: number; name: string; value: string }[];
  costRemapped: { line: number; name: string; value: string }[];
  slugSuffixed: { line: number; name: string; slug: string }[];
  truncated: { line: number; name: string; field: string }[];
  automationReasons: Map<string, number>;
}

export function buildCatalog(text: string): { rows: OutRow[]; report: Report } {
  const report: Report = {
    dropped: [],
    submitUrlBlanked: [],
    schemeFixed: [],
    scopeRemapped: [],
    costRemapped: [],
    slugSuffixed: [],
    truncated: [],
    automationReasons: new Map(),
  };
  const rows: OutRow[] = [];
  const taken = new Set<string>();
  for (const { line, record } of parseCsv(text)) {
    const get = (k: string) => (record[k] ?? "").trim();
    const name = get("name").replace(/\s+/g, " ");
    if (!name) {
      report.dropped.push({ line, name: "(no name)", why: "empty name" });
      continue;
    }
    const website = fixUrl(get("website"));
    if (!website) {
      report.dropped.push({ line, name, why: `website not an http(s) URL: "${get("website")}"` });
      continue;
    }
    if (website !== get("website")) report.schemeFixed.push({ line, name, field: "website", value: get("website") });
    let country = get("country").toUpperCase();
    country = COUNTRY_ALIASES[country] ?? country;
    if (!/^([A-Z]{2}|INT)$/.test(country)) {
      report.dropped.push({ line, name, why: `country not ISO alpha-2 or INT: "${get("country")}"` });
      continue;
    }
    let submitUrl = "";
    if (get("submit_url")) {
      const fixed = fixUrl(get("submit_url"));
      if (!fixed) report.submitUrlBlanked.push({ line, name, value: get("submit_url") });
      else {
        if (fixed !== get("submit_url")) report.schemeFixed.push({ line, name, field: "submit_url", value: get("submit_url") });
        submitUrl = fixed;
      }
    }
    let scope = get("scope").toLowerCase();
    if (!(DIRECTORY_SCOPES as readonly string[]).includes(scope)) {
      report.scopeRemapped.push({ line, name, value: get("scope") });
      scope = "general";
    }
    let listingCost = get("listing_cost").toLowerCase();
    if (!(LISTING_COSTS as readonly string[]).includes(listingCost)) {
      if (listingCost !== "") report.costRemapped.push({ line, name, value: get("listing_cost") });
      listingCost = "unknown";
    }
    const category = (get("category").toLowerCase() || "general").slice(0, 80);
    const rawNotes = get("notes");

    const base = slugify(name) || "directory";
    let slug = base;
    if (taken.has(slug)) {
      slug = `${base}-${country.toLowerCase()}`;
      for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
      report.slugSuffixed.push({ line, name, slug });
    }
    taken.add(slug);

    const da = parseDa(rawNotes);
    const { email, phone } = verificationFlags(rawNotes);
    const automation = automationFor(rawNotes, listingCost, submitUrl, phone);
    const reasonKey = `${automation.policy}${automation.reason ? `: ${automation.reason.toLowerCase()}` : ""}`;
    report.automationReasons.set(reasonKey, (report.automationReasons.get(reasonKey) ?? 0) + 1);

    const notes = trimTo(rawNotes, 1000, "; ");
    const source = trimTo(get("source"), 500, " | ");
    if (notes !== rawNotes) report.truncated.push({ line, name, field: "notes" });
    if (source !== get("source")) report.truncated.push({ line, name, field: "source" });

    rows.push({
      slug,
      name: name.slice(0, 200),
      website,
      submit_url: submitUrl,
      da_score: da === null ? "" : String(da),
      priority_tier: String(tierFor(da, scope, country, rawNotes)),
      category,
      scope,
      country,
      language: LANGUAGE_BY_COUNTRY[country] ?? "en",
      requires_captcha: String(captchaFlag(rawNotes)),
      requires_email_verification: String(email),
      requires_phone_verification: String(phone),
      requires_account: String(accountFlag(rawNotes, scope)),
      approval_type: approvalFor(rawNotes, email),
      automation: automation.policy,
      listing_cost: listingCost,
      facts_verified: "false",
      sandbox: "false",
      is_active: "true",
      source,
      notes,
    });
  }
  return { rows, report };
}

export function toCsv(rows: OutRow[]): string {
  const lines = [COLUMNS.join(",")];
  for (const row of rows) lines.push(COLUMNS.map((c) => csvCell(row[c])).join(","));
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------- main

function countBy<T>(items: T[], key: (t: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function main(): void {
  const { rows, report } = buildCatalog(readFileSync(inputPath, "utf8"));
  const csv = toCsv(rows);
  const { valid, problems } = validateDirectoryRecords(parseCsv(csv));
  if (problems.length > 0) {
    for (const p of problems) console.error(`output line ${p.line}${p.slug ? ` (${p.slug})` : ""}: ${p.errors.join("; ")}`);
    console.error(`${problems.length} bad row(s) of ${rows.length}: nothing written`);
    process.exit(1);
  }
  if (valid.length !== rows.length) {
    console.error(`validated ${valid.length} rows but built ${rows.length}: nothing written`);
    process.exit(1);
  }
  mkdirSync(dirname(outputPath), { recursive: true });
  writeFileSync(outputPath, csv);

  const out: string[] = [];
  out.push(`read ${inputPath}`);
  out.push(`wrote ${outputPath}: ${rows.length} directories, all valid against directoryInputSchema`);
  out.push(`dropped rows: ${report.dropped.length}`);
  for (const d of report.dropped) out.push(`  line ${d.line} ${d.name}: ${d.why}`);
  if (report.submitUrlBlanked.length) {
    out.push(`submit_url blanked (not an http(s) URL): ${report.submitUrlBlanked.length}`);
    for (const d of report.submitUrlBlanked) out.push(`  line ${d.line} ${d.name}: "${d.value}"`);
  }
  out.push(`scheme added (https://): ${report.schemeFixed.length}`);
  for (const d of report.schemeFixed) out.push(`  line ${d.line} ${d.name} ${d.field}: "${d.value}"`);
  out.push(`unknown scopes mapped to general: ${report.scopeRemapped.length}`);
  for (const d of report.scopeRemapped) out.push(`  line ${d.line} ${d.name}: "${d.value}"`);
  out.push(`unknown listing costs mapped to unknown: ${report.costRemapped.length}`);
  for (const d of report.costRemapped) out.push(`  line ${d.line} ${d.name}: "${d.value}"`);
  out.push(`slugs made unique: ${report.slugSuffixed.length}`);
  for (const d of report.slugSuffixed) out.push(`  line ${d.line} ${d.name} -> ${d.slug}`);
  out.push(`trimmed fields: ${report.truncated.length}`);
  for (const d of report.truncated) out.push(`  line ${d.line} ${d.name}: ${d.field}`);

  const withDa = rows.filter((r) => r.da_score !== "").length;
  out.push(`DA scores found: ${withDa} of ${rows.length} (${rows.length - withDa} empty)`);

  out.push("per tier (all rows / selectable = not disabled; cumulative selectable):");
  let cumAll = 0;
  let cumSel = 0;
  for (let t = 1; t <= 5; t++) {
    const inTier = rows.filter((r) => r.priority_tier === String(t));
    const sel = inTier.filter((r) => r.automation !== "disabled").length;
    cumAll += inTier.length;
    cumSel += sel;
    out.push(`  tier ${t}: ${inTier.length} (${sel} selectable); tiers 1-${t}: ${cumAll} (${cumSel} selectable)`);
  }
  out.push("per automation policy:");
  for (const [k, n] of countBy(rows, (r) => r.automation)) out.push(`  ${k}: ${n}`);
  out.push("automation reasons:");
  for (const [k, n] of [...report.automationReasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    out.push(`  ${k}: ${n}`);
  }
  out.push("per country (top 10):");
  for (const [k, n] of countBy(rows, (r) => r.country).slice(0, 10)) out.push(`  ${k}: ${n}`);
  out.push("per approval type:");
  for (const [k, n] of countBy(rows, (r) => r.approval_type)) out.push(`  ${k}: ${n}`);
  out.push("per language:");
  out.push(
    `  ${countBy(rows, (r) => r.language)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
  );
  const flag = (c: keyof OutRow) => rows.filter((r) => r[c] === "true").length;
  out.push(
    `flags: captcha ${flag("requires_captcha")}, email verification ${flag("requires_email_verification")}, ` +
      `phone verification ${flag("requires_phone_verification")}, account ${flag("requires_account")}`,
  );
  console.log(out.join("\n"));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
