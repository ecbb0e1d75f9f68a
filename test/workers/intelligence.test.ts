/**
 * The submission intelligence inside the JobCoordinator, in workerd against
 * real Postgres: every reported outcome reaches `directory_stats` through
 * the outbox (once, even when the outbox is written again), and the next job
 * over the same directories is released in the order the statistics favour.
 */
import { describe, expect, it } from "vitest";
import { writeOutbox } from "../../durable-objects/coordinator/postgres-sync";
import type { OutboxRow } from "../../durable-objects/coordinator/task-store";
import * as t from "../../src/db/schema";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, consume, expireTimers, settled, stubFor } from "./support/coordinator-harness";
import { withDb } from "./support/db";

/** Directories: `bad` ones rank first in the catalog (higher DA), `good` ones after. */
async function seedDirectories(good: number, bad: number) {
  const tag = crypto.randomUUID().slice(0, 8);
  return withDb(async ({ db }) => {
    const rows = await db
      .insert(t.directories)
      .values(
        Array.from({ length: good + bad }, (_, i) => ({
          slug: `${tag}-${i}`,
          name: `${i < bad ? "Bad" : "Good"} ${i}`,
          website: `https://d${i}.${tag}.example`,
          submitUrl: `https://d${i}.${tag}.example/add`,
          priorityTier: 1,
          daScore: i < bad ? 60 : 50,
          country: "INT",
          sandbox: true,
        })),
      )
      .returning({ id: t.directories.id, name: t.directories.name });
    return { bad: rows.slice(0, bad).map((r) => r.id), good: rows.slice(bad).map((r) => r.id) };
  });
}

async function seedJobOn(directoryIds: string[]) {
  const tag = crypto.randomUUID().slice(0, 8);
  return withDb(({ db }) =>
    db.transaction(async (tx) => {
      const [c] = await tx
        .insert(t.customers)
        .values({ email: `${tag}@example.com` })
        .returning();
      await tx.insert(t.businessProfiles).values({ customerId: c!.id, businessName: `Biz ${tag}`, country: "DE", phone: "+4922112345678" });
      const [o] = await tx
        .insert(t.orders)
        .values({ customerId: c!.id, plan: "starter", status: "paid", stripeCheckoutSessionId: `cs_${tag}`, amountCents: 14900 })
        .returning();
      const [j] = await tx.insert(t.jobs).values({ orderId: o!.id, customerId: c!.id, plan: "starter", directoriesTotal: directoryIds.length }).returning();
      const subs = await tx
        .insert(t.directorySubmissions)
        .values(directoryIds.map((d) => ({ jobId: j!.id, directoryId: d, customerId: c!.id })))
        .returning({ id: t.directorySubmissions.id, directoryId: t.directorySubmissions.directoryId });
      return { jobId: j!.id, customerId: c!.id, directoryOf: new Map(subs.map((s) => [s.id, s.directoryId])) };
    }),
  );
}

async function statsFor(ids: string[]) {
  return withDb(async ({ client }) => {
    const res = await client.query<{
      directory_id: string;
      attempts: number;
      accepted: number;
      consecutive_failures: number;
      failures_by_class: Record<string, number>;
      field_mappings: Record<string, number>;
      flagged_at: Date | null;
      mean_duration_ms: number | null;
    }>("select directory_id, attempts, accepted, consecutive_failures, failures_by_class, field_mappings, flagged_at, mean_duration_ms from directory_stats where directory_id = any($1::uuid[])", [
      ids,
    ]);
    return new Map(res.rows.map((r) => [r.directory_id, r]));
  });
}

/** Three directories; the first, an INT directory (UTC clock), accepts only three hours from now. */
async function withNightDirectory() {
  const dirs = await seedDirectories(3, 0);
  const [night] = dirs.good as [string];
  const good = (new Date().getUTCHours() + 3) % 24;
  const hourAttempts = Array.from({ length: 24 }, () => 20);
  const hourAccepted = Array.from({ length: 24 }, (_, h) => (h === good ? 19 : 1));
  const accepted = hourAccepted.reduce((a, b) => a + b, 0);
  await withDb(({ client }) =>
    client.query(
      `insert into directory_stats (directory_id, attempts, accepted, hour_attempts, hour_accepted, weekday_attempts, weekday_accepted)
       values ($1, 480, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb)`,
      [night, accepted, JSON.stringify(hourAttempts), JSON.stringify(hourAccepted), JSON.stringify(Array(7).fill(480 / 7)), JSON.stringify(Array(7).fill(accepted / 7))],
    ),
  );
  return { dirs, night };
}

