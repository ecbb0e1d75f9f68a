/**
 * Whole pages: the farm's landing page and each directory's home, form,
 * confirmation, listing, search and message pages. Every asset is served by
 * the farm itself: pages never reach the internet.
 */
import type { UiText } from "../i18n.ts";
import { UI } from "../i18n.ts";
import type { Listing, Variant } from "../types.ts";
import { esc } from "./html.ts";

export const STATIC_CSS = "/__farm/static/farm.css";
export const STATIC_JS = "/__farm/static/farm.js";

interface PageOptions {
  title: string;
  language: string;
  body: string;
  variant?: Variant;
  /** 2000s markup: upper-case tags, tables, <font>. */
  legacy?: boolean;
}

export function page({ title, language, body, variant, legacy }: PageOptions): string {
  if (legacy) {
    return (
      `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n<HTML LANG="${esc(language)}"><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=utf-8">` +
      `<TITLE>${esc(title)}</TITLE><LINK REL="stylesheet" HREF="${STATIC_CSS}"></HEAD>\n<BODY BGCOLOR="#FFFFEE" CLASS="legacy">` +
      `<TABLE WIDTH="760" BORDER="0" CELLPADDING="4"><TR><TD BGCOLOR="#003366"><FONT COLOR="#FFFFFF" SIZE="5"><B>${esc(variant?.name ?? title)}</B></FONT></TD></TR>` +
      `<TR><TD>${body}</TD></TR><TR><TD><FONT SIZE="1">&copy; ${esc(variant?.name ?? "")} &mdash; sandbox directory</FONT></TD></TR></TABLE>` +
      `<SCRIPT SRC="${STATIC_JS}"></SCRIPT></BODY></HTML>`
    );
  }
  const theme = variant ? ` class="theme-${variant.index % 6}"` : "";
  const header = variant
    ? `<header class="site"><a class="brand" href="${variant.basePath}">${esc(variant.name)}</a><nav><a href="${variant.basePath}">Home</a> <a href="${variant.basePath}search">${esc(UI[variant.language].search)}</a> <a href="${variant.basePath}${variant.design.submitPath}">${esc(UI[variant.language].addBusiness)}</a></nav>${variant.design.headerSearch ? searchForm(variant, UI[variant.language], "") : ""}</header>`
    : "";
  const footer = variant ? `<footer class="site">&copy; ${esc(variant.name)} · sandbox directory (DirectoryBolt farm)</footer>` : "";
  return (
    `<!doctype html>\n<html lang="${esc(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${esc(title)}</title><link rel="stylesheet" href="${STATIC_CSS}"></head>\n` +
    `<body${theme}>${header}<main>${body}</main>${footer}<script src="${STATIC_JS}" defer></script></body></html>`
  );
}

