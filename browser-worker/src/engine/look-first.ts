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
 * a listing found is not ours; the caller posts nothing and reports it.
 */
import { compareListing, type CheckedField, type ShownDetails } from "../../../core/listing/compare";
import type { ListingProfile } from "../../../core/listing/profile";
import type { ListingDifference } from "../../../core/protocol/tasks";
import { fold } from "../../../core/text";
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
    const found = await linkNamed(page, businessName);
    if (!found) log("look first: not listed there yet");
    return { found };
  }
  log(`look first: ${lastProblem}`);
  return { unknown: lastProblem };
}

async function linkNamed(page: EnginePage, businessName: string): Promise<string | null> {
  const links = await page.mainFrame().evaluate(`Array.from(document.querySelectorAll("a[href]")).map((a) => [a.innerText || a.textContent || "", a.href])`);
  const want = fold(businessName).replace(/\s+/g, " ").trim();
  if (!want || !Array.isArray(links)) return null;
  for (const entry of links) {
    if (!Array.isArray(entry)) continue;
    const [text, href] = entry.map(String) as [string, string];
    if (fold(text).replace(/\s+/g, " ").trim().includes(want) && /^https?:/i.test(href)) return href;
  }
  return null;
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
export async function findExistingListing(page: EnginePage, searchUrl: string, profile: ListingProfile, timeoutMs: number, log: (line: string) => void): Promise<ExistingListing> {
  // One look: a search that cannot be read does not hold the form back here
  // (nothing of ours can be there), so waiting to read it again only delays
  // the post (issue 21: 27% of a task's time was this step, mostly retries).
  const searched = await findEarlierListing(page, searchUrl, profile.businessName, timeoutMs, log, 1);
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
