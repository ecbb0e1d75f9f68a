/**
 * The purchase flow's only calls into a job's JobCoordinator. The job
 * coordination issue fills these in; until then a job's readiness lives in
 * Postgres only (the `job_ready` job event, written by maybeStartJob), and
 * the coordinator picks ready jobs up from there.
 *
 * Both must be idempotent on the coordinator's side: they are called again
 * whenever readiness is re-checked (every profile save of a ready job).
 */

/** Tell the job's coordinator to start. Called after payment + profile are both in. */
export async function startJob(env: Env, jobId: string): Promise<void> {
  // COORDINATOR HOOK (job coordination issue): replace this body with
  //   await env.JOB_COORDINATOR.get(env.JOB_COORDINATOR.idFromName(jobId)).start(jobId);
  void env;
  void jobId;
}

/** Tell the job's coordinator to stop work already released (queued, in a browser). */
export async function cancelJob(env: Env, jobId: string, reason: string): Promise<void> {
  // COORDINATOR HOOK (job coordination issue): replace this body with
  //   await env.JOB_COORDINATOR.get(env.JOB_COORDINATOR.idFromName(jobId)).cancel(reason);
  void env;
  void jobId;
  void reason;
}
