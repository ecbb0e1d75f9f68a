/**
 * Hostile bodies and headers at every route that reads a body (POST/PUT/PATCH of
 * the app), sent with each credential so the body is what gets judged:
 * oversized (413), deeply nested JSON, invalid UTF-8, odd content types.
 * And header injection: CR/LF in a header value never reaches the Worker
 * (the runtime refuses to build such a request), and Latin-1 or huge header
 * values are answered like any bad input.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { app } from "../../src/app";
import { IMPORT_BODY_LIMIT } from "../../src/routes/staff-catalog";
import { ACTORS, bearerOf, newPeople, type Actor } from "../workers/support/actors";
import { settled } from "../workers/support/coordinator-harness";
import { seedJob } from "../workers/support/seed";
import { contentTypes, headerValue, invalidUtf8 } from "./support/inputs";
import { Database, Tally, changedTables, problemWith, quietInfoLogs, send } from "./support/oracle";

const RUNS = inject("fuzzRuns");
const tally = new Tally();
const started = performance.now();
let tokens: Record<Actor, string | null>;
let jobId: string;
let submissionId: string;

/** POST/PUT/PATCH routes of the app, with params filled by a real job and submission. */
function bodyRoutes(): { key: string; method: string; path: string }[] {
  const seen = new Set<string>();
  return app.routes
    .filter((r) => ["POST", "PUT", "PATCH"].includes(r.method) && !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`))
    .map((r) => ({
      key: `${r.method} ${r.path}`,
      method: r.method,
      path: r.path
        .replace(":id", jobId)
        .replace(":jobId", jobId)
        .replace(":submissionId", submissionId)
        .replace(":sessionId", "cs_local_unknown")
        // Any other id (a login, a listing check, the next route's): well formed, so the body is what is judged.
        .replace(/:[A-Za-z]+/g, "00000000-0000-4000-8000-000000000000"),
    }));
}

const CREDENTIALS: Actor[] = ["customerA", "staff", "worker"];
/** Routes that read bodies past 1 MiB by design (a catalog CSV): a body within the limit is read and judged. */
const LARGER_LIMITS: Record<string, number> = { "POST /api/staff/directories/import": IMPORT_BODY_LIMIT };
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);

/** Bodies no route should accept, with the status class each must get. */
const HOSTILE: { name: string; body: () => string | Uint8Array; type?: string; expect?: number }[] = [
  { name: "2 MiB of JSON", body: () => JSON.stringify({ reason: "x".repeat(2 * 1024 * 1024), email: "a@b.co" }), expect: 413 },
  { name: "1 MiB + 1 of spaces", body: () => " ".repeat(1024 * 1024 + 1) + "{}", expect: 413 },
  { name: "array nested 100,000 deep", body: () => deep(100_000) },
  { name: "object nested 50,000 deep", body: () => deepObject(50_000) },
  { name: "array nested 1,000 deep", body: () => deep(1_000) },
  { name: "invalid UTF-8 in a string", body: () => new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  { name: "UTF-16 body labelled UTF-16", body: () => new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), type: "application/json; charset=utf-16" },
  { name: "NUL bytes", body: () => "{\u0000}" },
  { name: "lone surrogate escapes", body: () => '{"email":"\\ud800","reason":"\\udfff\\ud800"}' },
  { name: "huge number", body: () => `{"attempt":1${"0".repeat(400)},"jobId":1e999}` },
  { name: "many keys", body: () => JSON.stringify(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]))) },
  { name: "__proto__ keys", body: () => '{"__proto__":{"staff":true},"constructor":{"prototype":{"staff":true}}}' },
];

beforeAll(async () => {
  quietInfoLogs();
  const seeded = await seedJob({ directories: 2 });
  jobId = seeded.jobId;
  submissionId = seeded.submissionIds[0]!;
  const people = newPeople(seeded.userId);
  tokens = Object.fromEntries(await Promise.all(ACTORS.map(async (a) => [a, await bearerOf(a, people)]))) as Record<Actor, string | null>;
}, 60_000);

afterAll(() => {
  console.log(tally.render(`fuzz: hostile bodies and headers (FUZZ_RUNS=${RUNS})`, (performance.now() - started) / 1000));
});

async function check(db: Database, label: string, request: Request, expectStatus?: number): Promise<void> {
  // Routes that take no body (staff start, pause...) accept these: let the coordinator's writes land first.
  await settled(jobId);
  const before = await db.fingerprint();
  const answer = await send(request);
  tally.add(label, answer.status);
  expect(problemWith(answer), `${label}: ${request.method} ${request.url.slice(0, 120)}`).toBeNull();
  // An oversized body is never parsed: a 413, or an answer that never looked at it (the caller
  // refused first, or a route that reads no body); a 400 would mean it was read and judged.
  if (expectStatus === 413) expect(answer.status, `${label} ${request.url}: ${answer.text.slice(0, 100)}`).not.toBe(400);
  if (answer.status >= 400) expect(changedTables(before, await db.fingerprint()), label).toEqual([]);
}

describe("hostile bodies at every route that reads one", () => {
  for (const hostile of HOSTILE) {
    it(hostile.name, async () => {
      const db = await Database.open();
      try {
        const body = hostile.body();
        for (const route of bodyRoutes()) {
          for (const who of CREDENTIALS) {
            const request = new Request(`http://localhost${route.path}`, {
              method: route.method,
              headers: { "content-type": hostile.type ?? "application/json", authorization: `Bearer ${tokens[who]}`, "stripe-signature": "t=1,v1=00" },
              body,
            });
            // A route may refuse the caller before the body: 401/403/404 then; else the body's own 4xx.
            const size = typeof body === "string" ? new TextEncoder().encode(body).length : body.length;
            const withinLimit = size <= (LARGER_LIMITS[route.key] ?? 0);
            await check(db, hostile.name, request, withinLimit ? undefined : hostile.expect);
          }
        }
      } finally {
        await db.close();
      }
    });
  }

  it("random bytes and content types at every route", async () => {
    const db = await Database.open();
    try {
      const routes = bodyRoutes();
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), fc.constantFrom(...CREDENTIALS), contentTypes, invalidUtf8, async (route, who, type, bytes) => {
          const headers: Record<string, string> = { authorization: `Bearer ${tokens[who]}` };
          if (type !== null) headers["content-type"] = type;
          await check(db, "random bytes", new Request(`http://localhost${route.path}`, { method: route.method, headers, body: bytes }));
        }),
        { numRuns: RUNS * 2 },
      );
    } finally {
      await db.close();
    }
  });
});

