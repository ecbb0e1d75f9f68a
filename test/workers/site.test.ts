import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

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
