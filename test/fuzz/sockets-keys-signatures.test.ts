/**
 * The protocol edges: WebSocket tickets and client frames, evidence keys
 * that try to climb out of their job, and Stripe signatures that are almost
 * right. Each property runs FUZZ_RUNS cases (sockets: a tenth, they are slow).
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signTicket } from "../../src/auth/ws-ticket";
import { evidenceKey, keyBelongsTo } from "../../core/evidence-keys";
import type { ServerMessage } from "../../core/protocol/live";
import { socketProtocols } from "../../core/protocol/socket-ticket";
import type { TaskMessage } from "../../core/protocol/tasks";
import { bearerOf, newPeople } from "../workers/support/actors";
import { captureReleases, settled, stubFor } from "../workers/support/coordinator-harness";
import { checkoutSession, signature, stripeEvent } from "../workers/support/purchase";
import { seedJob, type SeededJob } from "../workers/support/seed";
import { NASTY, nastyString, wellFormed } from "./support/inputs";
import { Database, Tally, changedTables, problemWith, quietInfoLogs, send } from "./support/oracle";

const RUNS = inject("fuzzRuns");
const tally = new Tally();
const started = performance.now();
let job: SeededJob;
let other: SeededJob;
let released: TaskMessage[];

beforeAll(async () => {
  quietInfoLogs();
  [job, other] = await Promise.all([seedJob({ directories: Math.max(10, Math.min(RUNS, 400)) }), seedJob({ directories: 2 })]);
  released = [];
  await captureReleases(job.jobId, released);
  await stubFor(job.jobId).start(job.jobId);
}, 120_000);

afterAll(() => {
  console.log(tally.render(`fuzz: sockets, evidence keys, Stripe signatures (FUZZ_RUNS=${RUNS})`, (performance.now() - started) / 1000));
});

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The ticket as a browser offers it, percent-encoded so that any string is a header value (a real ticket is unchanged). */
const upgrade = (path: string, ticket: string) =>
  new Request(`http://localhost${path}`, { headers: { upgrade: "websocket", "sec-websocket-protocol": socketProtocols(encodeURIComponent(ticket)).join(", ") } });

