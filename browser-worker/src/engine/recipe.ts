/**
 * Directory recipes: a few declarative steps that get the engine from the
 * directory's page to its form when mapping alone cannot ("click 'Add your
 * business'", "wait for #signup", "next page"), plus hints for submitting
 * and for recognising success. Optional and generic: a directory without a
 * recipe is handled by the engine's own rules. JSON-serialisable, so a
 * recipe can live with the directory's catalog row later.
 */
import { call } from "./inpage";
import { frameList, sleep, type EngineFrame, type EnginePage } from "./page";
import { PHRASES } from "./phrases";
import { submitAndSettle } from "./submit";
import { fold } from "../../../core/text";

export type RecipeStep =
  /** Open a URL (absolute, or relative to the current page). */
  | { action: "goto"; url: string }
  /** Click the element matching `selector`, or the smallest visible link/button whose text contains `text`; then wait for the page to settle. */
  | { action: "click"; selector?: string; text?: string; optional?: boolean }
  /** Wait until `selector` exists in some frame. */
  | { action: "waitFor"; selector: string; timeoutMs?: number; optional?: boolean }
  | { action: "wait"; ms: number }
  /** Click the page's "next"/"continue" control (or `text`/`selector`) and wait for the next page. */
  | { action: "next"; text?: string; selector?: string };

export interface Recipe {
  /** Where to start instead of the directory's submit URL / website. */
  startUrl?: string;
  /** Run after the first page loads, before the engine looks for the form. */
  steps?: RecipeStep[];
  /** The form's submit control, when the engine's choice is wrong. */
  submit?: { selector?: string; text?: string };
  /** Phrases that mean success on this directory, besides the engine's own. */
  successText?: string[];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A folded-text pattern for a phrase (what `clickByText` and the submit chooser match). */
export function textPattern(text: string): string {
  return `(?:^|\\s)${escapeRe(fold(text)).replace(/ /g, "\\s+")}`;
}

async function frameWith(page: EnginePage, selector: string): Promise<EngineFrame | undefined> {
  for (const frame of frameList(page)) {
    try {
      if (await frame.evaluate(`!!document.querySelector(${JSON.stringify(selector)})`)) return frame;
    } catch {
      /* detached or navigating */
    }
  }
  return undefined;
}

async function clickAndSettle(page: EnginePage, selector: string | undefined, pattern: string | undefined, timeoutMs: number, log: (line: string) => void): Promise<boolean> {
  let frame: EngineFrame | undefined;
  let target = selector;
  if (selector) frame = await frameWith(page, selector);
  else if (pattern) {
    for (const f of frameList(page)) {
      const tagged = await call(f, "clickByText", { pattern, marker: Math.random().toString(36).slice(2, 9) }).catch(() => null);
      if (tagged) {
        frame = f;
        target = tagged;
        break;
      }
    }
  }
  if (!frame || !target) return false;
  const settled = await submitAndSettle(page, frame, { fieldSelector: target, submitSelector: target, timeoutMs, log });
  log(`recipe: clicked ${selector ?? pattern?.slice(0, 60)} (${settled.how})`);
  return true;
}

export async function runRecipe(page: EnginePage, steps: RecipeStep[], timeoutMs: number, log: (line: string) => void): Promise<{ ok: true } | { ok: false; reason: string }> {
  for (const [i, step] of steps.entries()) {
    const where = `recipe step ${i + 1} (${step.action})`;
    switch (step.action) {
      case "goto": {
        const url = new URL(step.url, page.url()).href;
        await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
        break;
      }
      case "wait":
        await sleep(step.ms);
        break;
      case "waitFor": {
        const limit = step.timeoutMs ?? timeoutMs;
        const started = Date.now();
        while (!(await frameWith(page, step.selector))) {
          if (Date.now() - started > limit) {
            if (step.optional) break;
            return { ok: false, reason: `${where}: ${step.selector} did not appear within ${limit} ms` };
          }
          await sleep(150);
        }
        break;
      }
      case "click":
      case "next": {
        const pattern = step.text ? textPattern(step.text) : step.action === "next" && !step.selector ? PHRASES.submit.source : undefined;
        const clicked = await clickAndSettle(page, step.selector, pattern, Math.min(timeoutMs, 10_000), log);
        if (!clicked && !(step.action === "click" && step.optional)) return { ok: false, reason: `${where}: nothing to click for ${step.selector ?? JSON.stringify(step.text ?? "next")}` };
        break;
      }
    }
  }
  return { ok: true };
}

/** Without a recipe or a submit URL: follow the page's "add your business" link, if it has one. */
export async function followAddBusinessLink(page: EnginePage, timeoutMs: number, log: (line: string) => void): Promise<boolean> {
  return clickAndSettle(page, undefined, PHRASES.addBusiness.source, Math.min(timeoutMs, 10_000), log);
}
