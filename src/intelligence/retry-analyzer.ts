/**
 * IntelligentRetryAnalyzer: from a failed attempt (the worker's failure class
 * and reason, the HTTP status, the captcha outcome, the directory's history)
 * decide what kind of failure it really was and what to do next:
 *
 * - `retry`: try again after a delay (the coordinator's retry policy decides
 *   attempts and backoff; this module only sharpens the class it is fed);
 * - `retry_with_captcha`: the directory wanted a captcha this attempt had no
 *   answer for: try again with the solver;
 * - `fix_and_retry`: the directory refused a value in a format we can change
 *   (a phone it wants national or international, a URL without a scheme, a
 *   description too long): try once more with that value changed;
 * - `stop`: final, with a reason written for staff (what happened, how often,
 *   what a person could do).
 *
 * It builds on src/intelligence/retry-policy.ts (MAX_ATTEMPTS,
 * backoff, Retry-After) rather than repeating it.
 */
import { decideAfterFailure, MAX_ATTEMPTS } from "./retry-policy";
import type { CaptchaOutcome, FailureClass, ValueFix } from "../../core/protocol/tasks";
import type { DirectoryStats } from "./types";

export interface FailureEvidence {
  failureClass: FailureClass;
  /** The worker's reason: page text, validation message, HTTP summary. */
  reason?: string;
  /** HTTP status of the page shown, when known. */
  httpStatus?: number;
  retryAfterSeconds?: number;
  /** What happened with a captcha on this attempt. */
  captcha?: CaptchaOutcome;
  /** The attempt that failed (1-based). */
  attempt: number;
  /** Fixes already tried for this submission (fix keys). */
  fixesTried?: readonly string[];
  directoryName?: string;
}

export type { ValueFix };

export type RetryAction =
  | { action: "retry"; failureClass: FailureClass; delayMs: number }
  | { action: "retry_with_captcha"; failureClass: FailureClass; delayMs: number }
  | { action: "fix_and_retry"; failureClass: FailureClass; delayMs: number; fixes: ValueFix[]; fixKeys: string[] }
  /** `reason`: short, for the submission (the customer sees it); `staffReason`: what happened and what a person could do. */
  | { action: "stop"; failureClass: FailureClass; status: "failed" | "skipped"; reason: string; staffReason: string };

export interface RetryAnalyzerOptions {
  /** Consecutive failures at a directory after which a transient one is not retried. */
  giveUpAfterConsecutive?: number;
  random?: () => number;
}

const FIX_DELAY_MS = 5_000;

/** Validation messages about a value's format that the engine can meet, in the farm's seven languages' common words. */
const FIXES: { test: RegExp; fix: ValueFix }[] = [
  {
    test: /(phone|telefon|téléphone|telefono|teléfono|tel\.?)\b[^.;]*\b(digits only|only digits|numbers only|only numbers|nur ziffern|chiffres uniquement|solo (números|numeri))/i,
    fix: { field: "tel", want: "digits" },
  },
  {
    test: /(phone|telefon|téléphone|telefono|teléfono|tel\.?)\b[^.;]*\b(national|local|without (the )?(country|\+)|ohne (\+|vorwahl|länder ?vorwahl|landesvorwahl)|sans (\+|indicatif)|sin (\+|prefijo|código de país)|senza (\+|prefisso)|10 digits|digits only)/i,
    fix: { field: "tel", want: "national" },
  },
  { test: /(phone|telefon|téléphone|telefono|teléfono)\b[^.;]*\b(international|country code|\+\d|e\.?164|ländervorwahl|indicatif)/i, fix: { field: "tel", want: "international" } },
  { test: /(url|website|webseite|site web|sitio web)\b[^.;]*\b(http|scheme|protocol|valid url|gültige url|url valide)/i, fix: { field: "url", want: "with_scheme" } },
  { test: /(url|website)\b[^.;]*\b(home ?page|domain only|no path|root)/i, fix: { field: "url", want: "without_path" } },
  {
    test: /(description|beschreibung|descripción|descrizione)\b[^.;]*\b(too long|at most|maximum|max\.?|höchstens|trop long|demasiado larga|troppo lunga)/i,
    fix: { field: "description", want: "shorter" },
  },
  {
    test: /(description|beschreibung|descripción|descrizione)\b[^.;]*\b(too short|at least|minimum|mindestens|trop court|demasiado corta|troppo corta)/i,
    fix: { field: "description", want: "longer" },
  },
  { test: /(zip|postal|postcode|plz|code postal)\b[^.;]*\b(digits|numeric|numbers only|5 digits|ziffern)/i, fix: { field: "postal-code", want: "digits_only" } },
];

