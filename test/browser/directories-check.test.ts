/**
 * `npm run directories:check` against the farm: directories that are alive,
 * moved, gone, blocked (403 and robots.txt), formless, and whose terms forbid
 * bots, each read as a careful client would (tools/lib/directory-check.ts).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Farm, startFarm } from "../../tools/farm/index.ts";
import { checkDirectory, fetchPage, hasSubmissionForm } from "../../tools/lib/directory-check.ts";

let farm: Farm;
beforeAll(async () => {
  farm = await startFarm({ variants: 60 });
});
afterAll(async () => {
  await farm?.close();
});

const fixture = (kind: string) => {
  const f = farm.checkFixtures().find((x) => x.kind === kind);
  if (!f) throw new Error(`no ${kind} fixture`);
  return f;
};

describe("directories:check against the farm", () => {
  it("an alive farm directory: alive, its form found, robots allow it, facts verified", async () => {
    const dir = farm.catalog().find((d) => !d.requiresAccount)!;
    const result = await checkDirectory({ website: dir.website, submitUrl: dir.submitUrl });
    expect(result.status).toBe("alive");
    expect(result.website.httpStatus).toBe(200);
    expect(result.formFound).toBe(true);
    expect(result.robots).toMatchObject({ found: true, allowed: true });
    expect(result.factsVerified).toBe(true);
  });

  it("gone: 410 and 404 pages", async () => {
    for (const kind of ["gone", "missing"]) {
      const result = await checkDirectory(fixture(kind));
      expect(result.status, kind).toBe("gone");
      expect(result.factsVerified).toBe(false);
      expect(result.reasons.join(" ")).toMatch(/answered 4(04|10)/);
    }
  });

  it("blocked: a 403, and a page robots.txt disallows", async () => {
    const forbidden = await checkDirectory(fixture("forbidden"));
    expect(forbidden.status).toBe("blocked");
    expect(forbidden.website.httpStatus).toBe(403);
    const robots = await checkDirectory(fixture("robots"));
    expect(robots.status).toBe("blocked");
    expect(robots.website.httpStatus).toBe(200);
    expect(robots.robots).toMatchObject({ found: true, allowed: false });
  });

  it("formless: alive, but no submission form (a search box is not one), so not verified", async () => {
    const result = await checkDirectory(fixture("formless"));
    expect(result.status).toBe("alive");
    expect(result.formFound).toBe(false);
    expect(result.factsVerified).toBe(false);
  });

  it("terms that forbid bots are found through the page's link and read", async () => {
    const result = await checkDirectory(fixture("no-bots"));
    expect(result.status).toBe("alive");
    expect(result.formFound).toBe(true);
    expect(result.terms).toEqual({ url: `${farm.url}/x/no-bots/terms`, forbidsAutomation: true });
    expect(result.factsVerified).toBe(false);
  });

  it("moved: redirected, followed to the form", async () => {
    const result = await checkDirectory(fixture("moved"));
    expect(result.status).toBe("redirected");
    expect(result.website.redirects).toBeGreaterThan(0);
    expect(result.website.finalUrl.startsWith(`${farm.url}/d/`)).toBe(true);
  });
});

describe("a careful client", () => {
  let server: Server;
  let base = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/loop") return res.writeHead(302, { location: "/loop" }).end();
      if (req.url === "/big") {
        res.writeHead(200, { "content-type": "text/html" });
        res.end(`<form><input name=a><input name=b></form>${"x".repeat(2_000_000)}`);
        return;
      }
      if (req.url === "/hang") return; // never answers
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("stops after the redirect cap", async () => {
    const page = await fetchPage(`${base}/loop`, { maxRedirects: 3 });
    expect(page.redirects).toBe(3);
    expect(page.error).toMatch(/more than 3 redirects/);
  });

  it("reads no more than the byte cap", async () => {
    const page = await fetchPage(`${base}/big`, { maxBytes: 64 * 1024 });
    expect(page.httpStatus).toBe(200);
    expect(page.bytes).toBe(64 * 1024);
    expect(hasSubmissionForm(`<form><input name=a><input name=b></form>`)).toBe(true);
  });

  it("gives up on a page that never answers: unreachable, which holds nothing", async () => {
    const result = await checkDirectory({ website: `${base}/hang`, submitUrl: null }, { timeoutMs: 300 });
    expect(result.status).toBe("unreachable");
    expect(result.website.error).toBeTruthy();
  });
});
