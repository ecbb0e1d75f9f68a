/**
 * One catalog check of one directory (`npm run directories:check`): visit its
 * website and submit URL as a polite client (own user agent, timeouts, a byte
 * cap per page, a redirect cap), read robots.txt (robots-parser) and the terms
 * page it links, and look for a submission form (parse5). The verdict:
 * - `gone`: the website or the submit page answers 404 or 410;
 * - `blocked`: 401, 403 or 451, or robots.txt disallows the pages for us;
 * - `unreachable`: no answer (network, timeout, too many redirects, 5xx, 429):
 *   maybe passing, so it does not hold the directory;
 * - `redirected`: alive, but the website now lives at another address;
 * - `alive`.
 * Facts count as verified only when the directory is alive (or redirected),
 * has a form, and neither robots.txt nor its terms forbid automation.
 */
import { type DefaultTreeAdapterMap, parse } from "parse5";
import robotsParser from "robots-parser";

export type CheckStatus = "alive" | "redirected" | "gone" | "blocked" | "unreachable";

export interface CheckOptions {
  timeoutMs?: number;
  /** Bytes read of any one page; the rest is not downloaded. */
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
}

export interface PageVisit {
  url: string;
  finalUrl: string;
  httpStatus: number | null;
  redirects: number;
  bytes: number;
  error?: string;
}

export interface CheckResult {
  status: CheckStatus;
  website: PageVisit;
  submit: PageVisit | null;
  /** A form with at least two fillable fields on the submit page (or the website when there is none); null when not read. */
  formFound: boolean | null;
  robots: { url: string; found: boolean; allowed: boolean };
  terms: { url: string | null; forbidsAutomation: boolean | null };
  factsVerified: boolean;
  reasons: string[];
}

export const CHECK_USER_AGENT = "DirectoryBoltCheck/1.0 (+https://directorybolt.com/bot)";
const DEFAULTS: Required<CheckOptions> = { timeoutMs: 10_000, maxBytes: 512 * 1024, maxRedirects: 5, userAgent: CHECK_USER_AGENT };

interface Fetched extends PageVisit {
  body: string;
}

async function readCapped(res: Response, maxBytes: number): Promise<{ text: string; bytes: number }> {
  if (!res.body) return { text: "", bytes: 0 };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    bytes += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const all = new Uint8Array(Math.min(bytes, maxBytes));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, Math.min(c.byteLength, all.byteLength - at));
    all.set(part, at);
    at += part.byteLength;
    if (at >= all.byteLength) break;
  }
  return { text: new TextDecoder().decode(all), bytes: all.byteLength };
}

/** GET with redirects followed by hand (so each hop is counted and capped). */
export async function fetchPage(url: string, options: CheckOptions = {}): Promise<Fetched> {
  const o = { ...DEFAULTS, ...options };
  let current = url;
  for (let redirects = 0; ; redirects++) {
    let res: Response;
    try {
      res = await fetch(current, { redirect: "manual", headers: { "user-agent": o.userAgent, accept: "text/html,text/plain;q=0.9,*/*;q=0.5" }, signal: AbortSignal.timeout(o.timeoutMs) });
    } catch (err) {
      return { url, finalUrl: current, httpStatus: null, redirects, bytes: 0, body: "", error: err instanceof Error ? err.message : String(err) };
    }
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel().catch(() => undefined);
      if (redirects >= o.maxRedirects) return { url, finalUrl: current, httpStatus: res.status, redirects, bytes: 0, body: "", error: `more than ${o.maxRedirects} redirects` };
      current = new URL(location, current).toString();
      continue;
    }
    const { text, bytes } = await readCapped(res, o.maxBytes).catch((err: unknown) => ({ text: "", bytes: 0, error: String(err) }));
    return { url, finalUrl: current, httpStatus: res.status, redirects, bytes, body: text };
  }
}

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

function* elements(node: Node): Generator<Element> {
  if ("tagName" in node) yield node as Element;
  const children = "childNodes" in node ? (node.childNodes as Node[]) : [];
  for (const child of children) yield* elements(child);
  if ("content" in node && node.content) yield* elements(node.content as Node);
}

const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;

function textOf(node: Node): string {
  if (node.nodeName === "#text") return (node as DefaultTreeAdapterMap["textNode"]).value;
  return "childNodes" in node ? (node.childNodes as Node[]).map(textOf).join(" ") : "";
}

/** A listing form: at least two controls a person fills (a search box alone is not one). */
export function hasSubmissionForm(html: string): boolean {
  const doc = parse(html);
  for (const form of elements(doc)) {
    if (form.tagName !== "form") continue;
    let fillable = 0;
    for (const el of elements(form)) {
      if (el.tagName === "textarea" || el.tagName === "select") fillable++;
      if (el.tagName === "input" && !["hidden", "submit", "button", "image", "reset", "search"].includes((attr(el, "type") ?? "text").toLowerCase())) fillable++;
    }
    if (fillable >= 2) return true;
  }
  return false;
}

const TERMS_LINK = /\b(terms|conditions|tos|nutzungsbedingungen|agb|cgu|conditions g[ée]n[ée]rales|t[ée]rminos|voorwaarden)\b/i;

