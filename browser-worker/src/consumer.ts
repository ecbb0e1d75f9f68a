/**
 * One queue batch: lease each task from its coordinator (those the pages
 * start with in one call per job), submit it in a page of a shared browser
 * (several pages at once, up to the configured limit), keep a screenshot as
 * evidence, report the outcome, acknowledge. A page whose batch has no
 * message left takes its coordinator's next released task, with its report
 * when it can (one round trip for both).
 *
 * Everything outside (coordinators, the browser, R2) comes in through
 * `ConsumerDeps`, so the same code runs in the Worker and in Node tests.
 * Rules that make it safe:
 * - no lease, no work: a repeated or stale message is acknowledged unused,
 *   so a queue delivering twice never submits twice;
 * - no lease, no submit: the lease is confirmed right before every click that
 *   may submit, and an attempt whose lease is gone stops unsubmitted;
 * - a finished report is never dropped: when the coordinator cannot take it,
 *   it is kept (pending-reports.ts) and delivered when the message comes again;
 * - when no browser can be had, the messages go back with the delay the
 *   platform names, unleased;
 * - when the browser dies mid-batch, the running attempts are reported as
 *   transient failures (the coordinator retries them) and the rest go back;
 * - no page reaches a private, loopback or link-local address (egress.ts);
 * - every task runs in a browser context of its own, closed after it, so no
 *   cookie, storage or signed-in account passes from one customer's
 *   submission to the next;
 * - the browser is always released in `finally`.
 */
import { evidenceKey } from "../../core/evidence-keys";
import type { CoordinatorRpc } from "../../core/rpc";
import type { FollowupLease, FollowupReport, ReportAndLease, TaskLease, TaskMessage, TaskReport } from "../../core/protocol/tasks";
import { taskMessageSchema } from "../../core/protocol/tasks";
import { submitListing } from "./engine";
import { libPreload } from "./engine/inpage";
import { mapperPreload } from "./mapper/page";
import { openFollowup, type FollowupPage } from "./followup";
import { runUpdate } from "./update-task";
import type { CaptchaSolver, EngineOptions, EngineResult, SecondOpinion } from "./engine/types";
import type { PendingReports } from "./pending-reports";
import { guardEgress, guardedFetch, type GuardablePage } from "./egress";
import { boundedGet, PAGE_LIMITS } from "../../core/bounded-fetch";
import { startTrace, type TaskTrace } from "./trace";
import { loginAad, seal, vaultKeyring } from "../../core/vault";
import type { ReportedLogin } from "../../core/protocol/tasks";

