/**
 * Updating a live listing through the account the submission created
 * (issue 19 item 2): sign in with the vault's login, open the listing's
 * edit form, fill it from the changed profile, save, and then read the
 * public listing page and compare it with the profile (core/listing/compare.ts).
 * Only a page that shows the new details counts as updated.
 *
 *   open the login URL (or the site and its "sign in" link) → fill the
 *   sign-in form (identifier and current password) → the account's "edit"
 *   link → the edit form, filled as a listing form is → save → a session
 *   that expired meanwhile (sent back to sign in) is signed in again once →
 *   the public page, compared.
 *
 * The password is masked in every line logged and text returned, as in
 * submitListing. Written against the same page API (page.ts).
 */
import type { ListingProfile } from "../../../core/listing/profile";
import { compareListing, unshownWrites, type ShownDetails, type UpdateCheckedField } from "../../../core/listing/compare";
import { clip, fold } from "../../../core/text";
import { fillForm } from "./fill";
import { formKind, mapSafely, waitForListingForm } from "./forms";
import { call, type FillOp, type PageState } from "./inpage";
import { navigate } from "./navigate";
import { isNavigationRace, sleep, type EnginePage } from "./page";
import { redactor } from "./redact";
import { submitAndSettle } from "./submit";
import type { EngineResult } from "./types";

export interface UpdateTask {
  jobId: string;
  directory: { id: string; language: string };
  /** Where the account signs in: the sign-in page, or the site whose "sign in" link leads there (the vault's login URL). */
  loginUrl: string;
  /** Username, else the e-mail the account was made with. */
  login: string;
  password: string;
  /** The listing's public page. */
  listingUrl: string;
  /** The profile as it is now (the changed details). */
  business: ListingProfile;
}

export interface UpdateResult {
  /** `confirmed`: saved and the public page shows the profile (and any website or hours written); `unconfirmed`: saved but the page differs; `failed`: not saved. */
  outcome: "confirmed" | "unconfirmed" | "failed";
  reason?: string;
  /** What the public page showed, and where it still differs from the profile. */
  shown?: ShownDetails;
  differences?: UpdateCheckedField[];
  finalUrl: string;
  filled: EngineResult["filled"];
}

export interface UpdateOptions {
  navigationTimeoutMs?: number;
  stepTimeoutMs?: number;
  formWaitMs?: number;
  log?: (line: string) => void;
}

const SIGN_IN_LINK = /\b(sign ?in|log ?in|login|anmelden|einloggen|connexion|se connecter|iniciar sesi[oó]n|acceder|accedi|inloggen|entrar)\b/;
const EDIT_LINK = /\b(edit|modify|update|bearbeiten|[aä]ndern|modifier|editar|modificar|modifica|bewerken|wijzigen)\b/;
const SAVED = /\b(saved|updated|changes have been|gespeichert|enregistr|guardad|salvat|opgeslagen)\b/;

async function stateOf(page: EnginePage): Promise<PageState> {
  for (let i = 0; ; i++) {
    try {
      return await call(page.mainFrame(), "pageState", undefined);
    } catch (err) {
      if (i >= 20 || !isNavigationRace(err)) throw err;
      await sleep(150);
    }
  }
}

function currentUrl(page: EnginePage): string {
  try {
    return page.url();
  } catch {
    return "";
  }
}

/** The sign-in form on the page, if there is one (the mapper's kind, with the sign-up correction). */
async function loginForm(page: EnginePage) {
  const mapped = await mapSafely(page);
  const form = mapped?.forms.find((f) => formKind(f) === "login" && f.fields.some((x) => x.type === "current-password" && x.visible));
  return form ? { form, frame: page.mainFrame() } : null;
}

