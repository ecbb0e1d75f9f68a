/**
 * What happens after a failed attempt: retry later (with exponential backoff
 * and jitter, or the directory's own Retry-After) or stop for good. Only
 * failures that may pass are retried; a refused field or a blocked site would
 * fail the same way again.
 */
import type { FailureClass } from "../../core/protocol/tasks";

export const MAX_ATTEMPTS: Record<FailureClass, number> = {
  transient: 5,
  rate_limited: 6,
  captcha: 3,
  validation: 1,
  duplicate_listing: 1,
  blocked: 1,
  site_gone: 1,
};

const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 30 * 60_000;

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; status: "failed" | "skipped"; reason: string };

/** "Equal jitter": half the backoff fixed, half random, so retries spread out. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

export function decideAfterFailure(failureClass: FailureClass, attempt: number, options: { retryAfterSeconds?: number; reason?: string; random?: () => number } = {}): RetryDecision {
  const reason = options.reason?.trim() || failureClass.replace("_", " ");
  if (failureClass === "duplicate_listing") {
    // A live listing exists already: nothing to do, and nothing went wrong.
    return { retry: false, status: "skipped", reason: `listing already exists: ${reason}` };
  }
  if (attempt >= MAX_ATTEMPTS[failureClass]) {
    const tries = MAX_ATTEMPTS[failureClass] > 1 ? ` after ${attempt} attempts` : "";
    return { retry: false, status: "failed", reason: `${failureClass}${tries}: ${reason}` };
  }
  const backoff = backoffMs(attempt, options.random);
  const delayMs = failureClass === "rate_limited" && options.retryAfterSeconds !== undefined ? Math.max(options.retryAfterSeconds * 1000, Math.round(backoff / 4)) : backoff;
  return { retry: true, delayMs };
}
