/**
 * Reading the page after a submit: did the directory take the listing, want
 * an e-mail confirmed, refuse a field, know the business already, slow us
 * down, block us, or move on to the next page of a wizard? A pure function
 * of what the page shows (in the seven languages), so it is tested without
 * a browser.
 */
import type { FailureClass } from "../../../core/protocol/tasks";
import type { PageState } from "./inpage";
import { verdictForStatus } from "./navigate";
import { says } from "./phrases";
import type { Settled } from "./submit";
import { clip, fold } from "../../../core/text";
import { fieldTitle, type FieldInput } from "./values";

export type Classification =
  | { kind: "continue" }
  | { kind: "success"; emailPending: boolean; live: boolean; confirmationText: string; listingUrl?: string }
  | { kind: "failed"; failureClass: FailureClass; reason: string; retryAfterSeconds?: number };

export interface ClassifyInput {
  state: PageState;
  /** HTTP status of the document shown (0 when unknown or unchanged). */
  status: number;
  headers?: Record<string, string>;
  settled: Pick<Settled, "how" | "invalidFields">;
  /** The fields of the page just submitted. */
  fields: FieldInput[];
  /** A listing form with fields not seen on the previous page is on screen (a wizard's next page). */
  newForm: boolean;
  /** The same form is back (same controls). */
  sameFormBack: boolean;
  /** URL of the form page just submitted (a link back to it is not the listing). */
  formUrl: string;
  /** Extra success phrases from the directory's recipe. */
  successText?: string[];
  timeoutMs: number;
}

/** "try again in 5 minutes" / "in 30 Sekunden" → seconds. */
export function retryAfterFromText(text: string): number | undefined {
  const m = /(\d+)\s*(seconds?|secs?|sekunden?|secondes?|segundos?|secondi|seconden|minutes?|mins?|minuten?|minutos?|minuti|hours?|stunden?|heures?|horas?|ore|uur)/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  if (/^(h|s?tunde|heure|hora|ore|uur)/.test(unit)) return Math.min(43_200, n * 3600);
  if (/^min/.test(unit)) return Math.min(43_200, n * 60);
  return Math.min(43_200, n);
}

function namedFields(messages: string[], fields: FieldInput[]): string[] {
  const text = fold(messages.join(" "));
  const names: string[] = [];
  for (const f of fields) {
    const label = fold((f.details.label || f.mapped.label || "").replace(/[*:]/g, ""));
    if (label.length >= 2 && text.includes(label) && !names.includes(fieldTitle(f))) names.push(fieldTitle(f));
  }
  return names;
}

function findField(name: string, label: string, fields: FieldInput[]): FieldInput | undefined {
  return fields.find((f) => (name && (f.details.name === name || f.details.id === name || f.mapped.name === name)) || (label && fold(f.details.label) === fold(label)));
}

