/**
 * One simulated directory's web site under `/d/<slug>/`: home, form (plain,
 * wizard, script-built, fetch-submitting or framed), thanks, e-mail
 * verification, captcha images, public listing pages and search.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { CaptchaService } from "./captcha/service.ts";
import { applyFaults, type FaultOptions } from "./faults.ts";
import { html, json, one, parseCookies, redirect, type Posted, type Reply, withCookie } from "./http.ts";
import { UI } from "./i18n.ts";
import type { Rng } from "./random.ts";
import { renderForm, STEP_INPUT } from "./render/form.ts";
import { esc } from "./render/html.ts";
import { appShellPage, confirmationHtml, directoryPage, embedPage, homePage, iframeHostPage, listingPage, messagePage, searchPage } from "./render/pages.ts";
import type { FarmStore, Session } from "./store.ts";
import { alreadyListed, processSubmission, type SubmissionContext, type SubmissionResult } from "./submission.ts";
import { scheduleEnquiry } from "./enquiries.ts";
import { handleAccount } from "./account.ts";
import type { FarmMail, FieldError, Listing, Submission, UploadedFile, Variant } from "./types.ts";

export interface DirectoryDeps {
  store: FarmStore;
  captchas: CaptchaService;
  faults: FaultOptions;
  rng: Rng;
  farmUrl: () => string;
  onSubmission?: (s: Submission) => void;
  onMail?: (m: FarmMail) => void;
  /** Designs that forward visitors' questions do so (tools/farm/enquiries.ts). */
  enquiries?: boolean;
  /** How long a sign-in at an account lasts (account.ts). */
  loginTtlMs?: number;
}

export interface DirectoryRequest {
  req: IncomingMessage;
  method: string;
  /** Path after the base path (`submit`, `listing/abc`, ``). */
  rest: string;
  url: URL;
  posted: Posted;
  /** Files the post carried, by input name. */
  uploads?: Record<string, UploadedFile>;
}

const SESSION_COOKIE = "farm_session";

/** Where the form posts: the framed document for iframe designs, the public form URL otherwise. */
function formPath(variant: Variant): string {
  return variant.design.delivery === "iframe" ? "embed" : variant.design.submitPath;
}

export async function handleDirectory(variant: Variant, r: DirectoryRequest, deps: DirectoryDeps): Promise<Reply> {
  const { design } = variant;
  const isFormPost = r.method === "POST" && (r.rest === formPath(variant) || r.rest === "api/submit");
  const fault = await applyFaults(r.req, variant, deps.faults, deps.store, deps.rng);
  if (fault) {
    if (isFormPost) {
      const step = Number(one(r.posted, STEP_INPUT)) || 1;
      const repeat = alreadyListed(deps.store, variant, r.posted);
      const s = deps.store.record({
        slug: variant.slug,
        design: design.id,
        step,
        fields: r.posted,
        outcome: "server-error",
        honeypotFilled: false,
        errors: [],
        ...(repeat ? { repeat: true as const } : {}),
      });
      deps.onSubmission?.(s);
    }
    return fault;
  }

  // A session per directory (cookie scoped to its path): CSRF tokens and wizard pages live here.
  const sid = parseCookies(r.req)[SESSION_COOKIE];
  let session = deps.store.session(sid, variant.slug);
  let cookie: string | undefined;
  if (!session) {
    session = deps.store.newSession(variant.slug);
    cookie = `${SESSION_COOKIE}=${session.id}; Path=${variant.basePath}; HttpOnly; SameSite=Lax`;
  }
  // A POST that arrives without the cookie has no session: CSRF and wizard checks see none.
  const postSession = sid && deps.store.session(sid, variant.slug) ? session : undefined;
  return withCookie(await route(variant, r, deps, session, postSession), cookie);
}