const CAPTCHA_MISSING =
  /(captcha|recaptcha|hcaptcha|are you (a )?human|robot)\b[^.;]*\b(required|missing|complete|solve|ausfüllen|obligatoire|requerido|obbligatorio)|please (complete|solve) the captcha/i;
const MAINTENANCE = /maintenance|temporarily unavailable|try again later|server error|service unavailable|wartungsarbeiten|vorübergehend|momentanément|temporalmente|temporaneamente/i;
const BOT_WALL = /access denied|cloudflare|checking your browser|bot detected|unusual traffic|automated (requests|queries)|zugriff verweigert|accès refusé/i;

export class IntelligentRetryAnalyzer {
  private readonly giveUpAfterConsecutive: number;
  private readonly random?: () => number;

  constructor(options: RetryAnalyzerOptions = {}) {
    this.giveUpAfterConsecutive = options.giveUpAfterConsecutive ?? 8;
    this.random = options.random;
  }

  /** The class the evidence supports, which may differ from the worker's first guess. */
  classify(e: FailureEvidence): FailureClass {
    const text = e.reason ?? "";
    if (e.httpStatus === 429) return "rate_limited";
    if (e.httpStatus === 404 || e.httpStatus === 410) return "site_gone";
    if (e.failureClass === "validation" && (CAPTCHA_MISSING.test(text) || e.captcha === "missing")) return "captcha";
    if ((e.failureClass === "validation" || e.failureClass === "blocked") && MAINTENANCE.test(text) && !BOT_WALL.test(text)) return "transient";
    if (e.failureClass === "transient" && BOT_WALL.test(text)) return "blocked";
    if (e.httpStatus !== undefined && e.httpStatus >= 500 && e.failureClass !== "rate_limited") return "transient";
    return e.failureClass;
  }

  /** The first value fix a validation message asks for, if the engine can make it. */
  fixFor(reason: string | undefined): { fix: ValueFix; fixKey: string } | null {
    return this.fixesFor(reason)[0] ?? null;
  }

  /**
   * Every value fix a message asks for, at most one per field (a refusal may
   * name several fields). A description's limit is read from the words after
   * the match ("at most 300 characters"), so the retry can fit it exactly.
   */
  fixesFor(reason: string | undefined): { fix: ValueFix; fixKey: string }[] {
    if (!reason) return [];
    const found: { fix: ValueFix; fixKey: string }[] = [];
    for (const f of FIXES) {
      if (found.some((x) => x.fix.field === f.fix.field)) continue;
      const m = f.test.exec(reason);
      if (!m) continue;
      let fix: ValueFix = f.fix;
      if (fix.field === "description") {
        const after = reason.slice(m.index, m.index + m[0].length + 40);
        const n = /(\d{2,5})\s*(characters|chars|zeichen|caractères|caracteres|caratteri|tekens|carateres)?(?!\s*(words|wörter|mots|palabras|parole|woorden|palavras))/i.exec(
          after.slice(m[0].length - Math.min(m[0].length, 12)),
        );
        const limit = n ? Number(n[1]) : NaN;
        if (Number.isFinite(limit) && limit >= 10) fix = fix.want === "shorter" ? { ...fix, maxLength: limit } : { ...fix, minLength: limit };
      }
      found.push({ fix, fixKey: `${f.fix.field}:${f.fix.want}` });
    }
    return found;
  }

