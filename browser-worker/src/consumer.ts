/**
 * One queue batch: lease each task from its coordinator, submit it in a page
 * of a shared browser (several pages at once, up to the configured limit),
 * keep a screenshot as evidence, report the outcome, acknowledge.
 *
 * Everything outside (coordinators, the browser, R2) comes in through
 * `ConsumerDeps`, so the same code runs in the Worker and in Node tests.
 * Rules that make it safe:
 * - no lease, no work: a repeated or stale message is acknowledged unused,
 *   so a queue delivering twice never submits twice;
 * - when no browser can be had, the messages go back with the delay the
 *   platform names, unleased;
 * - when the browser dies mid-batch, the running attempts are reported as
 *   transient failures (the coordinator retries them) and the rest go back;
 * - the browser is always released in `finally`.
 */
import { evidenceKey } from "../../src/evidence/keys";
import type { FollowupLease, FollowupReport, ReportResult, TaskLease, TaskMessage, TaskReport } from "../../src/shared/protocol";
import { taskMessageSchema } from "../../src/shared/protocol";
import { submitListing } from "./engine";
import { openFollowup, type FollowupPage } from "./followup";
import type { CaptchaSolver, EngineResult } from "./engine/types";

export interface QueueMessageLike {
  id: string;
  body: unknown;
  attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/** The part of a puppeteer Browser/Page the consumer itself uses. */
export interface ConsumerPage {
  screenshot(options: { type: "png"; fullPage?: boolean }): Promise<Uint8Array | string>;
  close(): Promise<void>;
  url(): string;
}
export interface ConsumerBrowser {
  newPage(): Promise<ConsumerPage>;
  isConnected?(): boolean;
  connected?: boolean;
}

export type BrowserLease =
  | { ok: true; browser: ConsumerBrowser; release(healthy: boolean): Promise<void> }
  | { ok: false; retryAfterSeconds: number; reason: string };

export interface CoordinatorLike {
  lease(submissionId: string, attempt: number, workerId: string): Promise<TaskLease | null>;
  report(report: TaskReport): Promise<ReportResult>;
  leaseFollowup(submissionId: string, kind: FollowupLease["kind"], attempt: number, workerId: string): Promise<FollowupLease | null>;
  reportFollowup(report: FollowupReport): Promise<{ applied: boolean }>;
}

export interface ConsumerDeps {
  workerId: string;
  pagesPerBrowser: number;
  coordinator(jobId: string): CoordinatorLike;
  acquireBrowser(): Promise<BrowserLease>;
  putEvidence(key: string, png: Uint8Array, metadata: Record<string, string>): Promise<void>;
  solver?: CaptchaSolver;
  log?: (entry: Record<string, unknown>) => void;
  /** The listing as this directory gets it (a language model's rewording); the lease's own when absent or failing. */
  customiseListing?: (lease: TaskLease) => Promise<TaskLease["business"]>;
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

export async function consumeBatch(messages: readonly QueueMessageLike[], deps: ConsumerDeps): Promise<BatchSummary> {
  const log = deps.log ?? (() => {});
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

  const acquired = await deps.acquireBrowser();
  if (!acquired.ok) {
    log({ level: "warn", msg: "no browser", reason: acquired.reason, retryAfterSeconds: acquired.retryAfterSeconds });
    for (const { message } of tasks) message.retry({ delaySeconds: acquired.retryAfterSeconds });
    summary.returned += tasks.length;
    return summary;
  }

  let healthy = true;
  try {
    const queue = [...tasks];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (!healthy) {
          // The browser is gone: leave the task for a later delivery, unleased.
          next.message.retry({ delaySeconds: 5 });
          summary.returned++;
          continue;
        }
        try {
          await runOne(next.message, next.task);
        } catch (err) {
          // The coordinator could not be reached: the message comes again.
          log({ level: "warn", msg: "task not settled", submissionId: next.task.submissionId, error: String(err) });
          next.message.retry({ delaySeconds: 10 });
          summary.returned++;
        }
      }
    };

