/**
 * Submitting one form page and waiting until the page has answered: a new
 * document (redirect-after-POST, a re-rendered form, a wizard's next page),
 * or an in-place change that has settled (fetch-submitting apps), or the
 * browser's own validation refusing to send the form.
 */
import { call, type Probe } from "./inpage";
import type { EngineFrame, EnginePage, EngineResponse } from "./page";
import { isNavigationRace, sleep } from "./page";
import { PHRASES } from "./phrases";

export interface SubmitOptions {
  /** Any field of the form (locates the form and its button). */
  fieldSelector: string;
  submitSelector?: string;
  /** Folded-text pattern for the button (a recipe's `submit.text`). */
  submitPattern?: string;
  timeoutMs: number;
  log: (line: string) => void;
}

export interface Settled {
  how: "navigated" | "in-place" | "invalid" | "timeout" | "no-button";
  /** The navigation's response, when the library reported it. */
  response: EngineResponse | null;
  /** Fields the browser refused (HTML5 validation), when `invalid`. */
  invalidFields: Probe["invalidFields"];
  buttonText: string;
}

function randomId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export async function submitAndSettle(page: EnginePage, frame: EngineFrame, opts: SubmitOptions): Promise<Settled> {
  const marker = randomId();
  const prep = await call(frame, "prepareSubmit", {
    marker,
    fieldSelector: opts.fieldSelector,
    submitSelector: opts.submitSelector,
    submitPattern: opts.submitPattern,
    submitWords: PHRASES.submit.source,
    notSubmitWords: PHRASES.notSubmit.source,
  });
  let response: EngineResponse | null = null;
  let navDone = false;
  let navSettled = false;
  const nav = frame.waitForNavigation
    ? frame
        .waitForNavigation({ timeout: opts.timeoutMs, waitUntil: "load" })
        .then((r) => {
          response = r;
          navDone = true;
        })
        .catch(() => {})
        .finally(() => {
          navSettled = true;
        })
    : undefined;
  // Between probes: the poll interval, or sooner when the navigation's load event comes (an event, not a sleep).
  const pause = (ms: number) => (nav && !navSettled ? Promise.race([sleep(ms), nav]) : sleep(ms));

  if (prep.button) {
    opts.log(`submit: clicking "${prep.text.slice(0, 40)}"`);
    try {
      await frame.click(prep.button);
    } catch (err) {
      if (!isNavigationRace(err)) {
        // Covered or off-screen: a synthetic click still submits.
        try {
          await call(frame, "clickTagged", { selector: prep.button });
        } catch (inner) {
          if (!isNavigationRace(inner)) throw inner;
        }
      }
    }
  } else if (prep.formFound) {
    opts.log("submit: no button found, requestSubmit()");
    await call(frame, "requestSubmit", undefined).catch((err) => {
      if (!isNavigationRace(err)) throw err;
    });
  } else if (page.keyboard) {
    opts.log("submit: no form or button, pressing Enter");
    await frame.evaluate(`(() => { const el = document.querySelector(${JSON.stringify(opts.fieldSelector)}); if (el) el.focus(); })()`).catch(() => {});
    await page.keyboard.press("Enter");
  } else {
    return { how: "no-button", response: null, invalidFields: [], buttonText: "" };
  }

  const started = Date.now();
  let lastSig = prep.signature;
  let changedAt = 0;
  await pause(120);
  while (Date.now() - started < opts.timeoutMs) {
    let p: Probe | null = null;
    try {
      p = await call(frame, "probe", { marker });
    } catch (err) {
      if (!isNavigationRace(err)) throw err;
    }
    if (p) {
      if (!p.sameDoc) {
        if (p.readyState === "complete" || (p.readyState === "interactive" && navDone)) {
          // The navigation's response (its status) comes with its load event: wait for that event, at most 50 ms, not a fixed 50 ms.
          if (!nav) await sleep(50);
          else if (!navSettled) await Promise.race([sleep(50), nav]);
          return { how: "navigated", response, invalidFields: [], buttonText: prep.text };
        }
      } else if (!p.unloading) {
        if (p.invalidBlocked && Date.now() - started > 250) return { how: "invalid", response: null, invalidFields: p.invalidFields, buttonText: prep.text };
        if (p.signature !== lastSig) {
          lastSig = p.signature;
          changedAt = Date.now();
        } else if (changedAt && !p.busy && Date.now() - changedAt > 450) {
          return { how: "in-place", response: null, invalidFields: [], buttonText: prep.text };
        }
      }
    }
    await pause(100);
  }
  return { how: "timeout", response, invalidFields: [], buttonText: prep.text };
}
