/**
 * After-submit browser tasks of one job, in the coordinator's SQLite: open a
 * verification link (`verify`) or a live listing (`listing`) and screenshot
 * it. One row per (submission, kind); each release is a new attempt with its
 * own lease, so a repeated or stale queue message or report changes nothing.
 * The owners (verification.ts, approval-tracker.ts) decide what a result means.
 */
import type { FollowupKind, FollowupLease, FollowupReport, TaskMessage } from "../../core/protocol/tasks";

/** A released follow-up must be leased within this time, and reported within the next. */
const QUEUED_LEASE_MS = 15 * 60_000;
const LEASED_MS = 3 * 60_000;
/** Attempts before the owner is told the follow-up gave up. */
export const FOLLOWUP_MAX_ATTEMPTS = 3;
const RETRY_DELAYS_MS = [5_000, 30_000, 120_000];

export type FollowupStatus = "pending" | "queued" | "leased" | "done" | "gave_up";

export interface FollowupRow {
  submission_id: string;
  kind: FollowupKind;
  attempt: number;
  url: string;
  status: FollowupStatus;
  lease_expires_at: number | null;
  next_at: number | null;
  last_reason: string | null;
  [key: string]: SqlStorageValue;
}

export type FollowupOutcome = { kind: "done"; row: FollowupRow; report: FollowupReport } | { kind: "gave_up"; row: FollowupRow; reason: string };

export class Followups {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      create table if not exists followups (
        submission_id text not null,
        kind text not null,
        attempt integer not null default 0,
        url text not null,
        status text not null,
        lease_expires_at integer,
        next_at integer,
        last_reason text,
        primary key (submission_id, kind)
      );
    `);
  }

  get(submissionId: string, kind: FollowupKind): FollowupRow | undefined {
    return this.sql.exec<FollowupRow>("select * from followups where submission_id = ? and kind = ?", submissionId, kind).toArray()[0];
  }

  /** Adds a follow-up, due now; false when one of this kind exists already (a repeated mail or find). */
  add(submissionId: string, kind: FollowupKind, url: string, now = Date.now()): boolean {
    const before = this.get(submissionId, kind);
    if (before) return false;
    this.sql.exec("insert into followups (submission_id, kind, url, status, next_at) values (?, ?, ?, 'pending', ?)", submissionId, kind, url, now);
    return true;
  }

  /** Points a follow-up not yet leased at another URL; false once a worker has it or it is over. */
  replaceUrl(submissionId: string, kind: FollowupKind, url: string): boolean {
    const row = this.get(submissionId, kind);
    if (!row || (row.status !== "pending" && row.status !== "queued")) return false;
    this.sql.exec("update followups set url = ? where submission_id = ? and kind = ?", url, submissionId, kind);
    return true;
  }

  /** Marks due follow-ups queued with a new attempt; the caller sends the returned messages. */
  release(jobId: string, now = Date.now()): TaskMessage[] {
    const due = this.sql.exec<FollowupRow>("select * from followups where status = 'pending' and next_at <= ? order by next_at", now).toArray();
    return due.map((row) => {
      const attempt = row.attempt + 1;
      this.sql.exec(
        "update followups set status = 'queued', attempt = ?, lease_expires_at = ?, next_at = null where submission_id = ? and kind = ?",
        attempt,
        now + QUEUED_LEASE_MS,
        row.submission_id,
        row.kind,
      );
      return { jobId, submissionId: row.submission_id, attempt, kind: row.kind };
    });
  }

  lease(submissionId: string, kind: FollowupKind, attempt: number, now = Date.now()): FollowupRow | null {
    const row = this.get(submissionId, kind);
    if (!row || row.attempt !== attempt || row.status !== "queued") return null;
    this.sql.exec("update followups set status = 'leased', lease_expires_at = ? where submission_id = ? and kind = ?", now + LEASED_MS, submissionId, kind);
    return this.get(submissionId, kind)!;
  }

  /** Applies a report once: null when stale, repeated or not leased. */
  report(report: FollowupReport, now = Date.now()): FollowupOutcome | null {
    const row = this.get(report.submissionId, report.kind);
    if (!row || row.attempt !== report.attempt || row.status !== "leased") return null;
    if (report.ok) {
      this.sql.exec("update followups set status = 'done', lease_expires_at = null, last_reason = ? where submission_id = ? and kind = ?", report.reason ?? null, row.submission_id, row.kind);
      return { kind: "done", row: this.get(row.submission_id, row.kind)!, report };
    }
    return this.retryOrGiveUp(row, report.reason ?? `the page answered ${report.httpStatus ?? "nothing"}`, now);
  }

  /** Leases that ran out (a worker vanished, a message was lost) count as failed attempts. */
  expire(now = Date.now()): FollowupOutcome[] {
    const expired = this.sql.exec<FollowupRow>("select * from followups where status in ('queued', 'leased') and lease_expires_at <= ?", now).toArray();
    return expired.map((row) => this.retryOrGiveUp(row, "the worker's lease expired", now)).filter((o): o is FollowupOutcome => o !== null);
  }

  private retryOrGiveUp(row: FollowupRow, reason: string, now: number): FollowupOutcome | null {
    if (row.attempt >= FOLLOWUP_MAX_ATTEMPTS) {
      this.sql.exec("update followups set status = 'gave_up', lease_expires_at = null, last_reason = ? where submission_id = ? and kind = ?", reason, row.submission_id, row.kind);
      return { kind: "gave_up", row: this.get(row.submission_id, row.kind)!, reason };
    }
    const delay = RETRY_DELAYS_MS[Math.min(row.attempt - 1, RETRY_DELAYS_MS.length - 1)]!;
    this.sql.exec(
      "update followups set status = 'pending', lease_expires_at = null, next_at = ?, last_reason = ? where submission_id = ? and kind = ?",
      now + delay,
      reason,
      row.submission_id,
      row.kind,
    );
    return null;
  }

  /** Every follow-up released at least once, with its latest attempt (fault injection redelivers them). */
  released(): { submissionId: string; kind: FollowupKind; attempt: number }[] {
    return this.sql
      .exec<{ submission_id: string; kind: FollowupKind; attempt: number }>("select submission_id, kind, attempt from followups where attempt > 0")
      .toArray()
      .map((r) => ({ submissionId: r.submission_id, kind: r.kind, attempt: r.attempt }));
  }

  /** Drops open follow-ups of a submission (it became final some other way). */
  close(submissionId: string): void {
    this.sql.exec("update followups set status = 'gave_up', lease_expires_at = null, next_at = null where submission_id = ? and status in ('pending', 'queued', 'leased')", submissionId);
  }

  /** Follow-ups not yet ended (waiting, queued or leased). */
  openCount(): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from followups where status in ('pending', 'queued', 'leased')").one().n;
  }

  nextDueAt(): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        `select min(at) as at from (
           select next_at as at from followups where status = 'pending'
           union all select lease_expires_at as at from followups where status in ('queued', 'leased'))`,
      )
      .one().at;
  }

  toLease(jobId: string, row: FollowupRow, directory: FollowupLease["directory"], businessName: string | null): FollowupLease {
    return { jobId, submissionId: row.submission_id, kind: row.kind, attempt: row.attempt, url: row.url, directory, businessName };
  }
}
