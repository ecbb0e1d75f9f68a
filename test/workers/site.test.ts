import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";

describe("the site as static assets", () => {
  it("serves the built SolidJS page at /", async () => {
    const res = await env.ASSETS.fetch("http://localhost/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    expect(html).toMatch(/<script type="module"[^>]+src="\/assets\/index-[\w-]+\.js"/);
  });

  it("answers client-side routes with index.html (single-page application)", async () => {
    const res = await env.ASSETS.fetch("http://localhost/portal/jobs/123");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
  });

  it("leaves /api to the Worker, which answers JSON", async () => {
    const res = await exports.default.fetch("http://localhost/api/anything");
    expect(res.headers.get("content-type")).toContain("application/json");
  });
});

describe("security headers on the site and the API", () => {
  const site = (path: string) => exports.default.fetch(`http://localhost${path}`);

  function expectSecurityHeaders(res: Response) {
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    return csp;
  }

  it("serves the built site through the Worker with a CSP that its page needs no inline script under", async () => {
    for (const path of ["/", "/portal/jobs/123", "/sign-in?next=/jobs"]) {
      const res = await site(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      expect(html, path).toContain('<div id="root">');
      expectSecurityHeaders(res);
      // Every script of the page is a file of this origin: an inline one would be refused.
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/src="\/assets\//);
        expect(body!.trim()).toBe("");
      }
      expect(html).not.toMatch(/\sstyle="/);
    }
    const script = (await (await site("/")).text()).match(/src="(\/assets\/index-[\w-]+\.js)"/)![1]!;
    const js = await site(script);
    expect(js.headers.get("content-type")).toContain("javascript");
    expect(js.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("gives API answers the same headers, JSON 404s included", async () => {
    expectSecurityHeaders(await site("/api/plans"));
    const missing = await site("/api/no-such-route");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/json");
    expectSecurityHeaders(missing);
  });

  it("answers odd paths and methods outside the API from the site, never with a 5xx", async () => {
    for (const [method, path] of [
      ["GET", "/%zz"],
      ["GET", "/..%2f..%2fwrangler.toml"],
      ["GET", "/assets/does-not-exist.js"],
      ["GET", `/${"a".repeat(4000)}`],
      ["POST", "/"],
      ["DELETE", "/portal/jobs/1"],
      ["HEAD", "/"],
    ] as const) {
      const res = await exports.default.fetch(`http://localhost${path}`, { method });
      expect(res.status, `${method} ${path.slice(0, 40)}`).toBeLessThan(500);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      await res.body?.cancel();
    }
  });

  it("lets the site reach only its own origin and this deployment's Supabase Auth", async () => {
    const local = expectSecurityHeaders(await site("/"));
    expect(local).toMatch(/connect-src 'self'\s*(;|$)/);
    const withSupabase = await app.fetch(new Request("http://localhost/api/config"), { ...env, SUPABASE_URL: "https://abcdefgh.supabase.co/", SUPABASE_ANON_KEY: "anon" } as Env);
    expect(withSupabase.headers.get("content-security-policy")).toMatch(/connect-src 'self' https:\/\/abcdefgh\.supabase\.co(;|$)/);
  });
});
