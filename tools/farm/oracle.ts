/**
 * The answer key in action: submits a directory's form with plain
 * puppeteer-core using the design's ground truth (not a mapper), walking
 * wizards, waiting for script-built forms, entering iframes, operating
 * styled dropdowns and solving captchas through the solver stand-in.
 * The farm's tests use it to prove every design can be completed; the
 * browser worker's tests can use it as the reference to compare against.
 */
import type { ElementHandle, Frame, HTTPResponse, Page } from "puppeteer-core";
import { fieldsOnStep } from "./render/form.ts";
import { sampleValue, SAMPLE_BUSINESS } from "./sample.ts";
import type { FieldSpec, Variant } from "./types.ts";
import type { FieldType } from "../../core/vocabulary.ts";

export interface OracleOptions {
  /** The farm's base URL. */
  farmUrl: string;
  business?: Partial<Record<FieldType, string>>;
  timeoutMs?: number;
}

export interface OracleResult {
  /** The frame holding the form (the page's main frame, or the iframe's). */
  frame: Frame;
  /** Visible text after the last submit. */
  text: string;
  /** Values filled, by control name. */
  filled: Record<string, string | string[]>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `[name="..."]` for any control name (brackets, dollars and dots included). */
export function byName(name: string): string {
  return `[name="${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"]`;
}

/** Opens a URL, waiting out 429 and 5xx answers as a polite client does (Retry-After, capped). */
export async function gotoPatiently(page: Page, url: string, timeoutMs = 15_000): Promise<HTTPResponse | null> {
  for (let attempt = 0; ; attempt++) {
    const response = await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
    const status = response?.status() ?? 0;
    if ((status !== 429 && status < 500) || attempt >= 4) return response;
    const wait = Number(response?.headers()["retry-after"] ?? "1");
    await sleep(Math.min(Number.isFinite(wait) ? wait : 1, 3) * 1000);
  }
}

/** Solves a captcha through the farm's 2Captcha-style stand-in: in.php, then res.php until ready. */
export async function solveViaStandIn(farmUrl: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ key: "farm-test-key", ...params });
  const created = await (await fetch(`${farmUrl}/__solver/in.php`, { method: "POST", body })).text();
  if (!created.startsWith("OK|")) throw new Error(`solver in.php: ${created}`);
  const id = created.slice(3);
  for (let i = 0; i < 50; i++) {
    const answer = await (await fetch(`${farmUrl}/__solver/res.php?key=farm-test-key&action=get&id=${id}`)).text();
    if (answer.startsWith("OK|")) return answer.slice(3);
    if (answer !== "CAPCHA_NOT_READY") throw new Error(`solver res.php: ${answer}`);
    await sleep(100);
  }
  throw new Error("solver never ready");
}

async function fillField(frame: Frame, field: FieldSpec, value: string | string[], farmUrl: string, pageUrl: string): Promise<void> {
  const selector = byName(field.name);
  const values = Array.isArray(value) ? value : [value];
  switch (field.control) {
    case "select":
      await frame.select(selector, ...values);
      return;
    case "checkbox": {
      const box = (await frame.$(selector))!;
      if (!(await box.evaluate((el) => (el as HTMLInputElement).checked))) await box.click();
      return;
    }
    case "checkboxes":
    case "radios":
      for (const v of values) await (await frame.$(`${selector}[value="${v}"]`))!.click();
      return;
    case "listbox": {
      const hidden = (await frame.$(`input[type=hidden]${selector}`))!;
      const dropdown = (await hidden.evaluateHandle((el) => el.closest("[data-dropdown]")!)) as ElementHandle<Element>;
      await (await dropdown.$(".dd-toggle"))!.click();
      const option = (await dropdown.waitForSelector(`[role=option][data-value="${values[0]}"]`, { visible: true }))!;
      await option.click();
      return;
    }
    case "captcha-image": {
      const input = (await frame.$(selector))!;
      const image = (await input.evaluateHandle((el) => el.closest(".captcha")!.querySelector("img")!)) as ElementHandle<HTMLImageElement>;
      // What a worker does: screenshot the image and send it to the solver.
      const png = await image.screenshot({ encoding: "base64" });
      const answer = await solveViaStandIn(farmUrl, { method: "base64", body: png });
      await input.type(answer);
      return;
    }
    case "captcha-token": {
      const hcaptcha = field.captchaProvider === "hcaptcha";
      const siteKey = await frame.$eval("[data-sitekey]", (el) => el.getAttribute("data-sitekey")!);
      const token = await solveViaStandIn(farmUrl, hcaptcha ? { method: "hcaptcha", sitekey: siteKey, pageurl: pageUrl } : { method: "userrecaptcha", googlekey: siteKey, pageurl: pageUrl });
      await frame.$eval(selector, (el, t) => ((el as HTMLTextAreaElement).value = t), token);
      return;
    }
    default:
      // Set the value and fire the events a person's typing would (fast, and frameworks notice).
      await frame.$eval(
        selector,
        (el, v) => {
          const input = el as HTMLInputElement;
          input.focus();
          input.value = v;
          input.dispatchEvent(new Event("input", { bubbles: true }));
          input.dispatchEvent(new Event("change", { bubbles: true }));
        },
        values[0]!,
      );
  }
}

/** Submits the variant's form with the ground truth's values; throws when a page does not come as expected. */
export async function submitWithGroundTruth(page: Page, variant: Variant, options: OracleOptions): Promise<OracleResult> {
  const { design } = variant;
  const timeout = options.timeoutMs ?? 15_000;
  const business = options.business ?? SAMPLE_BUSINESS;
  const submitUrl = `${options.farmUrl}${variant.basePath}${design.submitPath}`;
  const response = await gotoPatiently(page, submitUrl, timeout);
  if (!response?.ok()) throw new Error(`GET ${submitUrl}: ${response?.status()}`);

  let frame = page.mainFrame();
  if (design.delivery === "iframe") {
    const element = (await page.waitForSelector("iframe", { timeout }))!;
    frame = (await element.contentFrame())!;
  }
  const filled: Record<string, string | string[]> = {};
  for (let step = 1; step <= design.steps; step++) {
    // Script-built forms appear after load: wait for the form, not for the page.
    await frame.waitForSelector("form#listing-form [type=submit]", { timeout });
    for (const field of fieldsOnStep(design, step)) {
      const value = field.type === "captcha" ? "" : sampleValue(field, business);
      if (value === undefined) continue;
      await fillField(frame, field, value, options.farmUrl, page.url());
      if (field.type !== "captcha") filled[field.name] = value;
    }
    const button = (await frame.$("form#listing-form [type=submit]"))!;
    if (design.delivery === "spa-fetch") {
      await button.click();
      await frame.waitForSelector("#app .alert", { timeout });
    } else {
      await Promise.all([frame.waitForNavigation({ waitUntil: "load", timeout }), button.click()]);
    }
  }
  const text = await frame.$eval("body", (el) => (el as HTMLElement).innerText);
  return { frame, text, filled };
}