describe("WebSocket upgrade abuse", () => {
  it("refuses every ticket that is not a live one for this target, with a JSON 401", async () => {
    const secret = env.WS_TICKET_SECRET;
    const mine = { target: job.jobId, role: "customer" as const, userId: job.userId };
    const tickets: [string, string][] = [
      ["expired", await signTicket(secret, mine, -120)],
      ["another job's", await signTicket(secret, { ...mine, target: other.jobId })],
      ["wrong secret", await signTicket("another-ticket-secret-xyz", mine)],
      ["a user token", (await bearerOf("customerA", newPeople(job.userId)))!],
      [
        "role root",
        await new SignJWT({ target: job.jobId, role: "root" })
          .setProtectedHeader({ alg: "HS256" })
          .setSubject(job.userId)
          .setAudience("directorybolt-ws")
          .setExpirationTime("1m")
          .sign(new TextEncoder().encode(secret)),
      ],
      ["alg none", `${btoa(JSON.stringify({ alg: "none" }))}.${btoa(JSON.stringify({ target: job.jobId, role: "staff", aud: "directorybolt-ws", sub: job.userId, exp: 9e9 }))}.`],
      ...NASTY.map((s, i): [string, string] => [`nasty ${i}`, wellFormed(s)]),
    ];
    for (const [name, ticket] of tickets) {
      const answer = await send(upgrade(`/api/jobs/${job.jobId}/ws`, ticket));
      tally.add("ws: bad ticket", answer.status);
      expect(answer.status, name).toBe(401);
      expect(problemWith(answer), name).toBeNull();
    }
    // A customer's ticket, even a valid one, does not open the staff overview.
    const customerTicket = await signTicket(secret, { target: "ops", role: "customer", userId: job.userId });
    const ops = await send(upgrade("/api/ops/ws", customerTicket));
    tally.add("ws: bad ticket", ops.status);
    expect(ops.status).toBe(401);
  });

  it("survives generated and oversized client frames: each is answered with an error frame, pings with pong, nothing written", async () => {
    const db = await Database.open();
    const ticket = await signTicket(env.WS_TICKET_SECRET, { target: job.jobId, role: "customer", userId: job.userId });
    const frame: fc.Arbitrary<string | Uint8Array> = fc.oneof(
      { weight: 4, arbitrary: nastyString },
      { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.constantFrom('{"type":"pause"}', '{"type":"ping" }', '{"type":"snapshot"}', '{"type":"retry","submissionId":"x"}', "ping", '{"type":"ping","x":1}') },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2_000 }) },
      { weight: 1, arbitrary: fc.constantFrom("x".repeat(512 * 1024), "[".repeat(200_000)) },
    );
    try {
      await settled(job.jobId);
      const before = await db.fingerprint();
      const { status, submitted, failed, total } = await stubFor(job.jobId).progress();
      const answer = await send(upgrade(`/api/jobs/${job.jobId}/ws`, ticket));
      expect(answer.status).toBe(101);
      const ws = answer.webSocket!;
      const frames: ServerMessage[] = [];
      const raw: string[] = [];
      ws.accept();
      ws.addEventListener("message", (e) => {
        raw.push(e.data as string);
        frames.push(JSON.parse(e.data as string) as ServerMessage);
      });
      await until(() => frames.length > 0, "snapshot");
      expect(frames[0]!.type).toBe("snapshot");
      await fc.assert(
        fc.asyncProperty(frame, async (f) => {
          const seen = frames.length;
          ws.send(f);
          tally.add("ws: client frame", 200);
          // The job's own broadcasts (pacing releases more tasks) may arrive
          // in between; the answer to this frame is the first error after it.
          const answers = () => frames.slice(seen).filter((m) => m.type === "error");
          await until(() => answers().length > 0, "an answer to the frame");
          expect(answers()[0]).toMatchObject({ type: "error", code: "unsupported" });
          ws.send('{"type":"ping"}');
          await until(() => raw.at(-1) === '{"type":"pong"}', "pong");
        }),
        { numRuns: Math.max(10, Math.ceil(RUNS / 10)) },
      );
      ws.close(1000, "done");
      // The job is as it was, and a new socket still gets its snapshot.
      expect(await stubFor(job.jobId).progress()).toMatchObject({ status, submitted, failed, total });
      expect(changedTables(before, await db.fingerprint())).toEqual([]);
      // A used ticket opens nothing; a new one does.
      const replay = await send(upgrade(`/api/jobs/${job.jobId}/ws`, ticket));
      expect(replay.status).toBe(401);
      expect(problemWith(replay)).toBeNull();
      const fresh = await signTicket(env.WS_TICKET_SECRET, { target: job.jobId, role: "customer", userId: job.userId });
      const again = await send(upgrade(`/api/jobs/${job.jobId}/ws`, fresh));
      expect(again.status).toBe(101);
      again.webSocket!.accept();
      again.webSocket!.close(1000, "done");
    } finally {
      await db.close();
    }
  });
});

