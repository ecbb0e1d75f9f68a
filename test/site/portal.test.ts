/**
 * The site in real Chromium against the whole stack (PGlite, both Workers
 * under wrangler dev, the farm, local Browser Rendering): a Starter plan
 * bought through the local checkout in the browser, local sign-in, the
 * business profile (a bad field first, shown inline, nothing lost), the
 * portal watched live to 100 %, the staff dashboard and job page, and a
 * second customer refused the job. Also measures the portal store on a
 * synthetic 500-row job (/dev/render-bench). Screenshots: docs/screenshots/.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import pg from "pg";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, chromiumPath } from "../../scripts/lib/chromium";
import { ROOT, startStack, type Stack } from "../../scripts/lib/stack";
import { placeLocalOrder, stackVars } from "../e2e/support/order";

const PORT = Number(process.env.SITE_PORT ?? 8857);
const FARM_PORT = Number(process.env.SITE_FARM_PORT ?? 8859);
const SHOTS = join(ROOT, "docs/screenshots");
let stack: Stack;
let vars: Record<string, string>;
let browser: Browser;
let customerToken = "";
const customer = `site-${Date.now()}@boltbakery.example`;
let jobId = "";

beforeAll(async () => {
  execFileSync("npx", ["vite", "build", "ui", "--logLevel", "error"], { cwd: ROOT, stdio: "inherit" });
  vars = await stackVars(PORT, FARM_PORT);
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, log: (m) => console.log(`[site] ${m}`) });
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS.filter((a) => a !== "--headless") });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(width = 1200): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

async function signIn(page: Page, email: string, staff = false, next = "/business"): Promise<void> {
  await page.goto(`${stack.url}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(email);
  if (staff) await page.getByLabel(/Sign in as staff/).check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`**${next}`);
}

describe("the site, end to end", () => {
  it("sells a Starter plan in the browser and shows the job live to the customer and the staff", async () => {
    const page = await newPage();
    // Plans and checkout.
    await page.goto(`${stack.url}/`);
    await expect.poll(() => page.getByRole("radio").count(), { timeout: 15_000 }).toBe(4);
    await page.getByLabel(/Starter/).check();
    await page.getByLabel("Your email").fill(customer);
    await page.getByRole("button", { name: "Continue to payment" }).click();
    await page.waitForURL(/\/api\/checkout\/local\//);
    await page.getByRole("button", { name: /^Pay/ }).click();
    await page.waitForURL(/\/checkout\/success\?session_id=/);
    await page.getByTestId("order-ready").waitFor();
    expect(await page.getByTestId("order-ready").textContent()).toContain("50 directories");
    const href = await page.getByRole("link", { name: "Watch your submissions live" }).getAttribute("href");
    jobId = href!.split("/").pop()!;
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);

    // Sign in, then the profile: a bad phone is named under its field, and nothing typed is lost.
    await signIn(page, customer);
    const fill = async (id: string, value: string) => page.locator(`#f-${id}`).fill(value);
    await fill("businessName", "Bolt Bakery & Café");
    await fill("contactName", "Ada Lovelace");
    await fill("shortDescription", "Neighbourhood bakery in San Francisco: sourdough, croissants, seasonal pastries and coffee.");
    await fill("longDescription", "Bolt Bakery & Café bakes sourdough, croissants and seasonal pastries every morning. Family owned since 2012.");
    await fill("categories", "Bakery");
    await page.getByRole("button", { name: "Add category" }).click();
    await page.getByLabel("Category 2", { exact: true }).fill("Food");
    await fill("street", "123 Market Street");
    await fill("city", "San Francisco");
    await fill("region", "CA");
    await fill("postalCode", "94103");
    await fill("country", "US");
    await fill("phone", "12");
    await fill("website", "boltbakery.example");
    await page.locator("#f-social-instagram").fill("https://www.instagram.com/boltbakery");
    for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]) {
      await page.getByRole("group", { name: day }).locator("select").selectOption("open");
    }
    await page.getByRole("group", { name: "Sunday" }).locator("select").selectOption("closed");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => page.locator("#e-phone").textContent()).toMatch(/\S/);
    expect(await page.locator("#f-phone").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#f-businessName").inputValue()).toBe("Bolt Bakery & Café");
    await page.reload(); // the draft survives a reload
    await expect.poll(() => page.locator("#f-city").inputValue()).toBe("San Francisco");
    await fill("phone", "+1 415 555 0142");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect.poll(() => page.getByTestId("profile-status").textContent()).toContain("complete");

    // The portal, live over the job's socket, to 100 %.
    const started = Date.now();
    await page.goto(`${stack.url}/portal/jobs/${jobId}`);
    await expect.poll(() => page.getByTestId("live-badge").textContent(), { timeout: 30_000 }).toContain("Live");
    await expect.poll(() => page.locator("tr[data-submission]").count(), { timeout: 30_000 }).toBe(50);
    await page.getByTestId("percent").filter({ hasText: "100%" }).waitFor({ timeout: 480_000 });
    console.log(`[site] portal reached 100% ${((Date.now() - started) / 1000).toFixed(0)} s after the profile was saved`);
    expect(Number(await page.getByTestId("count-remaining").textContent())).toBe(0);
    expect(Number(await page.getByTestId("count-submitted").textContent()) + Number(await page.getByTestId("count-failed").textContent())).toBe(50);
    expect(await page.getByRole("link", { name: "View listing" }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, "portal.png"), fullPage: false });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
    const csv = await (await import("node:fs/promises")).readFile((await download.path())!, "utf8");
    expect(csv.trim().split("\r\n")).toHaveLength(51);
    // Evidence opens for the customer.
    await page.getByRole("button", { name: /^Screenshot of/ }).first().click();
    await page.locator("img.evidence").first().waitFor();

    // Phone width: the portal fits (the table scrolls inside its own box).
    const token = await page.evaluate(() => localStorage.getItem("directorybolt.token"));
    customerToken = token!;
    const phone = await newPage(390);
    await phone.context().addInitScript((t) => localStorage.setItem("directorybolt.token", t!), token);
    await phone.goto(`${stack.url}/portal/jobs/${jobId}`);
    await phone.getByTestId("percent").filter({ hasText: "100%" }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: join(SHOTS, "portal-phone.png") });
    await phone.close();
  }, 600_000);

  it("shows the job on the staff dashboard and job page", async () => {
    expect(jobId).not.toBe("");
    const page = await newPage();
    await signIn(page, "ops@directorybolt.example", true, "/staff");
    await expect.poll(() => page.getByTestId("live-badge").textContent(), { timeout: 30_000 }).toContain("Live");
    await page.getByRole("link", { name: jobId.slice(0, 8) }).waitFor();
    await page.screenshot({ path: join(SHOTS, "staff-dashboard.png") });
    await page.getByRole("link", { name: jobId.slice(0, 8) }).click();
    await page.waitForURL(`**/staff/jobs/${jobId}`);
    await expect.poll(() => page.locator("tr[data-submission]").count()).toBe(50);
    // A completed job cannot be paused or cancelled.
    expect(await page.getByRole("button", { name: "Cancel job" }).isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Pause" }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(SHOTS, "staff-job.png") });
  }, 120_000);

  it("does not show one customer's job to another", async () => {
    const page = await newPage(390);
    await signIn(page, `other-${Date.now()}@example.com`, false, "/business");
    await page.goto(`${stack.url}/portal/jobs/${jobId}`);
    await page.getByTestId("job-error").waitFor();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Job not found");
    expect(await page.locator("tr[data-submission]").count()).toBe(0);
  }, 60_000);

  it("reconnects the portal's socket by itself after it drops", async () => {
    const page = await newPage();
    await page.context().addInitScript((t) => localStorage.setItem("directorybolt.token", t), customerToken);
    let sockets = 0;
    await page.routeWebSocket(/\/api\/jobs\/.*\/ws/, (ws) => {
      ws.connectToServer();
      // The first socket drops two seconds in; the next ones stay.
      if (++sockets === 1) setTimeout(() => void ws.close({ code: 1011, reason: "test drop" }), 2_000);
    });
    await page.goto(`${stack.url}/portal/jobs/${jobId}`);
    await expect.poll(() => page.getByTestId("live-badge").textContent(), { timeout: 30_000 }).toContain("Live");
    await expect.poll(() => page.getByTestId("live-badge").textContent(), { timeout: 10_000 }).toContain("Reconnecting");
    await expect.poll(() => page.getByTestId("live-badge").textContent(), { timeout: 15_000 }).toContain("Live");
    expect(sockets).toBe(2);
    expect(await page.locator("tr[data-submission]").count()).toBe(50);
  }, 60_000);

  it("lets staff pause, resume and cancel a running job, each confirmed", async () => {
    const order = await placeLocalOrder(stack, vars, "starter", `controls-${Date.now()}@boltbakery.example`);
    const page = await newPage();
    await signIn(page, "ops@directorybolt.example", true, `/staff/jobs/${order.jobId}`);
    const status = page.locator(".progress-head .status");
    const pause = page.getByRole("button", { name: "Pause" });
    await expect.poll(() => pause.isEnabled(), { timeout: 30_000 }).toBe(true);
    await pause.click();
    await page.getByRole("button", { name: "Keep as is" }).click(); // nothing happens
    expect(await status.textContent()).toBe("in progress");
    await pause.click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => status.textContent()).toBe("paused");
    await page.getByRole("button", { name: "Resume" }).click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => status.textContent()).toBe("in progress");
    await page.getByRole("button", { name: "Cancel job" }).click();
    await page.getByLabel(/Reason/).fill("Customer asked to stop");
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => status.textContent()).toBe("cancelled");
    expect(await page.getByRole("button", { name: "Cancel job" }).isDisabled()).toBe(true);
    // Unstarted work was skipped, with the reason in the error column; retrying one
    // of a cancelled job is refused, and the refusal is shown in words.
    await expect.poll(() => page.locator("td.err-cell", { hasText: "job cancelled: Customer asked to stop" }).count()).toBeGreaterThan(0);
    await page.locator("tr[data-submission] button", { hasText: "Retry" }).first().click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => page.locator("p.error[role=alert]").textContent()).toContain("cannot be retried");
  }, 120_000);

  it("turns a manual directory into a staff task; the staff's outcome reaches the customer's portal live", async () => {
    // The best directory a new Starter order gets is marked manual (blocks bots) for this order only.
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ id: string; name: string; notes: string | null }>(
      `select id, name, notes from directories where sandbox and is_active and automation = 'automated' and priority_tier = 1 and not requires_captcha
       order by da_score desc nulls last, priority_tier, id limit 1`,
    );
    const directory = rows[0]!;
    await db.query("update directories set automation = 'manual', notes = 'blocks bots; phone verification' where id = $1", [directory.id]);
    let order: Awaited<ReturnType<typeof placeLocalOrder>>;
    try {
      order = await placeLocalOrder(stack, vars, "starter", `manual-${Date.now()}@boltbakery.example`);
      const sub = await db.query<{ id: string }>("select id from directory_submissions where job_id = $1 and directory_id = $2", [order.jobId, directory.id]);
      expect(sub.rows).toHaveLength(1);
      const submissionId = sub.rows[0]!.id;

      const portal = await newPage();
      await portal.context().addInitScript((t) => localStorage.setItem("directorybolt.token", t), order.token);
      await portal.goto(`${stack.url}/portal/jobs/${order.jobId}`);
      const row = portal.locator(`tr[data-submission="${submissionId}"]`);
      await expect.poll(() => row.locator("[data-state]").getAttribute("data-state"), { timeout: 30_000 }).toBe("staff");
      expect(await row.textContent()).toContain("Being done by our staff");

      const staff = await newPage();
      await signIn(staff, "ops@directorybolt.example", true, "/staff/tasks");
      await staff.getByRole("link", { name: directory.name }).click();
      await staff.waitForURL(`**/staff/tasks/${order.jobId}/${submissionId}`);
      expect(await staff.locator('tr[data-field="organization"] td.copy-value').textContent()).toBe("Bolt Bakery & Café");
      expect(await staff.getByText("blocks bots; phone verification").count()).toBeGreaterThan(0);
      await staff.getByRole("button", { name: "Claim" }).click();
      await expect.poll(() => staff.getByTestId("claimed-by").textContent()).toBe("ops@directorybolt.example");
      await staff.getByLabel("Live, with its listing URL").check();
      const url = `https://listings.example/bolt-bakery-${submissionId.slice(0, 8)}`;
      await staff.getByRole("textbox", { name: "Listing URL" }).fill(url);
      await staff.screenshot({ path: join(SHOTS, "staff-task.png"), fullPage: true });
      await staff.getByRole("button", { name: "Record" }).click();
      await expect.poll(() => staff.locator("p.ok[role=status]").textContent()).toContain("Recorded");

      // The customer's open portal follows over its socket: live, with the link, counted.
      await expect.poll(() => row.locator("[data-state]").getAttribute("data-state"), { timeout: 15_000 }).toBe("live");
      expect(await row.getByRole("link", { name: "View listing" }).getAttribute("href")).toBe(url);
      expect(Number(await portal.getByTestId("live-count").textContent())).toBeGreaterThanOrEqual(1);
      await staff.close();
      await portal.close();
    } finally {
      await db.query("update directories set automation = 'automated', notes = $2 where id = $1", [directory.id, directory.notes]);
      await db.end();
    }
  }, 180_000);

  it("updates a 500-row job in place, and measures delta to DOM", async () => {
    const page = await newPage();
    await page.goto(`${stack.url}/dev/render-bench`);
    const result = (await page.waitForFunction(() => (window as unknown as { __bench?: unknown }).__bench, null, { timeout: 60_000 }).then((h) => h.jsonValue())) as Record<string, unknown>;
    console.log(`[site] render bench ${JSON.stringify(result)}`);
    expect(result.domRows).toBe(500);
    expect(result.rowsKeptInPlace).toBe(true);
    expect(result.deltaToDomMedianMs as number).toBeLessThan(50);
  }, 90_000);
});
