/**
 * The signed-in side of a directory whose design creates an account with the
 * listing (issue 19 item 2, "updates after a change"): sign in, the account's
 * page listing its listings, and an edit-listing form whose changes show on
 * the public listing page.
 *
 * The guards sites put on it: the sign-in starts a session that expires
 * (`loginTtlMs`; a later edit is sent back to the sign-in page, nothing
 * changed), the edit form carries a CSRF token checked against that
 * session, and some directories (odd variant index) serve a changed form:
 * other field names, another order, and a box confirming the changes that
 * must be ticked. The sign-in itself takes no token (the vault's site test
 * posts it straight, as a password manager would).
 */
import { randomBytes } from "node:crypto";
import { html, one, type Posted, redirect, type Reply } from "./http.ts";
import { UI } from "./i18n.ts";
import { renderForm } from "./render/form.ts";
import { esc } from "./render/html.ts";
import { directoryPage } from "./render/pages.ts";
import { validateFields } from "./rules.ts";
import type { FarmStore, Session } from "./store.ts";
import type { Design, FieldSpec, Variant } from "./types.ts";

export interface AccountDeps {
  store: FarmStore;
  /** How long a sign-in lasts (default 10 minutes). */
  loginTtlMs?: number;
}

export interface AccountRequest {
  method: string;
  rest: string;
  url: URL;
  posted: Posted;
}

const DEFAULT_TTL_MS = 10 * 60_000;
/** The edit form's token name where the design names none for its listing form. */
const EDIT_TOKEN = "edit_token";
/** The box the changed form asks to be ticked. */
export const CONFIRM_FIELD = "confirm_changes";

/** Not part of the editable listing: the account's secrets, traps, consents and files. */
const NOT_EDITABLE = new Set(["honeypot", "captcha", "new-password", "current-password", "terms", "username", "newsletter", "logo", "photo", "unknown"]);

/** Whether this directory serves the changed edit form. */
export const changedEditForm = (variant: Variant) => variant.index % 2 === 1;

/** The edit form as a one-page design, and the stored field name of every posted one. */
export function editDesign(variant: Variant): { design: Design; storedName: Map<string, string> } {
  const base = variant.design.fields.filter((f) => !NOT_EDITABLE.has(f.type)).map(({ step: _s, ...f }) => f);
  const changed = changedEditForm(variant);
  const fields: FieldSpec[] = changed ? base.map((f) => ({ ...f, name: `listing[${f.name}]`, id: undefined })).reverse() : base;
  if (changed) fields.push({ name: CONFIRM_FIELD, type: "terms", required: true, label: "I confirm these details are correct and agree to the Terms of Use", control: "checkbox", value: "yes" });
  const storedName = new Map(base.map((f, i) => [changed ? `listing[${f.name}]` : f.name, base[i]!.name]));
  return {
    design: { ...variant.design, fields, steps: 1, delivery: "html", csrf: variant.design.csrf ?? EDIT_TOKEN, submitLabel: "Save changes", intro: undefined },
    storedName,
  };
}

function signedIn(session: Session, now = Date.now()): Session["signedIn"] {
  return session.signedIn && session.signedIn.until > now ? session.signedIn : undefined;
}

function signInForm(variant: Variant, alert = ""): string {
  return (
    `<h1>Sign in</h1>${alert}<form method="post" action="${variant.basePath}login"><label>Username or e-mail <input name="login" autocomplete="username" required></label>` +
    `<label>Password <input type="password" name="password" autocomplete="current-password" required></label><button type="submit">Sign in</button></form>`
  );
}

function accountPage(variant: Variant, store: FarmStore, who: NonNullable<Session["signedIn"]>): string {
  const items = who.listingIds
    .map((id) => store.listing(variant.slug, id))
    .filter((l) => !!l)
    .map(
      (l) => `<li><span class="name">${esc(l.businessName)}</span> <a href="${variant.basePath}${changedEditForm(variant) ? `manage/${l.id}` : `account/listing/${l.id}/edit`}">Edit listing</a></li>`,
    )
    .join("");
  return `<h1>Your account</h1><div class="alert alert-success" role="status"><p>Signed in as ${esc(who.username)}</p></div><h2>Your listings</h2><ul class="my-listings">${items}</ul>`;
}

