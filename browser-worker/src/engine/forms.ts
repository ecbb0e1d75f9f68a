/**
 * Finding the listing form: the mapper's forms in every frame, scored by
 * the listing fields they hold, polled briefly so forms built by script
 * after load are found too.
 */
import { mapPage } from "../mapper/index";
import type { MappedForm, MappedPage } from "../mapper/types";
import type { FieldType } from "../../../core/vocabulary";
import { frameList, isNavigationRace, sleep, type EngineFrame, type EnginePage } from "./page";

const FILLABLE: ReadonlySet<FieldType> = new Set<FieldType>([
  "name",
  "given-name",
  "family-name",
  "email",
  "tel",
  "url",
  "street-address",
  "address-line1",
  "address-line2",
  "address-level2",
  "address-level1",
  "postal-code",
  "country",
  "description",
  "category",
  "hours",
  "username",
  "new-password",
  "social-facebook",
  "social-instagram",
  "social-linkedin",
  "social-twitter",
  "social-youtube",
  "social-tiktok",
  "social-other",
]);

/**
 * The form's kind, with one generic correction: a "login" form that asks for
 * more than one identifier and a password (e-mail AND username, or any other
 * listing field) is a sign-up form, whatever the mapper concluded.
 */
export function formKind(form: MappedForm): MappedForm["kind"] {
  if (form.kind !== "login") return form.kind;
  const visible = form.fields.filter((f) => f.visible && f.type !== "honeypot" && f.type !== "unknown" && f.type !== "terms" && f.type !== "captcha");
  const identifiers = visible.filter((f) => f.type === "email" || f.type === "username").length;
  const others = visible.filter((f) => !["email", "username", "current-password", "new-password"].includes(f.type)).length;
  return identifiers > 1 || others > 0 ? "signup" : "login";
}

/** How much a form looks like a listing form (0 = not at all; sign-in forms never). */
export function listingScore(form: MappedForm): number {
  const kind = formKind(form);
  if (kind === "login") return 0;
  let score = 0;
  for (const f of form.fields) {
    if (!f.visible || f.type === "honeypot") continue;
    if (f.type === "organization") score += 3;
    else if (FILLABLE.has(f.type) || f.type === "captcha" || f.type === "terms" || f.type === "current-password") score += 1;
  }
  return score;
}

export interface FoundForm {
  form: MappedForm;
  frame: EngineFrame;
  score: number;
}

/** The best listing form on the page as mapped, or null. */
export function bestForm(page: EnginePage, mapped: MappedPage, minScore = 2): FoundForm | null {
  const frames = frameList(page);
  let best: FoundForm | null = null;
  for (const form of mapped.forms) {
    const score = listingScore(form);
    const frame = frames[form.frame];
    if (!frame || score < minScore) continue;
    if (!best || score > best.score) best = { form, frame, score };
  }
  return best;
}

export async function mapSafely(page: EnginePage): Promise<MappedPage | null> {
  try {
    return await mapPage(page);
  } catch (err) {
    if (isNavigationRace(err)) return null;
    throw err;
  }
}

/** Between looks for a form built by script (it was 250 ms while every look sent the whole mapper). */
export const FORM_POLL_MS = 100;

/** Polls the mapper until a listing form appears (script-built forms come late), or the time is up. */
export async function waitForListingForm(page: EnginePage, timeoutMs: number, log: (line: string) => void): Promise<FoundForm | null> {
  const started = Date.now();
  for (let round = 0; ; round++) {
    const mapped = await mapSafely(page);
    const found = mapped ? bestForm(page, mapped) : null;
    if (found) {
      if (round === 0) return found;
      // A form that just appeared may still be growing: look once more.
      await sleep(200);
      const again = await mapSafely(page);
      const settled = again ? bestForm(page, again) : null;
      log(`form appeared after ${Date.now() - started} ms`);
      return settled && settled.score >= found.score ? settled : found;
    }
    if (Date.now() - started > timeoutMs) return null;
    // A look is one small call now that the mapper is kept on the document (mapper/page.ts): look often.
    await sleep(FORM_POLL_MS);
  }
}