/** The page's link to its terms of use, absolute; null when none is linked. */
export function termsLink(html: string, base: string): string | null {
  for (const el of elements(parse(html))) {
    if (el.tagName !== "a") continue;
    const href = attr(el, "href");
    if (href && (TERMS_LINK.test(textOf(el)) || TERMS_LINK.test(href))) {
      try {
        return new URL(href, base).toString();
      } catch {}
    }
  }
  return null;
}

const PROHIBITS = "(?:may not|must not|shall not|cannot|can't|are not (?:allowed|permitted)|is (?:strictly )?(?:prohibited|forbidden)|prohibited|forbidden|not permitted|untersagt|verboten|interdit)";
const AUTOMATION = "(?:robots?|spiders?|scrapers?|scraping|crawlers?|bots?|automated (?:means|tools|software|submissions?|systems?|access)|automatisierte|automatis[ée]s?)";
const FORBIDS = new RegExp(`${PROHIBITS}[^.]{0,160}${AUTOMATION}|${AUTOMATION}[^.]{0,160}${PROHIBITS}`, "i");

export function termsForbidAutomation(html: string): boolean {
  return FORBIDS.test(textOf(parse(html)).replace(/\s+/g, " "));
}

const sameSite = (a: string, b: string) => {
  const host = (u: string) => new URL(u).hostname.replace(/^www\./, "");
  const path = (u: string) => new URL(u).pathname.replace(/\/+$/, "");
  return host(a) === host(b) && path(a) === path(b);
};

export async function checkDirectory(directory: { website: string; submitUrl: string | null }, options: CheckOptions = {}): Promise<CheckResult> {
  const o = { ...DEFAULTS, ...options };
  const reasons: string[] = [];
  const website = await fetchPage(directory.website, o);
  const submit = directory.submitUrl ? await fetchPage(directory.submitUrl, o) : null;
  const robotsUrl = new URL("/robots.txt", website.finalUrl).toString();
  const robotsPage = await fetchPage(robotsUrl, o);
  const found = robotsPage.httpStatus !== null && robotsPage.httpStatus >= 200 && robotsPage.httpStatus < 300;
  const robots = robotsParser(robotsUrl, found ? robotsPage.body : "");
  const pages = [website, ...(submit ? [submit] : [])].filter((p) => p.httpStatus !== null && p.httpStatus < 300);
  const allowed = pages.every((p) => robots.isAllowed(p.finalUrl, o.userAgent) !== false);

  const formPage = submit ?? website;
  const formFound = formPage.httpStatus !== null && formPage.httpStatus < 300 ? hasSubmissionForm(formPage.body) : null;
  let terms: CheckResult["terms"] = { url: null, forbidsAutomation: null };
  const termsUrl = pages.map((p) => termsLink(p.body, p.finalUrl)).find((u) => u !== null) ?? null;
  if (termsUrl) {
    const page = await fetchPage(termsUrl, o);
    terms = { url: termsUrl, forbidsAutomation: page.httpStatus !== null && page.httpStatus < 300 ? termsForbidAutomation(page.body) : null };
  }

  const visits = [website, ...(submit ? [submit] : [])];
  const codes = visits.map((v) => v.httpStatus);
  let status: CheckStatus;
  if (codes.some((c) => c === 404 || c === 410)) {
    status = "gone";
    reasons.push(...visits.filter((v) => v.httpStatus === 404 || v.httpStatus === 410).map((v) => `${v.url} answered ${v.httpStatus}`));
  } else if (codes.some((c) => c === 401 || c === 403 || c === 451)) {
    status = "blocked";
    reasons.push(...visits.filter((v) => v.httpStatus === 401 || v.httpStatus === 403 || v.httpStatus === 451).map((v) => `${v.url} answered ${v.httpStatus}`));
  } else if (!allowed) {
    status = "blocked";
    reasons.push(`${robotsUrl} disallows ${o.userAgent.split(" ")[0]}`);
  } else if (visits.some((v) => v.error || v.httpStatus === null || v.httpStatus >= 400)) {
    status = "unreachable";
    reasons.push(...visits.filter((v) => v.error || v.httpStatus === null || v.httpStatus >= 400).map((v) => `${v.url}: ${v.error ?? `answered ${v.httpStatus}`}`));
  } else if (!sameSite(website.url, website.finalUrl)) {
    status = "redirected";
    reasons.push(`${website.url} moved to ${website.finalUrl}`);
  } else {
    status = "alive";
  }
  if (formFound === false) reasons.push(`no submission form at ${formPage.finalUrl}`);
  if (terms.forbidsAutomation) reasons.push(`${terms.url} forbids automated submission`);
  const factsVerified = (status === "alive" || status === "redirected") && formFound === true && terms.forbidsAutomation !== true;
  const strip = ({ body: _body, ...visit }: Fetched): PageVisit => visit;
  return { status, website: strip(website), submit: submit ? strip(submit) : null, formFound, robots: { url: robotsUrl, found, allowed }, terms, factsVerified, reasons };
}

/** A failed check holds the directory out of selection until staff clear it. */
export const HOLDING_STATUSES: readonly CheckStatus[] = ["gone", "blocked"];