describe("header injection", () => {
  it("the runtime refuses CR, LF and NUL in a header value, so none can reach a route", () => {
    for (const value of ["a\r\nx-socket-role: staff", "a\nb", "a\rb", "a\u0000b", "Bearer x\r\n\r\nGET / HTTP/1.1"]) {
      expect(() => new Request("http://localhost/api/plans", { headers: { authorization: value } })).toThrow(TypeError);
      expect(() => new Headers({ "x-a": value })).toThrow(TypeError);
    }
    expect(() => new Request("http://localhost/api/plans", { headers: { "bad name": "x" } })).toThrow(TypeError);
  });

  it("odd but legal header values are answered, never a 5xx, and a forged x-socket-role changes nothing", async () => {
    const db = await Database.open();
    try {
      const routes = app.routes
        .filter((r) => r.method !== "ALL")
        .map((r) => ({ method: r.method, path: r.path.replace(":id", jobId).replace(":submissionId", submissionId).replace(":sessionId", "cs_local_unknown") }));
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes),
          fc.constantFrom("authorization", "content-type", "idempotency-key", "stripe-signature", "upgrade", "x-socket-role", "cookie", "host", "accept"),
          headerValue,
          async (route, name, value) => {
            const headers: Record<string, string> = { [name]: value };
            if (name !== "content-type" && route.method !== "GET") headers["content-type"] = "application/json";
            const request = new Request(`http://localhost${route.path}`, { method: route.method, headers, body: route.method === "GET" ? null : "{}" });
            await check(db, `header ${name}`, request);
          },
        ),
        { numRuns: RUNS * 2 },
      );
    } finally {
      await db.close();
    }
  });
});
