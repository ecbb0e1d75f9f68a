/**
 * The purchase flow's only calls into a job's JobCoordinator. Both are
 * idempotent on the coordinator's side: they are called again whenever
 * readiness is re-checked (every profile save of a ready job) or a refund
 * event is replayed.
 */
import { coordinatorFor } from "../jobs/coordinator-client";
import { log } from "../../core/log";

/**
 * Tells the job's coordinator to start (payment and profile are both in).
 * When Postgres is unreachable the coordinator retries from its alarm, so a
 * `database_unavailable` answer needs nothing more from the caller.
 */
export async function startJob(env: Env, jobId: string): Promise<void> {
  const result = await coordinatorFor(env, jobId).start(jobId);
  if (!result.ok && result.reason !== "database_unavailable") {
    log("error", "job did not start", { jobId, reason: result.reason });
  }
}

/** Tells the job's coordinator to stop work already released (queued, in a browser). */
export async function cancelJob(env: Env, jobId: string, reason: string): Promise<void> {
  await coordinatorFor(env, jobId).cancel(reason);
}