  analyze(e: FailureEvidence, history?: Pick<DirectoryStats, "consecutiveFailures" | "failuresByClass" | "lastRetryAfterSeconds"> | null): RetryAction {
    const failureClass = this.classify(e);
    const where = e.directoryName ? ` at ${e.directoryName}` : "";
    const said = e.reason?.trim() ? ` The directory said: "${e.reason.trim().slice(0, 300)}"` : "";

    if (failureClass === "validation") {
      const fixes = this.fixesFor(e.reason);
      const untried = fixes.filter((f) => !(e.fixesTried ?? []).includes(f.fixKey));
      if (untried.length) {
        return { action: "fix_and_retry", failureClass, delayMs: FIX_DELAY_MS, fixes: untried.map((f) => f.fix), fixKeys: untried.map((f) => f.fixKey) };
      }
      const tried = fixes.map((f) => `the ${f.fix.field} ${f.fix.want.replace("_", " ")}`).join(" and ");
      return {
        action: "stop",
        failureClass,
        status: "failed",
        reason: `validation: ${e.reason?.trim() || "a value was refused"}`,
        staffReason: `The directory refused a value of the listing${where}${tried ? ` even after sending ${tried}` : ""}; check the profile or submit by hand.${said}`,
      };
    }

    // A directory that fails every time is not worth another transient retry.
    if (failureClass === "transient" && history && history.consecutiveFailures >= this.giveUpAfterConsecutive) {
      return {
        action: "stop",
        failureClass,
        status: "failed",
        reason: `transient: ${e.reason?.trim() || "temporary error"} (the directory has failed ${history.consecutiveFailures} times in a row)`,
        staffReason: `The directory${where} has failed ${history.consecutiveFailures} submissions in a row (last: temporary error), so it was not retried; it may be down.${said}`,
      };
    }

    const retryAfterSeconds = failureClass === "rate_limited" ? Math.max(e.retryAfterSeconds ?? 0, history?.lastRetryAfterSeconds ?? 0) || undefined : e.retryAfterSeconds;
    const base = decideAfterFailure(failureClass, e.attempt, { retryAfterSeconds, reason: e.reason, random: this.random });
    if (!base.retry) {
      return { action: "stop", failureClass, status: base.status, reason: base.reason, staffReason: this.staffReason(failureClass, e, where, said) };
    }
    if (failureClass === "captcha" && (e.captcha === "missing" || e.captcha === "none_seen" || CAPTCHA_MISSING.test(e.reason ?? ""))) {
      return { action: "retry_with_captcha", failureClass, delayMs: base.delayMs };
    }
    return { action: "retry", failureClass, delayMs: base.delayMs };
  }

  private staffReason(failureClass: FailureClass, e: FailureEvidence, where: string, said: string): string {
    const tries = MAX_ATTEMPTS[failureClass] > 1 ? ` after ${e.attempt} attempts` : "";
    switch (failureClass) {
      case "duplicate_listing":
        return `The business is already listed${where}; nothing to submit.${said}`;
      case "site_gone":
        return `The directory's form is gone${where} (${e.httpStatus ? `HTTP ${e.httpStatus}` : "page or domain missing"}); consider deactivating it in the catalog.${said}`;
      case "blocked":
        return `The directory${where} blocks automated submissions; submit by hand or mark it manual in the catalog.${said}`;
      case "captcha":
        return `The captcha${where} could not be passed${tries}; submit by hand, and check the solver's balance if this repeats.${said}`;
      case "rate_limited":
        return `The directory${where} kept rate-limiting us${tries}; try again later by hand or retry the submission.${said}`;
      case "transient":
        return `The directory${where} kept failing with temporary errors${tries}; retry later.${said}`;
      default:
        return `Stopped${tries}: ${failureClass}.${said}`;
    }
  }
}
