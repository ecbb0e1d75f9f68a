/**
 * A job's progress as the portal, the staff board and the jobs row show it:
 * counts by status, percent done and an ETA from the recent pace. Pure, so
 * the figures are tested without a Durable Object (test/workers/progress.test.ts).
 */
import type { JobProgress } from "../../core/protocol/live";
import type { SubmissionStatus } from "../../core/statuses";
import type { JobMeta } from "./task-store";

export interface ProgressInput {
  job: Pick<JobMeta, "jobId" | "status" | "statusReason" | "loaded">;
  /** Tasks by status (absent statuses count 0). */
  counts: Partial<Record<SubmissionStatus, number>>;
  total: number;
  /**
   * Replaced tasks by status (not those that went live after all): left out
   * of every count and of the total, since their replacement stands in for
   * them. A job of 4 with one replaced is 4 directories, not 5.
   */
  replaced?: Partial<Record<SubmissionStatus, number>>;
  current: JobProgress["current"];
  /** When recent tasks finished, oldest first: the pace behind the ETA. */
  recentDone: readonly number[];
  now: number;
}

/** Finished tasks needed before the pace is trusted for an ETA. */
export const ETA_MIN_SAMPLES = 3;

export function jobProgress({ job, counts, total: all, replaced = {}, current, recentDone, now }: ProgressInput): JobProgress {
  const c = (s: SubmissionStatus) => (counts[s] ?? 0) - (replaced[s] ?? 0);
  const replacedCount = Object.values(replaced).reduce((a, n) => a + (n ?? 0), 0);
  const total = all - replacedCount;
  const submitted = c("submitted") + c("awaiting_verification") + c("approved");
  const finished = submitted + c("failed") + c("skipped") + c("already_listed");
  const remaining = total - finished;
  return {
    jobId: job.jobId ?? "",
    status: job.status,
    statusReason: job.statusReason,
    total,
    submitted,
    approved: c("approved"),
    failed: c("failed"),
    skipped: c("skipped"),
    replaced: replacedCount,
    alreadyListed: c("already_listed"),
    manual: c("manual"),
    inFlight: c("queued") + c("submitting"),
    remaining,
    // No tasks: nothing to do once loaded (100 %), nothing done before (0 %; a portal opened right after payment).
    percent: total === 0 ? (job.loaded ? 100 : 0) : Math.round((finished / total) * 1000) / 10,
    current,
    eta: remaining > 0 ? eta(recentDone, remaining, now) : null,
    updatedAt: now,
  };
}

/** When the remaining tasks should be done at the pace of the recent ones; null without a pace. */
function eta(recentDone: readonly number[], remaining: number, now: number): number | null {
  if (recentDone.length < ETA_MIN_SAMPLES) return null;
  const span = recentDone.at(-1)! - recentDone[0]!;
  const rate = span > 0 ? (recentDone.length - 1) / span : 0;
  return rate > 0 ? now + Math.round(remaining / rate) : null;
}