async function route(variant: Variant, r: DirectoryRequest, deps: DirectoryDeps, session: Session, postSession: Session | undefined): Promise<Reply> {
  const { design } = variant;
  const ui = UI[variant.language];
  const { rest, method } = r;
  const submit = design.submitPath;

  if (method === "GET" && rest === "") return html(homePage(variant, deps.store.listings({ slug: variant.slug, status: "published" }).slice(-10)));
  if (method === "GET" && rest === "search") {
    const q = (r.url.searchParams.get("q") ?? "").trim().toLowerCase();
    const results = q ? deps.store.listings({ slug: variant.slug, status: "published" }).filter((l) => l.businessName.toLowerCase().includes(q)) : [];
    return html(searchPage(variant, r.url.searchParams.get("q") ?? "", results));
  }
  const listingMatch = /^listing\/([a-z0-9]+)$/.exec(rest);
  if (method === "GET" && listingMatch) {
    const listing = deps.store.listing(variant.slug, listingMatch[1]!);
    if (!listing || listing.status !== "published") return html(messagePage(variant, "404", ui.notFound), 404);
    return html(listingPage(variant, listing, listingRows(variant, listing)));
  }
  const captchaMatch = /^captcha\/([a-f0-9]+)\.svg$/.exec(rest);
  if (method === "GET" && captchaMatch) {
    const svg = deps.captchas.svg(variant.slug, captchaMatch[1]!);
    return svg ? { status: 200, body: svg, headers: { "content-type": "image/svg+xml" } } : html(messagePage(variant, "404", ui.notFound), 404);
  }
  if (method === "GET" && rest === "thanks") {
    const listing = deps.store.listing(variant.slug, r.url.searchParams.get("ref") ?? "");
    return html(directoryPage(variant, design.confirmation.text, confirmationHtml(variant, design.confirmation.text, listing, design.confirmation.showsListingUrl)));
  }
  if (method === "GET" && rest === "verify") {
    const listing = deps.store.verify(variant.slug, r.url.searchParams.get("token") ?? "");
    if (!listing) return html(messagePage(variant, "404", ui.notFound), 404);
    if (deps.enquiries && design.forwardsEnquiries) scheduleEnquiry(variant, listing, { store: deps.store, farmUrl: deps.farmUrl(), onMail: deps.onMail });
    return html(directoryPage(variant, ui.emailConfirmed, `<div class="alert alert-success" role="status"><h2>${esc(ui.emailConfirmed)}</h2></div>`));
  }

  // Signing in to the account a listing created, and editing the listing (designs with `account`; account.ts).
  if (design.account) {
    const signedIn = handleAccount(variant, r, session, { store: deps.store, loginTtlMs: deps.loginTtlMs });
    if (signedIn) return signedIn;
  }

  // The form, in the way this design delivers it.
  if (method === "GET" && rest === submit) {
    if (design.delivery === "iframe") return html(iframeHostPage(variant, ui.addBusiness, `${variant.basePath}embed`));
    if (design.delivery === "js-built" || design.delivery === "spa-fetch")
      return html(appShellPage(variant, ui.addBusiness, `${variant.basePath}form.json`, design.buildDelayMs ?? 500, design.delivery === "spa-fetch" ? "fetch" : "post"));
    return showStep(variant, r, deps, session);
  }
  if (method === "GET" && rest === "embed" && design.delivery === "iframe") return showStep(variant, r, deps, session);
  if (method === "GET" && rest === "form.json" && (design.delivery === "js-built" || design.delivery === "spa-fetch")) {
    return json({ html: formHtml(variant, deps, session, 1, {}, []) });
  }

  if (method === "POST" && (rest === formPath(variant) || (rest === "api/submit" && design.delivery === "spa-fetch"))) {
    const ctx: SubmissionContext = {
      store: deps.store,
      captchas: deps.captchas,
      farmUrl: deps.farmUrl(),
      userAgent: r.req.headers["user-agent"],
      onSubmission: deps.onSubmission,
      onMail: deps.onMail,
      enquiries: deps.enquiries,
    };
    const result = processSubmission(variant, postSession, r.posted, ctx, r.uploads);
    return rest === "api/submit" ? apiReply(variant, deps, session, result) : pageReply(variant, deps, session, result);
  }
  return html(messagePage(variant, "404", ui.notFound), 404);
}

/** GET of a (wizard) form page; a page whose predecessors are not done sends back to the first missing one. */
function showStep(variant: Variant, r: DirectoryRequest, deps: DirectoryDeps, session: Session): Reply {
  const { design } = variant;
  const asked = Number(r.url.searchParams.get("step") ?? "1") || 1;
  if (design.steps > 1 && asked > session.wizardDone + 1) return redirect(`${variant.basePath}${formPath(variant)}?step=${session.wizardDone + 1}`, 302);
  const step = Math.min(Math.max(1, asked), design.steps);
  const values = step > 1 ? session.wizardValues : {};
  return formReply(variant, deps, session, step, values, [], undefined, 200);
}

