/**
 * The first attempt's look in the directory's search, read by a GET before
 * the browser renders it (engine/look-first.ts, issue 21): the GET's answer
 * stands only where the server's own HTML answered the query; a search built
 * by script, a refused or failed GET, or a page cut at the byte cap is opened
 * in the browser as before. Real Chromium against a small server whose
 * search pages are written either way, which counts who asked for them.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { boundedGet, PAGE_LIMITS } from "../../core/bounded-fetch";
import { searchWithoutBrowser, type PageReader } from "../../browser-worker/src/engine/look-first";
import { submitListing } from "../../browser-worker/src/engine/index.ts";
import { guardedFetch } from "../../browser-worker/src/egress";
import { launchChromium } from "../../tools/lib/chromium.ts";
import { SAMPLE_PROFILE } from "./support/engine.ts";
import type { SubmitTask } from "../../browser-worker/src/engine/types.ts";

const NAME = SAMPLE_PROFILE.businessName;
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

/** Who asked for the search: the browser (its user agent says so) or a plain GET. */
let asked: { browser: number; get: number };
/** How the search pages are written now: "server" (results in the HTML) or "script" (an app shell that fills in the results). */
let searchKind: "server" | "script";
/** Whether the business has a listing at this directory. */
let listed: boolean;
let server: Server;
let base: string;
let browser: Browser;

const page = (title: string, body: string) => `<!doctype html><html><head><title>${title}</title></head><body>${body}</body></html>`;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    const html = (status: number, body: string) => res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body);
    if (url.pathname === "/search") {
      if (/HeadlessChrome|Chrome\//.test(req.headers["user-agent"] ?? "")) asked.browser++;
      else asked.get++;
      const q = url.searchParams.get("q") ?? "";
      const results = listed ? `<ul><li><a href="/listing/1">${esc(NAME)}</a></li></ul>` : `<p>No results.</p>`;
      if (searchKind === "server") return html(200, page("Search", `<form><input name="q" value="${esc(q)}"></form>${results}`));
      // An app shell: the query and the results exist only once the script has run.
      return html(
        200,
        page(
          "Search",
          `<div id="app">Loading…</div><script>setTimeout(() => { const q = new URLSearchParams(location.search).get("q"); document.getElementById("app").innerHTML = "<h1></h1>" + ${JSON.stringify(results)}; document.querySelector("h1").textContent = "Results for " + q; }, 300);</script>`,
        ),
      );
    }
    if (url.pathname === "/listing/1")
      return html(
        200,
        page(
          NAME,
          `<h1>${esc(NAME)}</h1><p>${esc(SAMPLE_PROFILE.street ?? "")}, ${esc(SAMPLE_PROFILE.postalCode ?? "")} ${esc(SAMPLE_PROFILE.city ?? "")}</p><p>${esc(SAMPLE_PROFILE.phone ?? "")}</p>`,
        ),
      );
    if (url.pathname === "/submit")
      return html(200, page("Add your business", `<form method="post" action="/thanks"><label>Business name <input name="name" required></label><button type="submit">Submit</button></form>`));
    if (url.pathname === "/thanks") return html(200, page("Thanks", `<div role="status">Thank you! Your listing was received.</div>`));
    html(404, page("Not found", "Not found"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});
beforeEach(() => {
  asked = { browser: 0, get: 0 };
  listed = false;
  searchKind = "server";
});

const reader =
  (allowed: string[] = [base]): PageReader =>
  (url) =>
    boundedGet(guardedFetch(allowed), url, PAGE_LIMITS);

function task(): SubmitTask {
  return {
    jobId: crypto.randomUUID(),
    submissionId: crypto.randomUUID(),
    attempt: 1,
    directory: { id: "d1", slug: "d1", name: "Test directory", submitUrl: `${base}/submit`, website: base, language: "en", requiresCaptcha: false, listingSearchUrl: `${base}/search?q={query}` },
    business: SAMPLE_PROFILE,
  };
}

async function submit(readPage?: PageReader) {
  const tab = await browser.newPage();
  try {
    return await submitListing(tab as never, task(), { readPage });
  } finally {
    await tab.close();
  }
}

describe("the look-first search read without the browser", () => {
  it("a server-written search without the business: not listed, and the browser never opens the search", async () => {
    const result = await submit(reader());
    expect(result.outcome, result.reason).toBe("submitted");
    expect(asked).toEqual({ browser: 0, get: 1 });
  });

  it("a server-written search with the business: found by the GET, its page compared in the browser, nothing posted", async () => {
    listed = true;
    const result = await submit(reader());
    expect(result).toMatchObject({ outcome: "already_listed", listingUrl: `${base}/listing/1`, differences: [] });
    expect(asked).toEqual({ browser: 0, get: 1 });
  });

  it("a search built by script: the GET cannot tell, and the browser finds the listing it shows", async () => {
    searchKind = "script";
    listed = true;
    const result = await submit(reader());
    expect(result).toMatchObject({ outcome: "already_listed", listingUrl: `${base}/listing/1` });
    expect(asked).toEqual({ browser: 1, get: 1 });
  });

  it("a search built by script without the business: looked at in the browser, then the form is posted", async () => {
    searchKind = "script";
    const result = await submit(reader());
    expect(result.outcome, result.reason).toBe("submitted");
    expect(asked).toEqual({ browser: 1, get: 1 });
  });

  it("a private address not allowed by name is never fetched: the browser's own guard decides there", async () => {
    const lines: string[] = [];
    // Loopback, not allowed: the GET is refused before any request.
    expect(await searchWithoutBrowser(reader([]), `${base}/search?q={query}`, NAME, (l) => lines.push(l))).toBeNull();
    expect(asked.get).toBe(0);
    expect(lines.join("\n")).toMatch(/loopback/);
  });

  it("answers only what the server's HTML says", async () => {
    const at =
      (status: number, body: string, cut = false): PageReader =>
      async (url) => ({ status, url, body, cut });
    const url = "https://dir.example/search?q={query}";
    const quiet = () => {};
    const echoed = `<h1>Results for ${esc(NAME)}</h1><p>Nothing found.</p>`;
    // The query shown back and no result named like the business: not listed.
    expect(await searchWithoutBrowser(at(200, echoed), url, NAME, quiet)).toEqual({ found: null });
    // A result named like the business (entities, other case, extra words): found, resolved against the page.
    expect(await searchWithoutBrowser(at(200, `<a href="/b/7">${esc(NAME.toUpperCase())} – Downtown</a>`), url, NAME, quiet)).toEqual({ found: "https://dir.example/b/7" });
    // The query only inside a script (an app's state), no result: cannot tell.
    expect(await searchWithoutBrowser(at(200, `<div id="root"></div><script>window.q = ${JSON.stringify(NAME)}</script>`), url, NAME, quiet)).toBeNull();
    // Not 2xx, cut at the byte cap, empty: cannot tell.
    expect(await searchWithoutBrowser(at(403, ""), url, NAME, quiet)).toBeNull();
    expect(await searchWithoutBrowser(at(200, echoed, true), url, NAME, quiet)).toBeNull();
    expect(await searchWithoutBrowser(at(200, ""), url, NAME, quiet)).toBeNull();
    // A GET that throws (network, timeout): cannot tell.
    expect(await searchWithoutBrowser(async () => Promise.reject(new Error("socket hang up")), url, NAME, quiet)).toBeNull();
  });
});
