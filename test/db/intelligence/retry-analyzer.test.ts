/** IntelligentRetryAnalyzer: the class a failure really is, and what to do next. */
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS } from "../../../src/intelligence/retry-policy";
import { IntelligentRetryAnalyzer } from "../../../src/intelligence/retry-analyzer";

const analyzer = new IntelligentRetryAnalyzer({ random: () => 0.5 });

describe("IntelligentRetryAnalyzer", () => {
  it("fixes a phone the directory wants in its national format, once", () => {
    const e = {
      failureClass: "validation" as const,
      attempt: 1,
      reason: 'the directory refused a field: Phone — "Please enter the phone number without the country code"',
      directoryName: "Gelbe Liste",
    };
    const first = analyzer.analyze(e);
    expect(first).toMatchObject({ action: "fix_and_retry", failureClass: "validation", fixes: [{ field: "tel", want: "national" }], fixKeys: ["tel:national"] });
    const again = analyzer.analyze({ ...e, attempt: 2, fixesTried: ["tel:national"] });
    expect(again).toMatchObject({ action: "stop", status: "failed" });
    if (again.action === "stop") {
      expect(again.staffReason).toContain("Gelbe Liste");
      expect(again.staffReason).toContain("without the country code");
    }
    expect(analyzer.fixFor("Telefon: bitte im internationalen Format mit Ländervorwahl")?.fix).toEqual({ field: "tel", want: "international" });
    expect(analyzer.fixFor("Name: too long")).toBeNull();
    // "without the country code" in other languages is national, though it names the country code.
    expect(analyzer.fixFor("Telefon: bitte ohne Ländervorwahl eingeben")?.fix).toEqual({ field: "tel", want: "national" });
    expect(analyzer.fixFor("Téléphone : sans indicatif international, s'il vous plaît")?.fix).toEqual({ field: "tel", want: "national" });
    expect(analyzer.fixFor("Phone: use international format with country code")?.fix).toEqual({ field: "tel", want: "international" });
    expect(analyzer.fixFor("Description is too long (at most 250 characters)")?.fix).toEqual({ field: "description", want: "shorter", maxLength: 250 });
    expect(analyzer.fixFor("Beschreibung darf höchstens 400 Zeichen lang sein.")?.fix).toEqual({ field: "description", want: "shorter", maxLength: 400 });
    expect(analyzer.fixFor("Description: at most 50 words")?.fix).toEqual({ field: "description", want: "shorter" });
    expect(analyzer.fixFor("Description is too short (at least 120 characters)")?.fix).toEqual({ field: "description", want: "longer", minLength: 120 });
    expect(analyzer.fixFor("Phone: digits only, please")?.fix).toEqual({ field: "tel", want: "digits" });
    expect(analyzer.fixFor("Website: please enter a valid URL starting with http")?.fix).toEqual({ field: "url", want: "with_scheme" });
  });

  it("fixes every field a refusal names in one retry, and only the fixes not tried yet", () => {
    const reason = 'the directory refused 2 fields: Phone — "enter the number without the country code"; Description — "Description must be at most 300 characters."';
    const first = analyzer.analyze({ failureClass: "validation", attempt: 1, reason });
    expect(first).toMatchObject({
      action: "fix_and_retry",
      fixes: [
        { field: "tel", want: "national" },
        { field: "description", want: "shorter", maxLength: 300 },
      ],
      fixKeys: ["tel:national", "description:shorter"],
    });
    const second = analyzer.analyze({ failureClass: "validation", attempt: 2, reason, fixesTried: ["tel:national"] });
    expect(second).toMatchObject({ action: "fix_and_retry", fixKeys: ["description:shorter"] });
    const third = analyzer.analyze({ failureClass: "validation", attempt: 3, reason, fixesTried: ["tel:national", "description:shorter"] });
    expect(third).toMatchObject({ action: "stop", status: "failed" });
    if (third.action === "stop") expect(third.staffReason).toContain("even after sending the tel national and the description shorter");
  });

  it("stops a validation failure it cannot fix, with the directory's words for staff", () => {
    const a = analyzer.analyze({ failureClass: "validation", attempt: 1, reason: "Category: please choose a category" });
    expect(a).toMatchObject({ action: "stop", status: "failed", failureClass: "validation" });
  });

  it("retries with the solver when the directory wanted a captcha the attempt did not answer", () => {
    const a = analyzer.analyze({ failureClass: "validation", attempt: 1, reason: "Please complete the captcha" });
    expect(a).toMatchObject({ action: "retry_with_captcha", failureClass: "captcha" });
    const refused = analyzer.analyze({ failureClass: "captcha", attempt: 1, reason: "wrong captcha answer", captcha: "refused" });
    expect(refused).toMatchObject({ action: "retry", failureClass: "captcha" });
    const spent = analyzer.analyze({ failureClass: "captcha", attempt: MAX_ATTEMPTS.captcha, reason: "wrong captcha answer", captcha: "refused" });
    expect(spent).toMatchObject({ action: "stop", status: "failed" });
  });

  it("reclassifies from the evidence: a bot wall is blocked, maintenance is transient, a 429 is a rate limit", () => {
    expect(analyzer.classify({ failureClass: "transient", attempt: 1, reason: "Access denied: unusual traffic from your network" })).toBe("blocked");
    expect(analyzer.classify({ failureClass: "validation", attempt: 1, reason: "The site is under maintenance, try again later" })).toBe("transient");
    expect(analyzer.classify({ failureClass: "transient", attempt: 1, httpStatus: 429 })).toBe("rate_limited");
    expect(analyzer.classify({ failureClass: "transient", attempt: 1, httpStatus: 410 })).toBe("site_gone");
    expect(analyzer.classify({ failureClass: "blocked", attempt: 1, httpStatus: 403, reason: "HTTP 403" })).toBe("blocked");
    const blocked = analyzer.analyze({ failureClass: "transient", attempt: 1, reason: "Checking your browser before accessing", directoryName: "Foo" });
    expect(blocked).toMatchObject({ action: "stop", failureClass: "blocked" });
    if (blocked.action === "stop") expect(blocked.staffReason).toMatch(/by hand|manual/);
  });

  it("waits as long as the directory asked, or longer if it asked for more before", () => {
    const a = analyzer.analyze({ failureClass: "rate_limited", attempt: 1, retryAfterSeconds: 120 }, { consecutiveFailures: 1, failuresByClass: {}, lastRetryAfterSeconds: 900 });
    expect(a).toMatchObject({ action: "retry", delayMs: 900_000 });
    const b = analyzer.analyze({ failureClass: "rate_limited", attempt: 1, retryAfterSeconds: 120 });
    expect(b).toMatchObject({ action: "retry", delayMs: 120_000 });
  });

  it("stops retrying a directory that keeps failing", () => {
    const history = { consecutiveFailures: 8, failuresByClass: { transient: 8 }, lastRetryAfterSeconds: null };
    expect(analyzer.analyze({ failureClass: "transient", attempt: 1, reason: "HTTP 502" }, history)).toMatchObject({ action: "stop", status: "failed" });
    expect(analyzer.analyze({ failureClass: "transient", attempt: 1, reason: "HTTP 502" }, { ...history, consecutiveFailures: 2 })).toMatchObject({ action: "retry" });
  });

  it("follows the retry policy's limits and its final statuses", () => {
    expect(analyzer.analyze({ failureClass: "duplicate_listing", attempt: 1, reason: "already listed" })).toMatchObject({ action: "stop", status: "skipped" });
    expect(analyzer.analyze({ failureClass: "site_gone", attempt: 1, httpStatus: 404 })).toMatchObject({ action: "stop", status: "failed" });
    expect(analyzer.analyze({ failureClass: "transient", attempt: MAX_ATTEMPTS.transient - 1 })).toMatchObject({ action: "retry" });
    const last = analyzer.analyze({ failureClass: "transient", attempt: MAX_ATTEMPTS.transient, reason: "HTTP 503" });
    expect(last).toMatchObject({ action: "stop", status: "failed" });
    if (last.action === "stop") expect(last.staffReason).toContain(`after ${MAX_ATTEMPTS.transient} attempts`);
  });
});
