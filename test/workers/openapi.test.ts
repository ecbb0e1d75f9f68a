/**
 * `GET /api/openapi.json` documents every route the app serves: a route added
 * without its spec (a plain Hono route, or one left out of the document) fails
 * here. The exceptions are named, each with its reason.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";

/** Served, but deliberately not in the public document. */
const UNDOCUMENTED: Record<string, string> = {
  "GET /api/openapi.json": "the document itself",
  "GET /api/checkout/local/{sessionId}": "the local checkout stand-in's page (loopback only, hide: true)",
  "POST /api/checkout/local/{sessionId}/pay": "the local checkout stand-in's form (loopback only, hide: true)",
  "POST /api/dev/faults/jobs/{jobId}/redeliver": "fault injection for test:faults (loopback only, hide: true)",
  "POST /api/dev/faults/jobs/{jobId}/evict": "fault injection for test:faults (loopback only, hide: true)",
  "GET /api/dev/faults/jobs/{jobId}/counters": "fault injection for test:faults (loopback only, hide: true)",
  "POST /api/dev/faults/jobs/{jobId}/lose-reports": "fault injection for test:faults (loopback only, hide: true)",
};

type Operation = { summary?: string; responses: Record<string, unknown>; parameters?: { name: string; in: string }[] };

async function documentOf(): Promise<{ paths: Record<string, Record<string, Operation>> }> {
  const res = await exports.default.fetch("http://localhost/api/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as { paths: Record<string, Record<string, Operation>> };
}

/** The app's routes as "METHOD /path/{param}" (middleware entries are method ALL). */
function served(): string[] {
  return [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, "{$1}")}`))].sort();
}

describe("GET /api/openapi.json", () => {
  it("lists every route the app serves, and no route it does not", async () => {
    const doc = await documentOf();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const routes = served();
    expect(
      routes.filter((r) => !(r in UNDOCUMENTED) && !documented.includes(r)),
      "routes the document lacks",
    ).toEqual([]);
    expect(
      documented.filter((r) => !routes.includes(r)),
      "documented routes the app does not serve",
    ).toEqual([]);
    expect(
      Object.keys(UNDOCUMENTED).filter((r) => !routes.includes(r)),
      "exceptions for routes that no longer exist",
    ).toEqual([]);
    expect(
      documented.filter((r) => r in UNDOCUMENTED),
      "exceptions that are documented after all",
    ).toEqual([]);
    // The whole API, not only the purchase flow.
    expect(documented).toEqual(
      expect.arrayContaining(["GET /healthz", "GET /readyz", "GET /metrics", "POST /api/jobs/next", "GET /api/jobs/{id}", "POST /api/staff/jobs/{id}/cancel", "GET /api/staff/directories"]),
    );
  });

  it("gives each operation a summary, its path parameters, and its error answers", async () => {
    const doc = await documentOf();
    for (const [path, ops] of Object.entries(doc.paths)) {
      const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method.toUpperCase()} ${path}`;
        expect(op.summary, name).toBeTruthy();
        expect(
          (op.parameters ?? [])
            .filter((p) => p.in === "path")
            .map((p) => p.name)
            .sort(),
          name,
        ).toEqual([...params].sort());
        // Every route with input can refuse it, and every route but the public reads has an error answer.
        if (params.length > 0) expect(Object.keys(op.responses), name).toContain("400");
      }
    }
  });
});
