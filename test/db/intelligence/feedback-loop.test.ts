/**
 * PerformanceFeedbackLoop against real Postgres: outcomes (as the
 * coordinator's outbox events carry them) are counted in the caller's
 * transaction, exactly once (a replayed batch changes nothing), a directory
 * that keeps failing is flagged and then deactivated, the statistics are
 * staff-readable only, and the release plan reads them back. The hook in the
 * coordinator's outbox write is exercised in workerd
 * (test/workers/intelligence.test.ts).
 */
import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planRelease } from "../../../durable-objects/coordinator/release-plan";
import { outcomeData, outcomesFromEvents } from "../../../durable-objects/coordinator/outcome-event";
import { connect, type Connection } from "../../../src/db/client";
import { asClient, type JwtClaims } from "../../../src/db/rls";
import * as t from "../../../src/db/schema";
import { DEFAULT_FEEDBACK_POLICY, type FeedbackPolicy } from "../../../src/intelligence/feedback";
import { loadIntelligence, recordOutcomes } from "../../../src/intelligence/feedback-store";
import { databaseUrl, openDatabase, uniq } from "../support";

let conn: Connection;

interface Seeded {
  jobId: string;
  customerId: string;
  directoryIds: string[];
  submissionIds: string[];
}

async function seed(directories: number, options: { reuse?: string[] } = {}): Promise<Seeded> {
  const { db } = conn;
  const tag = uniq("intel");
  const [c] = await db
    .insert(t.customers)
    .values({ email: `${tag}@example.com` })
    .returning();
  const [o] = await db
    .insert(t.orders)
    .values({ customerId: c!.id, plan: "starter", stripeCheckoutSessionId: `cs_${tag}`, amountCents: 14900 })
    .returning();
  const [j] = await db.insert(t.jobs).values({ orderId: o!.id, customerId: c!.id, plan: "starter" }).returning();
  const dirIds =
    options.reuse ??
    (
      await db
        .insert(t.directories)
        .values(
          Array.from({ length: directories }, (_, i) => ({
            slug: `${tag}-${i}`,
            name: `Dir ${i}`,
            website: `https://d${i}.${tag}.example`,
            priorityTier: 1,
            daScore: 60,
            country: "DE",
            category: `cat-${tag}`,
          })),
        )
        .returning({ id: t.directories.id })
    ).map((d) => d.id);
  const subs = await db
    .insert(t.directorySubmissions)
    .values(dirIds.map((d) => ({ jobId: j!.id, directoryId: d, customerId: c!.id })))
    .returning({ id: t.directorySubmissions.id, directoryId: t.directorySubmissions.directoryId });
  const byDir = new Map(subs.map((s) => [s.directoryId, s.id]));
  return { jobId: j!.id, customerId: c!.id, directoryIds: dirIds, submissionIds: dirIds.map((d) => byDir.get(d)!) };
}

type EventPayload = Record<string, unknown>;

/** An outbox event payload as the coordinator writes it. */
function eventRow(submissionId: string, attempt: number, kind: string, data: object, at = Date.UTC(2026, 0, 5, 9)): EventPayload {
  const key = `${submissionId}:${attempt}:${kind}`;
  return JSON.parse(JSON.stringify({ submission_id: submissionId, kind, message: kind, data, dedupe_key: key, created_at: new Date(at).toISOString() }));
}

/** What writeOutbox does with a batch's events, in a transaction of its own. */
function write(db: Connection["db"], events: EventPayload[], policy?: FeedbackPolicy) {
  return db.transaction((tx) => recordOutcomes(tx, outcomesFromEvents(events), policy));
}
const accepted = (s: string, attempt = 1, extra: object = {}) =>
  eventRow(s, attempt, "submission_submitted", outcomeData({ attempt, accepted: true, durationMs: 3_000, fields: ["organization", "tel"], ...extra }));
const refused = (s: string, attempt: number, failureClass: "validation" | "blocked" | "transient" | "rate_limited", at?: number) =>
  eventRow(s, attempt, attempt < 3 ? "submission_retrying" : "submission_failed", outcomeData({ attempt, accepted: false, failureClass, reason: `${failureClass} at attempt ${attempt}` }), at);

async function statsOf(directoryId: string) {
  const [row] = await conn.db.select().from(t.directoryStats).where(eq(t.directoryStats.directoryId, directoryId));
  return row;
}

beforeAll(async () => {
  conn = await openDatabase();
});
afterAll(async () => {
  await conn?.close();
});