describe("submission intelligence in the coordinator", () => {
  it("leaves a worker's own failures (browser lost, engine error) out of the directory's statistics, and still retries them", async () => {
    const dirs = await seedDirectories(0, 2);
    const job = await seedJobOn(dirs.bad);
    const released: TaskMessage[] = [];
    await captureReleases(job.jobId, released);
    await stubFor(job.jobId).start(job.jobId);
    await consume(job.jobId, released, (m) =>
      m.attempt < 3 ? { outcome: "failed", failureClass: "transient", reason: "the browser session was lost", infrastructure: true } : { outcome: "submitted" },
    );
    expect(await stubFor(job.jobId).progress()).toMatchObject({ status: "completed", submitted: 2 });
    await settled(job.jobId);
    const stats = await statsFor(dirs.bad);
    // Only the third attempt, the directory's own answer, is counted.
    for (const id of dirs.bad) expect(stats.get(id)).toMatchObject({ attempts: 1, accepted: 1, consecutive_failures: 0 });
  });

  it("counts every reported outcome once, and releases the next job by what it learned", async () => {
    const dirs = await seedDirectories(4, 4);
    const bad = new Set(dirs.bad);
    const first = await seedJobOn([...dirs.bad, ...dirs.good]);
    const released: TaskMessage[] = [];
    await captureReleases(first.jobId, released);
    const stub = stubFor(first.jobId);
    await stub.start(first.jobId);
    // Catalog order: the high-DA (bad) directories go first while nothing is known.
    expect(released.map((m) => first.directoryOf.get(m.submissionId)).sort()).toEqual([...dirs.bad].sort());
    await consume(first.jobId, released, (m) =>
      bad.has(first.directoryOf.get(m.submissionId)!)
        ? { outcome: "failed", failureClass: "transient", reason: "HTTP 502 from the directory" }
        : { outcome: "submitted", fields: ["organization", "tel", "url"] },
    );
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 4, failed: 4 });
    await settled(first.jobId);

    const stats = await statsFor([...dirs.bad, ...dirs.good]);
    for (const id of dirs.good) expect(stats.get(id)).toMatchObject({ attempts: 1, accepted: 1, consecutive_failures: 0, field_mappings: { organization: 1, tel: 1, url: 1 } });
    // Five transient attempts each (the retry policy's limit), all counted; staff are alerted.
    for (const id of dirs.bad) {
      expect(stats.get(id)).toMatchObject({ attempts: 5, accepted: 0, consecutive_failures: 5, failures_by_class: { transient: 5 } });
      expect(stats.get(id)!.flagged_at).not.toBeNull();
    }

    // The outbox written again (a drain whose commit was not acknowledged) changes nothing.
    const again = await withDb(async ({ client }) => {
      const events = await client.query<{ submission_id: string; kind: string; message: string; data: object; dedupe_key: string; created_at: Date }>(
        "select submission_id, kind, message, data, dedupe_key, created_at from job_events where job_id = $1",
        [first.jobId],
      );
      expect(events.rows.filter((e) => "outcome" in e.data)).toHaveLength(4 + 4 * 5);
      return events.rows.map((e, i): OutboxRow => ({ entity: "event", entity_id: e.dedupe_key, seq: i + 1, payload: JSON.stringify({ ...e, created_at: e.created_at.toISOString() }) }));
    });
    await withDb(({ db }) => writeOutbox(db, again, { jobId: first.jobId, customerId: first.customerId }));
    expect(await statsFor([...dirs.bad, ...dirs.good])).toEqual(stats);

    // The next job over the same directories: the ones that worked go first.
    const second = await seedJobOn([...dirs.bad, ...dirs.good]);
    const next: TaskMessage[] = [];
    await captureReleases(second.jobId, next);
    await stubFor(second.jobId).start(second.jobId);
    expect(next.map((m) => second.directoryOf.get(m.submissionId)).sort()).toEqual([...dirs.good].sort());
  });

  it("holds a task back until its directory's good hour, then releases it", async () => {
    const { dirs, night } = await withNightDirectory();
    const job = await seedJobOn(dirs.good);
    const released: TaskMessage[] = [];
    await captureReleases(job.jobId, released);
    const stub = stubFor(job.jobId);
    await stub.start(job.jobId);
    // Room for four, three tasks: the night directory's task waits anyway.
    expect(released.map((m) => job.directoryOf.get(m.submissionId)).sort()).toEqual(dirs.good.filter((d) => d !== night).sort());
    const waiting = (await stub.snapshot()).submissions.find((s) => s.directoryId === night)!;
    expect(waiting).toMatchObject({ status: "pending", attempt: 0 });
    // When its time comes, the alarm releases it.
    await expireTimers(job.jobId);
    expect(released.map((m) => job.directoryOf.get(m.submissionId))).toContain(night);
    await consume(job.jobId, released, () => ({ outcome: "submitted" }));
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 3 });
  });

  it("does not wait for a better hour when the job has nothing else to do", async () => {
    const { dirs, night } = await withNightDirectory();
    const job = await seedJobOn(dirs.good);
    const released: TaskMessage[] = [];
    await captureReleases(job.jobId, released);
    const stub = stubFor(job.jobId);
    await stub.start(job.jobId);
    const others = released.splice(0);
    expect(others.map((m) => job.directoryOf.get(m.submissionId))).not.toContain(night);
    // The other work is done, no clock moved: the held task goes now rather than in three hours.
    for (const m of others) {
      expect(await stub.lease(m.submissionId, m.attempt, "w1")).not.toBeNull();
      await stub.report({ jobId: job.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" });
    }
    expect(released.map((m) => job.directoryOf.get(m.submissionId))).toEqual([night]);
  });
});
