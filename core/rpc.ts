/**
 * The RPC surface one Worker calls on another's Durable Objects.
 *
 * `directorybolt-browser` reaches `JobCoordinator` and `OpsMonitor` in the
 * `directorybolt` Worker through `script_name` bindings, which `wrangler
 * types` cannot type from the other Worker's classes. These interfaces are
 * that contract: the classes declare `implements`, so a change on either side
 * is a compile error, and the browser Worker's env types its bindings with
 * them (browser-worker/src/env.ts). They name plain data only, so ui/ (which
 * compiles core/ without the Workers' ambient types) can include this file.
 */
import type { FollowupLease, FollowupReport, ReportAndLease, ReportResult, TaskLease, TaskReport } from "./protocol/tasks";

/** What a queue consumer calls on a job's coordinator. */
export interface CoordinatorRpc {
  /** Takes a released task; null when the message is stale or the job is not running. */
  lease(submissionId: string, attempt: number, workerId: string): Promise<TaskLease | null>;
  /** Takes several released tasks in one round trip (a queue batch's, as it starts); each null where `lease` would be. */
  leaseMany?(tasks: { submissionId: string; attempt: number }[], workerId: string): Promise<(TaskLease | null)[]>;
  /** Takes a task already released to the queue (before its message comes); null when there is none. */
  leaseReleased?(workerId: string): Promise<TaskLease | null>;
  /** Extends a lease still being worked on; false when it is no longer ours. */
  heartbeat(submissionId: string, attempt: number, workerId: string): Promise<boolean>;
  /** The last check before a submit: a heartbeat that also notes the attempt may now reach the directory; false: do not post. */
  posting(submissionId: string, attempt: number, workerId: string): Promise<boolean>;
  /** Applied exactly once; a stale or repeated report changes nothing. */
  report(report: TaskReport): Promise<ReportResult>;
  /** A report, and the next released task for the same worker in the same round trip (what leaseReleased would take after it). */
  reportAndLease?(report: TaskReport, workerId: string): Promise<ReportAndLease>;
  leaseFollowup(submissionId: string, kind: FollowupLease["kind"], attempt: number, workerId: string): Promise<FollowupLease | null>;
  reportFollowup(report: FollowupReport): Promise<{ applied: boolean }>;
}

/** What the browser Worker tells the ops overview (for `/metrics`). */
export interface OpsMonitorRpc {
  /** The captcha solver's figures after a batch (deltas). */
  browserBatch(counts: { captchasSolved: number; captchasFailed: number }): Promise<void>;
  /** A Browser Rendering session taken or given back. */
  browserLease(leaseId: string, state: "acquired" | "released"): Promise<void>;
}

/** The one OpsMonitor object: every Worker and every caller reaches it by this name. */
export const OPS_MONITOR_NAME = "ops";

/**
 * The OpsMonitor stub of a namespace binding. Structural, so that core needs
 * no Cloudflare types: each Worker passes its own typed binding and gets its
 * own typed stub back.
 */
export function opsMonitorStub<Id, Stub>(namespace: { idFromName(name: string): Id; get(id: Id): Stub }): Stub {
  return namespace.get(namespace.idFromName(OPS_MONITOR_NAME));
}
