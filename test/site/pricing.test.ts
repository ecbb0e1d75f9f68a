/**
 * The pricing page asks where the business is and what it does first, and
 * each plan shows how many directories fit it ("N directories available for
 * a bakery in Ohio"), with the list one click away; both come from
 * GET /api/directories/preview over the live starter catalog, in Chromium
 * against the whole stack.
 */
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAN_IDS } from "../../core/plans";
import type { DirectoryPreview } from "../../core/protocol/site";
import { CHROMIUM_ARGS, resolveChromium } from "../../tools/lib/chromium";
import { stackVars } from "../../tools/lib/order";
import { startStack, type Stack } from "../../tools/lib/stack";

// Clear of the other site files' ports (portal: +0..+2, magic link: +3..+6).
const PORT = Number(process.env.SITE_PORT ?? 8857) + 10;
const FARM_PORT = PORT + 2;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  const vars = await stackVars(PORT, FARM_PORT);
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars: { ...vars, DIRECTORY_CATALOG: "live" }, log: (m) => console.log(`[pricing] ${m}`) });
  browser = await chromium.launch({ executablePath: await resolveChromium(), args: CHROMIUM_ARGS.filter((a) => a !== "--headless") });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the pricing page's preview", () => {
  it("shows, per plan, the directories available for a bakery in Ohio, and lists them", async () => {
    const answer = (await (await fetch(`${stack.url}/api/directories/preview?country=US&category=bakery&region=Ohio`)).json()) as DirectoryPreview;
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${stack.url}/`);
    await page.getByLabel("Country").selectOption("US");
    await page.getByLabel("State or province (optional)").fill("Ohio");
    await page.getByLabel("State or province (optional)").blur();
    await page.getByLabel("Kind of business").selectOption("bakery");

    for (const plan of PLAN_IDS) {
      const expected = answer.plans.find((p) => p.plan === plan)!;
      await expect.poll(() => page.getByTestId(`available-${plan}`).textContent()).toBe(`${expected.available} directories available for a bakery in Ohio`);
    }
    // The list, one click away: the Enterprise one names exactly the directories the API chose.
    const enterprise = answer.plans.find((p) => p.plan === "enterprise")!;
    expect(enterprise.available).toBeGreaterThan(0);
    const list = page.getByTestId("list-enterprise");
    await list.locator("summary").click();
    const names = await list.locator("li a").allTextContents();
    expect(names).toEqual(enterprise.list.map((d) => d.name));
    // A bakery is never offered lawyers', doctors' or dentists' directories.
    for (const d of enterprise.list)
      expect(
        d.categories.some((c) => ["lawyer", "doctor", "dentist"].includes(c)),
        d.name,
      ).toBe(false);
  });

  it("answers an unknown category with a 400 naming the valid ones", async () => {
    const res = await fetch(`${stack.url}/api/directories/preview?country=US&category=bakeries`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { valid: { category: string[] } } } };
    expect(body.error.details.valid.category).toContain("bakery");
  });
});
