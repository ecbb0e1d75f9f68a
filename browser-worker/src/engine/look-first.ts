/**
 * Before a retry posts a form again. An earlier attempt may have reached the
 * directory without its outcome reaching us (the browser or the worker died
 * after the submit, the lease ran out, the report was lost), and a directory
 * that does not refuse duplicates would then list the business twice. So a
 * retry first looks for the business in the directory's own search; when it
 * is there, the attempt ends without posting anything.
 *
 * A new listing reaches a directory's search only once it is published: an
 * attempt cut off after it announced its post (JobCoordinator.posting) is
 * retried no sooner than POST_SETTLE_MS after that post, so a directory that
 * publishes within that time shows it here. A listing still in review past
 * that, or waiting for its e-mail confirmation, is not in a directory's
 * public search; such a directory is asked again by the form,
 * and most refuse a second listing of the same business (duplicate_listing,
 * which the coordinator counts as the earlier attempt's success). A search
 * that fails (5xx, no answer) ends the attempt unposted, to be retried.
 *
 * Before the FIRST attempt (issue 17 item 2) the same search looks for a
 * listing the business had before this job (findExistingListing): its page
 * is opened and compared with the profile (core/listing/compare.ts). There
 * a listing found is not ours; the caller posts nothing and reports it. That
 * look reads the search's HTML by a GET first (searchWithoutBrowser) and
 * renders it only where the HTML cannot tell.
 */
import { anchorsIn } from "../../../core/anchors";
import type { BoundedPage } from "../../../core/bounded-fetch";
import { compareListing, type CheckedField, type ShownDetails } from "../../../core/listing/compare";
import type { ListingProfile } from "../../../core/listing/profile";
import type { ListingDifference } from "../../../core/protocol/tasks";
import { decodeEntities, fold, htmlToText, withoutScripts } from "../../../core/text";
import { sleep, type EnginePage } from "./page";

/** The browser itself is gone: the caller must see it (it retires the browser). */
const isBrowserLoss = (err: unknown) => /Target closed|Session closed|Connection closed|browser has disconnected|WebSocket is not open/i.test(String(err));

/** What the directory's search said: the listing is there, it is not, or the search could not be read now. */
export type EarlierListing = { found: string } | { found: null } | { unknown: string };

/** Tries before a search that answers 5xx or not at all is taken as "cannot tell now". */
const SEARCH_TRIES = 3;

/**
 * Looks for the business in the directory's search. A search that does not
 * exist (4xx) cannot tell: the form is posted. One that fails (5xx, network)
 * may only fail now: the caller must not post on a guess.
 */
export async function findEarlierListing(page: EnginePage, searchUrl: string, businessName: string, timeoutMs: number, log: (line: string) => void, tries = SEARCH_TRIES): Promise<EarlierListing> {
  const url = searchUrl.replace("{query}", encodeURIComponent(businessName));
  let lastProblem = "";
  for (let i = 0; i < tries; i++) {
    if (i > 0) await sleep(1_000 * i);
    log(`look first: ${url}`);
    let status = 0;
    try {
      const response = await page.goto(url, { timeout: timeoutMs, waitUntil: "load" });
      status = response?.status() ?? 0;
    } catch (err) {
      if (isBrowserLoss(err)) throw err;
      lastProblem = String((err as Error)?.message ?? err).slice(0, 160);
      continue;
    }
    if (status >= 400 && status < 500) {
      log(`look first: the search answered ${status}; cannot look there`);
      return { found: null };
    }
    if (status === 0 || status >= 500) {
      lastProblem = `the search answered ${status}`;
      continue;
    }
    const found = await settledLinkNamed(page, businessName);
    if (!found) log("look first: not listed there yet");
    return { found };
  }
  log(`look first: ${lastProblem}`);
  return { unknown: lastProblem };
}

/** How long a rendered search may take to show its results after load (an app that fetches them). */
const RESULTS_WAIT_MS = 3_000;

/**
 * The link named like the business on the rendered search. A search built
 * by script shows its results after the load event: until the page shows a
 * named link or the query itself (its answer, with or without results), it is
 * read again, for at most RESULTS_WAIT_MS.
 */
async function settledLinkNamed(page: EnginePage, businessName: string): Promise<string | null> {
  const started = Date.now();
  for (;;) {
    const found = await linkNamed(page, businessName);
    if (found || Date.now() - started >= RESULTS_WAIT_MS) return found;
    const html = await page
      .mainFrame()
      .evaluate("document.body ? document.body.outerHTML : ''")
      .catch(() => "");
    if (showsQuery(String(html), businessName)) return null;
    await sleep(150);
  }
}

async function linkNamed(page: EnginePage, businessName: string): Promise<string | null> {
  const links = await page.mainFrame().evaluate(`Array.from(document.querySelectorAll("a[href]")).map((a) => [a.innerText || a.textContent || "", a.href])`);
  if (!Array.isArray(links)) return null;
  return firstNamed(
    links.filter(Array.isArray).map((entry) => ({ text: String(entry[0]), href: String(entry[1]) })),
    businessName,
  );
}

