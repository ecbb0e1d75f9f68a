/**
 * Before a retry posts a form again. An earlier attempt may have reached the
 * directory without its outcome reaching us (the browser or the worker died
 * after the submit, the lease ran out, the report was lost), and a directory
 * that does not refuse duplicates would then list the business twice. So a
 * retry first looks for the business in the directory's own search; when it
 * is there, the attempt ends without posting anything.
 *
 * A listing still in review or waiting for its e-mail confirmation is not in
 * a directory's public search; such a directory is asked again by the form,
 * and most refuse a second listing of the same business (duplicate_listing,
 * which the coordinator counts as the earlier attempt's success).
 */
import { fold } from "../../../core/text";
import type { EnginePage } from "./page";

/** The listing's URL when the directory's search shows the business, else null. */
export async function findEarlierListing(page: EnginePage, searchUrl: string, businessName: string, timeoutMs: number, log: (line: string) => void): Promise<string | null> {
  const url = searchUrl.replace("{query}", encodeURIComponent(businessName));
  log(`look first: ${url}`);
  const response = await page.goto(url, { timeout: timeoutMs, waitUntil: "load" });
  const status = response?.status() ?? 0;
  if (status >= 400 || status === 0) {
    log(`look first: the search answered ${status}`);
    return null;
  }
  const links = await page.mainFrame().evaluate(`Array.from(document.querySelectorAll("a[href]")).map((a) => [a.innerText || a.textContent || "", a.href])`);
  const want = fold(businessName).replace(/\s+/g, " ").trim();
  if (!want || !Array.isArray(links)) return null;
  for (const entry of links) {
    if (!Array.isArray(entry)) continue;
    const [text, href] = entry.map(String) as [string, string];
    if (fold(text).replace(/\s+/g, " ").trim().includes(want) && /^https?:/i.test(href)) return href;
  }
  log("look first: not listed there yet");
  return null;
}