function formHtml(variant: Variant, deps: DirectoryDeps, session: Session, step: number, values: Posted, errors: FieldError[], alert?: string): string {
  const { design } = variant;
  let csrfToken: string | undefined;
  if (design.csrf) {
    csrfToken = randomBytes(20).toString("base64url");
    session.csrfTokens.add(csrfToken);
  }
  const needsImage = design.fields.some((f) => (f.step ?? 1) === step && f.control === "captcha-image");
  const isApp = design.delivery === "spa-fetch";
  return renderForm({
    design,
    ui: UI[variant.language],
    step,
    action: `${variant.basePath}${isApp ? "api/submit" : formPath(variant)}`,
    api: isApp ? `${variant.basePath}api/submit` : undefined,
    values,
    errors: Object.fromEntries(errors.map((e) => [e.field, e.message])),
    alert,
    csrfToken,
    captcha: needsImage ? deps.captchas.createChallenge(variant.slug) : undefined,
    siteKey: variant.siteKey,
  });
}

/** A full page holding the form (or the framed document for iframe designs). */
function formReply(variant: Variant, deps: DirectoryDeps, session: Session, step: number, values: Posted, errors: FieldError[], alert: string | undefined, status: number): Reply {
  const form = formHtml(variant, deps, session, step, values, errors, alert);
  const ui = UI[variant.language];
  if (variant.design.delivery === "iframe") return html(embedPage(variant, form), status);
  return html(directoryPage(variant, ui.addBusiness, `<h1>${ui.addBusiness}</h1>${form}`), status);
}

function pageReply(variant: Variant, deps: DirectoryDeps, session: Session, result: SubmissionResult): Reply {
  const { design } = variant;
  const ui = UI[variant.language];
  const wrap = (title: string, body: string, status: number) => html(design.delivery === "iframe" ? embedPage(variant, body) : directoryPage(variant, title, body), status);
  switch (result.kind) {
    case "csrf":
      return wrap("403", `<div class="alert alert-error" role="alert"><p>${ui.csrf}</p></div>`, 403);
    case "honeypot":
      return wrap("400", `<div class="alert alert-error" role="alert"><p>${ui.rejected}</p></div>`, 400);
    case "form":
      return formReply(variant, deps, session, result.step, result.values, result.errors, result.alert, result.alert ? 200 : design.errorStatus);
    case "next":
      return redirect(`${variant.basePath}${formPath(variant)}?step=${result.step}`);
    case "accepted":
      if (design.confirmation.kind === "redirect") return redirect(`${variant.basePath}thanks?ref=${result.listing.id}`);
      return wrap(design.confirmation.text, confirmationHtml(variant, design.confirmation.text, result.listing, design.confirmation.showsListingUrl), 200);
  }
}

/** The fetch-submitting app's JSON answers; on errors it gets the re-rendered form to swap in. */
function apiReply(variant: Variant, deps: DirectoryDeps, session: Session, result: SubmissionResult): Reply {
  const { design } = variant;
  const ui = UI[variant.language];
  switch (result.kind) {
    case "csrf":
      return json({ ok: false, message: ui.csrf }, 403);
    case "honeypot":
      return json({ ok: false, message: ui.rejected }, 400);
    case "form":
      return json(
        { ok: false, message: result.alert ?? ui.errorSummary, errors: result.errors, html: formHtml(variant, deps, session, result.step, result.values, result.errors, result.alert) },
        result.alert ? 409 : 422,
      );
    case "next":
      return json({ ok: true, next: result.step });
    case "accepted":
      return json({ ok: true, message: design.confirmation.text, listingId: result.listing.id, listingUrl: design.confirmation.showsListingUrl ? result.listing.url : undefined });
  }
}

/** The values a published listing shows, labelled as on the form, option values as their labels. */
function listingRows(variant: Variant, listing: Listing): [string, string][] {
  const rows: [string, string][] = [];
  for (const f of variant.design.fields) {
    if (["unknown", "username"].includes(f.type)) continue;
    const raw = listing.fields[f.name];
    const values = (Array.isArray(raw) ? raw : [raw ?? ""]).filter((v) => v !== "");
    if (!values.length) continue;
    const shown = values.map((v) => f.options?.find((o) => o.value === v)?.label ?? v).join(", ");
    rows.push([f.label.replace(/[\s:*]+$/, ""), shown]);
  }
  return rows;
}
