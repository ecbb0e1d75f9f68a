/** The one way the Worker reaches a job's coordinator and the ops overview. */
import { opsMonitorStub } from "../../core/rpc";

export function coordinatorFor(env: Pick<Env, "JOB_COORDINATOR">, jobId: string) {
  return env.JOB_COORDINATOR.get(env.JOB_COORDINATOR.idFromName(jobId));
}

export function opsMonitor(env: Pick<Env, "OPS_MONITOR">) {
  return opsMonitorStub(env.OPS_MONITOR);
}
