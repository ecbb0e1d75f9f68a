/**
 * PerformanceFeedbackLoop, the rule: how one attempt's outcome updates a
 * directory's statistics, and when a directory that keeps failing is flagged
 * for staff or switched off. Pure; feedback-store.ts applies it to Postgres
 * in the transaction that persists the result.
 *
 * A duplicate listing says nothing about the directory (the business was
 * there already) and leaves the statistics alone; a rate limit says we went
 * too fast, so only the wait it asked for is kept (the timing optimizer
 * honours it), not a refusal; a business that does not fit the directory
 * (fitLogOdds < 0) is not the directory's fault either.
 */
import type { FailureClass } from "../../core/protocol/tasks";
import { localClock, timeZoneFor } from "./time-zone";
import { RECENT_FAILURES_KEPT, type DirectoryStats } from "./types";

/** One attempt's outcome at one directory. `(submissionId, attempt)` identifies it. */
export interface AttemptOutcome {
  submissionId: string;
  attempt: number;
  directoryId: string;
  /** When the outcome was known (epoch ms). */
  at: number;
  accepted: boolean;
  failureClass?: FailureClass | null;
  reason?: string | null;
  durationMs?: number | null;
  retryAfterSeconds?: number | null;
  /** Field types the worker filled (accepted attempts teach which mappings work). */
  fields?: readonly string[] | null;
  /**
   * False when the business did not fit the directory (another country,
   * another trade): the refusal says little about the directory, so it is
   * kept in the recent failures only, not in the rates.
   */
  fits?: boolean | null;
  /**
   * True when the failure was ours (the browser session was lost, the engine
   * crashed): it says nothing about the directory, so it is kept in the
   * recent failures only; fifteen of them during an outage must not switch
   * the directory off for everyone.
   */
  infrastructure?: boolean | null;
}

export interface FeedbackPolicy {
  /** Failed attempts in a row after which staff are alerted. */
  flagAfterConsecutive: number;
  /** Failed attempts in a row after which the directory is deactivated. */
  deactivateAfterConsecutive: number;
  /** With at least this many attempts, a rate below `deactivateBelowRate` deactivates too. */
  minAttemptsForRate: number;
  deactivateBelowRate: number;
}

export const DEFAULT_FEEDBACK_POLICY: FeedbackPolicy = {
  flagAfterConsecutive: 5,
  deactivateAfterConsecutive: 15,
  minAttemptsForRate: 40,
  deactivateBelowRate: 0.03,
};

/** The policy, with overrides from the environment (`INTEL_FLAG_AFTER`, `INTEL_DEACTIVATE_AFTER`, `INTEL_DEACTIVATE_BELOW_RATE`). */
export function feedbackPolicyFrom(env: Readonly<Record<string, unknown>> | undefined): FeedbackPolicy {
  const num = (key: string, fallback: number, min: number, max: number) => {
    const raw = env?.[key];
    const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() ? Number(raw) : NaN;
    return Number.isFinite(n) && n >= min && n <= max ? n : fallback;
  };
  const d = DEFAULT_FEEDBACK_POLICY;
  const flag = Math.round(num("INTEL_FLAG_AFTER", d.flagAfterConsecutive, 1, 10_000));
  return {
    flagAfterConsecutive: flag,
    deactivateAfterConsecutive: Math.max(flag, Math.round(num("INTEL_DEACTIVATE_AFTER", d.deactivateAfterConsecutive, 1, 10_000))),
    minAttemptsForRate: d.minAttemptsForRate,
    deactivateBelowRate: num("INTEL_DEACTIVATE_BELOW_RATE", d.deactivateBelowRate, 0, 1),
  };
}

export interface FeedbackResult {
  stats: DirectoryStats;
  /** Set when this outcome newly flagged the directory. */
  flagged: string | null;
  /** Set when this outcome crossed the deactivation threshold. */
  deactivate: string | null;
}

