/**
 * What the submission intelligence knows about a directory: its catalog facts
 * (the features the prior is pooled over) and the statistics the feedback
 * loop keeps (PerformanceFeedbackLoop writes them, every other model reads
 * them). Plain data, so the Worker, the Durable Object and Node share it.
 */
import type { FailureClass } from "../../core/protocol/tasks";

/** Catalog facts of one directory that the models use. */
export interface DirectoryFacts {
  id: string;
  /** Catalog category ("general" for directories of every trade). */
  category: string;
  /** ISO 3166-1 alpha-2, or INT. */
  country: string;
  requiresCaptcha: boolean;
  approvalType: string;
  /** Domain Authority 0-100; null when unknown. */
  daScore: number | null;
  /** The host submissions go to (several directories may share one). */
  host: string;
}

/** One recent failure, kept for staff and for the retry analyzer. */
export interface RecentFailure {
  at: number;
  failureClass: FailureClass;
  reason: string;
}

/** The feedback loop's statistics of one directory (the `directory_stats` row). */
export interface DirectoryStats {
  directoryId: string;
  /** Attempts with an outcome the directory decided (accepted or refused). */
  attempts: number;
  /** Attempts the directory took (submitted, awaiting verification, approved). */
  accepted: number;
  failuresByClass: Partial<Record<FailureClass, number>>;
  /** Failed attempts in a row, up to now (0 after an acceptance). */
  consecutiveFailures: number;
  /** Mean lease-to-report time of attempts with a known duration, and how many there were. */
  meanDurationMs: number | null;
  durationSamples: number;
  /** Attempts and acceptances by hour of day (0-23) in the directory's time zone. */
  hourAttempts: number[];
  hourAccepted: number[];
  /** Attempts and acceptances by day of week (0 = Sunday) in the directory's time zone. */
  weekdayAttempts: number[];
  weekdayAccepted: number[];
  /** The last rate limit seen: when, and how long the directory asked us to wait. */
  lastRateLimitedAt: number | null;
  lastRetryAfterSeconds: number | null;
  /** Newest first, at most RECENT_FAILURES_KEPT. */
  lastFailures: RecentFailure[];
  /** Field type → times a submission that filled it was accepted. */
  fieldMappings: Record<string, number>;
  flaggedAt: number | null;
  flagReason: string | null;
}

export const RECENT_FAILURES_KEPT = 10;

export function emptyStats(directoryId: string): DirectoryStats {
  return {
    directoryId,
    attempts: 0,
    accepted: 0,
    failuresByClass: {},
    consecutiveFailures: 0,
    meanDurationMs: null,
    durationSamples: 0,
    hourAttempts: new Array<number>(24).fill(0),
    hourAccepted: new Array<number>(24).fill(0),
    weekdayAttempts: new Array<number>(7).fill(0),
    weekdayAccepted: new Array<number>(7).fill(0),
    lastRateLimitedAt: null,
    lastRetryAfterSeconds: null,
    lastFailures: [],
    fieldMappings: {},
    flaggedAt: null,
    flagReason: null,
  };
}
