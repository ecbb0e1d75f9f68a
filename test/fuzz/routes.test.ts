/**
 * Every route of the app, fuzzed inside the real Worker: FUZZ_RUNS generated
 * and mutated requests each (test/fuzz/README.md). Each answer must be
 * below 500, a 4xx must be the JSON error shape, and a rejected request must
 * leave every table as it was. The route list comes from the app itself, so
 * a route without a generator in routes.ts fails the first test.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { app } from "../../src/app";
import { ACTORS, bearerOf, newPeople, type Actor } from "../workers/support/actors";
import { captureReleases, settled, stubFor } from "../workers/support/coordinator-harness";
import { connectFromWorker } from "../../src/db/worker-database";
import { unmatchedMail } from "../workers/support/mail";
import { seedJob } from "../workers/support/seed";
import { FUZZ_ROUTES, finishCase, type Fixtures, type FuzzCase } from "./routes";
import { Database, Tally, quietInfoLogs, changedTables, problemWith, send, type Answer, type Fingerprint } from "./support/oracle";

const RUNS = inject("fuzzRuns");
const tally = new Tally();
const started = performance.now();
let fx: Fixtures;

/** The app's routes as "METHOD /path", once each (middleware entries are method ALL). */
function appRoutes(): string[] {
  return [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))].sort();
}

function toRequest(c: FuzzCase): Request {
  return new Request(`http://localhost${c.path}`, { method: c.method, headers: c.headers, body: c.body ?? null });
}

async function post(path: string, token: string | null, body?: unknown): Promise<Answer> {
  return send(
    new Request(`http://localhost${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? null : JSON.stringify(body),
    }),
  );
}

beforeAll(async () => {
  quietInfoLogs();
  const [a, s, m] = await Promise.all([seedJob({ directories: 8 }), seedJob({ directories: 8 }), seedJob({ directories: 6 })]);
  // Job m's directories refuse automation, so each submission becomes a staff task.
  const conn = await connectFromWorker(env);
  try {
    await conn.client.query("update directories set automation = 'manual' where id in (select directory_id from directory_submissions where job_id = $1)", [m.jobId]);
  } finally {
    await conn.close();
  }
  for (const job of [a, s, m]) {
    await captureReleases(job.jobId, []);
    await stubFor(job.jobId).start(job.jobId);
  }
  const people = newPeople(a.userId);
  const tokens = Object.fromEntries(await Promise.all(ACTORS.map(async (actor) => [actor, await bearerOf(actor, people)]))) as Record<Actor, string | null>;
  const checkout = await post("/api/checkout", null, { plan: "starter", email: "fuzz@example.com", acceptShortfall: true });
  const jobTicket = await post(`/api/jobs/${a.jobId}/ws-ticket`, tokens.customerA);
  const opsTicket = await post("/api/ops/ws-ticket", tokens.staff);
  // Catalog rows of the run's own, for the staff catalog's PATCH and success rates.
  const tag = crypto.randomUUID().slice(0, 8);
  const csv = ["slug,name,website,priority_tier,country", ...[0, 1].map((i) => `fuzz-${tag}-${i},Fuzz ${i},https://d${i}.${tag}.example,3,INT`)].join("\n");
  const imported = await post("/api/staff/directories/import", tokens.staff, { csv });
  const listed = await send(new Request(`http://localhost/api/staff/directories?q=fuzz-${tag}`, { headers: { authorization: `Bearer ${tokens.staff}` } }));
  expect([checkout.status, jobTicket.status, opsTicket.status, imported.status, listed.status]).toEqual([200, 200, 200, 200, 200]);
  const mailIds = [await unmatchedMail()];
  fx = {
    tokens,
    jobId: a.jobId,
    submissionIds: a.submissionIds,
    staffJobId: s.jobId,
    staffSubmissionIds: s.submissionIds,
    taskJobId: m.jobId,
    taskSubmissionIds: m.submissionIds,
    localSessionId: (JSON.parse(checkout.text) as { sessionId: string }).sessionId,
    jobTicket: (JSON.parse(jobTicket.text) as { ticket: string }).ticket,
    opsTicket: (JSON.parse(opsTicket.text) as { ticket: string }).ticket,
    mailIds,
    directoryIds: (JSON.parse(listed.text) as { directories: { id: string }[] }).directories.map((d) => d.id),
  };
  expect(fx.directoryIds).toHaveLength(2);
}, 120_000);

afterAll(() => {
  console.log(tally.render(`fuzz: routes (FUZZ_RUNS=${RUNS})`, (performance.now() - started) / 1000));
});

describe("route coverage", () => {
  it("has a fuzz generator for every route of the app, and none for a route it lacks", () => {
    const routes = appRoutes();
    expect(routes.length).toBeGreaterThan(20);
    expect(
      routes.filter((r) => !(r in FUZZ_ROUTES)),
      "routes without a generator in test/fuzz/routes.ts",
    ).toEqual([]);
    expect(
      Object.keys(FUZZ_ROUTES).filter((r) => !routes.includes(r)),
      "generators for routes the app does not have",
    ).toEqual([]);
  });
});

describe("every route under generated and mutated input", () => {
  for (const route of Object.keys(FUZZ_ROUTES)) {
    it(route, async () => {
      const db = await Database.open();
      // The tables as the last refused case left them; null after an accepted one.
      let known: Fingerprint | null = null;
      try {
        await fc.assert(
          fc.asyncProperty(FUZZ_ROUTES[route]!(fx), async (generated) => {
            if (!known) {
              // Coordinators write to Postgres after they answer: let them finish first.
              await Promise.all([settled(fx.jobId), settled(fx.staffJobId), settled(fx.taskJobId)]);
              known = await db.fingerprint();
            }
            const before = known;
            known = null;
            const c = await finishCase(generated);
            const answer = await send(toRequest(c));
            tally.add(route, answer.status);
            if (answer.webSocket) {
              answer.webSocket.accept();
              answer.webSocket.close(1000, "fuzz");
            }
            const problem = problemWith(answer);
            if (problem) throw new Error(`${c.method} ${c.path.slice(0, 200)}: ${problem}`);
            if (answer.status >= 400) {
              const after = await db.fingerprint();
              const changed = changedTables(before, after);
              known = after;
              if (changed.length) throw new Error(`${c.method} ${c.path.slice(0, 200)} was refused (${answer.status} ${answer.text.slice(0, 120)}) but wrote to ${changed.join(", ")}`);
            }
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
      } finally {
        await db.close();
      }
    });
  }
});