/** The listing's public URL, when the confirmation shows one. */
export function listingUrlFrom(state: PageState, formUrl: string): string | undefined {
  const here = state.url.split("#")[0];
  const form = formUrl.split("#")[0]!.split("?")[0];
  const origin = (u: string) => {
    try {
      return new URL(u).origin;
    } catch {
      return "";
    }
  };
  const candidates = state.links.filter((l) => /^https?:/i.test(l.href) && !l.inChrome && l.href.split("#")[0] !== here && l.href.split("?")[0] !== form);
  const listingish =
    /\/(listings?|business(es)?|compan(y|ies)|biz|places?|entry|entries|eintrag|firma|firmen|fiche|fiches|ficha|empresa|scheda|azienda|bedrijf|vermelding|profile|profil|perfil|p|l)\//i;
  const score = (l: (typeof candidates)[number]) =>
    (l.inSuccess ? 4 : 0) + (listingish.test(new URL(l.href).pathname + "/") ? 2 : 0) + (/^https?:\/\//i.test(l.text) || l.text.includes("/") ? 2 : 0) + (origin(l.href) === origin(state.url) ? 1 : 0);
  const best = candidates.map((l) => ({ l, s: score(l) })).sort((a, b) => b.s - a.s)[0];
  return best && best.s >= 4 ? best.l.href : undefined;
}

export function classify(input: ClassifyInput): Classification {
  const { state, fields } = input;
  const alertsText = state.alerts.join(" | ");
  const successText = state.successes.join(" | ");

  // 1. The browser refused to send the form (required/format attributes).
  if (input.settled.how === "invalid") {
    const names = input.settled.invalidFields.map((i) => {
      const f = findField(i.name, i.label, fields);
      return `${f ? fieldTitle(f) : i.label || i.name}${i.message ? `: ${i.message}` : ""}`;
    });
    return { kind: "failed", failureClass: "validation", reason: `the form refused to submit: ${names.join("; ") || "a field is invalid"}` };
  }

  // 2. What HTTP says about the page shown.
  if (input.status) {
    const verdict = verdictForStatus(input.status, input.headers ?? {}, state.url);
    if (verdict) {
      if (verdict.failureClass === "blocked" && says("sessionExpired", `${alertsText} ${state.mainText}`)) {
        return { kind: "failed", failureClass: "transient", reason: `the directory refused the form's security token: ${clip(alertsText || state.mainText, 200)}` };
      }
      if (verdict.failureClass === "rate_limited" && verdict.retryAfterSeconds === 60) {
        const fromText = retryAfterFromText(`${alertsText} ${state.mainText}`);
        if (fromText) verdict.retryAfterSeconds = fromText;
      }
      return {
        kind: "failed",
        failureClass: verdict.failureClass,
        reason: `${verdict.reason}${alertsText ? ` — ${clip(alertsText, 200)}` : ""}`,
        ...(verdict.retryAfterSeconds !== undefined ? { retryAfterSeconds: verdict.retryAfterSeconds } : {}),
      };
    }
    if (input.status === 400 && says("blocked", `${alertsText} ${state.mainText}`)) {
      return { kind: "failed", failureClass: "blocked", reason: `the directory rejected the submission (HTTP 400): ${clip(alertsText || state.mainText, 200)}` };
    }
  }

  // 3. Fields marked invalid by the directory.
  if (state.invalid.length) {
    const entries = state.invalid.map((i) => ({ i, f: findField(i.name, i.label, fields) }));
    const captcha = entries.filter(({ i, f }) => f?.type === "captcha" || /captcha|recaptcha/i.test(i.name) || (says("captchaWrong", i.message) && !says("validation", i.message)));
    if (captcha.length === entries.length) {
      return { kind: "failed", failureClass: "captcha", reason: `the directory refused the captcha: ${clip(captcha.map(({ i }) => i.message || i.label).join("; "), 200)}` };
    }
    const refused = entries.filter((e) => !captcha.includes(e));
    const parts = refused.map(({ i, f }) => `${f ? fieldTitle(f) : i.label || i.name}${i.message ? ` — "${clip(i.message, 120)}"` : ""}`);
    return { kind: "failed", failureClass: "validation", reason: `the directory refused ${refused.length === 1 ? "a field" : `${refused.length} fields`}: ${parts.join("; ")}` };
  }

  // 4. Messages in alert boxes.
  if (alertsText) {
    if (says("duplicate", alertsText) && !says("taken", alertsText)) return { kind: "failed", failureClass: "duplicate_listing", reason: `listing already exists: ${clip(alertsText, 200)}` };
    if (says("rateLimited", alertsText)) return { kind: "failed", failureClass: "rate_limited", reason: clip(alertsText, 200), retryAfterSeconds: retryAfterFromText(alertsText) ?? 60 };
    if (says("sessionExpired", alertsText)) return { kind: "failed", failureClass: "transient", reason: `the directory refused the form's security token: ${clip(alertsText, 200)}` };
    if (says("blocked", alertsText)) return { kind: "failed", failureClass: "blocked", reason: clip(alertsText, 200) };
    const named = namedFields(state.alerts, fields);
    const captchaField = fields.find((f) => f.type === "captcha");
    if (says("captchaWrong", alertsText) && (!named.length || (captchaField && named.length === 1 && named[0] === fieldTitle(captchaField)))) {
      return { kind: "failed", failureClass: "captcha", reason: `the directory refused the captcha: ${clip(alertsText, 200)}` };
    }
    if (says("validation", alertsText) || named.length || input.sameFormBack) {
      return { kind: "failed", failureClass: "validation", reason: `the directory refused the submission${named.length ? ` (${named.join(", ")})` : ""}: ${clip(alertsText, 240)}` };
    }
  }

  // 5. A success message.
  const custom = (input.successText ?? []).find((t) => fold(state.text).includes(fold(t)));
  if ((successText && (says("success", successText) || says("emailPending", successText))) || custom) {
    return success(state, input.formUrl, successText || custom || "");
  }

  // 6. The next page of a wizard.
  if (input.newForm) return { kind: "continue" };

  // 7. What the page says in its own words.
  const body = `${state.headings} | ${state.mainText}`;
  if (!input.sameFormBack) {
    if (says("duplicate", body)) return { kind: "failed", failureClass: "duplicate_listing", reason: `listing already exists: ${clip(state.headings || state.mainText, 200)}` };
    if (says("rateLimited", body)) return { kind: "failed", failureClass: "rate_limited", reason: clip(state.headings || state.mainText, 200), retryAfterSeconds: retryAfterFromText(body) ?? 60 };
    if (says("success", state.headings) || says("emailPending", body) || (says("success", state.mainText) && !says("validation", state.mainText)))
      return success(state, input.formUrl, state.headings || state.mainText);
    if (says("blocked", body)) return { kind: "failed", failureClass: "blocked", reason: clip(state.headings || state.mainText, 200) };
    if (says("unavailable", body)) return { kind: "failed", failureClass: "transient", reason: clip(state.headings || state.mainText, 200) };
  }
  if (input.settled.how === "timeout") {
    return {
      kind: "failed",
      failureClass: "transient",
      reason: `the directory did not answer the submission within ${Math.round(input.timeoutMs / 1000)} s${state.headings ? ` (page: ${clip(state.headings, 120)})` : ""}`,
    };
  }
  const visible = alertsText || state.headings || state.mainText;
  return {
    kind: "failed",
    failureClass: "transient",
    reason: `${input.sameFormBack ? "the form came back without saying why" : "unclear outcome"}: ${clip(visible || "(empty page)", 240)}`,
  };
}

function success(state: PageState, formUrl: string, text: string): Classification {
  const all = `${state.successes.join(" ")} ${state.headings} ${state.mainText}`;
  const listingUrl = listingUrlFrom(state, formUrl);
  return {
    kind: "success",
    emailPending: says("emailPending", `${state.successes.join(" ")} ${state.headings}`) || (says("emailPending", all) && !state.successes.length),
    live: says("live", all),
    confirmationText: clip(text || state.headings || state.mainText, 300),
    ...(listingUrl ? { listingUrl } : {}),
  };
}
