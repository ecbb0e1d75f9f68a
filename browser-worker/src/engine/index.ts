/**
 * The submission engine: one directory, one listing, one page.
 *
 *   open the form (submit URL, or the site and its "add your business" link,
 *   or the directory's recipe) → find the listing form (polling for forms
 *   built by script, in any frame) → fill it from the profile → solve its
 *   captcha → submit → read the answer; a wizard's next page goes round
 *   again → the outcome, with the listing URL, the final URL and the
 *   confirmation text as evidence, and for the retry analyzer the HTTP
 *   status that answered and what became of a captcha. A retry's hints
 *   (value fixes, a captcha expected) change what is filled and how long a
 *   captcha is waited for.
 *
 * Written against the page API @cloudflare/puppeteer and puppeteer-core
 * share (page.ts), with no Node-only APIs, so the Worker and the Node tests
 * run the same code. The caller owns the page (and takes the screenshot).
 */
import { loadAssets } from "./assets";
import type { CaptchaOutcome, FailureClass } from "../../../core/protocol/tasks";
import { usernameFor, strongPassword } from "./account";
import { solveCaptchas, waitForLateCaptcha } from "./captcha";
import { fillForm } from "./fill";
import { bestForm, mapSafely, waitForListingForm, type FoundForm } from "./forms";
import type { MappedPage } from "../mapper/types";
import { call, type PageState } from "./inpage";
import { navigate } from "./navigate";
import { classify } from "./outcome";
import { frameList, isNavigationRace, sleep, type EngineDialog, type EngineFrame, type EnginePage } from "./page";
import { says } from "./phrases";
import { followAddBusinessLink, runRecipe, textPattern } from "./recipe";
import { submitAndSettle } from "./submit";
import { redactor } from "./redact";
import { findEarlierListing, findExistingListing } from "./look-first";
import { clip } from "../../../core/text";
import type { EngineOptions, EngineResult, SubmitTask } from "./types";

export type { EnginePage, EngineFrame, EngineResponse } from "./page";
export type { Recipe, RecipeStep } from "./recipe";
export type { CaptchaSolver, EngineOptions, EngineResult, SecondOpinion, SubmitTask } from "./types";

/** Wizards longer than this are not wizards but loops. */
const MAX_PAGES = 8;

/** Errors that mean the browser itself is gone: the caller must see them (it retires the browser). */
function isBrowserLoss(err: unknown): boolean {
  return /Target closed|Session closed|Connection closed|browser has disconnected|WebSocket is not open|Protocol error.*(Target|Session).*closed/i.test(String(err));
}

function currentUrl(page: EnginePage): string {
  try {
    return page.url();
  } catch {
    return "";
  }
}

async function stateOf(frame: EngineFrame): Promise<PageState> {
  for (let i = 0; ; i++) {
    try {
      return await call(frame, "pageState", undefined);
    } catch (err) {
      if (i >= 20 || !isNavigationRace(err)) throw err;
      await sleep(150);
    }
  }
}

/** Finds the frame again after a navigation (frames are re-created when an iframe's document changes). */
function sameFrame(page: EnginePage, frame: EngineFrame, index: number): EngineFrame {
  if (!frame.isDetached?.()) return frame;
  return frameList(page)[index] ?? page.mainFrame();
}

