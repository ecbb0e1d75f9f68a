/**
 * The coordinator's way to Postgres: every change is in SQLite first (the
 * task store's outbox), then written here, one writer at a time, off the
 * caller's path. While Postgres is down the rows wait and the alarm retries
 * with backoff, so Postgres ends equal to the Durable Object. The row
 * writing itself is postgres-sync.ts.
 */
import type { Database } from "../../src/db/client";
import type { JobProgress } from "../../core/protocol/live";
import { feedbackPolicyFrom } from "../../src/intelligence/feedback";
import { log } from "../../core/log";
import { type ListingConflict, writeOutbox } from "./postgres-sync";
import type { TaskStore } from "./task-store";

const OUTBOX_BATCH = 500;
/**
 * Failed writes in a row after which staff are alerted (with the backoff,
 * about half a minute of failing): one blip is not worth a page, a job whose
 * changes cannot reach Postgres is.
 */
export const OUTBOX_ALERT_AFTER = 5;

export interface OutboxDeps {
  store: TaskStore;
  ctx: DurableObjectState;
  env: Env;
  database(): Promise<{ db: Database; close(): Promise<void> }>;
  progress(): JobProgress;
  /** Re-arms the coordinator's one alarm (the retry is one of its due times). */
  armAlarm(): Promise<void>;
  /** Postgres wrote these approved rows as skipped (another job holds the live listing): the coordinator follows. */
  listedElsewhere(conflicts: ListingConflict[]): void;
  /** Postgres has the job cancelled and the coordinator does not (the cancel call never arrived): it cancels too. */
  cancelledElsewhere(reason: string): void;
  /** The outbox keeps failing (`failing` set, on each failure from the threshold on) or wrote again after that (null). */
  alert(failing: { failures: number; error: string } | null): void;
}

export class Outbox {
  /**
   * Starts dirty: a job row put in the outbox by an instance that skipped
   * later ones (below) and was then evicted is stale; the first drain of a
   * new instance writes the current one over it before reading any row.
   */
  private jobRowDirty = true;
  /**
   * A job row waits in the outbox, not yet read by a drain: later changes of
   * the job need not write theirs (one row per drain, not one per report),
   * since every drain writes the current row right before it reads a batch.
   */
  private jobRowQueued = false;
  /** The job row this instance last put in the outbox (after an eviction, none: the next is written). */
  private lastJobRow: string | null = null;
  /** The drain under way, if any. */
  draining: Promise<void> | null = null;

  constructor(private readonly deps: OutboxDeps) {}

  /** The job's row changed: written once per burst. */
  jobChanged(): void {
    this.jobRowDirty = true;
  }

  /** A transaction rolled back: the last job row may not be in the outbox; the next one is written whatever it says. */
  forgetJobRow(): void {
    this.lastJobRow = null;
    this.jobRowDirty = true;
    this.jobRowQueued = false;
  }

  /**
   * Puts the job's current row in the outbox, if anything changed it and no
   * row of it waits there already; `beforeRead` (the drain, about to read a
   * batch) writes it even then, so what is read is current.
   */
  writeJobRow(beforeRead = false): void {
    const job = this.deps.store.job;
    if (!this.jobRowDirty || !job.jobId) return;
    if (this.jobRowQueued && !beforeRead) return;
    this.jobRowDirty = false;
    const p = this.deps.progress();
    const row = {
      status: p.status,
      status_reason: p.statusReason,
      total: p.total,
      submitted: p.submitted,
      approved: p.approved,
      failed: p.failed,
      started_at: job.startedAt ? new Date(job.startedAt).toISOString() : null,
      completed_at: job.completedAt ? new Date(job.completedAt).toISOString() : null,
    };
    // A lease or a release changes none of these: the row this instance put in
    // the outbox last (waiting there, or written) says the same already.
    const key = JSON.stringify(row);
    if (key === this.lastJobRow) return;
    // The text just compared is the payload: serialised once.
    this.deps.store.enqueue("job", job.jobId, key);
    this.lastJobRow = key;
    this.jobRowQueued = true;
  }

  /** Writes the outbox soon, off the caller's path; the alarm is the backstop. */
  schedule(): void {
    const { store, ctx } = this.deps;
    if (!store.outboxWaiting() || this.draining) return;
    if ((store.job.outboxRetryAt ?? 0) > Date.now()) return;
    ctx.waitUntil(this.drain());
  }

  /** Whether the alarm should write now (rows wait and no backoff holds them). */
  due(now: number): boolean {
    return this.deps.store.outboxWaiting() && (this.deps.store.job.outboxRetryAt ?? 0) <= now;
  }

  /**
   * Writes the outbox to Postgres, one writer at a time. Two overlapping
   * drains (the alarm's and a scheduled one) could commit an older row of a
   * submission after a newer one and leave Postgres behind with an empty
   * outbox; `npm run test:faults` found one left `submitting` that way.
   */
  async drain(): Promise<void> {
    while (this.draining) await this.draining;
    this.draining = this.drainNow().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Writes the outbox to Postgres in batches until it is empty or Postgres fails. */
  private async drainNow(): Promise<void> {
    const { store, env } = this.deps;
    const job = store.job;
    if (!job.jobId || !job.customerId) return;
    let conn: Awaited<ReturnType<OutboxDeps["database"]>> | undefined;
    try {
      conn = await this.deps.database();
      for (;;) {
        // Re-read after every await: reports keep arriving while we write.
        this.writeJobRow(true);
        const rows = store.outboxBatch(OUTBOX_BATCH);
        if (rows.length === 0) break;
        // Taken: the job's next change writes a new row (a new seq, kept by markWritten).
        if (rows.some((r) => r.entity === "job")) this.jobRowQueued = false;
        const { conflicts, cancelledBecause } = await writeOutbox(conn.db, rows, {
          jobId: job.jobId,
          customerId: job.customerId,
          feedback: feedbackPolicyFrom(env as unknown as Record<string, unknown>),
        });
        store.markWritten(rows);
        if (conflicts.length) this.deps.listedElsewhere(conflicts);
        if (cancelledBecause !== null && store.job.status !== "cancelled") this.deps.cancelledElsewhere(cancelledBecause);
        // Their new rows (and the job's counts) go out with the next batch of this loop.
      }
      if (store.job.outboxFailures > 0) {
        if (store.job.outboxFailures >= OUTBOX_ALERT_AFTER) this.deps.alert(null);
        store.updateJob({ outboxFailures: 0, outboxRetryAt: null });
      }
    } catch (err) {
      const failures = store.job.outboxFailures + 1;
      const delay = Math.min(60_000, 1_000 * 2 ** Math.min(failures - 1, 6));
      store.updateJob({ outboxFailures: failures, outboxRetryAt: Date.now() + delay });
      log("warn", "outbox write failed", { jobId: job.jobId, failures, error: err });
      // Sent on every failure from the threshold on (OpsMonitor counts one alert per run), so a lost call is made good by the next.
      if (failures >= OUTBOX_ALERT_AFTER) this.deps.alert({ failures, error: String((err as Error)?.message ?? err).slice(0, 300) });
      await this.deps.armAlarm();
    } finally {
      await conn?.close();
    }
  }
}
