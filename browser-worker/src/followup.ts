/**
 * After-submit browser tasks: open one URL the coordinator names (a
 * verification link, or a listing the approval tracker found) and say
 * whether it worked. The consumer screenshots the page as evidence.
 * `verify`: the page answers 2xx/3xx on the directory's own site (its
 * registrable domain, core/domains.ts). `listing`: it answers 2xx and shows the
 * business's name (a directory's "not found" page may still answer 200).
 * `check`: a survival check found the listing gone or changed; whatever the
 * page answers (a 404 too) is what the screenshot must show, so any answer
 * is done.
 */
import { httpHost, sameSite } from "../../core/domains";
import type { FollowupLease, FollowupReport } from "../../core/protocol/tasks";
import type { EnginePage } from "./engine/page";

export type FollowupPage = Pick<EnginePage, "goto" | "url" | "mainFrame">;

const NAVIGATION_TIMEOUT_MS = 30_000;

export async function openFollowup(page: FollowupPage, lease: FollowupLease): Promise<Pick<FollowupReport, "ok" | "httpStatus" | "finalUrl" | "reason">> {
  const response = await page.goto(lease.url, { timeout: NAVIGATION_TIMEOUT_MS, waitUntil: "load" });
  const status = response?.status() ?? 0;
  const finalUrl = page.url();
  const text = String(await page.mainFrame().evaluate("document.body ? document.body.innerText : ''"))
    .replace(/\s+/g, " ")
    .trim();
  if (lease.kind === "check" && status !== 0) return { ok: true, httpStatus: status, finalUrl, reason: text.slice(0, 500) };
  if (status >= 400 || status === 0) return { ok: false, httpStatus: status, finalUrl, reason: `the page answered ${status}: ${text.slice(0, 200)}` };
  // The link came from the directory's own domain; a redirect elsewhere (an open redirect on its site) is not its confirmation.
  if (lease.kind === "verify" && !sameSite(httpHost(finalUrl), httpHost(lease.directory.website))) {
    return { ok: false, httpStatus: status, finalUrl, reason: `the link led off the directory's site, to ${httpHost(finalUrl) ?? finalUrl.slice(0, 200)}` };
  }
  if (lease.kind === "listing" && lease.businessName && !text.toLowerCase().includes(lease.businessName.toLowerCase())) {
    return { ok: false, httpStatus: status, finalUrl, reason: "the listing page does not show the business" };
  }
  return { ok: true, httpStatus: status, finalUrl, reason: text.slice(0, 500) };
}
