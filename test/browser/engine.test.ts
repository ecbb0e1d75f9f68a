/**
 * The submission engine against the sandbox farm with real Chromium: every
 * design submitted from a ListingProfile, the farm receiving exactly one
 * accepted submission with the profile's values (honeypots empty); captchas
 * through the 2Captcha-format stand-in; no solver; a duplicate listing; a
 * rate-limited and a flaky directory; recipes; validation naming the field;
 * a phone refused for its format, fixed on the retry the retry analyzer asks
 * for; a captcha widget that loads late, waited for when a retry expects it.
 * One Chromium, three pages at a time.
 */
import { createHash } from "node:crypto";
import type { Page as CloudflarePage } from "@cloudflare/puppeteer";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../tools/lib/chromium.ts";
import { TwoCaptchaClient } from "../../browser-worker/src/captcha/two-captcha.ts";
import { submitListing, type EnginePage, type EngineResult } from "../../browser-worker/src/engine/index.ts";
import { fold } from "../../core/text.ts";
import { IntelligentRetryAnalyzer } from "../../src/intelligence/retry-analyzer.ts";
import { designs, startFarm, type Farm, type Variant } from "../../tools/farm/index.ts";
import { pagePool, postedProblems, SAMPLE_PROFILE, taskFor } from "./support/engine.ts";

// Both libraries' pages fit the engine's page type as they are (checked by tsc).
const _pageTypesFit: [(p: Page) => EnginePage, (p: CloudflarePage) => EnginePage] = [(p) => p, (p) => p];

let farm: Farm;
let browser: Browser;
const solver = () => new TwoCaptchaClient({ baseUrl: farm.solverUrl, apiKey: "test", pollIntervalMs: 50 });
const withPage = pagePool(() => browser, 3);
const results = new Map<string, EngineResult>();

/** What the coordinator does with a failed attempt: ask the analyzer (src/intelligence/retry-analyzer.ts). */
function analyze(result: EngineResult, attempt: number, variant: Variant) {
  return new IntelligentRetryAnalyzer().analyze({
    failureClass: result.failureClass!,
    reason: result.reason,
    httpStatus: result.httpStatus,
    captcha: result.captcha,
    attempt,
    directoryName: variant.name,
  });
}

