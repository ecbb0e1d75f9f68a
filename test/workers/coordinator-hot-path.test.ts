/**
 * The coordinator's hot path (issue 21 item 2) cuts work per report; these
 * pin the guarantees each cut could break: the job's row in Postgres is
 * current after an instance skipped writing it, a lease's alarm still
 * covers it, the outbox keeps a row rewritten while a batch was written,
 * and the activity tail is trimmed, not lost.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import { TaskStore } from "../../durable-objects/coordinator/task-store";
import type { TaskMessage } from "../../core/protocol/tasks";
import { allowFaults, captureReleases, settled, stubFor } from "./support/coordinator-harness";
import { postgresState, seedJob } from "./support/seed";

describe("JobCoordinator hot path", () => {
  it("writes the job's current row after an evicted instance left an older one in the outbox", async () => {
    const seeded = await seedJob({ directories: 6 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    await settled(seeded.jobId);
    // Postgres goes away: the outbox keeps the first report's job row, and the
    // reports after it leave theirs to the next drain.
    await runInDurableObject(stub, async (instance: JobCoordinator) => {
      instance.database = async () => {
        throw new Error("connect ECONNREFUSED (simulated outage)");
      };
      await (instance as unknown as { outbox: { draining: Promise<void> | null } }).outbox.draining;
    });
    for (const m of released.splice(0, 4)) {
      expect(await stub.lease(m.submissionId, m.attempt, "w")).not.toBeNull();
      expect(await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" })).toMatchObject({ applied: true });
    }
    expect((await stub.progress()).submitted).toBe(4);
    // Cut off before any of it reached Postgres; the next instance has Postgres back.
    await allowFaults(seeded.jobId);
    try {
      await (await stub.faults()).evict();
    } catch {
      // The aborted instance may fail the call that aborted it.
    }
    await settled(seeded.jobId);
    const pg = await postgresState(seeded.jobId);
    expect(pg.job.directories_submitted).toBe(4);
    expect(pg.submissions.filter((s) => s.status === "submitted")).toHaveLength(4);
  });

  it("leaves the alarm no later than a new lease's expiry or an accepted report's outbox write, however far it was set", async () => {
    const seeded = await seedJob({ directories: 2 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    await settled(seeded.jobId);
    const far = Date.now() + 60 * 60_000;
    await runInDurableObject(stub, async (instance: JobCoordinator, state) => {
      await state.storage.setAlarm(far);
      (instance as unknown as { alarmAt: number }).alarmAt = far;
    });
    const lease = await stub.lease(released[0]!.submissionId, released[0]!.attempt, "w");
    const alarm = await runInDurableObject(stub, (_i: JobCoordinator, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(lease!.leaseExpiresAt);
    // The second lease finds the alarm already early enough and keeps it.
    await stub.lease(released[1]!.submissionId, released[1]!.attempt, "w");
    expect(await runInDurableObject(stub, (_i: JobCoordinator, state) => state.storage.getAlarm())).toBe(alarm);
    // An accepted report with the alarm far off: the outbox's one-second backstop brings it near.
    await runInDurableObject(stub, async (instance: JobCoordinator, state) => {
      await state.storage.setAlarm(far);
      (instance as unknown as { alarmAt: number }).alarmAt = far;
    });
    expect(await stub.report({ jobId: seeded.jobId, submissionId: released[0]!.submissionId, attempt: released[0]!.attempt, outcome: "submitted" })).toMatchObject({ applied: true });
    const afterReport = await runInDurableObject(stub, (_i: JobCoordinator, state) => state.storage.getAlarm());
    expect(afterReport).not.toBeNull();
    expect(afterReport!).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it("keeps an outbox row rewritten while its older version was being written, and trims activity to a recent tail", async () => {
    const seeded = await seedJob({ directories: 1 });
    const stub = stubFor(seeded.jobId);
    const result = await runInDurableObject(stub, (_i: JobCoordinator, state) => {
      const store = new TaskStore(state.storage.sql);
      store.enqueue("event", "a", { v: 1 });
      store.enqueue("event", "b", { v: 1 });
      const batch = store.outboxBatch(10);
      store.enqueue("event", "a", { v: 2 }); // changed while the batch was written
      store.markWritten(batch);
      const left = store.outboxBatch(10).map((r) => `${r.entity_id}:${r.payload}`);
      for (let i = 0; i < 260; i++) store.addActivity({ at: i, kind: "test", message: `line ${i}` });
      const kept = state.storage.sql.exec<{ n: number }>("select count(*) as n from activity").one().n;
      return { left, waiting: store.outboxWaiting(), kept, recent: store.recentActivity(3).map((l) => l.message) };
    });
    expect(result.left).toEqual(['a:{"v":2}']);
    expect(result.waiting).toBe(true);
    expect(result.kept).toBeGreaterThanOrEqual(200);
    expect(result.kept).toBeLessThanOrEqual(250);
    expect(result.recent).toEqual(["line 257", "line 258", "line 259"]);
  });

  it("gives a coordinator made before the plain activity key that table with its lines, and counts on from the last", async () => {
    const seeded = await seedJob({ directories: 1 });
    const stub = stubFor(seeded.jobId);
    const result = await runInDurableObject(stub, (_i: JobCoordinator, state) => {
      const sql = state.storage.sql;
      // The table as objects made before had it, with lines already trimmed at the front.
      sql.exec("drop table if exists activity");
      sql.exec("create table activity (seq integer primary key autoincrement, at integer not null, kind text not null, message text not null, submission_id text)");
      for (let i = 1; i <= 60; i++) sql.exec("insert into activity (at, kind, message) values (?, 'old', ?)", i, `old ${i}`);
      sql.exec("delete from activity where seq <= 10");
      const store = new TaskStore(sql);
      store.addActivity({ at: 61, kind: "new", message: "new 61" });
      const definition = sql.exec<{ sql: string }>("select sql from sqlite_master where type = 'table' and name = 'activity'").one().sql;
      // A second start finds the plain table and leaves it as it is.
      new TaskStore(sql);
      return {
        definition,
        seqs: sql
          .exec<{ seq: number }>("select seq from activity order by seq")
          .toArray()
          .map((r) => r.seq),
        recent: store.recentActivity(2).map((l) => l.message),
        again: sql.exec<{ n: number }>("select count(*) as n from activity").one().n,
      };
    });
    expect(result.definition).not.toMatch(/autoincrement/i);
    expect(result.seqs).toEqual(Array.from({ length: 51 }, (_, i) => i + 11));
    expect(result.recent).toEqual(["old 60", "new 61"]);
    expect(result.again).toBe(51);
  });
});