/** Sign-in, account and edit pages; undefined when `rest` is none of them. */
export function handleAccount(variant: Variant, r: AccountRequest, session: Session, deps: AccountDeps): Reply | undefined {
  const { store } = deps;
  const { rest, method } = r;
  if (rest === "login" && method === "GET") {
    const expired = r.url.searchParams.get("expired") ? `<div class="alert alert-error" role="alert"><p>Your session has expired. Please sign in again.</p></div>` : "";
    return html(directoryPage(variant, "Sign in", signInForm(variant, expired)));
  }
  if (rest === "login" && method === "POST") {
    const account = store.signIn(variant.slug, one(r.posted, "login"), one(r.posted, "password"));
    if (!account) return html(directoryPage(variant, "Sign in", signInForm(variant, `<div class="alert alert-error" role="alert"><p>Wrong username or password.</p></div>`)), 401);
    session.signedIn = { ...account, until: Date.now() + (deps.loginTtlMs ?? DEFAULT_TTL_MS) };
    return html(directoryPage(variant, "Your account", accountPage(variant, store, session.signedIn)));
  }
  if (rest === "account" && method === "GET") {
    const who = signedIn(session);
    return who ? html(directoryPage(variant, "Your account", accountPage(variant, store, who))) : redirect(`${variant.basePath}login?expired=1`);
  }
  const edit = (changedEditForm(variant) ? /^manage\/([a-z0-9]+)$/ : /^account\/listing\/([a-z0-9]+)\/edit$/).exec(rest);
  if (!edit || (method !== "GET" && method !== "POST")) return undefined;
  const who = signedIn(session);
  // An expired session is sent to sign in again: nothing is changed.
  if (!who) return redirect(`${variant.basePath}login?expired=1`);
  const listing = store.listing(variant.slug, edit[1]!);
  if (!listing || !who.listingIds.includes(listing.id)) return html(directoryPage(variant, "404", "<h1>Not found</h1>"), 404);
  const { design, storedName } = editDesign(variant);
  const ui = UI[variant.language];
  const show = (values: Posted, errors: Record<string, string>, status: number, alert?: string) => {
    const csrfToken = randomBytes(20).toString("base64url");
    session.csrfTokens.add(csrfToken);
    const form = renderForm({ design, ui, step: 1, action: `${variant.basePath}${rest}`, values, errors, alert, csrfToken, siteKey: variant.siteKey });
    return html(directoryPage(variant, "Edit listing", `<h1>Edit listing</h1>${form}`), status);
  };
  if (method === "GET") {
    const current: Posted = {};
    for (const [posted, stored] of storedName) if (listing.fields[stored] !== undefined) current[posted] = listing.fields[stored]!;
    return show(current, {}, 200);
  }
  const token = one(r.posted, design.csrf!);
  if (!token || !session.csrfTokens.has(token)) return html(directoryPage(variant, "403", `<div class="alert alert-error" role="alert"><p>${esc(ui.csrf)}</p></div>`), 403);
  session.csrfTokens.delete(token);
  const errors = validateFields(design.fields, r.posted, ui);
  if (errors.length) return show(r.posted, Object.fromEntries(errors.map((e) => [e.field, e.message])), variant.design.errorStatus, ui.errorSummary);
  const fields: Record<string, string | string[]> = {};
  for (const [posted, stored] of storedName) if (r.posted[posted] !== undefined) fields[stored] = r.posted[posted]!;
  const byType = (type: string) => {
    const f = variant.design.fields.find((x) => x.type === type && typeof fields[x.name] === "string");
    return f ? String(fields[f.name]).trim() : undefined;
  };
  const changed = store.changeListing(listing.id, { fields, businessName: byType("organization"), phone: byType("tel"), website: byType("url") });
  return html(
    directoryPage(
      variant,
      "Changes saved",
      `<div class="alert alert-success" role="status"><h2>Your changes have been saved.</h2><p class="listing-url">${esc(ui.listingAt)} <a href="${esc(changed!.url)}">${esc(changed!.url)}</a></p></div>`,
    ),
  );
}
