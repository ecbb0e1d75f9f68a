/**
 * Captchas on the form being submitted: an image captcha (the picture read
 * from the page, sent to the solver, the answer typed in), and token
 * captchas (reCAPTCHA / hCaptcha site key → solver → token into the
 * response field, and the widget's callback called). Without a solver, or
 * when the solver gives up, the attempt fails as `captcha` with the reason.
 *
 * A retry whose hints say the directory wanted a captcha the last attempt
 * did not see waits a few seconds for a widget that loads late
 * (`waitForLateCaptcha`) before solving.
 */
import type { CaptchaSolver } from "./types";
import { call, type FillOp } from "./inpage";
import type { MappedForm } from "../mapper/types";
import { mapSafely } from "./forms";
import { sleep, type EngineFrame, type EnginePage } from "./page";
import type { FieldInput } from "./values";

export type CaptchaOutcome = { ok: true; solved: string[]; ops: FillOp[] } | { ok: false; reason: string };

function randomId(): string {
  return Math.random().toString(36).slice(2, 10);
}

export async function solveCaptchas(frame: EngineFrame, fields: FieldInput[], solver: CaptchaSolver | undefined, log: (line: string) => void): Promise<CaptchaOutcome> {
  const images = fields.filter((f) => f.type === "captcha" && f.details.found && f.details.tag === "input" && f.details.visible);
  const tokens = await call(frame, "findTokenCaptchas", undefined);
  const hiddenResponse = fields.some((f) => f.type === "captcha" && /(g|h)-captcha-response|recaptcha/i.test(f.details.name));
  if (!images.length && !tokens.length) {
    if (hiddenResponse) return { ok: false, reason: "the form has a captcha response field but no widget with a site key the solver could use" };
    return { ok: true, solved: [], ops: [] };
  }
  const kinds = [...(images.length ? ["image"] : []), ...new Set(tokens.map((t) => t.kind))].join(" and ");
  if (!solver) return { ok: false, reason: `the form has a ${kinds} captcha and no captcha solver is configured` };

  const ops: FillOp[] = [];
  const solved: string[] = [];
  try {
    for (const f of images) {
      const image = await call(frame, "captchaImage", { selector: f.mapped.selector, marker: randomId() });
      let base64 = image.base64;
      if (!base64 && image.imageSelector) {
        const handle = await frame.$(image.imageSelector);
        if (handle?.screenshot) base64 = await handle.screenshot({ encoding: "base64", type: "png" });
        await handle?.dispose?.();
      }
      if (!base64) return { ok: false, reason: `could not read the captcha image (${image.error ?? "not readable"})` };
      log(`captcha: image via ${image.via ?? "screenshot"} → solver`);
      const answer = (await solver.solve({ kind: "image", imageBase64: base64 })).trim();
      if (!answer) return { ok: false, reason: "the captcha solver returned an empty answer" };
      ops.push({ selector: f.mapped.selector, kind: "text", value: answer });
      solved.push("image");
    }
    for (const t of tokens) {
      if (!t.siteKey) return { ok: false, reason: `a ${t.kind} widget without a site key` };
      log(`captcha: ${t.kind} site key ${t.siteKey.slice(0, 12)}… → solver`);
      const token = await solver.solve({ kind: t.kind, siteKey: t.siteKey, pageUrl: frame.url() });
      const set = await call(frame, "setCaptchaToken", { kind: t.kind, token, callback: t.callback });
      if (!set && !t.callback) return { ok: false, reason: `no ${t.kind} response field to put the token in` };
      solved.push(t.kind);
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { ok: false, reason: `the captcha solver failed${code ? ` (${code})` : ""}: ${String((err as Error).message ?? err).slice(0, 200)}` };
  }
  return { ok: true, solved, ops };
}

const hasImageCaptcha = (fields: FieldInput[]) => fields.some((f) => f.type === "captcha" && f.details.found && f.details.tag === "input" && f.details.visible);

/**
 * Polls for a token widget or an image captcha that was not there when the
 * form was filled. Returns the form's fields with any new captcha field
 * added (unchanged when none came within `waitMs`).
 */
export async function waitForLateCaptcha(page: EnginePage, frame: EngineFrame, form: MappedForm, fields: FieldInput[], waitMs: number, log: (line: string) => void): Promise<FieldInput[]> {
  if (hasImageCaptcha(fields) || (await call(frame, "findTokenCaptchas", undefined)).length) return fields;
  const started = Date.now();
  const known = new Set(fields.map((f) => f.mapped.selector));
  while (Date.now() - started < waitMs) {
    await sleep(250);
    if ((await call(frame, "findTokenCaptchas", undefined)).length) {
      log(`captcha widget appeared after ${Date.now() - started} ms`);
      return fields;
    }
    const mapped = await mapSafely(page);
    const again = mapped?.forms.find((f) => f.frame === form.frame && f.index === form.index);
    const late = again?.fields.filter((f) => f.type === "captcha" && f.visible && !known.has(f.selector)) ?? [];
    if (late.length) {
      const details = await call(frame, "describeFields", { selectors: late.map((f) => f.selector) });
      const added = late.map((mapped, i) => ({ mapped, details: details[i]!, type: mapped.type }));
      if (hasImageCaptcha(added)) {
        log(`image captcha appeared after ${Date.now() - started} ms`);
        return [...fields, ...added];
      }
    }
  }
  log(`no captcha appeared within ${waitMs} ms`);
  return fields;
}
