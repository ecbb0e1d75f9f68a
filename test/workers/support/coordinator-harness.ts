/**
 * Drives a JobCoordinator the way the queue and the browser workers would:
 * captures what it releases (instead of a real consumer) and answers each
 * task with a scripted outcome, through the same RPC methods the browser
 * worker uses.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { JobCoordinator } from "../../../durable-objects/job-coordinator";
import { coordinatorFor } from "../../../src/jobs/coordinator-client";
import { expect } from "vitest";
import type { TaskMessage, TaskReport } from "../../../core/protocol/tasks";
import { query } from "./purchase";
import { seedJob } from "./seed";

export type Script = (message: TaskMessage) => Omit<TaskReport, "jobId" | "submissionId" | "attempt"> | "vanish";

export function stubFor(jobId: string) {
  return coordinatorFor(env, jobId);
}

/** Replaces the queue with an array the test reads. Re-run after an eviction. */
export async function captureReleases(jobId: string, sink: TaskMessage[]): Promise<void> {
  await runInDurableObject(stubFor(jobId), (instance: JobCoordinator) => {
    instance.sendTasks = async (messages) => {
      sink.push(...messages);
    };
  });
}

/**
 * Turns replacements on for this instance (the test env has JOB_REPLACEMENTS
 * off: the shared catalog holds other tests' directories, so other tests'
 * counts would depend on them). Re-run after an eviction.
 */
export async function withReplacements(jobId: string): Promise<void> {
  await runInDurableObject(stubFor(jobId), (instance: JobCoordinator) => {
    instance.replacements = () => true;
  });
}

/**
 * Hands out the coordinator's fault facet on this instance, as
 * DEV_FAULT_INJECTION=1 on a loopback PUBLIC_URL would (the test env leaves
 * it off, so the dev routes stay 404 for the other tests). Re-run after an
 * eviction.
 */
export async function allowFaults(jobId: string): Promise<void> {
  await runInDurableObject(stubFor(jobId), (instance: JobCoordinator) => {
    instance.faultInjection = () => true;
  });
}

/** Pretends time has passed: every lease, retry and outbox backoff is due now. */
export async function expireTimers(jobId: string): Promise<void> {
  await runInDurableObject(stubFor(jobId), (instance: JobCoordinator, state) => {
    state.storage.sql.exec("update tasks set lease_expires_at = 0 where lease_expires_at is not null");
    state.storage.sql.exec("update tasks set next_attempt_at = 0 where next_attempt_at is not null");
    const store = (instance as unknown as { store: { job: { outboxRetryAt: number | null; replaceRetryAt: number | null }; updateJob(p: object): void } }).store;
    if (store.job.outboxRetryAt !== null) store.updateJob({ outboxRetryAt: 0 });
    if (store.job.replaceRetryAt !== null) store.updateJob({ replaceRetryAt: 0 });
  });
  await runDurableObjectAlarm(stubFor(jobId));
}

/**
 * Consumes released tasks until the job is final: lease, then report what
 * the script says ("vanish" leases and never reports, like a dead worker).
 * Returns every report it sent, for replay tests.
 */
export async function consume(jobId: string, sink: TaskMessage[], script: Script, maxRounds = 10_000): Promise<TaskReport[]> {
  const stub = stubFor(jobId);
  const sent: TaskReport[] = [];
  for (let round = 0; round < maxRounds; round++) {
    const batch = sink.splice(0);
    if (batch.length === 0) {
      const progress = await stub.progress();
      if (["completed", "failed", "cancelled", "paused"].includes(progress.status)) return sent;
      // Nothing released but work remains: a retry is waiting, or a lease must expire.
      await expireTimers(jobId);
      if (sink.length === 0) throw new Error(`stalled: ${JSON.stringify(progress)}`);
      continue;
    }
    for (const message of batch) {
      const lease = await stub.lease(message.submissionId, message.attempt, "test-worker");
      if (!lease) continue;
      const outcome = script(message);
      if (outcome === "vanish") continue;
      const report = { ...outcome, jobId, submissionId: message.submissionId, attempt: message.attempt } as TaskReport;
      sent.push(report);
      await stub.report(report);
    }
  }
  throw new Error("too many rounds");
}

/** Waits until the outbox is written to Postgres. */
export async function settled(jobId: string): Promise<void> {
  const stub = stubFor(jobId);
  for (let i = 0; i < 100 && (await stub.pendingWrites()) > 0; i++) await stub.drain();
  if ((await stub.pendingWrites()) > 0) throw new Error("outbox did not drain");
}

/**
 * A started one-directory job. `prepare` runs before the start with the
 * directory's id (to seed its statistics); `next` leases the next released
 * attempt, making a waiting retry due first.
 */
export async function startOneTask(prepare?: (directoryId: string) => Promise<void>) {
  const seeded = await seedJob({ directories: 1 });
  const submissionId = seeded.submissionIds[0]!;
  const [row] = await query<{ directory_id: string }>("select directory_id from directory_submissions where id = $1", [submissionId]);
  await prepare?.(row!.directory_id);
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  const next = async () => {
    if (!released.length) await expireTimers(seeded.jobId);
    const message = released.shift()!;
    expect(message, "a released task").toBeDefined();
    const lease = await stub.lease(message.submissionId, message.attempt, "w");
    expect(lease).not.toBeNull();
    return lease!;
  };
  return { ...seeded, submissionId, directoryId: row!.directory_id, stub, next };
}

/**
 * A started job whose first released attempts are all leased to `workerId`,
 * with the mailbox each lease gave its directory (by submission id).
 * `beforeStart` runs first (to change the seeded directories).
 */
export async function leasedJob(directories: number, workerId = "test-worker", beforeStart?: (seeded: Awaited<ReturnType<typeof seedJob>>) => Promise<void>) {
  const seeded = await seedJob({ directories });
  await beforeStart?.(seeded);
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  const mailboxes = new Map<string, string>();
  for (const m of released.splice(0)) mailboxes.set(m.submissionId, (await stub.lease(m.submissionId, m.attempt, workerId))?.business?.email ?? "");
  return { ...seeded, stub, released, mailboxes };
}