export interface QueueMessageLike {
  id: string;
  body: unknown;
  attempts: number;
  /** When the message was sent (the platform's; absent in some tests): the start of the task's queue wait. */
  timestamp?: Date;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/** The part of a puppeteer Browser/Page the consumer itself uses. */
export interface ConsumerPage extends GuardablePage {
  screenshot(options: { type: "png"; fullPage?: boolean }): Promise<Uint8Array | string>;
  /** Runs a script in each new document of the page before its own (the engine's page library and mapper, preloaded). */
  evaluateOnNewDocument?(source: string): Promise<unknown>;
  url(): string;
}
/** A browser context: its own cookies, storage and cache, gone when it is closed. */
export interface ConsumerContext {
  newPage(): Promise<ConsumerPage>;
  close(): Promise<void>;
}
export interface ConsumerBrowser {
  /** Every task gets its own context: a warm browser is shared across customers, its state never is. */
  createBrowserContext(): Promise<ConsumerContext>;
  isConnected?(): boolean;
  connected?: boolean;
}

export type BrowserLease = { ok: true; browser: ConsumerBrowser; release(healthy: boolean): Promise<void> } | { ok: false; retryAfterSeconds: number; reason: string };

/**
 * How often a running task's lease is extended (the coordinator's
 * SUBMITTING_LEASE_MS, 5 minutes, is longer than the slowest attempt even
 * with no beat getting through). Each beat goes through a fresh stub: a stub
 * that saw its object reset (a deploy, an eviction) stays broken.
 */
export const HEARTBEAT_INTERVAL_MS = 20_000;

/** Waits between tries to confirm the lease right before a submit (then the attempt stops unsubmitted). */
export const LEASE_CHECK_RETRY_MS = [250, 500, 1_000, 2_000];

/** When a finished report could not be delivered: the message comes back after this, with the report kept. */
export const KEPT_REPORT_RETRY_SECONDS = 15;

/**
 * How long a batch goes on taking tasks its coordinators released (before
 * their messages come) once its own are done: well inside a queue
 * invocation's wall time, and short enough that a session is given back
 * now and then.
 */
export const CHAIN_MS = 5 * 60_000;

/** How often a page with no task looks again for a released one while other pages of its batch still work (also at each of their reports). */
export const IDLE_PAGE_POLL_MS = 1_000;

export interface ConsumerDeps {
  workerId: string;
  pagesPerBrowser: number;
  coordinator(jobId: string): CoordinatorRpc;
  acquireBrowser(): Promise<BrowserLease>;
  putEvidence(key: string, png: Uint8Array, metadata: Record<string, string>): Promise<void>;
  /** Reads the listing's logo and photos by key (R2); without it, file inputs stay empty. */
  asset?: EngineOptions["asset"];
  solver?: CaptchaSolver;
  log?: (entry: Record<string, unknown>) => void;
  /** The listing as this directory gets it (a language model's rewording); the lease's own when absent or failing. */
  customiseListing?: (lease: TaskLease) => Promise<TaskLease["business"]>;
  /** A language model's second opinion on fields the mapper was unsure of (engine/second-opinion.ts); absent = the mapper's types. */
  secondOpinion?: SecondOpinion;
  /** Default HEARTBEAT_INTERVAL_MS. */
  heartbeatMs?: number;
  /** Default REPORT_RETRY_MS. */
  reportRetryMs?: readonly number[];
  /** Default BROWSER_CALL_MS. */
  browserCallMs?: Partial<typeof BROWSER_CALL_MS>;
  /** Origins the browser may open although they are private or loopback (egress.ts; the farm in local runs). */
  allowedOrigins?: readonly string[];
  /** The worker's own fetch, for pages read without the browser (the look-first search); default the global fetch. */
  fetcher?: typeof fetch;
  /** Default CHAIN_MS; 0: only the batch's own messages. */
  chainMs?: number;
  /** Where a finished report waits when the coordinator cannot take it (pending-reports.ts); absent = it is retried, then given up. */
  pendingReports?: PendingReports;
  /**
   * The vault's keys (`VAULT_KEYS`, core/vault.ts): a login the engine created
   * is reported with its password sealed by the current key, so no report,
   * kept report or coordinator ever holds it in clear. Absent: no login is
   * reported (and a warning says so).
   */
  vaultKeys?: string;
}

/** A fresh context and its page, already guarded (egress.ts); `owner` names the task it serves, for the guard's log lines. */
interface Opened {
  context: ConsumerContext;
  page: ConsumerPage;
  owner: { submissionId: string };
}
/** A task for a page: a message of the batch, or a task leased without one (chained: its lease comes with it). */
interface Next {
  message: QueueMessageLike;
  task: TaskMessage;
  lease?: TaskLease;
}

/** A page worker's spare: the next task's context, opened while the last one finished; and its next task, when its last report brought one. */
interface Slot {
  spare?: Promise<Opened | undefined>;
  handed?: Next;
}

export interface BatchSummary {
  submitted: number;
  failed: number;
  skippedStale: number;
  returned: number;
  malformed: number;
}

function isBrowserGone(browser: ConsumerBrowser, err: unknown): boolean {
  const connected = browser.isConnected ? browser.isConnected() : browser.connected !== false;
  if (!connected) return true;
  const text = String(err);
  return /Target closed|Session closed|Connection closed|Protocol error.*(closed|detached)|browser has disconnected|WebSocket is not open/i.test(text);
}

function toBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data !== "string") return data;
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A search page read without the browser: a slow one is opened in the browser instead, not waited for twice as long. */
export const SEARCH_READ_LIMITS = { ...PAGE_LIMITS, timeoutMs: 8_000 };

/**
 * Bounds on calls to the browser session. A browser killed at the wrong
 * moment can leave such a call waiting forever, and one stuck invocation
 * holds its messages (locally, the whole queue) until the platform kills it.
 */
export const BROWSER_CALL_MS = { acquire: 60_000, newPage: 30_000, screenshot: 30_000, close: 10_000 };

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
    }),
  ]);
}

/** What every task page gets in each new document, before the document's own scripts (engine/inpage.ts, mapper/page.ts). */
const PRELOAD = `${libPreload()};\n${mapperPreload()};`;