/** Applies one outcome to a copy of `before`. */
export function applyOutcome(before: DirectoryStats, outcome: AttemptOutcome, country: string, policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY): FeedbackResult {
  if (!outcome.accepted && outcome.failureClass === "duplicate_listing") return { stats: before, flagged: null, deactivate: null };
  if (!outcome.accepted && outcome.infrastructure) {
    const cls: FailureClass = outcome.failureClass ?? "transient";
    const reason = `(our infrastructure) ${(outcome.reason ?? cls).slice(0, 480)}`;
    return { stats: { ...before, lastFailures: [{ at: outcome.at, failureClass: cls, reason }, ...before.lastFailures].slice(0, RECENT_FAILURES_KEPT) }, flagged: null, deactivate: null };
  }
  if (outcome.fits === false) {
    // Still a sample of the directory's clock: the hour-of-day shape holds for every business.
    const clock = localClock(outcome.at, timeZoneFor(country));
    const s = { ...before, hourAttempts: [...before.hourAttempts], hourAccepted: [...before.hourAccepted], weekdayAttempts: [...before.weekdayAttempts], weekdayAccepted: [...before.weekdayAccepted] };
    s.hourAttempts[clock.hour]! += 1;
    s.weekdayAttempts[clock.weekday]! += 1;
    if (outcome.accepted) {
      s.hourAccepted[clock.hour]! += 1;
      s.weekdayAccepted[clock.weekday]! += 1;
    } else {
      const cls: FailureClass = outcome.failureClass ?? "transient";
      s.lastFailures = [{ at: outcome.at, failureClass: cls, reason: `(business did not fit) ${(outcome.reason ?? cls).slice(0, 480)}` }, ...before.lastFailures].slice(0, RECENT_FAILURES_KEPT);
    }
    return { stats: s, flagged: null, deactivate: null };
  }
  if (!outcome.accepted && outcome.failureClass === "rate_limited") {
    // We went too fast: the directory said nothing about the listing. Only the wait is learned.
    return {
      stats: {
        ...before,
        failuresByClass: { ...before.failuresByClass, rate_limited: (before.failuresByClass.rate_limited ?? 0) + 1 },
        lastRateLimitedAt: outcome.at,
        lastRetryAfterSeconds: outcome.retryAfterSeconds ?? 60,
        lastFailures: [{ at: outcome.at, failureClass: "rate_limited" as const, reason: (outcome.reason ?? "rate limited").slice(0, 500) }, ...before.lastFailures].slice(0, RECENT_FAILURES_KEPT),
      },
      flagged: null,
      deactivate: null,
    };
  }
  const s: DirectoryStats = {
    ...before,
    failuresByClass: { ...before.failuresByClass },
    hourAttempts: [...before.hourAttempts],
    hourAccepted: [...before.hourAccepted],
    weekdayAttempts: [...before.weekdayAttempts],
    weekdayAccepted: [...before.weekdayAccepted],
    lastFailures: [...before.lastFailures],
    fieldMappings: { ...before.fieldMappings },
  };
  const clock = localClock(outcome.at, timeZoneFor(country));
  s.attempts++;
  s.hourAttempts[clock.hour] = (s.hourAttempts[clock.hour] ?? 0) + 1;
  s.weekdayAttempts[clock.weekday] = (s.weekdayAttempts[clock.weekday] ?? 0) + 1;
  if (outcome.durationMs != null && outcome.durationMs >= 0) {
    s.durationSamples++;
    s.meanDurationMs = Math.round((s.meanDurationMs ?? 0) + (outcome.durationMs - (s.meanDurationMs ?? 0)) / s.durationSamples);
  }
  if (outcome.accepted) {
    s.accepted++;
    s.hourAccepted[clock.hour] = (s.hourAccepted[clock.hour] ?? 0) + 1;
    s.weekdayAccepted[clock.weekday] = (s.weekdayAccepted[clock.weekday] ?? 0) + 1;
    s.consecutiveFailures = 0;
    for (const f of outcome.fields ?? []) s.fieldMappings[f] = (s.fieldMappings[f] ?? 0) + 1;
    // A directory that works again is no longer a staff concern.
    s.flaggedAt = null;
    s.flagReason = null;
    return { stats: s, flagged: null, deactivate: null };
  }
  const cls: FailureClass = outcome.failureClass ?? "transient";
  s.failuresByClass[cls] = (s.failuresByClass[cls] ?? 0) + 1;
  s.consecutiveFailures++;
  s.lastFailures = [{ at: outcome.at, failureClass: cls, reason: (outcome.reason ?? cls).slice(0, 500) }, ...s.lastFailures].slice(0, RECENT_FAILURES_KEPT);
  let flagged: string | null = null;
  if (s.flaggedAt === null && s.consecutiveFailures >= policy.flagAfterConsecutive) {
    flagged = `${s.consecutiveFailures} failed submissions in a row (last: ${cls})`;
    s.flaggedAt = outcome.at;
    s.flagReason = flagged;
  }
  let deactivate: string | null = null;
  if (s.consecutiveFailures >= policy.deactivateAfterConsecutive) {
    deactivate = `deactivated automatically: ${s.consecutiveFailures} failed submissions in a row (last: ${cls})`;
  } else if (s.attempts >= policy.minAttemptsForRate && s.accepted / s.attempts < policy.deactivateBelowRate) {
    deactivate = `deactivated automatically: ${s.accepted} of ${s.attempts} submissions accepted`;
  }
  if (deactivate) {
    s.flaggedAt = s.flaggedAt ?? outcome.at;
    s.flagReason = deactivate;
  }
  return { stats: s, flagged, deactivate };
}