beforeAll(async () => {
  [farm, browser] = await Promise.all([startFarm({ publishDelayMs: 60_000, slowMs: 300 }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await farm?.close();
});

describe("every farm design through the engine", () => {
  it.concurrent.each(designs.map((d) => [d.id, d] as const))("%s", async (_id, design) => {
    const variant = farm.variantFor(design.id);
    await withPage(async (page) => {
      const log: string[] = [];
      const opts = { solver: solver(), log: (l: string) => log.push(l) };
      let result = await submitListing(page, taskFor(farm, variant), opts);
      if (design.flakyFirstRequest) {
        // The first visit answers 503 (Retry-After: 1): waited out in place (navigate.ts), not a requeue; the same attempt goes on.
        expect(result.failureClass, log.join("\n")).not.toBe("transient");
        expect(result.httpStatus).not.toBe(503);
      }
      const refusedFirst = design.fields.some((f) => f.format === "tel-national");
      if (refusedFirst) {
        // The phone must be national, which the page does not say: E.164 is refused, the analyzer asks for the fix, the retry carries it.
        expect(result, log.join("\n")).toMatchObject({ outcome: "failed", failureClass: "validation" });
        const next = analyze(result, 1, variant);
        expect(next).toMatchObject({ action: "fix_and_retry" });
        const fixes = next.action === "fix_and_retry" ? next.fixes : [];
        result = await submitListing(page, { ...taskFor(farm, variant), attempt: 2, retryHints: { fixes } }, opts);
      }
      results.set(design.id, result);
      const records = farm.submissions({ slug: variant.slug });
      const accepted = records.filter((s) => s.outcome === "accepted");
      const problems =
        accepted.length === 1
          ? postedProblems(design, accepted[0]!.fields)
          : [`${accepted.length} accepted submissions; engine: ${result.outcome} ${result.failureClass ?? ""} ${result.reason ?? ""}`];
      expect(records.every((s) => !s.honeypotFilled)).toBe(true);
      expect(problems, log.join("\n")).toEqual([]);
      expect(records.map((s) => s.outcome).filter((o) => o !== "step" && o !== "accepted")).toEqual(refusedFirst ? ["invalid"] : []);
      expect(records.filter((s) => s.outcome === "step")).toHaveLength(design.steps - 1);
      expect(result.outcome).toBe(design.emailVerification ? "awaiting_verification" : "submitted");
      expect(fold(result.confirmationText ?? "")).toContain(fold(design.confirmation.text));
      if (design.confirmation.showsListingUrl) expect(result.listingUrl).toBe(farm.listings({ slug: variant.slug })[0]!.url);
      expect(result.finalUrl).toContain(variant.basePath);
      if (design.account) {
        expect(result.account?.password).toMatch(/.{12,}/);
        expect(JSON.stringify(result.filled)).not.toContain(result.account!.password!);
      }
    });
  });
});

describe("the hard cases, by name", () => {
  it("a wizard, an iframe form, a script-built form and a fetch app were accepted", () => {
    for (const id of ["wizard-3", "de-wizard", "iframe-embed", "js-built", "it-js-built", "spa-fetch", "custom-dropdown"]) {
      expect(results.get(id)?.outcome, id).toBe("submitted");
    }
  });
});

describe.concurrent("captchas, limits and refusals", () => {
  it("without a solver a captcha form fails as captcha, and nothing is posted", async () => {
    for (const id of ["image-captcha", "recaptcha-token", "hcaptcha-token"]) {
      const variant = farm.variantsFor(id)[1]!;
      const result = await withPage((page) => submitListing(page, taskFor(farm, variant), {}));
      expect(result, id).toMatchObject({ outcome: "failed", failureClass: "captcha" });
      expect(result.reason).toMatch(/no captcha solver is configured/);
      expect(farm.submissions({ slug: variant.slug })).toEqual([]);
    }
  });

  it("a solver that gives up fails the attempt as captcha with its error", async () => {
    const variant = farm.variantsFor("image-captcha")[2]!;
    const failing = { solve: async () => Promise.reject(Object.assign(new Error("the solver failed: ERROR_CAPTCHA_UNSOLVABLE"), { code: "ERROR_CAPTCHA_UNSOLVABLE" })) };
    const result = await withPage((page) => submitListing(page, taskFor(farm, variant), { solver: failing }));
    expect(result).toMatchObject({ outcome: "failed", failureClass: "captcha" });
    expect(result.reason).toContain("ERROR_CAPTCHA_UNSOLVABLE");
  });

  it("issue 20: the logo uploaded with the same bytes, the newsletter box ticked in advance posted unticked, the header's search form never taken for the listing form", async () => {
    // A 1×1 PNG, read by key as the queue consumer reads R2.
    const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
    const sha = createHash("sha256").update(png).digest("hex");
    const asset = async (key: string) => (key === "profiles/c1/logo.png" ? { name: "logo.png", type: "image/png", bytes: png } : null);
    for (const [id, logoInput] of [
      ["extras-tags-newsletter", "logo"],
      ["de-eintrag-extras", "firmenlogo"],
    ] as const) {
      // Another directory of the design than the one every design goes to, and another business (no duplicate).
      const variant = farm.variantsFor(id).at(-1)!;
      const business = { ...SAMPLE_PROFILE, businessName: "Bolt Bakery Logo", email: "logo@boltbakery.example", phone: "+14155550199", logoKey: "profiles/c1/logo.png" };
      const log: string[] = [];
      const result = await withPage((page) => submitListing(page, taskFor(farm, variant, {}, business), { asset, log: (l) => log.push(l) }));
      expect(result.outcome, log.join("\n")).toBe("submitted");
      const accepted = farm.submissions({ slug: variant.slug }).filter((s) => s.outcome === "accepted" && s.fields[variant.design.fields[0]!.name] === "Bolt Bakery Logo");
      expect(accepted, id).toHaveLength(1);
      expect(accepted[0]!.files?.[logoInput], id).toEqual({ name: "logo.png", type: "image/png", size: png.length, sha256: sha });
      expect(accepted[0]!.fields.newsletter ?? "", id).toBe("");
      // Every post went to the listing form: none carried the search box's `q`.
      expect(
        farm.submissions({ slug: variant.slug }).every((s) => !("q" in s.fields)),
        id,
      ).toBe(true);
      expect(result.filled.find((f) => f.type === "logo")?.value, id).toBe("logo.png");
    }
  });

  it("the same business twice: the second is a duplicate listing, with the directory's words", async () => {
    const variant = farm.variantsFor("classic-for")[1]!;
    const first = await withPage((page) => submitListing(page, taskFor(farm, variant), {}));
    expect(first.outcome).toBe("submitted");
    const second = await withPage((page) => submitListing(page, taskFor(farm, variant), {}));
    expect(second).toMatchObject({ outcome: "failed", failureClass: "duplicate_listing" });
    expect(second.reason).toContain("A listing for this business already exists");
    expect(farm.submissions({ slug: variant.slug }).map((s) => s.outcome)).toEqual(["accepted", "duplicate"]);
  });

  it("a rate-limited directory past its window fails as rate_limited with Retry-After", async () => {
    const variant = farm.variantsFor("rate-limited")[1]!;
    const url = `${farm.url}${variant.basePath}${variant.design.submitPath}`;
    for (let i = 0; i < 9; i++) await (await fetch(url)).text();
    const result = await withPage((page) => submitListing(page, taskFor(farm, variant), {}));
    expect(result).toMatchObject({ outcome: "failed", failureClass: "rate_limited" });
    expect(result.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(farm.submissions({ slug: variant.slug })).toEqual([]);
  });

  it("a refused field fails as validation and names the field", async () => {
    const variant = farm.variantsFor("strict-validation")[1]!;
    const result = await withPage((page) => submitListing(page, taskFor(farm, variant, {}, { ...SAMPLE_PROFILE, city: null }), {}));
    expect(result).toMatchObject({ outcome: "failed", failureClass: "validation" });
    expect(result.reason).toContain("City (address-level2)");
    expect(result.reason).toContain("City is required.");
    expect(farm.submissions({ slug: variant.slug }).map((s) => s.outcome)).toEqual(["invalid"]);
  });

  it("a phone refused for its country code: the analyzer asks for the national form, and the retry with that fix is accepted", async () => {
    const variant = farm.variantsFor("hours-grid")[1]!;
    const task = taskFor(farm, variant);
    const log: string[] = [];
    const first = await withPage((page) => submitListing(page, task, { log: (l) => log.push(l) }));
    expect(first).toMatchObject({ outcome: "failed", failureClass: "validation", httpStatus: 200, captcha: "none_seen" });
    expect(first.reason).toContain("Contact phone: enter the number without the country code (national format, e.g. (415) 555-0142).");
    expect(farm.submissions({ slug: variant.slug }).map((s) => [s.outcome, s.fields.contact_phone])).toEqual([["invalid", "+14155550142"]]);

    const next = analyze(first, 1, variant);
    expect(next).toMatchObject({ action: "fix_and_retry", failureClass: "validation", fixes: [{ field: "tel", want: "national" }] });
    const fixes = next.action === "fix_and_retry" ? next.fixes : [];

    const second = await withPage((page) => submitListing(page, { ...task, attempt: 2, retryHints: { fixes } }, { log: (l) => log.push(l) }));
    expect(second, log.join("\n")).toMatchObject({ outcome: "submitted", httpStatus: 200, captcha: "none_seen" });
    expect(log).toContain("fix applied to contact_phone: tel national");
    expect(second.filled.find((f) => f.type === "tel")?.value).toBe("(415) 555-0142");
    const accepted = farm.submissions({ slug: variant.slug, outcome: "accepted" });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.fields.contact_phone).toBe("(415) 555-0142");
  });

  it("a captcha widget that loads late: missed without the hint, waited for and solved when the retry expects it", async () => {
    const variant = farm.variantsFor("recaptcha-token")[2]!;
    // The widget gets its site key 1.5 s after the page is ready, as a slow captcha script would render it (pooled pages: removed after).
    const late = async <T>(page: Page, run: () => Promise<T>): Promise<T> => {
      const { identifier } = await page.evaluateOnNewDocument(`document.addEventListener("DOMContentLoaded", () => {
        for (const w of document.querySelectorAll("[data-sitekey]")) {
          const key = w.getAttribute("data-sitekey");
          w.removeAttribute("data-sitekey");
          setTimeout(() => w.setAttribute("data-sitekey", key), 1500);
        }
      });`);
      try {
        return await run();
      } finally {
        await page.removeScriptToEvaluateOnNewDocument(identifier);
      }
    };
    const first = await withPage((page) => late(page, () => submitListing(page, taskFor(farm, variant), { solver: solver() })));
    expect(first).toMatchObject({ outcome: "failed", failureClass: "captcha", captcha: "unsolved" });
    expect(farm.submissions({ slug: variant.slug })).toEqual([]);

    const log: string[] = [];
    const second = await withPage((page) =>
      late(page, () => submitListing(page, { ...taskFor(farm, variant), attempt: 2, retryHints: { fixes: [], expectCaptcha: true } }, { solver: solver(), log: (l) => log.push(l) })),
    );
    expect(second, log.join("\n")).toMatchObject({ outcome: "submitted", captcha: "solved" });
    expect(log.some((l) => /captcha widget appeared after \d+ ms/.test(l))).toBe(true);
    expect(farm.submissions({ slug: variant.slug, outcome: "accepted" })).toHaveLength(1);
  });

  it("a page that is gone fails as site_gone", async () => {
    const variant = farm.variantsFor("classic-for")[4]!;
    const result = await withPage((page) => submitListing(page, taskFor(farm, variant, { submitUrl: `${farm.url}${variant.basePath}no-such-form` }), {}));
    expect(result).toMatchObject({ outcome: "failed", failureClass: "site_gone" });
  });

  it("a recipe gets from the home page to the form", async () => {
    const variant = farm.variantsFor("classic-for")[2]!;
    const result = await withPage((page) =>
      submitListing(page, taskFor(farm, variant, { submitUrl: null }), {
        recipe: {
          steps: [
            { action: "click", text: "Add your business" },
            { action: "waitFor", selector: "form#listing-form" },
          ],
          submit: { text: "Submit listing" },
        },
      }),
    );
    expect(result.outcome).toBe("submitted");
    expect(farm.submissions({ slug: variant.slug, outcome: "accepted" })).toHaveLength(1);
  });

  it("a confirmation that links to the live listing is approved", async () => {
    const instant = await startFarm({ variants: 120, publishDelayMs: 0, seed: "engine-approved" });
    try {
      const variant = instant.variantFor("classic-for");
      const result = await withPage((page) => submitListing(page, taskFor(instant, variant), {}));
      expect(result).toMatchObject({ outcome: "approved", listingUrl: instant.listings({ slug: variant.slug })[0]!.url });
    } finally {
      await instant.close();
    }
  });

  it("without a submit URL or recipe the engine follows the site's own 'add your business' link", async () => {
    const variant = farm.variantsFor("de-branchenbuch")[1]!;
    const result = await withPage((page) => submitListing(page, taskFor(farm, variant, { submitUrl: null }), {}));
    expect(result.outcome).toBe("submitted");
    expect(farm.submissions({ slug: variant.slug, outcome: "accepted" })).toHaveLength(1);
  });
});