/** Waits between attempts to deliver a report (the last failure gives up to the queue). */
export const REPORT_RETRY_MS = [500, 1_000, 2_000, 4_000, 8_000];

/**
 * Delivers a report even across a coordinator restart or eviction: the form
 * was already submitted, and a report that never arrives means the task is
 * submitted again when its lease runs out. Reports are applied exactly once,
 * so sending one again is safe. A fresh stub each time: a stub that saw its
 * object reset stays broken.
 */
async function reportSurely(report: TaskReport, coordinator: () => CoordinatorRpc, waits: readonly number[], takeNext?: string): Promise<ReportAndLease> {
  for (let i = 0; ; i++) {
    try {
      const rpc = coordinator();
      // `takeNext` (a worker id): the same round trip leases this worker's next task. Only on the first try: a try
      // that failed on its way back may have leased one, and a second would lease another (the first then waits out its lease).
      if (i === 0 && takeNext && rpc.reportAndLease) return await rpc.reportAndLease(report, takeNext);
      return { result: await rpc.report(report), next: null };
    } catch (err) {
      if (i >= waits.length) throw err;
      await new Promise((r) => setTimeout(r, waits[i]));
    }
  }
}

/**
 * The login an attempt created, for the customer's vault: its password sealed
 * with the vault's current key and bound to the job and submission. Only
 * attempts the directory accepted report one (a failed attempt's account may
 * not exist). The clear password goes no further than this function.
 */
export async function sealedLogin(lease: TaskLease, result: EngineResult, log: (entry: Record<string, unknown>) => void, vaultKeys?: string): Promise<ReportedLogin | undefined> {
  const account = result.account;
  if (!account?.password || result.outcome === "failed") return undefined;
  if (!vaultKeys) {
    log({ level: "warn", msg: "login not kept: the worker has no VAULT_KEYS", submissionId: lease.submissionId });
    return undefined;
  }
  try {
    const ring = await vaultKeyring(vaultKeys);
    const password = await seal(ring, account.password, loginAad(lease.jobId, lease.submissionId));
    return {
      loginUrl: lease.directory.website,
      ...(account.username ? { username: account.username.slice(0, 200) } : {}),
      ...(account.email ? { email: account.email.slice(0, 320) } : {}),
      password,
    };
  } catch (err) {
    // The message names the key's id at most, never the key or the password.
    log({ level: "error", msg: "login not kept: sealing failed", submissionId: lease.submissionId, error: String((err as Error)?.message ?? err) });
    return undefined;
  }
}

/** A task after the submit (open a verification link, screenshot a listing, a check, an update): leased and reported by its own calls. */
function isFollowup(task: TaskMessage): task is TaskMessage & { kind: FollowupLease["kind"] } {
  return task.kind === "verify" || task.kind === "listing" || task.kind === "check" || task.kind === "update";
}

