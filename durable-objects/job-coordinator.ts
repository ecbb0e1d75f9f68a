/**
 * JobCoordinator: one Durable Object per job (`idFromName(jobId)`); this file
 * is the job's lifecycle: start (load), pace, lease, report, retry, staff
 * controls, complete.
 *
 * Responsibilities:
 * - State lives in the object's SQLite (coordinator/task-store.ts) and is
 *   read back in the constructor's helpers, so an evicted instance resumes
 *   where it stopped; the job's submissions are loaded from Postgres once.
 * - Pace: keep at most the plan's number of tasks in flight, releasing them
 *   to `directory-tasks` with `sendBatch` in priority order.
 * - Lease: every released task carries `(submissionId, attempt)` and a lease;
 *   the alarm re-releases tasks whose lease expired, with the next attempt.
 *   A worker may take several at once (`leaseMany`), or its next with its
 *   report (`reportAndLease`): one round trip and one commit.
 * - Apply each worker report exactly once: a stale or repeated report, or one
 *   for an attempt that is no longer current, changes nothing.
 * - Persist, then broadcast: every change is written to SQLite first; the
 *   outbox (coordinator/outbox.ts) writes it to Postgres after, retrying
 *   with backoff while Postgres is down; the live fan-out
 *   (coordinator/fan-out.ts) sends batched deltas to the job's customer and
 *   staff sockets and a summary to OpsMonitor. Progress and ETA are a pure
 *   function (coordinator/progress.ts).
 * - Fault-injection hooks exist only behind `faults()` (coordinator/faults.ts).
 *
 * One alarm drives every timer: it is always set to the earliest due time of
 * any lease, retry, reload or outbox retry (TaskStore.nextDueAt).
 * Input gates protect storage only: after any awaited I/O, state is re-read
 * before it is acted on. */
import { DurableObject } from "cloudflare:workers";
import { connectFromWorker } from "../src/db/worker-database";
import type { Database } from "../src/db/client";
import { PLANS, isPlanId } from "../core/plans";
import type { ActivityLine, JobProgress, ServerMessage } from "../core/protocol/live";
import type { FollowupLease, FollowupReport, ReportAndLease, ReportResult, TaskLease, TaskMessage, TaskReport } from "../core/protocol/tasks";
import { listingDifferenceSchema, reportedLoginSchema } from "../core/protocol/tasks";
import { vaultKeyIds } from "../core/vault";
import type { StaffActionResult, StaffOutcomeInput, StaffTaskEntry, UpdateListingActionResult, UpdateListingOutcomeInput } from "../core/protocol/staff";
import type { SubmissionStatus } from "../core/statuses";
import { jobProgress } from "./coordinator/progress";
import { LiveFanOut } from "./coordinator/fan-out";
import { Outbox } from "./coordinator/outbox";
import { AfterSubmit, type AcceptResult } from "./coordinator/after-submit";
import type { LoginForUpdate, StartUpdateResult } from "./coordinator/listing-update";
import type { ListingProfile } from "../core/listing/profile";
import type { ListingUpdateView } from "../core/protocol/site";
import type { MailFacts, MailMatch, MailTrust } from "./coordinator/verification";
import { type ListingConflict, type LoadedJob, listedBy, listingHolders, loadJob } from "./coordinator/postgres-sync";
import { verificationAddress } from "../src/mail/links";
import { RetryDesk, type AttemptFailure } from "./coordinator/retry-desk";
import { describeFixes } from "../core/value-fixes";
import { loadReleasePlan } from "./coordinator/release-plan";
import { HostGap } from "./coordinator/host-gap";
import { outcomeData, type OutcomeData } from "./coordinator/outcome-event";
import { DONE, LEASED, TaskStore, toSubmissionView, type ReleaseCandidate, type TaskRow } from "./coordinator/task-store";
import { StaffTasks, type StaffMember } from "./coordinator/staff-tasks";
import { SocketHub } from "./socket-hub";
import type { OpsStats } from "../src/observability/ops-stats";
import { log } from "../core/log";
import { opsMonitorStub, type CoordinatorRpc } from "../core/rpc";
import { safeHref } from "../core/url";
import { CoordinatorFaults, requireFaultInjection } from "./coordinator/faults";
import { faultInjectionEnabled } from "../src/jobs/fault-injection";
import { chooseReplacement, type ReplacementTask } from "./coordinator/replacements";
import { catalogOf } from "../src/billing/fulfilment";

/** A released task must be leased by a worker within this time. */
export const QUEUED_LEASE_MS = 15 * 60_000;
/**
 * A leased task must be reported, or its lease extended by a heartbeat,
 * within this time. Longer than the slowest legitimate attempt even when no
 * heartbeat gets through (a coordinator reset, a deploy): a page opened
 * (30 s), the site and its form (30 s + 21 s), a captcha the solver may take
 * 120 s over, the submit (15 s), the screenshot (30 s) and the report's
 * retries (15 s) come to about 4.5 minutes. Live workers heartbeat every
 * HEARTBEAT_INTERVAL_MS and confirm the lease before every submit
 * (browser-worker/src/consumer.ts), so a lease lost anyway stops the attempt
 * before it posts; the cost is that a killed worker's slot is held longer.
 */
export const SUBMITTING_LEASE_MS = 5 * 60_000;

/**
 * An attempt that reached the directory's submit and then ended without an
 * outcome (the browser or the worker died, the page never answered, the
 * lease ran out) may have listed the business. Its retry looks for that
 * listing before posting (browser-worker/src/engine/look-first.ts), but a
 * directory shows a new listing in its search only once it is published,
 * which takes seconds on many directories. So such a retry waits until this
 * long after the post: a retry sooner found nothing, posted again, and the
 * directory saw the business twice (the fault run, 2026-12-07). A directory
 * that reviews listings for days is not covered by any wait; most of those
 * refuse a second post of the same business, which counts as ours.
 */
export const POST_SETTLE_MS = 60_000;
/** Retrying tasks due within this window are released with a queue delay. */
const RELEASE_LOOKAHEAD_MS = 60_000;
/** Candidates looked at beyond the room, for the host gap. */
const HOST_GAP_LOOKAHEAD = 16;
const LOAD_RETRY_MS = 5_000;
/** The alarm's backstop for a waiting outbox (TaskStore.nextDueAt: a second out when no backoff holds it). */
const OUTBOX_BACKSTOP_MS = 1_000;

/** Tasks marked for release by settle(), to be sent by afterSettle(). */
interface Released {
  messages: TaskMessage[];
  delays: number[];
}

/** Released tasks less one already leased in the same transaction (it needs no message); null when none is left to send. */
function withoutMessageOf(released: Released, submissionId: string): Released | null {
  const i = released.messages.findIndex((m) => m.submissionId === submissionId);
  if (i < 0) return released;
  const messages = released.messages.filter((_, j) => j !== i);
  return messages.length ? { messages, delays: released.delays.filter((_, j) => j !== i) } : null;
}

export type StartResult = { ok: true; job: JobProgress } | { ok: false; reason: "not_found" | "wrong_job" | "database_unavailable" };

export class JobCoordinator extends DurableObject<Env> implements CoordinatorRpc {
  private readonly store: TaskStore;
  /** Sockets of the job, fed in batching windows (coordinator/fan-out.ts). */
  private readonly live: LiveFanOut;
  /** The way to Postgres (coordinator/outbox.ts). */
  private readonly outbox: Outbox;
  private readonly staff: StaffTasks;
  /** What a failed attempt leads to (coordinator/retry-desk.ts). */
  private readonly retries: RetryDesk;
  private readonly hostGap = new HostGap();
  /** Verification mails and approval tracking (coordinator/after-submit.ts). */
  private readonly afterSubmit: AfterSubmit;
  /** The alarm as last set by this instance (saves a storage read per change). */
  private alarmAt: number | null | undefined = undefined;
  private appliedSinceFlush = 0;
  private readonly workersSeen = new Set<string>();
  /** Retries, failures and durations since the last ops summary (for `/metrics`). */
  private opsStats: Omit<OpsStats, "oldestQueuedAt" | "outbox" | "queued"> = { retries: 0, failures: {}, durationsMs: [] };
  /** Lease times by `submissionId:attempt`, in memory: an eviction only loses a few durations. */
  private readonly leasedAt = new Map<string, number>();
  /** Completion times of recent reports, for the ETA. */
  private readonly recentDone: number[] = [];
  private current: JobProgress["current"] = null;
  /** Fault injection only (coordinator/faults.ts): reports arriving before this time are lost on their way. */
  private reportsLostUntil = 0;
  /** Whether this instance's replacement loop runs (replaceEnded). */
  private replacing = false;