    /** A `verify` or `listing` task: open one URL, screenshot it, report. */
    const runFollowup = async (message: QueueMessageLike, task: TaskMessage & { kind: FollowupLease["kind"] }) => {
      const coordinator = deps.coordinator(task.jobId);
      const lease = await coordinator.leaseFollowup(task.submissionId, task.kind, task.attempt, deps.workerId);
      if (!lease) {
        summary.skippedStale++;
        message.ack();
        return;
      }
      let page: ConsumerPage | undefined;
      let report: FollowupReport;
      try {
        page = await acquired.browser.newPage();
        const opened = await openFollowup(page as unknown as FollowupPage, lease);
        let evidence: string | undefined;
        try {
          const png = toBytes(await page.screenshot({ type: "png", fullPage: true }));
          evidence = evidenceKey(lease.jobId, lease.submissionId, lease.attempt, lease.kind);
          await deps.putEvidence(evidence, png, { finalUrl: (opened.finalUrl ?? "").slice(0, 1000), confirmation: (opened.reason ?? "").slice(0, 1000) });
        } catch (err) {
          evidence = undefined;
          log({ level: "warn", msg: "evidence not stored", submissionId: lease.submissionId, error: String(err) });
        }
        report = { ...opened, jobId: lease.jobId, submissionId: lease.submissionId, kind: lease.kind, attempt: lease.attempt, evidenceKey: evidence, workerId: deps.workerId };
      } catch (err) {
        if (isBrowserGone(acquired.browser, err)) healthy = false;
        report = { jobId: lease.jobId, submissionId: lease.submissionId, kind: lease.kind, attempt: lease.attempt, ok: false, reason: `browser error: ${String(err).slice(0, 300)}`, workerId: deps.workerId };
      }
      await page?.close().catch(() => {});
      await coordinator.reportFollowup(report);
      if (report.ok) summary.submitted++;
      else summary.failed++;
      message.ack();
    };

    const runOne = async (message: QueueMessageLike, task: TaskMessage) => {
      if (task.kind === "verify" || task.kind === "listing") return runFollowup(message, { ...task, kind: task.kind });
      const coordinator = deps.coordinator(task.jobId);
      const lease = await coordinator.lease(task.submissionId, task.attempt, deps.workerId);
      if (!lease) {
        summary.skippedStale++;
        message.ack();
        return;
      }
      let page: ConsumerPage | undefined;
      let result: EngineResult;
      try {
        page = await acquired.browser.newPage();
        const business = deps.customiseListing ? await deps.customiseListing(lease).catch(() => lease.business) : lease.business;
        result = await submitListing(page as never, { ...lease, business }, { solver: deps.solver, log: (line: string) => log({ level: "debug", submissionId: lease.submissionId, msg: line }) });
      } catch (err) {
        if (isBrowserGone(acquired.browser, err)) {
          healthy = false;
          result = { outcome: "failed", failureClass: "transient", reason: "the browser session was lost", finalUrl: "", filled: [] };
        } else {
          result = { outcome: "failed", failureClass: "transient", reason: `engine error: ${String(err).slice(0, 300)}`, finalUrl: page?.url() ?? "", filled: [] };
        }
      }
      let evidence: string | undefined;
      if (page && healthy) {
        try {
          const png = toBytes(await page.screenshot({ type: "png", fullPage: true }));
          evidence = evidenceKey(lease.jobId, lease.submissionId, lease.attempt, result.outcome === "failed" ? "failed" : "submitted");
          await deps.putEvidence(evidence, png, {
            finalUrl: result.finalUrl.slice(0, 1000),
            confirmation: (result.confirmationText ?? result.reason ?? "").slice(0, 1000),
          });
        } catch (err) {
          evidence = undefined;
          log({ level: "warn", msg: "evidence not stored", submissionId: lease.submissionId, error: String(err) });
        }
      }
      await page?.close().catch(() => {});
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
      };
      await coordinator.report(report);
      if (result.outcome === "failed") summary.failed++;
      else summary.submitted++;
      message.ack();
    };

    await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.pagesPerBrowser, tasks.length)) }, worker));
  } finally {
    await acquired.release(healthy).catch(() => {});
  }
  return summary;
}