export async function consumeBatch(messages: readonly QueueMessageLike[], deps: ConsumerDeps): Promise<BatchSummary> {
  const log = deps.log ?? (() => {});
  const limits = { ...BROWSER_CALL_MS, ...deps.browserCallMs };
  // The look-first search read by a GET before the browser renders it (engine/look-first.ts), under the browser's egress policy.
  const searchFetch = guardedFetch(deps.allowedOrigins ?? [], deps.fetcher ?? ((input, init) => fetch(input, init)));
  const readPage: EngineOptions["readPage"] = (url) => boundedGet(searchFetch, url, SEARCH_READ_LIMITS);
  const summary: BatchSummary = { submitted: 0, failed: 0, skippedStale: 0, returned: 0, malformed: 0 };
  const tasks: { message: QueueMessageLike; task: TaskMessage }[] = [];
  for (const message of messages) {
    const parsed = taskMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      log({ level: "error", msg: "malformed task message dropped", id: message.id });
      summary.malformed++;
      message.ack();
      continue;
    }
    tasks.push({ message, task: parsed.data });
  }
  if (tasks.length === 0) return summary;

  const acquired = await within(limits.acquire, deps.acquireBrowser(), "acquiring a browser").catch((err: unknown): BrowserLease => ({ ok: false, retryAfterSeconds: 5, reason: String(err) }));
  if (!acquired.ok) {
    log({ level: "warn", msg: "no browser", reason: acquired.reason, retryAfterSeconds: acquired.retryAfterSeconds });
    for (const { message } of tasks) message.retry({ delaySeconds: acquired.retryAfterSeconds });
    summary.returned += tasks.length;
    return summary;
  }

  let healthy = true;
  const batchStarted = Date.now();
  const chainMs = deps.chainMs ?? CHAIN_MS;
  const jobs = [...new Set(tasks.map((t) => t.task.jobId))];
  /**
   * The tasks the pages start with, leased in one round trip per job
   * (`leaseMany`, one commit) instead of one each as the pages start. Only
   * those that start now: a lease taken for a message that waits for a page
   * would run out unbeaten. A message its coordinator refuses, or one not
   * leased here for any reason, is leased by its page as before.
   */
  const leaseStarting = async (starting: Next[]) => {
    const byJob = new Map<string, Next[]>();
    for (const next of starting) if (!isFollowup(next.task)) (byJob.get(next.task.jobId) ?? byJob.set(next.task.jobId, []).get(next.task.jobId)!).push(next);
    for (const [jobId, group] of byJob) {
      const rpc = deps.coordinator(jobId);
      if (group.length < 2 || !rpc.leaseMany) continue;
      const leases = await rpc
        .leaseMany(
          group.map((n) => ({ submissionId: n.task.submissionId, attempt: n.task.attempt })),
          deps.workerId,
        )
        .catch((err: unknown) => {
          log({ level: "warn", msg: "batch lease failed; each task is leased alone", jobId, error: String(err) });
          return [];
        });
      group.forEach((next, i) => {
        const lease = leases[i];
        if (lease) next.lease = lease;
      });
    }
  };
  /** Whether a page may still take tasks that came without a message of this batch. */
  const chainOpen = () => healthy && chainMs > 0 && Date.now() - batchStarted <= chainMs;
  /** A task leased without its message, given a stand-in message (below). */
  const withStandIn = (lease: TaskLease): Next => {
    const task: TaskMessage = { jobId: lease.jobId, submissionId: lease.submissionId, attempt: lease.attempt };
    return { message: { id: `chained:${lease.submissionId}:${lease.attempt}`, body: task, attempts: 1, ack: () => {}, retry: () => {} }, task, lease };
  };
  /**
   * A task a coordinator of this batch already released, leased now instead
   * of after a queue hop (its message finds it leased and is acknowledged
   * unused). The stand-in message's ack and retry do nothing: a report that
   * cannot be delivered is kept (pending-reports.ts) and travels with the
   * real message; without that store the lease runs out and the coordinator
   * retries, looking for the listing first.
   */
  const chained = async (): Promise<Next | undefined> => {
    if (!chainOpen()) return undefined;
    for (const jobId of jobs) {
      const rpc = deps.coordinator(jobId);
      if (!rpc.leaseReleased) continue;
      const lease = await rpc.leaseReleased(deps.workerId).catch(() => null);
      if (lease) return withStandIn(lease);
    }
    return undefined;
  };
  try {
    const queue: Next[] = [...tasks];
    await leaseStarting(queue.slice(0, Math.max(1, deps.pagesPerBrowser)));
    /** Pages running a task now, and a promise settled each time one finishes. */
    let busy = 0;
    let finished = Promise.withResolvers<void>();
    const worker = async () => {
      const slot: Slot = {};
      try {
        await work(slot);
      } finally {
        // A spare context no task came for.
        const left = await slot.spare;
        if (left) await within(limits.close, left.context.close(), "closing a spare browser context").catch(() => {});
      }
    };
    /**
     * The next task for a page: the batch's own, else a chained one; when
     * there is none yet but another page of the batch is still working, wait
     * for its report (its slot's release may be this page's next task: a
     * retry whose delay ended, or room the cap gave back) and look again.
     * A page that gave up at the first miss stayed idle for the rest of the
     * batch, and locally the queue delivers nothing new until a batch ends
     * (issue 21: 2.4 of 4 pages busy on average).
     */
    const nextTask = async (slot: Slot) => {
      for (;;) {
        // The task the last report brought is already leased to this page: it goes first.
        const handed = slot.handed;
        slot.handed = undefined;
        const next = handed ?? queue.shift() ?? (await chained());
        if (next || busy === 0 || !chainOpen()) return next;
        await Promise.race([finished.promise, new Promise((r) => setTimeout(r, IDLE_PAGE_POLL_MS))]);
      }
    };
    const work = async (slot: Slot) => {
      for (let next = await nextTask(slot); next; next = await nextTask(slot)) {
        if (!healthy) {
          // The browser is gone: leave the task for a later delivery, unleased.
          next.message.retry({ delaySeconds: 5 });
          summary.returned++;
          continue;
        }
        busy++;
        try {
          await runOne(next.message, next.task, next.lease, slot);
        } catch (err) {
          // The coordinator could not be reached: the message comes again.
          log({ level: "warn", msg: "task not settled", submissionId: next.task.submissionId, error: String(err) });
          next.message.retry({ delaySeconds: 10 });
          summary.returned++;
        } finally {
          busy--;
          // Wakes the pages waiting for work (nextTask).
          finished.resolve();
          finished = Promise.withResolvers<void>();
        }
      }
    };

    /** Before a page opens anything: no private, loopback or link-local destination (egress.ts). */
    const guard = (page: ConsumerPage, submissionId: string) =>
      guardEgress(page, deps.allowedOrigins ?? [], (url, why) => log({ level: "warn", msg: "request refused", submissionId, url: url.slice(0, 300), why }));

    /** A `verify` or `listing` task: open one URL, screenshot it, report; an `update` task edits the listing first (update-task.ts). */
    const runFollowup = async (message: QueueMessageLike, task: TaskMessage & { kind: FollowupLease["kind"] }) => {
      const coordinator = deps.coordinator(task.jobId);
      const lease = await coordinator.leaseFollowup(task.submissionId, task.kind, task.attempt, deps.workerId);
      if (!lease) {
        summary.skippedStale++;
        message.ack();
        return;
      }
      let context: ConsumerContext | undefined;
      let page: ConsumerPage | undefined;
      let report: FollowupReport;
      try {
        context = await within(limits.newPage, acquired.browser.createBrowserContext(), "opening a browser context");
        page = await within(limits.newPage, context.newPage(), "opening a page");
        await within(limits.newPage, guard(page, lease.submissionId), "guarding the page");
        const opened =
          lease.kind === "update"
            ? await runUpdate(page as never, lease, deps.vaultKeys, (line) => log({ level: "debug", submissionId: lease.submissionId, msg: line }))
            : await openFollowup(page as unknown as FollowupPage, lease);
        let evidence: string | undefined;
        try {
          const png = toBytes(await page.screenshot({ type: "png", fullPage: true }));
          // A check's screenshot goes where its coordinator names (under the listing's submission); `check` is no evidence kind of its own.
          evidence = lease.evidenceKey ?? evidenceKey(lease.jobId, lease.submissionId, lease.attempt, lease.kind === "check" ? "listing" : lease.kind);
          await deps.putEvidence(evidence, png, { finalUrl: (opened.finalUrl ?? "").slice(0, 1000), confirmation: (opened.reason ?? "").slice(0, 1000) });
        } catch (err) {
          evidence = undefined;
          log({ level: "warn", msg: "evidence not stored", submissionId: lease.submissionId, error: String(err) });
        }
        report = { ...opened, jobId: lease.jobId, submissionId: lease.submissionId, kind: lease.kind, attempt: lease.attempt, evidenceKey: evidence, workerId: deps.workerId };
      } catch (err) {
        if (isBrowserGone(acquired.browser, err)) healthy = false;
        report = {
          jobId: lease.jobId,
          submissionId: lease.submissionId,
          kind: lease.kind,
          attempt: lease.attempt,
          ok: false,
          reason: `browser error: ${String(err).slice(0, 300)}`,
          workerId: deps.workerId,
        };
      }
      if (context) await within(limits.close, context.close(), "closing the browser context").catch(() => {});
      await coordinator.reportFollowup(report);
      if (report.ok) summary.submitted++;
      else summary.failed++;
      message.ack();
    };

    /** A report kept by an earlier delivery of this message: handed over now, nothing run again. */
    const deliverKept = async (message: QueueMessageLike, report: TaskReport, store: PendingReports) => {
      try {
        await reportSurely(report, () => deps.coordinator(report.jobId), deps.reportRetryMs ?? REPORT_RETRY_MS);
      } catch (err) {
        log({ level: "warn", msg: "kept report still not delivered", submissionId: report.submissionId, error: String(err) });
        message.retry({ delaySeconds: KEPT_REPORT_RETRY_SECONDS });
        summary.returned++;
        return;
      }
      await store.forget(report).catch((err: unknown) => log({ level: "warn", msg: "kept report not removed", submissionId: report.submissionId, error: String(err) }));
      if (report.outcome === "failed") summary.failed++;
      else summary.submitted++;
      message.ack();
    };

    /** `taken`: the task's lease when it was taken before its page started (with the batch, chained, or brought by a report). */
    const runOne = async (message: QueueMessageLike, task: TaskMessage, taken: TaskLease | undefined, slot: Slot) => {
      if (isFollowup(task)) return runFollowup(message, { ...task, kind: task.kind });
      // A fresh stub for every call: one captured here would stay broken after a coordinator reset.
      const coordinator = () => deps.coordinator(task.jobId);
      // Where the task's time goes, step by step (trace.ts): logged with the report.
      const trace = startTrace();
      if (message.timestamp) trace.add("queue_wait", Date.now() - message.timestamp.getTime());
      const lease = taken ?? (await coordinator().lease(task.submissionId, task.attempt, deps.workerId));
      trace.lap("lease");
      if (!lease) {
        // Still held by this attempt: an earlier delivery may have finished it and kept its report.
        const kept = deps.pendingReports ? await deps.pendingReports.find(task) : null;
        if (kept && deps.pendingReports) return deliverKept(message, kept, deps.pendingReports);
        summary.skippedStale++;
        message.ack();
        return;
      }
      // Keep the lease while we work; a failed beat is retried at the next one, a refused one means it is lost.
      let leaseLost = false;
      const beatOnce = async (call: "heartbeat" | "posting" = "heartbeat") => {
        const ours = await coordinator()[call](lease.submissionId, lease.attempt, deps.workerId);
        if (!ours) leaseLost = true;
        return ours;
      };
      const beat = setInterval(() => void beatOnce().catch(() => {}), deps.heartbeatMs ?? HEARTBEAT_INTERVAL_MS);
      // Right before a submit: the lease must be ours now (which also extends it, and tells the coordinator a post may follow), or nothing is posted.
      const beforeSubmit = async () => {
        for (let i = 0; !leaseLost; i++) {
          try {
            return await beatOnce("posting");
          } catch (err) {
            if (i >= LEASE_CHECK_RETRY_MS.length) {
              log({ level: "warn", msg: "lease not confirmed before submit", submissionId: lease.submissionId, error: String(err) });
              return false;
            }
            await new Promise((r) => setTimeout(r, LEASE_CHECK_RETRY_MS[i]));
          }
        }
        return false;
      };
      try {
        await submitAndReport(message, lease, beforeSubmit, trace, slot);
      } finally {
        clearInterval(beat);
      }
    };

    /**
     * A new context (its own cookies and storage, never used before) and its
     * page, guarded before it opens anything: a spare is opened and guarded
     * while the last task finishes, so neither is on the next task's time.
     */
    const openFresh = async (): Promise<Opened> => {
      const context = await within(limits.newPage, acquired.browser.createBrowserContext(), "opening a browser context");
      try {
        const page = await within(limits.newPage, context.newPage(), "opening a page");
        const owner = { submissionId: "" };
        await within(
          limits.newPage,
          guardEgress(page, deps.allowedOrigins ?? [], (url, why) => log({ level: "warn", msg: "request refused", submissionId: owner.submissionId, url: url.slice(0, 300), why })),
          "guarding the page",
        );
        // The engine's page library and the mapper, built in each document by the browser itself (not sent with the task's first calls).
        if (page.evaluateOnNewDocument) await within(limits.newPage, page.evaluateOnNewDocument(PRELOAD), "preloading the page library");
        return { context, page, owner };
      } catch (err) {
        await within(limits.close, context.close(), "closing the browser context").catch(() => {});
        throw err;
      }
    };

    const submitAndReport = async (message: QueueMessageLike, lease: TaskLease, beforeSubmit: () => Promise<boolean>, trace: TaskTrace, slot: Slot) => {
      let context: ConsumerContext | undefined;
      let page: ConsumerPage | undefined;
      let result: EngineResult;
      try {
        // The spare opened while the last task finished, if there is one: a fresh context all the same.
        const spare = await slot.spare;
        slot.spare = undefined;
        const opened = spare ?? (await openFresh());
        ({ context, page } = opened);
        opened.owner.submissionId = lease.submissionId;
        // The next task's page is opened, guarded and preloaded now, while this task works: ready when it is wanted (a fresh context all the same).
        if (healthy) slot.spare = openFresh().catch(() => undefined);
        trace.lap("open_page");
        const business = deps.customiseListing ? await deps.customiseListing(lease).catch(() => lease.business) : lease.business;
        trace.lap("customise_listing");
        // The lease carries a retry's hints (value fixes, a captcha expected); the engine applies them.
        result = await submitListing(
          page as never,
          { ...lease, business },
          {
            solver: deps.solver,
            secondOpinion: deps.secondOpinion,
            asset: deps.asset,
            beforeSubmit,
            readPage,
            mark: trace.lap,
            log: (line: string) => log({ level: "debug", submissionId: lease.submissionId, msg: line }),
          },
        );
      } catch (err) {
        if (isBrowserGone(acquired.browser, err)) {
          healthy = false;
          result = { outcome: "failed", failureClass: "transient", reason: "the browser session was lost", finalUrl: "", filled: [], infrastructure: true };
        } else {
          result = { outcome: "failed", failureClass: "transient", reason: `engine error: ${String(err).slice(0, 300)}`, finalUrl: page?.url() ?? "", filled: [], infrastructure: true };
        }
      }
      trace.lap("engine_other");
      let evidence: string | undefined;
      if (page && healthy) {
        try {
          const png = toBytes(await within(limits.screenshot, page.screenshot({ type: "png", fullPage: true }), "the screenshot"));
          trace.lap("screenshot");
          evidence = evidenceKey(lease.jobId, lease.submissionId, lease.attempt, result.outcome === "failed" ? "failed" : result.outcome === "already_listed" ? "found" : "submitted");
          await deps.putEvidence(evidence, png, {
            finalUrl: result.finalUrl.slice(0, 1000),
            confirmation: (result.confirmationText ?? result.reason ?? "").slice(0, 1000),
          });
        } catch (err) {
          evidence = undefined;
          log({ level: "warn", msg: "evidence not stored", submissionId: lease.submissionId, error: String(err) });
        }
      }
      trace.lap("evidence_upload");
      // Closing the context closes its page and forgets its cookies and storage.
      if (context) await within(limits.close, context.close(), "closing the browser context").catch(() => {});
      trace.lap("close_context");
      const account = await sealedLogin(lease, result, log, deps.vaultKeys);
      const report: TaskReport = {
        jobId: lease.jobId,
        submissionId: lease.submissionId,
        attempt: lease.attempt,
        outcome: result.outcome,
        failureClass: result.failureClass,
        reason: result.reason ?? result.confirmationText,
        listingUrl: result.listingUrl,
        evidenceKey: evidence,
        retryAfterSeconds: result.retryAfterSeconds,
        workerId: deps.workerId,
        fields: [...new Set(result.filled.map((f) => f.type))],
        // Evidence for the retry analyzer.
        httpStatus: result.httpStatus !== undefined && result.httpStatus >= 100 && result.httpStatus <= 599 ? result.httpStatus : undefined,
        captcha: result.captcha,
        ...(result.infrastructure ? { infrastructure: true } : {}),
        ...(account ? { account } : {}),
        ...(result.outcome === "already_listed" ? { differences: result.differences ?? [] } : {}),
      };
      try {
        // With no message of the batch left for this page, the report takes its next task in the same round trip (what chained() would lease next).
        const takeNext = queue.length === 0 && chainOpen() ? deps.workerId : undefined;
        const { next } = await reportSurely(report, () => deps.coordinator(lease.jobId), deps.reportRetryMs ?? REPORT_RETRY_MS, takeNext);
        if (next) slot.handed = withStandIn(next);
      } catch (err) {
        if (!deps.pendingReports) throw err;
        // Kept until the coordinator takes it: the message comes back, and the report goes with it.
        await deps.pendingReports.keep(report);
        log({ level: "warn", msg: "report kept for a later delivery", submissionId: lease.submissionId, error: String(err) });
        message.retry({ delaySeconds: KEPT_REPORT_RETRY_SECONDS });
        summary.returned++;
        return;
      }
      trace.lap("report");
      log({ level: "info", msg: "task trace", submissionId: lease.submissionId, outcome: result.outcome, steps: trace.steps() });
      if (result.outcome === "failed") summary.failed++;
      else summary.submitted++;
      message.ack();
    };

    // Every page of the browser works: those without a message of the batch take released tasks (chained).
    await Promise.all(Array.from({ length: Math.max(1, deps.pagesPerBrowser) }, worker));
  } finally {
    await within(limits.close, acquired.release(healthy), "releasing the browser").catch(() => {});
  }
  return summary;
}
