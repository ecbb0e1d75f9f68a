/**
 * Opening a verification link in Chromium (browser-worker/src/followup.ts):
 * the link is on the directory's own domain, but a redirect on its site (an
 * open redirect) may lead anywhere, and a page there must not count as the
 * directory's confirmation. The directory is a small HTTP server on
 * 127.0.0.1; "elsewhere" is the same server named `localhost`, which is
 * another site (an IP and a single-label name are each their own site).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFollowup, type FollowupPage } from "../../browser-worker/src/followup.ts";
import type { FollowupLease } from "../../core/protocol/tasks.ts";
import { launchChromium } from "../../tools/lib/chromium.ts";

let server: Server;
let browser: Browser;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/verify") {
      res.writeHead(302, { location: url.searchParams.get("next") ?? "/confirmed" }).end();
      return;
    }
    if (url.pathname === "/listing/gone") {
      res.writeHead(404, { "content-type": "text/html" }).end("<h1>This listing no longer exists</h1>");
      return;
    }
    res.writeHead(200, { "content-type": "text/html" }).end(`<h1>Your listing is confirmed (${req.headers.host})</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

const lease = (url: string, kind: FollowupLease["kind"] = "verify"): FollowupLease => ({
  jobId: crypto.randomUUID(),
  submissionId: crypto.randomUUID(),
  kind,
  attempt: 1,
  url,
  directory: { id: crypto.randomUUID(), slug: "harbour", name: "Harbour Directory", website: `http://127.0.0.1:${port}/` },
  businessName: "Harbour Bakery",
});

describe("a verification link opened in the browser", () => {
  it("counts when it stays on the directory's site, redirects included", async () => {
    const page = await browser.newPage();
    try {
      const opened = await openFollowup(page as unknown as FollowupPage, lease(`http://127.0.0.1:${port}/verify?token=abc`));
      expect(opened).toMatchObject({ ok: true, httpStatus: 200, finalUrl: `http://127.0.0.1:${port}/confirmed` });
    } finally {
      await page.close();
    }
  });

  it("does not count when a redirect leads off the directory's site", async () => {
    const page = await browser.newPage();
    try {
      const next = encodeURIComponent(`http://localhost:${port}/phish`);
      const opened = await openFollowup(page as unknown as FollowupPage, lease(`http://127.0.0.1:${port}/verify?next=${next}`));
      expect(opened).toMatchObject({ ok: false, finalUrl: `http://localhost:${port}/phish`, reason: "the link led off the directory's site, to localhost" });
    } finally {
      await page.close();
    }
  });
});

describe("a survival check's screenshot (issue 19)", () => {
  it("is taken of a gone listing's 404 page: the page as found is the evidence, not a failure to retry", async () => {
    const page = await browser.newPage();
    try {
      const opened = await openFollowup(page as unknown as FollowupPage, lease(`http://127.0.0.1:${port}/listing/gone`, "check"));
      expect(opened).toMatchObject({ ok: true, httpStatus: 404, finalUrl: `http://127.0.0.1:${port}/listing/gone` });
      expect(opened.reason).toContain("no longer exists");
      // The same page as a `listing` follow-up is a failure (a live listing must answer 2xx).
      expect(await openFollowup(page as unknown as FollowupPage, lease(`http://127.0.0.1:${port}/listing/gone`, "listing"))).toMatchObject({ ok: false, httpStatus: 404 });
      const png = await page.screenshot({ type: "png" });
      expect(png.length).toBeGreaterThan(100);
    } finally {
      await page.close();
    }
  });
});