export async function submitListing(page: EnginePage, task: SubmitTask, options: EngineOptions = {}): Promise<EngineResult> {
  const rawLog = options.log ?? (() => {});
  // The attempt's password is masked in every line logged and every text returned (redact.ts).
  const secrets = redactor();
  const log = (line: string) => rawLog(secrets.redact(line));
  const navTimeout = options.navigationTimeoutMs ?? 30_000;
  const stepTimeout = options.stepTimeoutMs ?? 15_000;
  const formWait = options.formWaitMs ?? 6_000;
  const recipe = options.recipe;
  const mark = options.mark ?? (() => {});
  const filled: EngineResult["filled"] = [];
  let account: EngineResult["account"];
  // Evidence for the retry analyzer: the last status a page answered with, and the captcha's fate.
  let httpStatus: number | undefined;
  let captcha: CaptchaOutcome | undefined;
  const evidence = (): Partial<EngineResult> => ({ ...(httpStatus ? { httpStatus } : {}), ...(captcha ? { captcha } : {}) });
  const fail = (failureClass: FailureClass, reason: string, extra: Partial<EngineResult> = {}): EngineResult => ({
    outcome: "failed",
    failureClass,
    reason: secrets.redact(clip(reason, 1000)),
    finalUrl: currentUrl(page),
    filled,
    ...(account ? { account } : {}),
    ...evidence(),
    ...extra,
    ...(extra.confirmationText ? { confirmationText: secrets.redact(extra.confirmationText) } : {}),
  });

  const profile = task.business;
  if (!profile) return fail("validation", "the task carries no business profile");
  const startUrl = recipe?.startUrl ?? task.directory.submitUrl ?? task.directory.website;
  const language = task.directory.language || "en";

  // "Are you sure?" dialogs would block every later call: accept confirms, dismiss the rest.
  const onDialog = (dialog: EngineDialog) => {
    void (dialog.type() === "confirm" || dialog.type() === "beforeunload" ? dialog.accept() : dialog.dismiss()).catch(() => {});
  };
  page.on?.("dialog", onDialog);
  try {
    // The first attempt, or a retry after attempts that never posted: a listing there is not ours (look-first.ts).
    const nothingOfOurs = task.attempt === 1 || task.earlierPost === false;
    if (nothingOfOurs && task.directory.listingSearchUrl) {
      const existing = await findExistingListing(page, task.directory.listingSearchUrl, profile, navTimeout, log, options.readPage);
      // A search that cannot be read now is no reason to hold the listing back; a found page that cannot be read is.
      if ("unknown" in existing && existing.unknown.startsWith("found ")) return fail("transient", `could not compare the listing already there: ${existing.unknown}`);
      if ("found" in existing && existing.found) {
        log(`already listed: ${existing.found}${existing.differences.length ? ` (differs: ${existing.differences.map((d) => d.field).join(", ")})` : ""}`);
        return {
          outcome: "already_listed",
          listingUrl: existing.found,
          finalUrl: currentUrl(page),
          confirmationText: existing.differences.length
            ? "The business is already listed here with other details; nothing was posted (claim and correct)."
            : "The business is already listed here with the profile's name, address and phone; nothing was posted.",
          differences: existing.differences,
          filled,
        };
      }
    }
    // A retry: the attempt before may have reached the directory; look before posting again (look-first.ts).
    if (!nothingOfOurs && task.directory.listingSearchUrl) {
      const earlier = await findEarlierListing(page, task.directory.listingSearchUrl, profile.businessName, navTimeout, log);
      // Posting on a guess could list the business twice: a search that fails now means try later.
      if ("unknown" in earlier) return fail("transient", `could not look for an earlier attempt's listing before posting again: ${earlier.unknown}`);
      if (earlier.found) {
        log(`already listed: ${earlier.found}`);
        return {
          outcome: "approved",
          listingUrl: earlier.found,
          finalUrl: currentUrl(page),
          confirmationText: "The business is already listed here (an earlier attempt's listing); nothing was posted again.",
          filled,
        };
      }
    }
    mark("look_first");
    log(`open ${startUrl}`);
    const nav = await navigate(page, startUrl, navTimeout);
    if (nav.status) httpStatus = nav.status;
    mark("navigation");
    if (!nav.ok) return fail(nav.verdict.failureClass, nav.verdict.reason, nav.verdict.retryAfterSeconds !== undefined ? { retryAfterSeconds: nav.verdict.retryAfterSeconds } : {});

    if (recipe?.steps?.length) {
      const ran = await runRecipe(page, recipe.steps, stepTimeout, log);
      if (!ran.ok) return fail("transient", ran.reason);
    }
    // From the site's home page (no submit URL) the form is usually one link away: look briefly, then follow it.
    const fromHome = !task.directory.submitUrl && !recipe?.steps?.length && !recipe?.startUrl;
    let found: FoundForm | null = await waitForListingForm(page, fromHome ? Math.min(formWait, 1_500) : formWait, log);
    if (!found && fromHome) {
      if (await followAddBusinessLink(page, stepTimeout, log)) found = await waitForListingForm(page, formWait, log);
    }
    mark("form_and_mapping");
    if (!found) {
      const state = await stateOf(page.mainFrame());
      if (state.status) httpStatus = state.status;
      const text = `${state.headings} ${state.mainText}`;
      if (state.status && state.status >= 400) {
        const cls = classify({
          state,
          status: state.status,
          settled: { how: "navigated", invalidFields: [] },
          fields: [],
          newForm: false,
          sameFormBack: false,
          formUrl: startUrl,
          timeoutMs: stepTimeout,
        });
        if (cls.kind === "failed") return fail(cls.failureClass, cls.reason, cls.retryAfterSeconds !== undefined ? { retryAfterSeconds: cls.retryAfterSeconds } : {});
      }
      if (says("rateLimited", text)) return fail("rate_limited", clip(text, 200), { retryAfterSeconds: 60 });
      if (says("blocked", text)) return fail("blocked", `the directory blocks the form: ${clip(text, 200)}`);
      const mapped = await mapSafely(page);
      if (mapped?.forms.some((f) => f.kind === "login")) return fail("blocked", `${currentUrl(page)} asks to sign in first; there is no account for this directory`);
      // A form built by script from the site's own data: when that request
      // failed with a server error, the form is missing for now, not gone.
      const broken = await serverErrorsIn(page);
      if (broken.length) return fail("transient", `the form did not load: ${broken[0]}`);
      return fail("site_gone", `no listing form at ${currentUrl(page)}${state.headings ? ` (page: ${clip(state.headings, 120)})` : ""}`);
    }

    const username = usernameFor(profile.businessName, task.jobId, task.directory.id);
    const password = strongPassword();
    secrets.add(password);
    const seenNames = new Set<string>();
    const assets = await loadAssets(profile, options.asset, log);
    for (let pageNo = 1; pageNo <= MAX_PAGES; pageNo++) {
      const { form } = found;
      let frame = found.frame;
      log(`page ${pageNo}: ${form.fields.length} fields (frame ${form.frame}, form ${form.index})`);
      const fixes = task.retryHints?.fixes;
      if (pageNo === 1 && fixes?.length) log(`retry hints: ${fixes.map((f) => `${f.field} ${f.want}`).join(", ")}`);
      const report = await fillForm(frame, form, { profile, language, directoryId: task.directory.id, username, password, fixes, assets }, log, options.secondOpinion);
      filled.push(...report.filled);
      mark("filling");
      if (report.filled.some((f) => f.type === "username" || f.type === "new-password")) {
        account = { username: report.filled.some((f) => f.type === "username") ? username : undefined, email: profile.email ?? undefined, password };
      }
      if (report.missingRequired.length) log(`required but not filled: ${report.missingRequired.join(", ")}`);
      const names = new Set(report.fields.filter((f) => f.mapped.visible).map((f) => f.details.name || f.mapped.selector));
      for (const n of names) seenNames.add(n);

      // The directory said a captcha was required that the last attempt never saw: give a late widget a few seconds.
      const captchaFields = task.retryHints?.expectCaptcha ? await waitForLateCaptcha(page, frame, form, report.fields, options.captchaWaitMs ?? 4_000, log) : report.fields;
      const solved = await solveCaptchas(frame, captchaFields, options.solver, log);
      if (!solved.ok) {
        captcha = "unsolved";
        return fail("captcha", solved.reason);
      }
      if (solved.solved.length) captcha = "solved";
      else captcha ??= "none_seen";
      if (solved.ops.length) {
        const results = await call(frame, "applyFills", { ops: solved.ops });
        if (results.some((r) => !r.ok)) {
          captcha = "unsolved";
          return fail("captcha", "could not type the captcha answer into its field");
        }
      }
      mark("captcha");

      // The last moment to stop: past the click the directory may list the business.
      if (options.beforeSubmit && !(await options.beforeSubmit())) {
        log("the lease is no longer ours: not submitting");
        return fail("transient", "the task's lease was lost before the submit; nothing was posted");
      }
      mark("lease_check");
      const formUrl = frame.url();
      const anchor = report.fields.find((f) => f.mapped.visible && f.type !== "honeypot")?.mapped.selector ?? form.fields[0]!.selector;
      const settled = await submitAndSettle(page, frame, {
        fieldSelector: anchor,
        submitSelector: recipe?.submit?.selector,
        submitPattern: recipe?.submit?.text ? textPattern(recipe.submit.text) : undefined,
        timeoutMs: stepTimeout,
        log,
      });
      log(`submitted page ${pageNo}: ${settled.how}`);
      mark("submit_and_settle");
      frame = sameFrame(page, frame, form.frame);
      // The answer's text and its map (a wizard's next page?) read together: two calls in flight, one round trip.
      const reading: [Promise<PageState>, Promise<MappedPage | null>] = [stateOf(frame), settled.how === "invalid" ? Promise.resolve(null) : mapSafely(page)];
      const [state, mapped] = await Promise.all(reading);
      const status = settled.response?.status() ?? (settled.how === "navigated" ? state.status : 0);
      if (status) httpStatus = status;
      const headers = settled.response?.headers() ?? {};

      const next: FoundForm | null = mapped ? bestForm(page, mapped) : null;
      const nextNames = next ? next.form.fields.filter((f) => f.visible && f.type !== "honeypot").map((f) => f.name || f.selector) : [];
      const newForm = !!next && nextNames.some((n) => !seenNames.has(n));
      const sameFormBack = !!next && !newForm && nextNames.filter((n) => names.has(n)).length >= Math.min(2, names.size);

      const cls = classify({ state, status, headers, settled, fields: report.fields, newForm, sameFormBack, formUrl, successText: recipe?.successText, timeoutMs: stepTimeout });
      mark("outcome_read");
      if (cls.kind === "continue") {
        found = next!;
        continue;
      }
      if (cls.kind === "failed") {
        log(`failed: ${cls.failureClass}: ${cls.reason}`);
        // A captcha refused after the solver answered; or one asked for that this attempt never saw.
        if (cls.failureClass === "captcha") captcha = captcha === "solved" ? "refused" : captcha === "none_seen" ? "missing" : captcha;
        return fail(cls.failureClass, cls.reason, {
          ...(cls.retryAfterSeconds !== undefined ? { retryAfterSeconds: cls.retryAfterSeconds } : {}),
          confirmationText: clip(state.alerts.join(" | ") || state.headings, 300) || undefined,
        });
      }
      let outcome: EngineResult["outcome"] = cls.emailPending ? "awaiting_verification" : "submitted";
      if (!cls.emailPending && cls.listingUrl) {
        const check = await call(frame, "checkUrl", { url: cls.listingUrl }).catch(() => ({ status: 0, sameOrigin: false }));
        if (check.status === 200 || (!check.sameOrigin && cls.live)) outcome = "approved";
      }
      log(`${outcome}${cls.listingUrl ? ` (${cls.listingUrl})` : ""}: ${cls.confirmationText.slice(0, 80)}`);
      return {
        outcome,
        finalUrl: state.url || currentUrl(page),
        confirmationText: secrets.redact(cls.confirmationText),
        ...(cls.listingUrl ? { listingUrl: cls.listingUrl } : {}),
        filled,
        ...(account ? { account } : {}),
        ...evidence(),
      };
    }
    return fail("transient", `the form went on for more than ${MAX_PAGES} pages`);
  } catch (err) {
    if (isBrowserLoss(err)) throw err;
    return fail("transient", `engine error: ${String((err as Error)?.message ?? err)}`, { infrastructure: true });
  } finally {
    page.off?.("dialog", onDialog);
  }
}

/** Requests of the page's frames that a server answered with 5xx (Resource Timing), as "status url". */
async function serverErrorsIn(page: EnginePage): Promise<string[]> {
  const script = `(() => { try { return performance.getEntriesByType("resource").filter((e) => (e.responseStatus || 0) >= 500).map((e) => e.responseStatus + " from " + e.name).slice(0, 3); } catch { return []; } })()`;
  const found: string[] = [];
  for (const frame of frameList(page)) {
    const entries = await frame.evaluate(script).catch(() => []);
    if (Array.isArray(entries)) found.push(...entries.map(String));
  }
  return found;
}