/** The first http(s) link whose text holds the business name (folded), or null. */
function firstNamed(links: { text: string; href: string }[], businessName: string): string | null {
  // fold() already lower-cases, collapses spaces and trims.
  const want = fold(businessName);
  if (!want) return null;
  for (const { text, href } of links) if (fold(text).includes(want) && /^https?:/i.test(href)) return href;
  return null;
}

/** Reads a page without the browser: a bounded GET under the browser's egress policy (the consumer builds it). */
export type PageReader = (url: string) => Promise<BoundedPage>;

/**
 * The directory's search read by a plain GET, without opening it in the
 * browser (issue 21: rendering the search page was a quarter of a task's
 * time, and most searches are pages the server writes whole). Its answer
 * stands only where the server's own HTML answered this query: a result
 * named like the business is found; no such result, on a page that shows
 * the query back (in its text or a field's value, outside scripts), is "not
 * listed". Anything else (not 2xx, a page cut at the byte cap, a page built
 * by script, which never shows the query in what the server sends, a GET
 * that failed) is null: only the browser can tell, and the caller opens
 * the search there as before.
 */
export async function searchWithoutBrowser(read: PageReader, searchUrl: string, businessName: string, log: (line: string) => void): Promise<{ found: string } | { found: null } | null> {
  const url = searchUrl.replace("{query}", encodeURIComponent(businessName));
  let answer: BoundedPage;
  try {
    answer = await read(url);
  } catch (err) {
    log(`look first: a plain GET of the search failed (${String((err as Error)?.message ?? err).slice(0, 120)}); opening it in the browser`);
    return null;
  }
  if (answer.status < 200 || answer.status >= 300 || answer.cut || !answer.body) {
    log(`look first: a plain GET of the search answered ${answer.status}${answer.cut ? " (cut)" : ""}; opening it in the browser`);
    return null;
  }
  const found = firstNamed(anchorsIn(answer.body, answer.url), businessName);
  if (found) return { found };
  if (!showsQuery(answer.body, businessName)) {
    log("look first: the search's HTML does not show the query (built by script?); opening it in the browser");
    return null;
  }
  log("look first: not listed there (the search's own HTML)");
  return { found: null };
}

/** The folded query is in the page's text (scripts and styles out) or in a field's value: the server answered it. */
function showsQuery(html: string, query: string): boolean {
  const want = fold(query);
  if (!want) return false;
  const noScripts = withoutScripts(html);
  if (fold(htmlToText(noScripts)).includes(want)) return true;
  for (const m of noScripts.matchAll(/<(input|textarea)\b[^>]*?\bvalue\s*=\s*("([^"]*)"|'([^']*)')/gi)) if (fold(decodeEntities(m[3] ?? m[4] ?? "")).includes(want)) return true;
  return false;
}

/** A listing found before the first attempt: its URL and how it differs from the profile (empty: it matches). */
export type ExistingListing = { found: string; differences: ListingDifference[] } | { found: null } | { unknown: string };

/** What the profile says for each compared field, as staff read it next to what the directory shows. */
function profileSays(profile: ListingProfile, field: CheckedField): string | null {
  if (field === "name") return profile.businessName;
  if (field === "phone") return profile.phone;
  return [profile.street, [profile.postalCode, profile.city].filter(Boolean).join(" ")].filter(Boolean).join(", ") || null;
}

/**
 * Looks for a listing of the business before anything is posted: the
 * directory's search by name, then the found page compared with the profile's
 * name, address and phone. A found page that cannot be opened is "cannot
 * tell now": something is there, so posting could list the business twice.
 */
export async function findExistingListing(page: EnginePage, searchUrl: string, profile: ListingProfile, timeoutMs: number, log: (line: string) => void, read?: PageReader): Promise<ExistingListing> {
  // The server's own HTML first; the browser only where that cannot tell.
  // One look: a search that cannot be read does not hold the form back here
  // (nothing of ours can be there), so waiting to read it again only delays
  // the post (issue 21: 27% of a task's time was this step, mostly retries).
  const searched = (read ? await searchWithoutBrowser(read, searchUrl, profile.businessName, log) : null) ?? (await findEarlierListing(page, searchUrl, profile.businessName, timeoutMs, log, 1));
  if (!("found" in searched) || searched.found === null) return searched;
  const url = searched.found;
  log(`look first: found ${url}; comparing it with the profile`);
  let status = 0;
  try {
    status = (await page.goto(url, { timeout: timeoutMs, waitUntil: "load" }))?.status() ?? 0;
  } catch (err) {
    if (isBrowserLoss(err)) throw err;
    return { unknown: `found ${url} but could not open it: ${String((err as Error)?.message ?? err).slice(0, 120)}` };
  }
  if (status < 200 || status >= 400) return { unknown: `found ${url} but it answered ${status}` };
  const html = String(await page.mainFrame().evaluate("document.documentElement.outerHTML"));
  const { shown, differences } = compareListing(html, {
    businessName: profile.businessName,
    street: profile.street,
    city: profile.city,
    postalCode: profile.postalCode,
    phone: profile.phone,
    serviceArea: profile.serviceArea,
  });
  const clip500 = (s: string | null) => (s === null ? null : s.slice(0, 500));
  return { found: url, differences: differences.map((field) => ({ field, shown: clip500(shown[field as keyof ShownDetails]), profile: clip500(profileSays(profile, field)) })) };
}