describe("evidence keys", () => {
  const part = fc.oneof(fc.constantFrom("..", ".", "", "%2e%2e", "..\\..", "\u002e\u002e", "x.png", "1-submitted.png", "../1-submitted.png", "a/b.png"), nastyString);

  it("keyBelongsTo accepts only one plain .png file name directly under the job and submission", () => {
    const jobId = crypto.randomUUID();
    const submissionId = crypto.randomUUID();
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), fc.constantFrom("", `jobs/${jobId}/${submissionId}/`, `jobs/${jobId}/`, "/"), (parts, prefix) => {
        const key = prefix + parts.join("/");
        tally.add("evidence: keyBelongsTo", 200);
        if (keyBelongsTo(key, jobId, submissionId)) {
          const rest = key.slice(`jobs/${jobId}/${submissionId}/`.length);
          expect(key.startsWith(`jobs/${jobId}/${submissionId}/`)).toBe(true);
          expect(rest).toMatch(/^[A-Za-z0-9_-]+\.png$/);
        }
      }),
      { numRuns: RUNS * 10 },
    );
    expect(keyBelongsTo(evidenceKey(jobId, submissionId, 1, "submitted"), jobId, submissionId)).toBe(true);
    expect(() => evidenceKey("../x", submissionId, 1, "submitted")).toThrow();
  });

  it("a worker's report cannot point a customer at another job's evidence", async () => {
    const secretKey = evidenceKey(other.jobId, other.submissionIds[0]!, 1, "submitted");
    await env.EVIDENCE.put(secretKey, "other customer's screenshot", { httpMetadata: { contentType: "image/png" } });
    const worker = { authorization: `Bearer ${env.WORKER_API_TOKEN}`, "content-type": "application/json" };
    const customer = { authorization: `Bearer ${await bearerOf("customerA", newPeople(job.userId))}` };
    const db = await Database.open();
    try {
      const traversal = fc.oneof(
        fc.constantFrom(
          secretKey,
          `/${secretKey}`,
          `jobs/${job.jobId}/SUB/../../../${secretKey}`,
          `jobs/${job.jobId}/SUB/..%2F..%2F..%2F${secretKey}`,
          `jobs/${job.jobId}/SUB/1-submitted.png/../../../../${secretKey}`,
          `jobs/${job.jobId}/SUB/./../../../${secretKey}`,
          `jobs/${job.jobId}/SUB/..\\..\\..\\${secretKey}`,
        ),
        fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => `jobs/${job.jobId}/SUB/${p.join("/")}/${secretKey}`),
      );
      const cases = fc.sample(traversal, Math.min(RUNS, job.submissionIds.length - 6));
      for (const template of cases) {
        // A fresh leased task for each report (a report applies once).
        await until(() => released.length > 0 || false, "a released task", 10_000).catch(async () => {
          await settled(job.jobId);
        });
        const task = released.shift();
        if (!task) break;
        const lease = await stubFor(job.jobId).lease(task.submissionId, task.attempt, "fuzz-worker");
        if (!lease) continue;
        const key = template.replaceAll("SUB", task.submissionId);
        const report = await send(
          new Request("http://localhost/api/jobs/update", {
            method: "POST",
            headers: worker,
            body: JSON.stringify({ jobId: job.jobId, submissionId: task.submissionId, attempt: task.attempt, outcome: "submitted", evidenceKey: key }),
          }),
        );
        tally.add("evidence: traversal report", report.status);
        expect(problemWith(report)).toBeNull();
        const answer = await send(new Request(`http://localhost/api/jobs/${job.jobId}/submissions/${task.submissionId}/evidence`, { headers: customer }));
        tally.add("evidence: traversal read", answer.status);
        expect(answer.status, key).toBe(404);
        expect(answer.text).not.toContain("other customer's screenshot");
      }
    } finally {
      await db.close();
    }
  });
});

describe("Stripe signatures", () => {
  // (A timestamp in the future with a genuine HMAC is accepted: stripe-node's
  // tolerance is one-sided, and making one needs the secret anyway.)
  it("anything but Stripe's signature over these exact bytes is a 400 that writes nothing", async () => {
    const db = await Database.open();
    try {
      const bad = fc.oneof(
        fc.constant("sign-then-tamper"),
        fc.constant("stale"),
        fc.constant("wrong-secret"),
        fc.constant("v0-only"),
        fc.constant("empty"),
        nastyString.map((s) => `raw:${s}`),
        fc.tuple(fc.integer(), fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 })).map(([t, h]) => `raw:t=${t},v1=${h}`),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom("starter", "growth"), fc.emailAddress(), bad, fc.nat(), async (plan, email, how, n) => {
          const payload = JSON.stringify(stripeEvent("checkout.session.completed", checkoutSession({ plan, email })), null, 2);
          const now = Math.floor(Date.now() / 1000);
          let body = payload;
          let header: string;
          if (how === "sign-then-tamper") {
            header = await signature(payload);
            const i = n % payload.length;
            body = payload.slice(0, i) + (payload[i] === "a" ? "b" : "a") + payload.slice(i + 1);
          } else if (how === "stale") header = await signature(payload, { timestamp: now - 600 });
          else if (how === "wrong-secret") header = await signature(payload, { secret: "whsec_wrong" });
          else if (how === "v0-only") header = (await signature(payload)).replace("v1=", "v0=");
          else if (how === "empty") header = "";
          else
            header = how
              .slice(4)
              .replace(/[\r\n\0]/g, "")
              .replace(/[^\x20-\xff]/g, "?");
          await settled(job.jobId);
          const before = await db.fingerprint();
          const answer = await send(new Request("http://localhost/api/webhooks/stripe", { method: "POST", headers: { "content-type": "application/json", "stripe-signature": header }, body }));
          tally.add("stripe: bad signature", answer.status);
          expect(problemWith(answer)).toBeNull();
          expect(answer.status, `${how}: ${answer.text}`).toBe(400);
          expect(changedTables(before, await db.fingerprint())).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    } finally {
      await db.close();
    }
  });
});
