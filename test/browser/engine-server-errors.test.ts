/**
 * A form built by script from the site's own data (js-built, spa-fetch
 * designs fetch form.json) when that request fails with a 5xx: the form is
 * missing for now, not gone. Found by `npm run test:faults`, where the farm
 * fails 10 % of its answers and such directories were failed for good as
 * "site_gone".
 */
import type { Browser, HTTPRequest } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitListing } from "../../browser-worker/src/engine/index.ts";
import { launchChromium } from "../../tools/lib/chromium.ts";
import { startFarm, type Farm } from "../../tools/farm/index.ts";
import { taskFor } from "./support/engine.ts";

let farm: Farm;
let browser: Browser;
beforeAll(async () => {
  [farm, browser] = await Promise.all([startFarm(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await farm?.close();
});

describe("a script-built form whose data request fails", () => {
  it.each(["js-built", "spa-fetch"])("%s: a 503 on form.json is transient, and the next attempt submits", async (designId) => {
    const variant = farm.variantFor(designId);
    const page = await browser.newPage();
    try {
      await page.setRequestInterception(true);
      let failing = true;
      page.on("request", (req: HTTPRequest) => {
        if (failing && req.url().endsWith("/form.json")) void req.respond({ status: 503, contentType: "text/plain", body: "Service Unavailable" });
        else void req.continue();
      });
      const first = await submitListing(page, taskFor(farm, variant));
      expect(first, first.reason).toMatchObject({ outcome: "failed", failureClass: "transient" });
      expect(first.reason).toMatch(/503 from .*form\.json/);
      expect(farm.submissions({ slug: variant.slug })).toEqual([]);

      failing = false;
      const second = await submitListing(page, taskFor(farm, variant));
      expect(second.outcome, second.reason).toBe("submitted");
      expect(farm.submissions({ slug: variant.slug, outcome: "accepted" })).toHaveLength(1);
    } finally {
      await page.close();
    }
  });
});

describe("a retry whose look at the directory's search fails", () => {
  it("posts nothing while the search answers 5xx, and posts once it can tell the listing is not there", async () => {
    const variant = farm.variantFor("classic-for");
    const page = await browser.newPage();
    try {
      await page.setRequestInterception(true);
      let failing = true;
      page.on("request", (req: HTTPRequest) => {
        if (failing && new URL(req.url()).pathname.endsWith("/search")) void req.respond({ status: 503, contentType: "text/plain", body: "Service Unavailable" });
        else void req.continue();
      });
      const base = taskFor(farm, variant);
      // An earlier attempt may have reached the directory: the retry looks in its search first.
      const retry = { ...base, attempt: 2, directory: { ...base.directory, listingSearchUrl: `${farm.url}${variant.basePath}search?q={query}` } };
      const first = await submitListing(page, retry);
      expect(first, first.reason).toMatchObject({ outcome: "failed", failureClass: "transient" });
      expect(first.reason).toContain("could not look for an earlier attempt's listing");
      expect(farm.submissions({ slug: variant.slug })).toEqual([]);

      failing = false;
      const second = await submitListing(page, retry);
      expect(second.outcome, second.reason).toBe("submitted");
      expect(farm.submissions({ slug: variant.slug }).map((s) => s.outcome)).toEqual(["accepted"]);
    } finally {
      await page.close();
    }
  });
});
