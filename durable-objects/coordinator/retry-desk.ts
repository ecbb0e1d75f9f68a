/**
 * RetryDesk: what a failed attempt leads to, decided by the
 * IntelligentRetryAnalyzer (src/intelligence/retry-analyzer.ts) and
 * remembered in the Durable Object's SQLite, so an eviction forgets nothing.
 *
 * Responsibilities:
 * - each directory's recent history, seeded from `directory_stats` when the
 *   job loads and kept up to date by this job's own outcomes, so a directory
 *   that fails every time is not retried for a transient error, and a rate
 *   limit waits as long as the directory ever asked;
 * - per submission, the value fixes already asked for and whether the next
 *   attempt must expect a captcha: a fix is tried once, and the lease of the
 *   retry carries them (`TaskLease.retryHints`);
 * - the analyzer's action as a decision the coordinator applies: retry after
 *   a delay, or stop with a short reason for the submission and a longer one
 *   for staff.
 *
 * History counts only outcomes a worker reported from the directory (a lease
 * that expired says something about the worker), and, as the feedback loop
 * does, neither a duplicate listing nor a rate limit counts as a refusal.
 */
import { IntelligentRetryAnalyzer, type FailureEvidence } from "../../src/intelligence/retry-analyzer";
import type { DirectoryStats } from "../../src/intelligence/types";
import type { FailureClass, RetryHints, ValueFix } from "../../core/protocol/tasks";
import type { TaskRow } from "./task-store";

export interface AttemptFailure {
  failureClass: FailureClass;
  reason?: string;
  retryAfterSeconds?: number;
  httpStatus?: number;
  captcha?: FailureEvidence["captcha"];
  /** Our failure (browser lost, engine crashed): retried, but not the directory's history. */
  infrastructure?: boolean;
}

export type FailureDecision =
  | { retry: true; failureClass: FailureClass; delayMs: number; why: "retry" | "captcha" | "fix"; fixes: ValueFix[] }
  | { retry: false; failureClass: FailureClass; status: "failed" | "skipped"; reason: string; staffReason: string };

type History = Pick<DirectoryStats, "consecutiveFailures" | "failuresByClass" | "lastRetryAfterSeconds">;

interface HistoryRow {
  consecutive_failures: number;
  last_retry_after_seconds: number | null;
  failures_by_class: string;
  [key: string]: SqlStorageValue;
}

interface HintRow {
  fixes: string;
  fix_keys: string;
  expect_captcha: number;
  [key: string]: SqlStorageValue;
}

export class RetryDesk {
  private readonly analyzer: IntelligentRetryAnalyzer;

  constructor(
    private readonly sql: SqlStorage,
    options: { random?: () => number } = {},
  ) {
    this.analyzer = new IntelligentRetryAnalyzer({ random: options.random });
    sql.exec(`
      create table if not exists directory_history (
        directory_id text primary key,
        consecutive_failures integer not null default 0,
        last_retry_after_seconds integer,
        failures_by_class text not null default '{}'
      );
      create table if not exists retry_hints (
        submission_id text primary key,
        fixes text not null default '[]',
        fix_keys text not null default '[]',
        expect_captcha integer not null default 0
      );
    `);
  }

  /** The statistics Postgres had when the job loaded (the release plan's snapshot). */
  seed(stats: Iterable<DirectoryStats>): void {
    for (const s of stats) {
      this.sql.exec(
        `insert or replace into directory_history (directory_id, consecutive_failures, last_retry_after_seconds, failures_by_class) values (?, ?, ?, ?)`,
        s.directoryId,
        s.consecutiveFailures,
        s.lastRetryAfterSeconds,
        JSON.stringify(s.failuresByClass),
      );
    }
  }

  history(directoryId: string): History | null {
    const row = this.sql.exec<HistoryRow>("select * from directory_history where directory_id = ?", directoryId).toArray()[0];
    if (!row) return null;
    return { consecutiveFailures: row.consecutive_failures, lastRetryAfterSeconds: row.last_retry_after_seconds, failuresByClass: JSON.parse(row.failures_by_class) as History["failuresByClass"] };
  }

