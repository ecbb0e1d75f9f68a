/**
 * What a JobCoordinator tells OpsMonitor, besides its job summary, so that
 * `/metrics` can count retries, failures and durations, and what OpsMonitor
 * hands back to the metrics route. Shared by both objects and the route.
 */
import type { FailureClass } from "../../core/protocol/tasks";

/** Upper bounds (seconds) of the submission duration histogram. */
export const DURATION_BUCKETS = [1, 2.5, 5, 10, 20, 30, 60, 120, 300] as const;

/** Deltas since the coordinator's last summary. */
export interface OpsStats {
  /** Failed attempts that went back to the queue. */
  retries: number;
  /** Failed attempts by class (retried or final). */
  failures: Partial<Record<FailureClass, number>>;
  /** Lease → report time of the reports applied, in milliseconds. */
  durationsMs: number[];
  /** When the job's oldest released, unleased task became deliverable (null: none). */
  oldestQueuedAt: number | null;
  /** Changes waiting in the coordinator's outbox for Postgres. */
  outbox: number;
  /** Tasks released to the queue that no worker has leased yet. */
  queued?: number;
}

export interface OpsMetricsSnapshot {
  now: number;
  /** Tasks released and not yet reported, over the active jobs. */
  tasksInFlight: number;
  activeJobs: number;
  oldestQueuedAgeSeconds: number;
  /** Tasks released to the queue and not yet leased, over the active jobs. */
  queueDepth: number;
  /** Browser Rendering sessions the browser worker holds now (acquired, not released, under 15 min old). */
  browserSessionsInUse: number;
  /** Outbox rows not yet in Postgres, over active jobs, as their coordinators last reported. */
  outboxBacklog: number;
  /** Jobs whose outbox has failed OUTBOX_ALERT_AFTER times in a row and not written since. */
  outboxFailingJobs: number;
  /** Such alerts raised since OpsMonitor's storage began. */
  outboxAlertsTotal: number;
  reportsAppliedTotal: number;
  retriesTotal: number;
  /** Captcha solver calls by the browser worker, by result. */
  captchasTotal: { solved: number; failed: number };
  failuresTotal: { failureClass: string; value: number }[];
  duration: { buckets: { le: number; count: number }[]; count: number; sumSeconds: number };
  workers: { kind: string; seen: number; alive: number; lastSeenAt: number }[];
}
