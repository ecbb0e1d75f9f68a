/**
 * "Update my listings" end to end on the whole stack (PGlite, both Workers
 * under wrangler dev, the queue, the farm, local Browser Rendering on our
 * Chromium): an order at two account-creating farm directories and one
 * without an account. Once all three are live, the customer saves a new
 * phone and clicks "Update my listings" in the portal: the browser worker
 * signs in at the two with the vault's logins, edits the listings and
 * confirms the new phone on their public pages; the third becomes a staff
 * item. The portal shows it (screenshot); the farm's pages carry the new
 * phone; the same click again is the same update.
 */
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListingUpdateView } from "../../core/protocol/site";
import { CHROMIUM_ARGS, resolveChromium } from "../../tools/lib/chromium";
import { BAKERY_PROFILE, placeLocalOrder, stackVars } from "../../tools/lib/order";
import { onlyDesigns, ROOT, startStack, type Stack } from "../../tools/lib/stack";
import { CspWatch } from "./support/csp";

const PORT = Number(process.env.SITE_UPDATE_PORT ?? 8877);
const FARM_PORT = Number(process.env.SITE_UPDATE_FARM_PORT ?? 8879);
const ACCOUNT_DESIGNS = ["account-inline", "wizard-account"];
const DESIGNS = [...ACCOUNT_DESIGNS, "classic-for"];
const NEW_PHONE = "+1 415 555 0199";
const SHOTS = join(ROOT, process.env.SCREENSHOTS_DIR ?? ".tmp/screenshots");
mkdirSync(SHOTS, { recursive: true });

let stack: Stack;
let vars: Record<string, string>;
let stateDir: string;
let browser: Browser;
const csp = new CspWatch();

beforeAll(async () => {
  vars = { ...(await stackVars(PORT, FARM_PORT)), APPROVAL_SCHEDULE: JSON.stringify({ default: { firstCheckMs: 1_000, everyMs: 1_500, deadlineMs: 300_000 } }) };
  stateDir = await mkdtemp(join(tmpdir(), "directorybolt-update-"));
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, persistTo: stateDir, farm: { publishDelayMs: 500 }, log: (m) => console.log(`[update] ${m}`) });
  await onlyDesigns(stack, DESIGNS);
  browser = await chromium.launch({ executablePath: await resolveChromium(), args: CHROMIUM_ARGS.filter((a) => a !== "--headless") });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

async function api<T>(path: string, token: string, method = "GET", body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function sql<R extends Record<string, unknown>>(text: string, params: unknown[]): Promise<R[]> {
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    return (await db.query<R>(text, params)).rows;
  } finally {
    await db.end();
  }
}

/** Until every submission is live and the vault holds a login for each account directory. */
async function untilLive(jobId: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let state: unknown;
  while (Date.now() < until) {
    const live = await sql<{ n: string }>("select count(*) as n from directory_submissions where job_id = $1 and status = 'approved' and listing_url is not null", [jobId]);
    const logins = await sql<{ n: string }>("select count(*) as n from vault_logins where job_id = $1", [jobId]);
    state = { live: live[0]!.n, logins: logins[0]!.n };
    if (Number(live[0]!.n) === DESIGNS.length && Number(logins[0]!.n) === ACCOUNT_DESIGNS.length) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const subs = await sql("select status, failure_reason, listing_url from directory_submissions where job_id = $1", [jobId]);
  throw new Error(`not live: ${JSON.stringify({ state, subs })}`);
}

describe("update my listings, end to end", () => {
  it("pushes a new phone to the account directories by browser, confirmed on their public pages, and to staff for the other", async () => {
    const order = await placeLocalOrder(stack, vars, "enterprise", `update-${Date.now()}@boltbakery.example`);
    expect(order.directories).toBe(DESIGNS.length);
    await untilLive(order.jobId, 420_000);

    const saved = await api(`/api/business`, order.token, "PUT", { ...BAKERY_PROFILE, phone: NEW_PHONE });
    expect(saved.status).toBe(200);

    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.addInitScript((t) => localStorage.setItem("directorybolt.token", t), order.token);
    const page = csp.watch(await context.newPage());
    page.setDefaultTimeout(30_000);
    await page.goto(`${stack.url}/portal/jobs/${order.jobId}`);
    const section = page.getByTestId("listing-update");
    await section.getByRole("button", { name: "Update my listings" }).click();
    await expect.poll(() => section.locator('tr[data-status="confirmed"]').count(), { timeout: 240_000 }).toBe(ACCOUNT_DESIGNS.length);
    expect(await section.locator('tr[data-status="staff_task"]').count()).toBe(1);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "listing-update.png"), fullPage: false });
    await context.close();
    expect(csp.take(), "Content-Security-Policy violations").toEqual([]);

    // The farm's own records and public pages carry the new phone; the other directory was not touched.
    for (const design of ACCOUNT_DESIGNS) {
      const slug = stack.farm.variantFor(design).slug;
      const listing = stack.farm.listings({ slug })[0]!;
      expect(listing.phone.replace(/\D/g, ""), design).toContain("4155550199");
      expect((await (await fetch(listing.url)).text()).replace(/\D/g, "")).toContain("4155550199");
    }
    const other = stack.farm.listings({ slug: stack.farm.variantFor("classic-for").slug })[0]!;
    expect(other.phone.replace(/\D/g, "")).toContain("4155550142");

    // The same click again: the same update, nothing new.
    const again = await api<{ repeated: boolean; update: ListingUpdateView }>(`/api/jobs/${order.jobId}/listing-update`, order.token, "POST");
    expect(again.status).toBe(200);
    expect(again.body.repeated).toBe(true);
    expect(again.body.update.summary).toEqual({ machine: 2, confirmed: 2, failed: 0, updating: 0, staff: 1, byStaff: 0, notPossible: 0 });
  });
});