  /** What the next attempt must do differently; undefined when nothing. */
  hintsFor(submissionId: string): RetryHints | undefined {
    const row = this.sql.exec<HintRow>("select * from retry_hints where submission_id = ?", submissionId).toArray()[0];
    if (!row) return undefined;
    const fixes = JSON.parse(row.fixes) as ValueFix[];
    if (!fixes.length && !row.expect_captcha) return undefined;
    return { fixes, ...(row.expect_captcha ? { expectCaptcha: true } : {}) };
  }

  /** The fixes asked for so far and their keys, from one read of the row. */
  private tried(submissionId: string): { fixes: ValueFix[]; keys: string[] } {
    const row = this.sql.exec<HintRow>("select * from retry_hints where submission_id = ?", submissionId).toArray()[0];
    return row ? { fixes: JSON.parse(row.fixes) as ValueFix[], keys: JSON.parse(row.fix_keys) as string[] } : { fixes: [], keys: [] };
  }

  /** A directory took a submission: its run of failures ends. */
  accepted(directoryId: string): void {
    // Only a row that counts failures is written: an accepted report to a directory with none dirties no page.
    this.sql.exec("update directory_history set consecutive_failures = 0 where directory_id = ? and consecutive_failures <> 0", directoryId);
  }

  /**
   * Decides what follows a failed attempt. `reported`: the worker reported
   * it from the directory (not an expired lease or a dead letter).
   */
  decide(task: TaskRow, failure: AttemptFailure, reported: boolean): FailureDecision {
    const history = this.history(task.directory_id);
    const tried = this.tried(task.submission_id);
    const action = this.analyzer.analyze(
      {
        failureClass: failure.failureClass,
        reason: failure.reason,
        httpStatus: failure.httpStatus,
        retryAfterSeconds: failure.retryAfterSeconds,
        captcha: failure.captcha,
        attempt: Math.max(1, task.attempt),
        fixesTried: tried.keys,
        directoryName: task.directory_name,
      },
      history,
    );
    if (reported && !failure.infrastructure) this.remember(task.directory_id, action.failureClass, failure.retryAfterSeconds, history);
    switch (action.action) {
      case "fix_and_retry": {
        const keys = [...tried.keys, ...action.fixKeys];
        const fixes = [...tried.fixes, ...action.fixes];
        this.sql.exec(
          `insert into retry_hints (submission_id, fixes, fix_keys) values (?, ?, ?)
           on conflict (submission_id) do update set fixes = excluded.fixes, fix_keys = excluded.fix_keys`,
          task.submission_id,
          JSON.stringify(fixes),
          JSON.stringify(keys),
        );
        return { retry: true, failureClass: action.failureClass, delayMs: action.delayMs, why: "fix", fixes: action.fixes };
      }
      case "retry_with_captcha":
        this.sql.exec(`insert into retry_hints (submission_id, expect_captcha) values (?, 1) on conflict (submission_id) do update set expect_captcha = 1`, task.submission_id);
        return { retry: true, failureClass: action.failureClass, delayMs: action.delayMs, why: "captcha", fixes: [] };
      case "retry":
        return { retry: true, failureClass: action.failureClass, delayMs: action.delayMs, why: "retry", fixes: [] };
      case "stop":
        return { retry: false, failureClass: action.failureClass, status: action.status, reason: action.reason, staffReason: action.staffReason };
    }
  }

  private remember(directoryId: string, failureClass: FailureClass, retryAfterSeconds: number | undefined, before: History | null): void {
    const byClass = { ...(before?.failuresByClass ?? {}) };
    byClass[failureClass] = (byClass[failureClass] ?? 0) + 1;
    const refusal = failureClass !== "duplicate_listing" && failureClass !== "rate_limited";
    const wait = failureClass === "rate_limited" && retryAfterSeconds !== undefined ? retryAfterSeconds : (before?.lastRetryAfterSeconds ?? null);
    this.sql.exec(
      `insert or replace into directory_history (directory_id, consecutive_failures, last_retry_after_seconds, failures_by_class) values (?, ?, ?, ?)`,
      directoryId,
      (before?.consecutiveFailures ?? 0) + (refusal ? 1 : 0),
      wait,
      JSON.stringify(byClass),
    );
  }
}