export function landingPage(variants: readonly Variant[]): string {
  const rows = variants
    .map(
      (v) =>
        `<tr><td><a href="${v.basePath}">${esc(v.name)}</a></td><td>${esc(v.design.id)}</td><td>${v.language}</td><td>${v.country}</td><td>${v.tier}</td><td>${v.daScore}</td><td>${esc(v.category)}</td>` +
        `<td>${[v.requiresCaptcha && "captcha", v.requiresEmailVerification && "email", v.requiresAccount && "account"].filter(Boolean).join(", ")}</td><td><a href="${v.basePath}${v.design.submitPath}">form</a></td></tr>`,
    )
    .join("\n");
  const body =
    `<h1>DirectoryBolt sandbox farm</h1><p>${variants.length} simulated directories. Test endpoints: <a href="/__farm/submissions">/__farm/submissions</a>, ` +
    `<a href="/__farm/listings">/__farm/listings</a>, <a href="/__farm/mails">/__farm/mails</a>, <a href="/__farm/catalog">/__farm/catalog</a>, <a href="/__farm/designs">/__farm/designs</a>; captcha solver stand-in under /__solver/.</p>` +
    `<table class="directory-list"><thead><tr><th>Directory</th><th>Design</th><th>Lang</th><th>Country</th><th>Tier</th><th>DA</th><th>Category</th><th>Needs</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
  return page({ title: "DirectoryBolt sandbox farm", language: "en", body });
}

export function directoryPage(variant: Variant, title: string, body: string): string {
  return page({ title: `${title} · ${variant.name}`, language: variant.language, body, variant, legacy: variant.design.legacyMarkup });
}

export function homePage(variant: Variant, recent: Listing[]): string {
  const ui = UI[variant.language];
  const list = recent.length ? `<ul class="recent">${recent.map((l) => `<li><a href="${esc(new URL(l.url).pathname)}">${esc(l.businessName)}</a></li>`).join("")}</ul>` : "";
  return directoryPage(
    variant,
    variant.name,
    `<h1>${esc(variant.name)}</h1>${searchForm(variant, ui, "")}<p><a class="btn" href="${variant.basePath}${variant.design.submitPath}">${esc(ui.addBusiness)}</a>${variant.design.account ? ` <a href="${variant.basePath}login">Sign in</a>` : ""}</p>${list}`,
  );
}

function searchForm(variant: Variant, ui: UiText, q: string): string {
  return `<form method="get" action="${variant.basePath}search" role="search"><input type="search" name="q" value="${esc(q)}" aria-label="${esc(ui.search)}"> <button type="submit">${esc(ui.search)}</button></form>`;
}

export function searchPage(variant: Variant, q: string, results: Listing[]): string {
  const ui = UI[variant.language];
  const items = results.length
    ? `<ul class="results">${results.map((l) => `<li><a href="${esc(new URL(l.url).pathname)}">${esc(l.businessName)}</a></li>`).join("")}</ul>`
    : q
      ? `<p class="no-results">${esc(ui.noResults)}</p>`
      : "";
  return directoryPage(variant, ui.search, `<h1>${esc(ui.search)}</h1>${searchForm(variant, ui, q)}${items}`);
}

/** The public page of a published listing: the values as the directory shows them. */
export function listingPage(variant: Variant, listing: Listing, rows: [string, string][]): string {
  const dl = rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("");
  return directoryPage(variant, listing.businessName, `<article class="listing" data-listing-id="${esc(listing.id)}"><h1>${esc(listing.businessName)}</h1><dl>${dl}</dl></article>`);
}

export function confirmationHtml(variant: Variant, text: string, listing: Listing | undefined, showUrl: boolean): string {
  const ui = UI[variant.language];
  const url = showUrl && listing ? `<p class="listing-url">${esc(ui.listingAt)} <a href="${esc(listing.url)}">${esc(listing.url)}</a></p>` : "";
  const ref = listing ? `<p class="reference">Ref. ${esc(listing.id)}</p>` : "";
  return `<div class="alert alert-success" role="status"><h2>${esc(text)}</h2>${url}${ref}</div>`;
}

export function messagePage(variant: Variant, title: string, message: string): string {
  return directoryPage(variant, title, `<h1>${esc(title)}</h1><div class="alert alert-error" role="alert"><p>${esc(message)}</p></div>`);
}

/** A page whose form is built by script after load (js-built, spa-fetch). */
export function appShellPage(variant: Variant, heading: string, schemaUrl: string, delayMs: number, mode: "post" | "fetch"): string {
  const ui = UI[variant.language];
  return directoryPage(
    variant,
    heading,
    `<h1>${esc(heading)}</h1><div id="app" data-farm-app="${esc(schemaUrl)}" data-delay="${delayMs}" data-mode="${mode}"><p class="loading">${esc(ui.loading)}</p></div>`,
  );
}

/** A page hosting the form in an iframe, as embedded form providers do. */
export function iframeHostPage(variant: Variant, heading: string, src: string): string {
  return directoryPage(
    variant,
    heading,
    `<h1>${esc(heading)}</h1><iframe src="${esc(src)}" title="${esc(heading)}" name="listing-frame" class="embed" width="100%" height="1100" style="border:0"></iframe>`,
  );
}

/** The bare document shown inside the iframe (no site chrome). */
export function embedPage(variant: Variant, body: string): string {
  return page({ title: variant.name, language: variant.language, body: `<div class="embedded">${body}</div>` });
}