export async function updateListing(page: EnginePage, task: UpdateTask, options: UpdateOptions = {}): Promise<UpdateResult> {
  const secrets = redactor();
  secrets.add(task.password);
  const rawLog = options.log ?? (() => {});
  const log = (line: string) => rawLog(secrets.redact(line));
  const navTimeout = options.navigationTimeoutMs ?? 30_000;
  const stepTimeout = options.stepTimeoutMs ?? 15_000;
  const filled: UpdateResult["filled"] = [];
  const fail = (reason: string): UpdateResult => ({ outcome: "failed", reason: secrets.redact(clip(reason, 1000)), finalUrl: currentUrl(page), filled });

  /** Signs in from `url`; the error's reason, or null. */
  async function signIn(url: string): Promise<string | null> {
    log(`sign in at ${url}`);
    const nav = await navigate(page, url, navTimeout);
    if (!nav.ok) return `the sign-in page: ${nav.verdict.reason}`;
    let found = await loginForm(page);
    if (!found) {
      const link = (await stateOf(page)).links.find((l) => SIGN_IN_LINK.test(fold(l.text)));
      if (!link) return `no sign-in form or link at ${currentUrl(page)}`;
      const next = await navigate(page, new URL(link.href, currentUrl(page)).href, navTimeout);
      if (!next.ok) return `the sign-in page: ${next.verdict.reason}`;
      found = await loginForm(page);
      if (!found) return `no sign-in form at ${currentUrl(page)}`;
    }
    const ops: FillOp[] = [];
    for (const f of found.form.fields) {
      if (!f.visible) continue;
      if (f.type === "current-password") ops.push({ selector: f.selector, kind: "text", value: task.password });
      else if (f.type === "username" || f.type === "email") ops.push({ selector: f.selector, kind: "text", value: task.login });
    }
    if (ops.length < 2) return "the sign-in form has no identifier field";
    const results = await call(found.frame, "applyFills", { ops });
    if (results.some((r) => !r.ok)) return "the sign-in form did not take the login";
    const settled = await submitAndSettle(page, found.frame, { fieldSelector: ops[0]!.selector, timeoutMs: stepTimeout, log });
    if (settled.how === "invalid" || settled.how === "no-button") return `the sign-in form was not sent (${settled.how})`;
    // Still (or again) a sign-in form: refused.
    if (await loginForm(page)) {
      const state = await stateOf(page);
      return `the directory refused the login: ${clip(state.alerts.join(" | ") || state.headings, 200)}`;
    }
    return null;
  }

  /** From the signed-in page, the edit form's URL: the link that says "edit". */
  async function editUrl(): Promise<string | null> {
    const state = await stateOf(page);
    const links = state.links.filter((l) => EDIT_LINK.test(fold(l.text)));
    // Several listings under one account: the one whose page we know comes first when its id is in the link.
    const id = new URL(task.listingUrl).pathname.split("/").filter(Boolean).at(-1) ?? "";
    const link = links.find((l) => id && l.href.includes(id)) ?? links[0];
    return link ? new URL(link.href, currentUrl(page)).href : null;
  }

  try {
    const refused = await signIn(task.loginUrl);
    if (refused) return fail(refused);
    const edit = await editUrl();
    if (!edit) return fail(`signed in, but no "edit" link at ${currentUrl(page)}`);

    let saved = false;
    for (let round = 1; round <= 2 && !saved; round++) {
      log(`open ${edit}`);
      const nav = await navigate(page, edit, navTimeout);
      if (!nav.ok) return fail(`the edit page: ${nav.verdict.reason}`);
      if (await loginForm(page)) {
        // The session ended between the sign-in and here: once more.
        if (round === 2) return fail("the directory asks to sign in again after signing in");
        const again = await signIn(currentUrl(page));
        if (again) return fail(again);
        continue;
      }
      const found = await waitForListingForm(page, options.formWaitMs ?? 6_000, log);
      if (!found) return fail(`no listing form at ${currentUrl(page)}`);
      const report = await fillForm(found.frame, found.form, { profile: task.business, language: task.directory.language || "en", directoryId: task.directory.id, username: "", password: "" }, log);
      filled.push(...report.filled);
      if (report.missingRequired.length) log(`required but not filled: ${report.missingRequired.join(", ")}`);
      const anchor = report.fields.find((f) => f.mapped.visible && f.type !== "honeypot")?.mapped.selector ?? found.form.fields[0]!.selector;
      const settled = await submitAndSettle(page, found.frame, { fieldSelector: anchor, timeoutMs: stepTimeout, log });
      log(`saved: ${settled.how}`);
      if (settled.how === "invalid") return fail(`the browser refused the edit form: ${settled.invalidFields.map((f) => f.name).join(", ")}`);
      if (await loginForm(page)) {
        // Expired while filling: the directory kept nothing; sign in and edit again, once.
        if (round === 2) return fail("the directory asks to sign in again after signing in");
        log("the session expired: signing in again");
        const again = await signIn(currentUrl(page));
        if (again) return fail(again);
        continue;
      }
      const state = await stateOf(page);
      if (state.status >= 400 || (state.alerts.length && !SAVED.test(fold(state.successes.join(" "))))) {
        return fail(`the directory refused the changes (${state.status || "no status"}): ${clip(state.alerts.join(" | ") || state.headings, 300)}`);
      }
      saved = true;
    }
    if (!saved) return fail("the changes were not saved");

    // The public page must show the new details: what a visitor sees is the only proof.
    log(`check ${task.listingUrl}`);
    const nav = await navigate(page, task.listingUrl, navTimeout);
    if (!nav.ok) return { outcome: "unconfirmed", reason: `saved, but the listing page: ${nav.verdict.reason}`, finalUrl: currentUrl(page), filled };
    const html = String(await page.mainFrame().evaluate("document.documentElement.outerHTML"));
    const { shown, differences: listed } = compareListing(html, task.business);
    // What the form took beyond name, address and phone must show too: a website or hours written but not shown was not updated.
    const differences: UpdateCheckedField[] = [...listed, ...unshownWrites(html, filled)];
    const outcome = differences.length ? "unconfirmed" : "confirmed";
    log(`${outcome}${differences.length ? `: the page still differs in ${differences.join(", ")}` : ""}`);
    return { outcome, ...(differences.length ? { reason: `saved, but the listing page shows a different ${differences.join(", ")}` } : {}), shown, differences, finalUrl: currentUrl(page), filled };
  } catch (err) {
    if (/Target closed|Session closed|Connection closed|browser has disconnected/i.test(String(err))) throw err;
    return fail(`engine error: ${String((err as Error)?.message ?? err)}`);
  }
}