  /** How this object reaches Postgres; tests swap it to simulate an outage. */
  database: () => Promise<{ db: Database; close(): Promise<void> }> = () => connectFromWorker(this.env, { timeoutMs: 5_000 });
  /** Whether the fault facet may be handed out; tests of the hooks turn it on for one instance. */
  faultInjection: () => boolean = () => faultInjectionEnabled(this.env);
  /** Whether ended submissions are replaced (coordinator/replacements.ts); the workers tests turn it on for one instance. */
  replacements: () => boolean = () => (this.env.JOB_REPLACEMENTS as string) !== "off";
  /** How released tasks reach the queue. */
  sendTasks: (messages: TaskMessage[], delays: number[]) => Promise<unknown> = (messages, delays) => this.env.TASKS.sendBatch(messages.map((body, i) => ({ body, delaySeconds: delays[i] ?? 0 })));

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new TaskStore(ctx.storage.sql);
    this.live = new LiveFanOut(new SocketHub(ctx), {
      takeChangedSubmissions: () => this.staff.decorate(this.store.takeChanged().map(toSubmissionView)),
      progress: () => this.progress(),
      notifyOps: (progress, activity) => this.notifyOps(progress, activity),
    });
    this.outbox = new Outbox({
      store: this.store,
      ctx,
      env,
      database: () => this.database(),
      progress: () => this.progress(),
      armAlarm: () => this.armAlarm(),
      listedElsewhere: (conflicts) => this.listedElsewhere(conflicts),
      alert: (failing) => this.outboxAlert(failing),
      // The synchronous part of cancel() runs now, so its rows join the drain under way.
      cancelledElsewhere: (reason) => this.ctx.waitUntil(this.cancel(reason)),
    });
    this.retries = new RetryDesk(ctx.storage.sql);
    this.staff = new StaffTasks(ctx.storage.sql, this.store, {
      event: (kind, message, submissionId, key) => this.event(kind, message, submissionId, key),
      changed: () => this.jobChanged(),
      done: () => this.recentDone.push(Date.now()),
    });
    this.afterSubmit = new AfterSubmit({
      store: this.store,
      sql: ctx.storage.sql,
      env,
      event: (kind, message, submissionId, dedupeKey) => this.event(kind, message, submissionId, dedupeKey),
      changed: () => this.jobChanged(),
      send: (messages) =>
        this.sendTasks(
          messages,
          messages.map(() => 0),
        ),
      database: () => this.database(),
    });
  }

  // ---- lifecycle -------------------------------------------------------------

  /**
   * Starts the job (or picks it up again after a restart). Idempotent. When
   * Postgres cannot be reached the object retries from its alarm by itself.
   */
  async start(jobId: string): Promise<StartResult> {
    if (this.store.job.jobId && this.store.job.jobId !== jobId) return { ok: false, reason: "wrong_job" };
    if (!this.store.job.jobId) this.store.updateJob({ jobId });
    if (!this.store.job.loaded) {
      const outcome = await this.load();
      if (outcome !== "loaded") {
        // Forget a job that does not exist, so the object stays unbound.
        if (outcome === "not_found") this.store.updateJob({ jobId: null });
        return { ok: false, reason: outcome };
      }
    }
    const job = this.store.job;
    if (job.status === "pending") {
      this.store.updateJob({ status: "in_progress", startedAt: Date.now() });
      this.event("job_started", `Job started: ${this.store.total()} directories`, undefined, `job:started:${jobId}`);
      this.jobChanged();
    }
    await this.pump();
    return { ok: true, job: this.progress() };
  }

  private async load(): Promise<"loaded" | "not_found" | "database_unavailable"> {
    const jobId = this.store.job.jobId!;
    let conn: Awaited<ReturnType<typeof this.database>> | undefined;
    try {
      conn = await this.database();
      const loaded = await loadJob(conn.db, jobId);
      if (!loaded) return "not_found";
      // Release order and submission times from the directories' statistics.
      const releasePlan = await loadReleasePlan(conn.db, loaded, Date.now());
      // Re-check after the await: a concurrent start may have loaded already.
      if (this.store.job.loaded) return "loaded";
      const plan = isPlanId(loaded.job.plan) ? PLANS[loaded.job.plan] : PLANS.starter;
      const now = Date.now();
      loaded.tasks.forEach((t, i) => {
        this.store.insertTask({
          ...taskColumns(t),
          priority: releasePlan?.plan.get(t.submissionId)?.priority ?? t.priority * 10_000 + i,
          next_attempt_at: releasePlan?.plan.get(t.submissionId)?.notBefore ?? null,
          // A task that was on its way when the job was loaded again starts over.
          status: (LEASED as string[]).includes(t.status) || t.status === "retrying" ? "pending" : t.status,
          updated_at: now,
        });
      });
      // Manual directories become staff tasks, never queue messages.
      this.staff.register(loaded.tasks);
      if (releasePlan) this.retries.seed(releasePlan.stats);
      this.store.updateJob({
        loaded: true,
        loadRetryAt: null,
        customerId: loaded.job.customerId,
        plan: plan.id,
        maxInFlight: plan.maxInFlight,
        business: loaded.business,
        status: loaded.job.status,
        statusReason: loaded.job.statusReason,
      });
      return "loaded";
    } catch (err) {
      // Postgres is unreachable: try again from the alarm.
      log("warn", "job load failed", { jobId, error: err });
      this.store.updateJob({ loadRetryAt: Date.now() + LOAD_RETRY_MS });
      await this.armAlarm();
      return "database_unavailable";
    } finally {
      await conn?.close();
    }
  }

  // ---- pacing ----------------------------------------------------------------

  /** Releases tasks up to the in-flight cap, then re-arms the alarm. */
  private async pump(): Promise<void> {
    await this.afterSettle(this.settle());
  }

  /**
   * The synchronous half of a pump: marks the tasks to release (status
   * `queued`, the next attempt, a lease), completes the job when nothing is
   * left, and puts the job's row in the outbox. Run inside the same storage
   * transaction as the change that made room (a report), so the report and
   * the releases it allows commit together.
   */
  private settle(): Released | null {
    let released: Released | null = null;
    const job = this.store.job;
    if (job.status === "in_progress" && job.loaded) {
      const now = Date.now();
      const room = job.maxInFlight - this.store.countInFlight();
      // Work due now first; a retry due soon goes out early (with a queue
      // delay) only into room nothing due would use: released early, it holds
      // an in-flight slot through its delay (issue 21: a slot of 4 idle
      // 5-30 s). A few more than there is room for, so a task of a host that
      // has just had one can give way to the next host's (coordinator/host-gap.ts).
      let batch: ReleaseCandidate[] = [];
      if (room > 0) {
        const want = room + HOST_GAP_LOOKAHEAD;
        const due = this.store.releasable(want, now, 0);
        const taken = new Set(due.map((t) => t.submission_id));
        const early = due.length < want ? this.store.releasable(want, now, RELEASE_LOOKAHEAD_MS).filter((t) => !taken.has(t.submission_id)) : [];
        batch = this.hostGap.choose([...due, ...early], room, now, room < job.maxInFlight);
      }
      // A better hour is a preference: a job with nothing due and nothing in
      // flight would only sit idle waiting for it, so those tasks go now
      // (issue 21: timing never makes a job slower). A retry's hard delay
      // (Retry-After, a post settling) is never shortened.
      const idle = room > 0 && batch.length === 0 && this.store.countInFlight() === 0;
      if (idle) batch = this.store.heldForBetterHour(room, now);
      if (batch.length) {
        released = { messages: [], delays: [] };
        for (const task of batch) {
          const delaySeconds = !idle && task.next_attempt_at ? Math.max(0, Math.ceil((task.next_attempt_at - now) / 1000)) : 0;
          const attempt = task.attempt + 1;
          this.store.updateTask(
            task.submission_id,
            {
              status: "queued",
              attempt,
              lease_expires_at: now + delaySeconds * 1000 + QUEUED_LEASE_MS,
              next_attempt_at: null,
            },
            task,
          );
          released.messages.push({ jobId: job.jobId!, submissionId: task.submission_id, attempt });
          released.delays.push(delaySeconds);
        }
        this.jobChanged();
      }
    }
    this.maybeComplete();
    this.outbox.writeJobRow();
    return released;
  }

  /**
   * The I/O half of a pump: sends what settle() released, starts the
   * outbox's write, re-arms the alarm. `onlyLaterThan`: the change added no
   * due time before this (alarmCovers), so an alarm set before it needs no
   * new reading of the due times.
   */
  private async afterSettle(released: Released | null, onlyLaterThan?: number): Promise<void> {
    if (released) {
      const { messages, delays } = released;
      try {
        // Queues take at most 100 messages a batch.
        for (let i = 0; i < messages.length; i += 100) await this.sendTasks(messages.slice(i, i + 100), delays.slice(i, i + 100));
      } catch (err) {
        // The tasks keep their leases; when those expire they are released
        // again with the next attempt, so a failed send loses nothing.
        log("warn", "sendBatch failed", { jobId: this.store.job.jobId, error: err });
      }
    }
    this.outbox.writeJobRow();
    this.outbox.schedule();
    if (onlyLaterThan === undefined || !this.alarmCovers(onlyLaterThan)) await this.armAlarm();
    await this.replaceEnded();
  }

  // ---- replacements (coordinator/replacements.ts) ---------------------------

  /** Whether an ended submission still waits for its replacement (the job is not complete before). */
  private replacementDue(): boolean {
    const job = this.store.job;
    return job.status === "in_progress" && job.loaded && !job.replacementsExhausted && this.replacements() && this.store.hasEndedUnreplaced();
  }

  /**
   * Replaces, one by one, the submissions that ended for good without a
   * listing, then releases the replacements. One loop per instance: a call
   * while it runs returns at once, and the loop picks up whatever ended
   * meanwhile. Postgres makes each choice once (its unique key), so a loop
   * cut off by an eviction is simply run again from the alarm.
   */
  private async replaceEnded(): Promise<void> {
    if (this.replacing) return;
    this.replacing = true;
    try {
      for (let lostRaces = 0; lostRaces < 10; ) {
        if (!this.replacementDue()) return;
        const retryAt = this.store.job.replaceRetryAt;
        if (retryAt !== null && retryAt > Date.now()) return;
        const [ended] = this.store.endedUnreplaced();
        if (!ended) return;
        const reason = ended.failure_reason ?? ended.failure_class ?? ended.status;
        let chosen: ReplacementTask | null | "retry";
        let conn: Awaited<ReturnType<typeof this.database>> | undefined;
        try {
          conn = await this.database();
          chosen = await chooseReplacement(conn.db, { jobId: this.store.job.jobId!, catalog: catalogOf(this.env), replaced: { submissionId: ended.submission_id, reason } });
        } catch (err) {
          log("warn", "replacement choice failed", { jobId: this.store.job.jobId, error: err });
          this.store.updateJob({ replaceRetryAt: Date.now() + LOAD_RETRY_MS });
          await this.armAlarm();
          return;
        } finally {
          await conn?.close();
        }
        if (chosen === "retry") {
          lostRaces++;
          continue;
        }
        const replacement = chosen;
        const released = this.atomically(() => {
          this.store.updateJob({ replaceRetryAt: null });
          // Re-read after the await: the job may have been paused or cancelled meanwhile; the row waits in Postgres for a later load.
          if (!this.replacementDue()) return null;
          if (!replacement) {
            this.store.updateJob({ replacementsExhausted: true });
            this.event("replacements_exhausted", `No directory left in the catalog to replace ${ended.directory_name}`, ended.submission_id, `${ended.submission_id}:replacement:none`);
          } else {
            this.insertReplacement(replacement, ended);
          }
          this.jobChanged();
          return this.settle();
        });
        await this.afterSettle(released);
      }
    } finally {
      this.replacing = false;
    }
  }

  private insertReplacement(t: ReplacementTask, ended: TaskRow): void {
    this.store.insertTask({
      ...taskColumns(t),
      // After every task of the job: a replacement never overtakes the original choice.
      priority: this.store.maxPriority() + 1,
      status: t.status,
      updated_at: Date.now(),
    });
    this.staff.register([t]);
    this.event(
      "submission_replacement",
      `${t.directoryName} replaces ${ended.directory_name} (${t.replacementReason ?? "ended without a listing"})`,
      t.submissionId,
      `${ended.submission_id}:replaced-by`,
      { replaces: { submissionId: ended.submission_id, directoryName: ended.directory_name, reason: t.replacementReason } },
    );
  }

  /**
   * Runs `fn` as one storage transaction: its writes commit together or not
   * at all. On a rollback the activity lines it queued for the sockets are
   * dropped too, so the sockets never show what was not persisted, and the
   * outbox writes the job's row again.
   */
  private atomically<T>(fn: () => T): T {
    const mark = this.live.activityMark();
    try {
      return this.store.transaction(this.ctx.storage, fn);
    } catch (err) {
      this.live.dropActivitySince(mark);
      this.outbox.forgetJobRow();
      throw err;
    }
  }

  private async armAlarm(): Promise<void> {
    this.outbox.writeJobRow();
    const replaceDue = this.replacementDue() ? (this.store.job.replaceRetryAt ?? Date.now()) : null;
    const dues = [this.store.nextDueAt(), this.afterSubmit.nextDueAt(), replaceDue, this.hostGap.wakeAt(Date.now())].filter((d): d is number => d !== null);
    if (dues.length === 0) return;
    const due = Math.min(...dues);
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    const current = this.alarmAt;
    if (current === null || current > due || current < Date.now()) {
      this.alarmAt = Math.max(due, Date.now() + 10);
      await this.ctx.storage.setAlarm(this.alarmAt);
    }
  }

  /**
   * Whether the alarm this instance set is due soon enough for a change that
   * added due times no earlier than `due`: a lease (its expiry), an accepted
   * report (the tasks it released, 15 minutes out; the approval tracker's
   * next batch, a second out) and the outbox's write of either (its
   * one-second backstop). Then the alarm's due times need not be read again
   * (they were most of a lease's SQL and a third of a report's).
   */
  private alarmCovers(due: number): boolean {
    const at = this.alarmAt;
    const now = Date.now();
    return typeof at === "number" && at >= now && at <= due && at <= (this.store.job.outboxRetryAt ?? now + OUTBOX_BACKSTOP_MS);
  }

  override async alarm(): Promise<void> {
    // The alarm that woke us is spent; the next one is set below.
    this.alarmAt = null;
    const now = Date.now();
    const job = this.store.job;
    if (job.jobId && !job.loaded && job.loadRetryAt !== null && job.loadRetryAt <= now) {
      await this.start(job.jobId);
    }
    for (const task of this.store.expiredLeases(now)) {
      if (this.store.job.status === "cancelled") {
        this.store.updateTask(task.submission_id, { status: "skipped", lease_expires_at: null, failure_reason: "job cancelled" });
        this.jobChanged();
        continue;
      }
      // A worker took the task and vanished (or the message was lost).
      this.fail(task, { failureClass: "transient", reason: "the worker's lease expired" });
    }
    if (this.outbox.due(now)) await this.outbox.drain();
    // Release work first: the listing checks below can wait seconds on slow directories.
    await this.pump();
    await this.afterSubmit.tick(now);
    await this.pump();
  }

  // ---- the worker's side -----------------------------------------------------

  /** A worker takes a released task. Null when the message is stale or the job is not running. */
  async lease(submissionId: string, attempt: number, workerId = "unknown"): Promise<TaskLease | null> {
    const lease = this.leaseNow(submissionId, attempt, workerId);
    await this.coverLeases([lease]);
    return lease;
  }

  /**
   * Several released tasks for one worker in one round trip and one storage
   * transaction (the tasks of a queue batch, taken as the batch starts):
   * each exactly as `lease` would take it, null where that one would be.
   */
  async leaseMany(tasks: { submissionId: string; attempt: number }[], workerId = "unknown"): Promise<(TaskLease | null)[]> {
    const leases = this.atomically(() => tasks.map((t) => this.leaseNow(t.submissionId, t.attempt, workerId)));
    await this.coverLeases(leases);
    return leases;
  }

  /** The alarm comes by the earliest of these leases' expiries (re-armed only when the one set would not). */
  private async coverLeases(leases: (TaskLease | null)[]): Promise<void> {
    const expiries = leases.flatMap((l) => (l ? [l.leaseExpiresAt] : []));
    if (expiries.length && !this.alarmCovers(Math.min(...expiries))) await this.armAlarm();
  }

  /** The synchronous half of a lease (no I/O): so a report can take the worker's next task in its own transaction (reportAndLease). The caller arms the alarm for its expiry. */
  private leaseNow(submissionId: string, attempt: number, workerId: string): TaskLease | null {
    const task = this.store.task(submissionId);
    if (!task || task.attempt !== attempt || task.status !== "queued") {
      // A redelivered or stale message: counted, and nothing else happens.
      this.store.updateJob({ refusedLeases: this.store.job.refusedLeases + 1 });
      return null;
    }
    this.workersSeen.add(workerId);
    if (this.store.job.status !== "in_progress") {
      // Paused or cancelled after release: the task waits for resume (and,
      // never having reached its directory, gives its host's turn back).
      this.hostGap.forget(task);
      this.store.updateTask(submissionId, { status: this.store.job.status === "cancelled" ? "skipped" : "pending", lease_expires_at: null });
      this.jobChanged();
      return null;
    }
    const leaseExpiresAt = Date.now() + SUBMITTING_LEASE_MS;
    const row = this.store.updateTask(submissionId, { status: "submitting", lease_expires_at: leaseExpiresAt, worker_id: workerId, posted_at: null }, task);
    this.leasedAt.set(`${submissionId}:${attempt}`, Date.now());
    this.current = { submissionId, directoryName: row.directory_name };
    this.jobChanged();
    const hints = this.retries.hintsFor(submissionId);
    return {
      jobId: this.store.job.jobId!,
      submissionId,
      attempt,
      leaseExpiresAt,
      directory: {
        id: row.directory_id,
        slug: row.directory_slug,
        name: row.directory_name,
        submitUrl: row.submit_url,
        website: row.website,
        language: row.language,
        requiresCaptcha: row.requires_captcha === 1,
        listingSearchUrl: row.listing_search_url ?? null,
      },
      business: this.withVerificationAddress(submissionId, this.store.job.business),
      earlierPost: row.first_posted_at !== null,
      ...(hints ? { retryHints: hints } : {}),
    };
  }

  /** Each directory gets the submission's own unguessable mailbox, so its verification mail reaches the email handler and only it can write there. */
  private withVerificationAddress(submissionId: string, business: TaskLease["business"]): TaskLease["business"] {
    const domain = this.env.VERIFY_DOMAIN?.trim();
    return business && domain ? { ...business, email: verificationAddress(this.store.job.jobId!, this.afterSubmit.mailboxToken(submissionId), domain) } : business;
  }

  // ---- after submit (coordinator/after-submit.ts) ---------------------------

  /** Which of this job's submissions a verification mail is about; counts it against the mailbox caps, nothing else. */
  async matchVerificationMail(mail: MailFacts): Promise<MailMatch> {
    return this.afterSubmit.matchMail(mail);
  }

  /** Queues a browser task to open the mail's link (once per submission). */
  async acceptVerificationMail(submissionId: string, link: string, mailKey: string, trust: MailTrust): Promise<AcceptResult> {
    const result = this.afterSubmit.acceptMail(submissionId, link, mailKey, trust);
    if (result.accepted) await this.afterSubmit.release();
    await this.pump();
    return result;
  }

  async leaseFollowup(submissionId: string, kind: FollowupLease["kind"], attempt: number, workerId = "unknown"): Promise<FollowupLease | null> {
    this.workersSeen.add(workerId);
    const lease = this.afterSubmit.leaseFollowup(submissionId, kind, attempt);
    await this.armAlarm();
    return lease;
  }

  /**
   * A survival check (the cron, src/listings/survival.ts) found a listing
   * gone or changed: a browser task screenshots its page, once per check.
   * The job may have completed long ago and this object been evicted, or
   * never hold the job (its storage lost): it is loaded from Postgres first.
   */
  async screenshotCheck(jobId: string, checkId: string, submissionId: string, url: string): Promise<{ accepted: true; repeated: boolean } | { accepted: false; reason: string }> {
    if (!this.store.job.loaded) {
      const started = await this.start(jobId);
      if (!started.ok) return { accepted: false, reason: started.reason };
    }
    if (this.store.job.jobId !== jobId) return { accepted: false, reason: "wrong_job" };
    const result = this.afterSubmit.screenshotCheck(checkId, submissionId, url);
    if (result.accepted && !result.repeated) await this.afterSubmit.release();
    await this.armAlarm();
    return result;
  }

  async reportFollowup(report: FollowupReport): Promise<{ applied: boolean }> {
    const applied = this.afterSubmit.reportFollowup(report);
    if (applied) {
      await this.afterSubmit.release();
      await this.pump();
    }
    return { applied };
  }

  /**
   * An external worker (the HTTP worker API) pulls the next task directly,
   * without the queue; it counts against the same in-flight cap.
   */
  async leaseNext(workerId: string): Promise<TaskLease | null> {
    const job = this.store.job;
    if (job.status !== "in_progress" || !job.loaded) return null;
    if (this.store.countInFlight() >= job.maxInFlight) return null;
    const [task] = this.store.releasable(1, Date.now(), 0);
    if (!task) return null;
    const attempt = task.attempt + 1;
    this.store.updateTask(task.submission_id, { status: "queued", attempt, lease_expires_at: Date.now() + QUEUED_LEASE_MS, next_attempt_at: null });
    return this.lease(task.submission_id, attempt, workerId);
  }

  /**
   * A browser page that just reported takes a task already released to the
   * queue, instead of waiting for its message (issue 21: the queue hop was
   * the largest step of a task). Only a released, unleased task, by the
   * normal lease: the in-flight cap, pacing and order stay as they were, and
   * the task's message, when it comes, finds it leased and is acknowledged
   * unused ("no lease, no work").
   */
  async leaseReleased(workerId: string): Promise<TaskLease | null> {
    const task = this.releasedDue();
    return task ? this.lease(task.submission_id, task.attempt, workerId) : null;
  }

  /** The best released task a worker may take now: none while the job is not running; a retry released with a queue delay (a Retry-After, a post still settling) not before its delay ends. */
  private releasedDue(): TaskRow | undefined {
    if (this.store.job.status !== "in_progress") return undefined;
    return this.store.firstReleasedDue(Date.now(), QUEUED_LEASE_MS);
  }

  /** A worker still busy with a task extends its lease. */
  async heartbeat(submissionId: string, attempt: number, workerId = "unknown"): Promise<boolean> {
    return this.keepLease(submissionId, attempt, workerId, false);
  }

  /**
   * Right before the submit: the lease must still be this attempt's (and is
   * extended, like a heartbeat), and the coordinator notes that the attempt
   * may now reach the directory (POST_SETTLE_MS). False: do not post.
   */
  async posting(submissionId: string, attempt: number, workerId = "unknown"): Promise<boolean> {
    return this.keepLease(submissionId, attempt, workerId, true);
  }

  /** Extends the lease of the attempt being worked on (noting a post when `posting`); false when it is not that attempt's. */
  private keepLease(submissionId: string, attempt: number, workerId: string, posting: boolean): boolean {
    const task = this.store.task(submissionId);
    if (!task || task.attempt !== attempt || task.status !== "submitting") return false;
    this.workersSeen.add(workerId);
    // The lease lives only here: no outbox write, no socket delta.
    const now = Date.now();
    if (posting) this.store.markPosting(submissionId, now + SUBMITTING_LEASE_MS, now);
    else this.store.extendLease(submissionId, now + SUBMITTING_LEASE_MS);
    return true;
  }

  /** Applies a worker's report exactly once. */
  async report(report: TaskReport): Promise<ReportResult> {
    return (await this.applyReport(report)).result;
  }

  /**
   * A report and the worker's next task in one round trip and one storage
   * transaction: the report is applied, the room it made released, and the
   * best released task due now leased to the same worker (what
   * `leaseReleased` would take a round trip later). A task released and
   * leased here needs no queue message, so none is sent. Stale or repeated
   * reports change nothing, but the worker still gets a next task: it is free.
   */
  async reportAndLease(report: TaskReport, workerId: string): Promise<ReportAndLease> {
    return this.applyReport(report, workerId);
  }

  /** A report applied and the releases it allows, in one storage transaction, then the I/O; with `nextFor`, that worker's next task leased in the same transaction. */
  private async applyReport(report: TaskReport, nextFor?: string): Promise<ReportAndLease> {
    if (Date.now() < this.reportsLostUntil) throw new Error("the report was lost on its way (fault injection)");
    const holders = await this.listingHolders([report]);
    const { result, released, next } = this.atomically(() => {
      const result = this.applyCounted(report, holders.get(report.submissionId));
      const released = result.applied ? this.settle() : null;
      const due = nextFor === undefined ? undefined : this.releasedDue();
      const next = due && nextFor !== undefined ? this.leaseNow(due.submission_id, due.attempt, nextFor) : null;
      return { result, released, next };
    });
    const unsent = next && released ? withoutMessageOf(released, next.submissionId) : released;
    if (result.applied) await this.afterSettle(unsent, accepted(result) ? Date.now() + OUTBOX_BACKSTOP_MS : undefined);
    await this.coverLeases([next]);
    return { result, next };
  }

  /** Many reports at once (the worker HTTP API, benches): one pump for all. */
  async reportMany(reports: TaskReport[]): Promise<ReportResult[]> {
    const holders = await this.listingHolders(reports);
    // The whole batch and the releases it allows: one storage transaction.
    const { results, released, applied } = this.atomically(() => {
      const results = reports.map((r) => this.applyCounted(r, holders.get(r.submissionId)));
      const applied = results.some((r) => r.applied);
      return { results, applied, released: applied ? this.settle() : null };
    });
    if (applied) await this.afterSettle(released, results.every((r) => !r.applied || accepted(r)) ? Date.now() + OUTBOX_BACKSTOP_MS : undefined);
    return results;
  }

  /**
   * For reports that would take a listing found on a later attempt as ours:
   * the job of another submission of the customer holding that directory,
   * if any (then the listing is that job's, not ours). When Postgres cannot
   * say, the listing is taken as ours; the outbox refuses a second live
   * listing anyway (coordinator/postgres-sync.ts).
   */
  private async listingHolders(reports: TaskReport[]): Promise<Map<string, string>> {
    return this.holdersOf(reports.filter((r) => this.isLaterDuplicate(r)).map((r) => r.submissionId));
  }

  /** Which of these submissions' directories another job of the customer holds; empty when Postgres cannot say. */
  private async holdersOf(submissionIds: string[]): Promise<Map<string, string>> {
    if (submissionIds.length === 0) return new Map();
    let conn: Awaited<ReturnType<typeof this.database>> | undefined;
    try {
      conn = await this.database();
      return await listingHolders(conn.db, submissionIds);
    } catch (err) {
      log("warn", "listing holder lookup failed", { jobId: this.store.job.jobId, error: err });
      return new Map();
    } finally {
      await conn?.close();
    }
  }

  /** A later attempt found the business listed already: our earlier attempt's listing, unless another job holds it. */
  private isLaterDuplicate(report: TaskReport): boolean {
    // The report first: only such a failure needs the task read (not every report).
    if (report.outcome !== "failed" || report.failureClass !== "duplicate_listing") return false;
    const task = this.store.task(report.submissionId);
    return !!task && task.attempt === report.attempt && task.attempt > 1;
  }

  private applyCounted(report: TaskReport, heldByJob?: string): ReportResult {
    const result = this.apply(report, heldByJob);
    if (!result.applied) this.store.updateJob({ refusedReports: this.store.job.refusedReports + 1 });
    return result;
  }

  /** Postgres took these approved rows as skipped: another job of the customer holds the live listing. */
  private listedElsewhere(conflicts: ListingConflict[]): void {
    for (const c of conflicts) {
      const task = this.store.task(c.submissionId);
      if (task) this.skipListedBy(task, c.heldByJob);
    }
  }

  private skipListedBy(task: TaskRow, jobId: string): void {
    this.store.updateTask(task.submission_id, {
      status: "skipped",
      lease_expires_at: null,
      next_attempt_at: null,
      failure_class: "duplicate_listing",
      failure_reason: listedBy(jobId),
      approved_at: null,
    });
    this.event("submission_skipped", `${task.directory_name}: ${listedBy(jobId)}`, task.submission_id, `${task.submission_id}:${task.attempt}:listed-by:${jobId}`);
    this.jobChanged();
  }

  /** Tells staff (the ops overview and /metrics) that this job's changes cannot reach Postgres, or can again. */
  private outboxAlert(failing: { failures: number; error: string } | null): void {
    const jobId = this.store.job.jobId;
    if (!jobId) return;
    log(failing ? "error" : "info", failing ? "outbox keeps failing" : "outbox writes again", { jobId, ...failing });
    const ops = opsMonitorStub(this.env.OPS_MONITOR);
    this.ctx.waitUntil(ops.outboxAlert(jobId, failing).catch((err: unknown) => log("warn", "ops alert failed", { error: err })));
  }

  private apply(report: TaskReport, heldByJob?: string): ReportResult {
    const task = this.store.task(report.submissionId);
    if (!task || report.jobId !== this.store.job.jobId) return { applied: false, reason: "unknown_submission" };
    if (report.attempt !== task.attempt) return { applied: false, reason: "stale_attempt" };
    if ((DONE as string[]).includes(task.status)) return { applied: false, reason: "already_final" };
    if (!(LEASED as string[]).includes(task.status)) return { applied: false, reason: "not_leased" };
    if (report.workerId) this.workersSeen.add(report.workerId);
    this.appliedSinceFlush++;
    const now = Date.now();
    const leasedAt = this.leasedAt.get(`${task.submission_id}:${task.attempt}`);
    const outcome = {
      attempt: task.attempt,
      durationMs: leasedAt !== undefined ? now - leasedAt : undefined,
      fields: report.fields,
      ...(report.outcome === "failed" && report.infrastructure ? { infrastructure: true } : {}),
    };
    if (leasedAt !== undefined) {
      this.leasedAt.delete(`${task.submission_id}:${task.attempt}`);
      if (this.opsStats.durationsMs.length < 1_000) this.opsStats.durationsMs.push(now - leasedAt);
    }
    // A later attempt that finds the business already listed found our own
    // listing: an earlier attempt was cut off after the directory had
    // accepted it (its confirmation page failed, or the browser or the
    // worker died before the report). The listing exists: submitted.
    // Unless another submission of the customer holds the directory: then
    // the listing is that job's, and this one is skipped.
    const laterDuplicate = report.outcome === "failed" && report.failureClass === "duplicate_listing" && task.attempt > 1;
    if (laterDuplicate && heldByJob) {
      this.skipListedBy(task, heldByJob);
      return { applied: true, status: "skipped" };
    }
    const ourEarlierListing = laterDuplicate;
    let written: SubmissionStatus;
    if (report.outcome === "already_listed") {
      written = this.foundListed(task, report, outcome);
    } else if (report.outcome === "failed" && !ourEarlierListing) {
      written = this.fail(
        task,
        {
          failureClass: report.failureClass!,
          reason: report.reason,
          retryAfterSeconds: report.retryAfterSeconds,
          httpStatus: report.httpStatus,
          captcha: report.captcha,
          infrastructure: report.infrastructure,
        },
        outcome,
      );
    } else {
      // A link opened before this report (the mail came while the attempt still ran) leaves nothing to wait for.
      const verified = report.outcome === "awaiting_verification" && this.afterSubmit.linkOpened(task.submission_id);
      const status: SubmissionStatus = report.outcome === "failed" || verified ? "submitted" : report.outcome;
      written = status;
      this.store.updateTask(
        task.submission_id,
        {
          status,
          lease_expires_at: null,
          // The RPC is typed, not validated: a non-http(s) URL is never stored.
          listing_url: safeHref(report.listingUrl) ?? task.listing_url,
          evidence_key: report.evidenceKey ?? task.evidence_key,
          failure_class: null,
          failure_reason: null,
          submitted_at: task.submitted_at ?? now,
          approved_at: status === "approved" ? now : task.approved_at,
        },
        task,
      );
      this.keepLogin(task, report);
      this.recentDone.push(now);
      if (this.recentDone.length > 50) this.recentDone.shift();
      this.retries.accepted(task.directory_id);
      const verb = status === "approved" ? "is live on" : status === "awaiting_verification" ? "awaits verification at" : "was submitted to";
      this.event(`submission_${status}`, `Listing ${verb} ${task.directory_name}`, task.submission_id, `${task.submission_id}:${task.attempt}:${status}`, outcomeData({ ...outcome, accepted: true }));
    }
    this.jobChanged();
    return { applied: true, status: written };
  }

  /**
   * The browser found the business listed at the directory before its first
   * attempt and posted nothing (browser-worker/src/engine/look-first.ts).
   * Matching the profile: `already_listed`, live for the customer but not
   * delivered, so replaceEnded takes another directory. Differing: a staff
   * task to claim the listing and correct it (coordinator/staff-tasks.ts).
   */
  private foundListed(task: TaskRow, report: TaskReport, reported: Omit<OutcomeData["outcome"], "accepted">): SubmissionStatus {
    // The RPC is typed, not validated: a report without a usable URL is no evidence of a listing.
    const url = safeHref(report.listingUrl);
    if (!url) return this.fail(task, { failureClass: "transient", reason: "reported already listed without the listing's URL" }, reported);
    const differences = (report.differences ?? []).filter((d) => listingDifferenceSchema.safeParse(d).success);
    const key = (what: string) => `${task.submission_id}:${task.attempt}:${what}`;
    this.recentDone.push(Date.now());
    if (this.recentDone.length > 50) this.recentDone.shift();
    if (differences.length === 0) {
      this.store.updateTask(task.submission_id, {
        status: "already_listed",
        lease_expires_at: null,
        listing_url: url,
        evidence_key: report.evidenceKey ?? task.evidence_key,
        failure_class: null,
        failure_reason: null,
      });
      this.event(
        "submission_already_listed",
        `${task.directory_name} already lists the business (${url}); nothing was posted${this.replacements() ? ", and another directory takes its place" : ""}`,
        task.submission_id,
        key("already_listed"),
      );
      return "already_listed";
    }
    this.staff.claimAndCorrect(task, url, differences);
    this.store.updateTask(task.submission_id, {
      status: "manual",
      lease_expires_at: null,
      listing_url: url,
      evidence_key: report.evidenceKey ?? task.evidence_key,
      failure_class: null,
      failure_reason: null,
    });
    const what = differences.map((d) => `${d.field}: shows ${d.shown ?? "nothing"}, profile ${d.profile ?? "nothing"}`).join("; ");
    this.event("submission_claim_and_correct", `${task.directory_name} already lists the business with other details (${what}); our staff claim and correct it`, task.submission_id, key("claim"));
    return "manual";
  }

  /**
   * The login an accepted attempt created at the directory goes to the
   * customer's vault through the outbox (postgres-sync.ts), as the worker
   * sealed it: the coordinator never holds the clear password. The RPC is
   * typed, not validated: a malformed login is dropped (and said so, without
   * its values).
   */
  private keepLogin(task: TaskRow, report: TaskReport): void {
    if (!report.account) return;
    const login = reportedLoginSchema.safeParse(report.account);
    if (!login.success) {
      log("warn", "reported login dropped: malformed", { jobId: this.store.job.jobId, submissionId: task.submission_id });
      return;
    }
    const { loginUrl, username, email, password } = login.data;
    // A worker on another key (the repository's example key, a key this
    // deployment never had) would fill the vault with logins nobody can open.
    if (!vaultKeyIds(this.env.VAULT_KEYS).has(password.keyId)) {
      log("error", "reported login dropped: sealed with a key this deployment does not hold", { jobId: this.store.job.jobId, submissionId: task.submission_id, keyId: password.keyId });
      return;
    }
    this.store.enqueue("login", task.submission_id, {
      submission_id: task.submission_id,
      directory_id: task.directory_id,
      attempt: task.attempt,
      login_url: loginUrl,
      username: username ?? null,
      email: email ?? null,
      key_id: password.keyId,
      iv: password.iv,
      ciphertext: password.ciphertext,
    });
  }

  /**
   * A failed attempt: the retry desk decides (retry, with a value fix or the
   * captcha solver, or stop). `reported`: the attempt's data when a worker
   * reported it (the feedback loop and the directory history count only those).
   */
  /** Returns the status the task is left in. `task`: read in the caller's synchronous stretch. */
  private fail(task: TaskRow, failure: AttemptFailure, reported?: Omit<OutcomeData["outcome"], "accepted">): SubmissionStatus {
    // The directory already mailed its verification link: a post of this submission arrived, whatever this attempt saw.
    if (this.afterSubmit.hasVerificationMail(task.submission_id)) {
      this.afterSubmit.awaitVerification(
        task,
        `${task.directory_name}: ${failure.reason ?? failure.failureClass}; its verification mail already came, so the listing waits for it instead of a new post`,
        "awaiting_verification",
      );
      this.jobChanged();
      return this.store.task(task.submission_id)!.status;
    }
    const decision = this.retries.decide(task, failure, reported !== undefined);
    // Past the submit with no answer read: the retry waits until the post, if it landed, is in the directory's search.
    if (decision.retry && task.posted_at !== null && (reported === undefined || failure.infrastructure || failure.failureClass === "transient")) {
      decision.delayMs = Math.max(decision.delayMs, task.posted_at + POST_SETTLE_MS - Date.now());
    }
    const failureClass = decision.failureClass;
    const data = reported && outcomeData({ ...reported, accepted: false, failureClass, reason: failure.reason, retryAfterSeconds: failure.retryAfterSeconds });
    this.opsStats.failures[failureClass] = (this.opsStats.failures[failureClass] ?? 0) + 1;
    if (decision.retry) {
      this.opsStats.retries++;
      this.store.updateTask(
        task.submission_id,
        {
          status: "retrying",
          lease_expires_at: null,
          next_attempt_at: Date.now() + decision.delayMs,
          failure_class: failureClass,
          failure_reason: failure.reason ?? null,
        },
        task,
      );
      const how = decision.why === "fix" ? `retrying with ${describeFixes(decision.fixes)}` : decision.why === "captcha" ? "retrying with the captcha solver" : "retrying";
      this.event(
        "submission_retrying",
        `${task.directory_name}: ${failure.reason ?? failureClass}; ${how} in ${Math.round(decision.delayMs / 1000)} s`,
        task.submission_id,
        `${task.submission_id}:${task.attempt}:retrying`,
        { ...data, retry: { why: decision.why, ...(decision.fixes.length ? { fixes: decision.fixes } : {}) } },
      );
    } else {
      this.store.updateTask(
        task.submission_id,
        {
          status: decision.status,
          lease_expires_at: null,
          failure_class: failureClass,
          failure_reason: decision.reason,
        },
        task,
      );
      this.recentDone.push(Date.now());
      this.event(`submission_${decision.status}`, `${task.directory_name}: ${decision.reason}`, task.submission_id, `${task.submission_id}:${task.attempt}:${decision.status}`, {
        ...data,
        staffReason: decision.staffReason,
      });
    }
    this.jobChanged();
    return decision.retry ? "retrying" : decision.status;
  }

  /** The dead-letter queue gave up on a message: the attempt failed. */
  async deadLetter(message: TaskMessage, reason = "the queue gave up on the task"): Promise<ReportResult> {
    const task = this.store.task(message.submissionId);
    if (!task) return { applied: false, reason: "unknown_submission" };
    if (task.attempt !== message.attempt) return { applied: false, reason: "stale_attempt" };
    if (!(LEASED as string[]).includes(task.status)) return { applied: false, reason: "not_leased" };
    this.fail(task, { failureClass: "transient", reason });
    await this.pump();
    return { applied: true, status: this.store.task(task.submission_id)!.status };
  }

  // ---- staff controls --------------------------------------------------------

  /** `staffBy`: who paused, kept in the event's staff-only notes (coordinator/postgres-sync.ts), never in what the customer reads. */
  async pause(reason = "paused by staff", staffBy?: string): Promise<JobProgress> {
    if (this.store.job.status === "in_progress") {
      this.store.updateJob({ status: "paused", statusReason: reason });
      this.event("job_paused", `Job paused: ${reason}`, undefined, undefined, staffBy ? { staffBy } : {});
      this.jobChanged();
      await this.pump();
    }
    return this.progress();
  }

  async resume(): Promise<JobProgress> {
    if (this.store.job.status === "paused") {
      this.store.updateJob({ status: "in_progress", statusReason: null });
      this.event("job_resumed", "Job resumed");
      this.jobChanged();
      await this.pump();
    }
    return this.progress();
  }

  /** Stops the job for good: unstarted work is skipped; running attempts may still report. */
  async cancel(reason: string): Promise<JobProgress> {
    const job = this.store.job;
    // Never started here: Postgres alone holds the job, and the caller has
    // cancelled it there.
    if (!job.loaded) return this.progress();
    if (job.status !== "completed" && job.status !== "cancelled" && job.status !== "failed") {
      for (const task of this.store.allTasks()) {
        if (task.status === "pending" || task.status === "retrying" || task.status === "queued" || task.status === "manual") {
          this.store.updateTask(task.submission_id, { status: "skipped", lease_expires_at: null, next_attempt_at: null, failure_reason: `job cancelled: ${reason}` });
        }
      }
      this.store.updateJob({ status: "cancelled", statusReason: reason, completedAt: Date.now() });
      this.event("job_cancelled", `Job cancelled: ${reason}`);
      this.jobChanged();
      await this.pump();
    }
    return this.progress();
  }

  async retrySubmission(submissionId: string): Promise<ReportResult> {
    const task = this.store.task(submissionId);
    if (!task) return { applied: false, reason: "unknown_submission" };
    if (task.status !== "failed" && task.status !== "skipped") return { applied: false, reason: "not_leased" };
    if (this.store.job.status === "cancelled") return { applied: false, reason: "job_not_running" };
    // Its replacement is delivering in its place: both would be more than promised (docs/decisions.md, live rate).
    if (this.store.isReplaced(submissionId)) return { applied: false, reason: "already_replaced" };
    const holder = (await this.holdersOf([submissionId])).get(submissionId);
    // Re-read after the await: a report, another retry or a cancel may have come in between.
    if ((this.store.job.status as string) === "cancelled") return { applied: false, reason: "job_not_running" };
    const current = this.store.task(submissionId)!;
    if (current.status !== "failed" && current.status !== "skipped") return { applied: false, reason: "not_leased" };
    if (this.store.isReplaced(submissionId)) return { applied: false, reason: "already_replaced" };
    // Another job of the customer holds the listing now: submitting again would list the business twice.
    if (holder) this.skipListedBy(current, holder);
    else this.requeue(current);
    // "pending", or "manual" for a staff task (read before the pump releases it).
    const status = this.store.task(submissionId)!.status;
    await this.pump();
    return { applied: true, status };
  }

  /**
   * "Submit again" after a survival check found a live listing gone or
   * changed (src/listings/survival.ts; the API allows it once per check):
   * the approved submission goes back to the queue as a new submission at
   * that directory, its follow-ups and tracking forgotten, its old listing
   * URL dropped (a changed page still naming the business must not be
   * "found" again as the new listing).
   */
  async resubmitListing(submissionId: string): Promise<ReportResult> {
    const task = this.store.task(submissionId);
    if (!task) return { applied: false, reason: "unknown_submission" };
    if (task.status !== "approved") return { applied: false, reason: "not_live" };
    if (this.store.job.status === "cancelled") return { applied: false, reason: "job_not_running" };
    this.afterSubmit.forget(submissionId);
    this.store.updateTask(submissionId, { listing_url: null, approved_at: null });
    this.requeue(task);
    const status = this.store.task(submissionId)!.status;
    await this.pump();
    return { applied: true, status };
  }

  /**
   * Live-rate replacements (src/listings/live-rate.ts, from the cron): each
   * named submission, not live 28 days on, gets a replacement chosen in
   * Postgres by the same unique key as any replacement, so a replayed or
   * concurrent cron gets the row first chosen and adds nothing. A completed
   * job takes the new tasks and completes again when they end.
   */
  async replaceNotLive(requests: { submissionId: string; reason: string }[]): Promise<{ replaced: string[]; exhausted: boolean }> {
    const replaced: string[] = [];
    const open = () => this.store.job.loaded && !!this.store.job.jobId && this.store.job.status !== "cancelled";
    for (const request of requests) {
      if (!open()) break;
      const task = this.store.task(request.submissionId);
      if (!task || task.status === "approved" || this.store.isReplaced(task.submission_id)) continue;
      let chosen: ReplacementTask | null | "retry" = "retry";
      const conn = await this.database();
      try {
        for (let tries = 0; chosen === "retry" && tries < 10; tries++) {
          chosen = await chooseReplacement(conn.db, { jobId: this.store.job.jobId!, catalog: catalogOf(this.env), replaced: { submissionId: task.submission_id, reason: request.reason } });
        }
      } finally {
        await conn.close();
      }
      if (chosen === null) return { replaced, exhausted: true };
      if (chosen === "retry") continue;
      const replacement = chosen;
      // Re-read after the awaits: a report, another call or a cancel may have come in between.
      const inserted = this.atomically(() => {
        const current = this.store.task(task.submission_id);
        if (!open() || !current || current.status === "approved" || this.store.isReplaced(task.submission_id)) return false;
        this.insertReplacement(replacement, current);
        if (this.store.job.status === "completed" || this.store.job.status === "failed") {
          this.store.updateJob({ status: "in_progress", statusReason: null, completedAt: null });
        }
        this.jobChanged();
        return true;
      });
      if (inserted) replaced.push(replacement.submissionId);
    }
    if (replaced.length) await this.pump();
    return { replaced, exhausted: false };
  }

  /**
   * "Update my listings" (issue 19 item 2; coordinator/listing-update.ts):
   * pushes the saved profile to the job's live listings, by browser where
   * the vault holds a login, else as staff items. The job's profile becomes
   * the new one (later leases and staff packets carry it). The same
   * `updateId` again answers the same view and changes nothing.
   */
  async startListingUpdate(updateId: string, business: ListingProfile, logins: LoginForUpdate[]): Promise<StartUpdateResult> {
    if (!this.store.job.loaded) return { applied: false, reason: "job_not_loaded" };
    // A cancelled job's follow-ups are never released: its listings would wait for ever.
    if (!["in_progress", "completed", "paused"].includes(this.store.job.status)) return { applied: false, reason: "job_not_running" };
    const result = this.afterSubmit.updates.start(updateId, this.store.job.business, business, this.store.allTasks(), logins);
    if (!result.applied) return result;
    const { machine, ...answer } = result;
    if (answer.repeated) return answer;
    this.store.updateJob({ business });
    for (const item of machine ?? []) this.afterSubmit.followups.add(item.submission_id, "update", item.listing_url);
    const staff = answer.view.summary.staff;
    this.event(
      "listing_update_started",
      `Update of ${answer.view.items.length} listings started (${answer.view.summary.machine} by browser, ${staff} by staff): ${answer.view.changes.map((c) => c.field).join(", ")} changed`,
      undefined,
      `update:${updateId}`,
    );
    await this.afterSubmit.release();
    await this.pump();
    return answer;
  }

  /** The update's progress per listing; null when none was started. */
  async listingUpdate(): Promise<ListingUpdateView | null> {
    return this.afterSubmit.updates.view();
  }

  async retryFailed(): Promise<{ retried: number }> {
    if (this.store.job.status === "cancelled") return { retried: 0 };
    const holders = await this.holdersOf(
      this.store
        .allTasks()
        .filter((t) => t.status === "failed")
        .map((t) => t.submission_id),
    );
    // Re-read after the await (a cancel may have come in between); the ones another job now holds are skipped, not submitted twice.
    if ((this.store.job.status as string) === "cancelled") return { retried: 0 };
    // A replaced failure stays failed: its replacement delivers in its place.
    const failed = this.store.allTasks().filter((t) => t.status === "failed" && !this.store.isReplaced(t.submission_id));
    let retried = 0;
    for (const task of failed) {
      const holder = holders.get(task.submission_id);
      if (holder) this.skipListedBy(task, holder);
      else {
        this.requeue(task);
        retried++;
      }
    }
    await this.pump();
    return { retried };
  }

  private requeue(task: TaskRow): void {
    const status = this.staff.reopen(task.submission_id) ? "manual" : "pending";
    this.store.updateTask(task.submission_id, { status, failure_class: null, failure_reason: null, next_attempt_at: null });
    if (this.store.job.status === "completed" || this.store.job.status === "failed") {
      this.store.updateJob({ status: "in_progress", statusReason: null, completedAt: null });
    }
    this.event("submission_requeued", `${task.directory_name}: retry requested`, task.submission_id, `${task.submission_id}:${task.attempt}:requeued`);
    this.jobChanged();
  }

  private maybeComplete(): void {
    const job = this.store.job;
    if (job.status !== "in_progress" || !job.loaded || !this.store.allDone()) return;
    // An ended submission's replacement is still to be chosen (replaceEnded).
    if (this.replacementDue()) return;
    const counts = this.store.counts();
    const anySubmitted = (counts.submitted ?? 0) + (counts.awaiting_verification ?? 0) + (counts.approved ?? 0) > 0;
    const status = anySubmitted || this.store.total() === 0 || (counts.failed ?? 0) === 0 ? "completed" : "failed";
    this.store.updateJob({ status, completedAt: Date.now(), statusReason: status === "failed" ? "no directory accepted the listing" : null });
    this.event(`job_${status}`, status === "completed" ? "Job completed" : "Job failed: no directory accepted the listing", undefined, `job:${status}:${job.jobId}`);
    this.jobChanged();
  }

  // ---- staff tasks (coordinator/staff-tasks.ts) -------------------------------

  /** Open submission packets and open "update my listings" items of this job. */
  staffTaskList(): StaffTaskEntry[] {
    if (!this.store.job.loaded) return [];
    const [jobId, business] = [this.store.job.jobId!, this.store.job.business];
    return [...this.staff.list(jobId, business), ...this.afterSubmit.updates.openStaffTasks(jobId, business?.businessName ?? null)];
  }

  updateListingTask(submissionId: string): UpdateListingActionResult {
    return this.afterSubmit.updates.staffTask(this.store.job.jobId ?? "", this.store.job.business?.businessName ?? null, submissionId);
  }

  /** Staff changed a live listing by hand, or could not: the update's view moves, once. */
  async recordUpdateListingOutcome(submissionId: string, member: StaffMember, input: UpdateListingOutcomeInput): Promise<UpdateListingActionResult> {
    const result = this.afterSubmit.updates.recordStaff(this.store.job.jobId ?? "", this.store.job.business?.businessName ?? null, submissionId, member.name, input);
    if (!result.ok || !result.applied) return result;
    const t = result.task;
    this.event(
      t.status === "updated_by_staff" ? "listing_updated_by_staff" : "listing_update_not_possible",
      t.status === "updated_by_staff" ? `Our staff updated your listing on ${t.directoryName}` : `${t.directoryName}: the listing could not be updated (${t.reason})`,
      submissionId,
      `update-staff:${submissionId}`,
    );
    await this.pump();
    return result;
  }

  staffTaskPacket(submissionId: string): StaffActionResult {
    return this.staff.packet(this.store.job.jobId ?? "", this.store.job.business, submissionId);
  }

  async claimStaffTask(submissionId: string, member: StaffMember): Promise<StaffActionResult> {
    const result = this.staff.claim(this.store.job.jobId ?? "", this.store.job.business, submissionId, member);
    if (result.ok && result.applied) await this.pump();
    return result;
  }

  /** A staff outcome goes the way of a worker's report: counts, completion, outbox, sockets. */
  async recordStaffOutcome(submissionId: string, member: StaffMember, input: StaffOutcomeInput): Promise<StaffActionResult> {
    const result = this.staff.record(this.store.job.jobId ?? "", this.store.job.business, submissionId, member, input);
    if (result.ok && result.applied) await this.pump();
    return result;
  }

  // ---- reading ---------------------------------------------------------------

  progress(): JobProgress {
    return jobProgress({
      job: this.store.job,
      counts: this.store.counts(),
      total: this.store.total(),
      replaced: this.store.replacedCounts(),
      current: this.current,
      recentDone: this.recentDone,
      now: Date.now(),
    });
  }

  snapshot(): Extract<ServerMessage, { type: "snapshot" }> {
    return {
      type: "snapshot",
      job: this.progress(),
      submissions: this.staff.decorate(this.store.allTasks().map(toSubmissionView)),
      activity: this.store.recentActivity(),
    };
  }

  /**
   * The fault-injection hooks (coordinator/faults.ts): released messages,
   * refusal counters, eviction. Refused unless fault injection is on.
   */
  faults(): CoordinatorFaults {
    requireFaultInjection(this.faultInjection());
    return new CoordinatorFaults(this.store, this.ctx, {
      loseReportsFor: (ms) => void (this.reportsLostUntil = Date.now() + ms),
      followupsReleased: () => this.afterSubmit.followups.released(),
      afterSubmitDueSoon: (withinMs) => this.afterSubmit.dueSoon(withinMs),
    });
  }

  /** Outbox rows not yet in Postgres (ops and tests). */
  pendingWrites(): number {
    return this.store.outboxSize();
  }

  // ---- persistence -------------------------------------------------------------

  private event(kind: string, message: string, submissionId?: string, dedupeKey?: string, data: object = {}): void {
    const at = Date.now();
    const key = dedupeKey ?? `${this.store.job.jobId}:${kind}:${at}:${crypto.randomUUID()}`;
    this.store.addActivity({ at, kind, message, submissionId });
    this.store.enqueue("event", key, {
      submission_id: submissionId ?? null,
      kind,
      message,
      data,
      dedupe_key: key,
      created_at: new Date(at).toISOString(),
    });
    this.live.activity({ at, jobId: this.store.job.jobId ?? "", kind, message, ...(submissionId ? { submissionId } : {}) });
  }

  /** Marks the job row for the outbox and the sockets; written once per burst. */
  private jobChanged(): void {
    this.outbox.jobChanged();
    this.live.jobChanged();
  }

  /** Writes the outbox to Postgres now (the alarm, tests and benches; changes are written soon anyway). */
  async drain(): Promise<void> {
    return this.outbox.drain();
  }

  // ---- sockets ---------------------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    const admitted = this.live.admit(request, ["customer", "staff"]);
    if (admitted instanceof Response) return admitted;
    return this.live.accept(admitted, this.snapshot());
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // Controls go through HTTP; anything but the auto-answered ping is an error.
    if (message !== '{"type":"ping"}') ws.send(JSON.stringify({ type: "error", code: "unsupported", message: "This socket only sends updates" } satisfies ServerMessage));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    SocketHub.close(ws, code, reason);
  }

  private notifyOps(progress: JobProgress, activity: ActivityLine[]): void {
    const applied = this.appliedSinceFlush;
    this.appliedSinceFlush = 0;
    const workers = [...this.workersSeen];
    this.workersSeen.clear();
    const stats: OpsStats = {
      ...this.opsStats,
      oldestQueuedAt: this.store.oldestQueuedAt(QUEUED_LEASE_MS),
      outbox: this.store.outboxSize(),
      queued: this.store.counts().queued ?? 0,
    };
    this.opsStats = { retries: 0, failures: {}, durationsMs: [] };
    const ops = opsMonitorStub(this.env.OPS_MONITOR);
    this.ctx.waitUntil(
      ops
        .jobUpdate(
          {
            jobId: progress.jobId,
            plan: this.store.job.plan ?? "unknown",
            status: progress.status,
            total: progress.total,
            submitted: progress.submitted,
            failed: progress.failed,
            inFlight: progress.inFlight,
            percent: progress.percent,
            currentDirectory: progress.current?.directoryName ?? null,
            updatedAt: progress.updatedAt,
          },
          activity,
          applied,
          workers,
          stats,
        )
        .catch((err: unknown) => log("warn", "ops update failed", { error: err })),
    );
  }
}

/**
 * A report applied as accepted: it ended a lease and added no due time of
 * its own (a failure may add a retry due at any time, and a replacement).
 */
function accepted(result: ReportResult): boolean {
  return result.applied && (result.status === "submitted" || result.status === "awaiting_verification" || result.status === "approved");
}

/** A task as Postgres holds it, in the coordinator's columns (the caller adds priority, status and time). */
function taskColumns(t: LoadedJob["tasks"][number]) {
  return {
    submission_id: t.submissionId,
    directory_id: t.directoryId,
    directory_name: t.directoryName,
    directory_slug: t.directorySlug,
    submit_url: t.submitUrl,
    website: t.website,
    language: t.language,
    requires_captcha: t.requiresCaptcha ? 1 : 0,
    listing_search_url: t.listingSearchUrl,
    attempt: t.attempt,
    listing_url: t.listingUrl,
    evidence_key: t.evidenceKey,
    failure_class: t.failureClass as TaskRow["failure_class"],
    failure_reason: t.failureReason,
    replaces_submission_id: t.replacesSubmissionId,
    replacement_reason: t.replacementReason,
  };
}
