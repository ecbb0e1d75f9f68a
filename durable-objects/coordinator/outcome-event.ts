/**
 * The coordinator's outcome events carry what the feedback loop counts
 * (src/intelligence/feedback-store.ts): the attempt, whether the directory
 * took the listing, the failure class, the duration, the fields filled. They
 * travel in `job_events.data` through the same outbox as the result, so the
 * statistics are written in the transaction that writes the result.
 *
 * Only outcomes a worker reported count: a lease that expired or a dead
 * letter says something about the worker or the queue, not the directory.
 */
import type { AttemptOutcome } from "../../src/intelligence/feedback";
import type { FailureClass } from "../../core/protocol/tasks";

export interface OutcomeData {
  outcome: {
    attempt: number;
    accepted: boolean;
    failureClass?: FailureClass;
    reason?: string;
    durationMs?: number;
    retryAfterSeconds?: number;
    fields?: string[];
    /** Our failure (browser lost, engine crashed), not the directory's. */
    infrastructure?: boolean;
  };
}

export function outcomeData(o: OutcomeData["outcome"]): OutcomeData {
  return { outcome: o };
}

/** The outcomes among a batch of outbox events (payloads as postgres-sync reads them). */
export function outcomesFromEvents(events: readonly Record<string, unknown>[]): AttemptOutcome[] {
  const out: AttemptOutcome[] = [];
  for (const e of events) {
    const data = e.data as Partial<OutcomeData> | undefined;
    const o = data?.outcome;
    if (!o || typeof e.submission_id !== "string" || !Number.isInteger(o.attempt)) continue;
    out.push({
      submissionId: e.submission_id,
      attempt: o.attempt,
      directoryId: "", // read from the submission when counted
      at: Date.parse(String(e.created_at)) || Date.now(),
      accepted: o.accepted === true,
      failureClass: o.failureClass ?? null,
      reason: o.reason ?? null,
      durationMs: o.durationMs ?? null,
      retryAfterSeconds: o.retryAfterSeconds ?? null,
      fields: o.fields ?? null,
      infrastructure: o.infrastructure === true,
    });
  }
  return out;
}