describe("PerformanceFeedbackLoop", () => {
  it("counts each outcome once with the result, and a replayed batch changes nothing", async () => {
    const s = await seed(2);
    const [a, b] = s.submissionIds as [string, string];
    const batch = [accepted(a), refused(b, 1, "validation"), refused(b, 2, "transient")];
    expect(await write(conn.db, batch)).toMatchObject({ counted: 3 });
    const first = [await statsOf(s.directoryIds[0]!), await statsOf(s.directoryIds[1]!)];
    expect(first[0]).toMatchObject({ attempts: 1, accepted: 1, consecutiveFailures: 0, meanDurationMs: 3_000, fieldMappings: { organization: 1, tel: 1 } });
    expect(first[1]).toMatchObject({ attempts: 2, accepted: 0, consecutiveFailures: 2, failuresByClass: { validation: 1, transient: 1 } });
    expect((first[1]!.hourAttempts as number[])[10]).toBe(2); // 09:00 UTC is 10:00 in Berlin

    // The same batch again (a drain that died after commit), and again in another order.
    expect(await write(conn.db, batch)).toMatchObject({ counted: 0 });
    expect(await write(conn.db, [...batch].reverse())).toMatchObject({ counted: 0 });
    expect([await statsOf(s.directoryIds[0]!), await statsOf(s.directoryIds[1]!)]).toEqual(first);
    const ledger = await conn.db
      .select()
      .from(t.directoryOutcomes)
      .where(inArray(t.directoryOutcomes.submissionId, [a, b]));
    expect(ledger).toHaveLength(3);
  });

  it("commits nothing when the result's transaction fails, and counts the retried write once", async () => {
    const s = await seed(1);
    const good = accepted(s.submissionIds[0]!);
    const persistResult = (status: string) =>
      conn.db.transaction(async (tx) => {
        await recordOutcomes(tx, outcomesFromEvents([good]));
        await tx.execute(sql`update jobs set status = ${status} where id = ${s.jobId}`);
      });
    await expect(persistResult("not-a-status")).rejects.toThrow();
    expect(await statsOf(s.directoryIds[0]!)).toBeUndefined();
    await persistResult("in_progress");
    await persistResult("in_progress");
    expect(await statsOf(s.directoryIds[0]!)).toMatchObject({ attempts: 1, accepted: 1 });
  });

  it("ignores events that are not worker-reported outcomes", async () => {
    const s = await seed(1);
    const sub = s.submissionIds[0]!;
    expect(await write(conn.db, [eventRow(sub, 1, "submission_retrying", {}), eventRow(sub, 1, "submission_requeued", {})])).toMatchObject({ counted: 0 });
    expect(await statsOf(s.directoryIds[0]!)).toBeUndefined();
  });

  it("flags a directory that keeps failing, then deactivates it past the threshold", async () => {
    const policy = { ...DEFAULT_FEEDBACK_POLICY, flagAfterConsecutive: 3, deactivateAfterConsecutive: 5 };
    // Five jobs, each failing once at the same directory.
    const first = await seed(1);
    const dir = first.directoryIds[0]!;
    const jobs = [first, ...(await Promise.all([1, 2, 3, 4].map(() => seed(0, { reuse: [dir] }))))];
    for (const [i, job] of jobs.entries()) {
      await write(conn.db, [refused(job.submissionIds[0]!, 1, "blocked", Date.UTC(2026, 0, 5, 9, i))], policy);
      const stats = await statsOf(dir);
      const [d] = await conn.db.select({ isActive: t.directories.isActive }).from(t.directories).where(eq(t.directories.id, dir));
      expect(stats!.flaggedAt !== null, `flagged after ${i + 1}`).toBe(i + 1 >= 3);
      expect(d!.isActive, `active after ${i + 1}`).toBe(i + 1 < 5);
      expect(stats!.deactivatedAt !== null).toBe(i + 1 >= 5);
    }
    expect((await statsOf(dir))!.flagReason).toContain("deactivated automatically: 5 failed submissions in a row");
  });

  it("never flags or deactivates a directory for our own failures (browser session lost, engine error); they are kept as recent failures only", async () => {
    const policy = { ...DEFAULT_FEEDBACK_POLICY, flagAfterConsecutive: 2, deactivateAfterConsecutive: 3 };
    const first = await seed(1);
    const dir = first.directoryIds[0]!;
    const jobs = [first, ...(await Promise.all([1, 2, 3, 4, 5].map(() => seed(0, { reuse: [dir] }))))];
    for (const [i, job] of jobs.entries()) {
      const reason = i % 2 ? "the browser session was lost" : "engine error: Target closed";
      const data = outcomeData({ attempt: 1, accepted: false, failureClass: "transient", reason, infrastructure: true });
      await write(conn.db, [eventRow(job.submissionIds[0]!, 1, "submission_retrying", data, Date.UTC(2026, 0, 5, 9, i))], policy);
    }
    const stats = await statsOf(dir);
    const [d] = await conn.db.select({ isActive: t.directories.isActive }).from(t.directories).where(eq(t.directories.id, dir));
    expect(d!.isActive).toBe(true);
    expect(stats).toMatchObject({ attempts: 0, consecutiveFailures: 0, flaggedAt: null, deactivatedAt: null });
    expect((stats!.lastFailures as { reason: string }[])[0]!.reason).toContain("the browser session was lost");
    // The directory's own refusals still count after them.
    for (const job of jobs.slice(0, 3)) await write(conn.db, [refused(job.submissionIds[0]!, 2, "blocked")], policy);
    expect(await statsOf(dir)).toMatchObject({ attempts: 3, consecutiveFailures: 3 });
  });

  it("serialises two jobs reporting on one directory at once: no update is lost", async () => {
    const first = await seed(1);
    const dir = first.directoryIds[0]!;
    const others = await Promise.all(Array.from({ length: 5 }, () => seed(0, { reuse: [dir] })));
    // Each job writes on its own connection, concurrently.
    await Promise.all(
      [first, ...others].map(async (job, i) => {
        const c = await connect(databaseUrl());
        try {
          await write(c.db, [i % 2 ? accepted(job.submissionIds[0]!) : refused(job.submissionIds[0]!, 1, "validation")]);
        } finally {
          await c.close();
        }
      }),
    );
    expect(await statsOf(dir)).toMatchObject({ attempts: 6, accepted: 3 });
  });

  it("is read by staff only, and written by no client role", async () => {
    const s = await seed(1);
    await recordOutcomes(conn.db, [{ submissionId: s.submissionIds[0]!, attempt: 1, directoryId: "", at: Date.now(), accepted: true }]);
    const read = (claims: JwtClaims | null, role: "anon" | "authenticated") =>
      asClient(conn.db, role, claims, async (tx) => ({
        stats: (await tx.select().from(t.directoryStats).where(eq(t.directoryStats.directoryId, s.directoryIds[0]!))).length,
        outcomes: (await tx.select().from(t.directoryOutcomes).where(eq(t.directoryOutcomes.submissionId, s.submissionIds[0]!))).length,
      }));
    expect(await read({ sub: randomUUID(), role: "authenticated", app_metadata: { role: "staff" } }, "authenticated")).toEqual({ stats: 1, outcomes: 1 });
    expect(await read({ sub: randomUUID(), role: "authenticated" }, "authenticated")).toEqual({ stats: 0, outcomes: 0 });
    expect(await read(null, "anon")).toEqual({ stats: 0, outcomes: 0 });
    for (const table of ["directory_stats", "directory_outcomes"]) {
      const write = asClient(conn.db, "authenticated", { sub: randomUUID(), role: "authenticated", app_metadata: { role: "staff" } }, (tx) =>
        tx.execute(sql`delete from ${sql.raw(`public.${table}`)} where false`),
      );
      await expect(write, table).rejects.toMatchObject({ cause: { code: "42501" } });
    }
  });

  it("feeds the release plan: a directory that fails goes after ones that work, a rate-limited one waits", async () => {
    const s = await seed(4);
    const [good, bad, fresh, limited] = s.submissionIds as [string, string, string, string];
    const now = Date.now();
    await recordOutcomes(conn.db, [
      ...Array.from({ length: 6 }, (_, i) => ({ submissionId: good, attempt: i + 1, directoryId: "", at: now - 60_000, accepted: true })),
      ...Array.from({ length: 6 }, (_, i) => ({ submissionId: bad, attempt: i + 1, directoryId: "", at: now - 60_000, accepted: false, failureClass: "validation" as const })),
      { submissionId: limited, attempt: 1, directoryId: "", at: now - 60_000, accepted: false, failureClass: "rate_limited", retryAfterSeconds: 3_600 },
    ]);
    const intel = await loadIntelligence(conn.db, s.directoryIds);
    expect(intel.facts).toHaveLength(4);
    expect(intel.stats.get(s.directoryIds[0]!)).toMatchObject({ attempts: 6, accepted: 6 });
    expect(intel.groups.find((g) => g.category.startsWith("cat-intel") && g.attempts === 12)).toBeDefined();
    const tasks = s.submissionIds.map((id, i) => ({ submissionId: id, directoryId: s.directoryIds[i]!, website: `https://d${i}.example`, submitUrl: null, requiresCaptcha: false }));
    const plan = planRelease(s.jobId, tasks, intel, { categories: [], country: "DE" }, now);
    const order = [...plan.entries()].sort((x, y) => x[1].priority - y[1].priority).map(([id]) => id);
    expect(order[0]).toBe(good);
    expect(order.indexOf(bad)).toBeGreaterThan(order.indexOf(fresh));
    expect(plan.get(limited)!.notBefore).toBeGreaterThan(now + 3_500_000);
    expect(plan.get(good)!.notBefore).toBeNull();
  });
});
