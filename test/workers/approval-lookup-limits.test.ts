/**
 * The approval tracker's look at a directory runs inside the job's
 * coordinator, so what a directory's pages can cost it is bounded: bytes
 * read, redirects followed, result pages opened. The directory here is a
 * stand-in that behaves like fetch does (it follows redirects itself when
 * asked to, up to fetch's 20) and counts what it was made to serve.
 */
import { describe, expect, it } from "vitest";
import { lookupListing, MAX_RESULTS_OPENED } from "../../durable-objects/coordinator/approval-tracker";
import { PAGE_LIMITS } from "../../core/bounded-fetch";

type Page = (url: URL) => Response;

/** A directory answering by path; `served` counts requests and body bytes pulled. */
function directory(pages: Record<string, Page>) {
  const served = { requests: 0, bytes: 0, paths: [] as string[] };
  const answer = (url: URL): Response => {
    served.requests++;
    served.paths.push(url.pathname);
    const page = pages[url.pathname];
    return page ? page(url) : new Response("not found", { status: 404 });
  };
  const fetcher: typeof fetch = async (input, init) => {
    let url = new URL(String(input));
    let res = answer(url);
    // What fetch itself does with redirect "follow".
    for (let hops = 0; (init?.redirect ?? "follow") === "follow" && res.status >= 300 && res.status < 400 && hops < 20; hops++) {
      url = new URL(res.headers.get("location")!, url);
      res = answer(url);
    }
    return res;
  };
  /** A body of `size` bytes, produced only as it is read. */
  const stream = (size: number, head: string): ReadableStream<Uint8Array> => {
    let sent = 0;
    const chunk = new TextEncoder().encode(head.padEnd(64 * 1024, " "));
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= size) return controller.close();
        served.bytes += chunk.byteLength;
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  };
  return { fetcher, served, stream };
}

const NAME = "Harbour Bakery";

describe("approval lookups are bounded", () => {
  it("reads at most the page cap of an endless listing page", async () => {
    const pages: Record<string, Page> = {};
    const site = directory(pages);
    pages["/listing/1"] = () => new Response(site.stream(64 * 1024 * 1024, "<p>nothing here</p>"), { headers: { "content-type": "text/html" } });
    const result = await lookupListing(site.fetcher, { listingUrl: "https://dir.example/listing/1", searchUrl: null, businessName: NAME });
    expect(result.found).toBe(false);
    expect(site.served.bytes).toBeLessThanOrEqual(PAGE_LIMITS.maxBytes + 2 * 64 * 1024);
  });

  it("follows at most the redirect cap of a redirect loop", async () => {
    const site = directory({
      "/a": () => new Response(null, { status: 302, headers: { location: "/b" } }),
      "/b": () => new Response(null, { status: 302, headers: { location: "/a" } }),
    });
    const result = await lookupListing(site.fetcher, { listingUrl: "https://dir.example/a", searchUrl: null, businessName: NAME });
    expect(result).toMatchObject({ found: false, detail: "listing page answered 302" });
    expect(site.served.requests).toBe(1 + PAGE_LIMITS.maxRedirects);
  });

  it("still follows a short redirect to the listing", async () => {
    const site = directory({
      "/old": () => new Response(null, { status: 301, headers: { location: "/listing/7" } }),
      "/listing/7": () => new Response(`<h1>${NAME}</h1>`, { headers: { "content-type": "text/html" } }),
    });
    expect(await lookupListing(site.fetcher, { listingUrl: "https://dir.example/old", searchUrl: null, businessName: NAME })).toEqual({ found: true, url: "https://dir.example/old" });
  });

  it("opens at most the result cap of a search page full of links named like the business", async () => {
    const links = Array.from({ length: 300 }, (_, i) => `<a href="/r/${i}">${NAME}</a>`).join("");
    const pages: Record<string, Page> = { "/search": () => new Response(`<html><body>${links}</body></html>`, { headers: { "content-type": "text/html" } }) };
    for (let i = 0; i < 300; i++) pages[`/r/${i}`] = () => new Response("<h1>Someone else</h1>", { headers: { "content-type": "text/html" } });
    const site = directory(pages);
    const result = await lookupListing(site.fetcher, { listingUrl: null, searchUrl: "https://dir.example/search?q={query}", businessName: NAME });
    expect(result.found).toBe(false);
    expect(site.served.paths.filter((p) => p.startsWith("/r/"))).toHaveLength(MAX_RESULTS_OPENED);
  });
});

describe("approval lookups stay on the directory's site", () => {
  it("a search result linking to another site is not the listing, even if that page shows the business", async () => {
    const pages: Record<string, Page> = {
      "/search": () => new Response(`<a href="https://elsewhere.example/fake">${NAME}</a><a href="https://www.dir.example/listing/9">${NAME}</a>`, { headers: { "content-type": "text/html" } }),
      "/fake": () => new Response(`<h1>${NAME}</h1>`, { headers: { "content-type": "text/html" } }),
      "/listing/9": () => new Response(`<h1>${NAME}</h1>`, { headers: { "content-type": "text/html" } }),
    };
    const site = directory(pages);
    const result = await lookupListing(site.fetcher, { listingUrl: null, searchUrl: "https://dir.example/search?q={query}", businessName: NAME });
    expect(result).toEqual({ found: true, url: "https://www.dir.example/listing/9" });
    expect(site.served.paths).not.toContain("/fake");
  });
});
