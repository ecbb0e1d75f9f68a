/** The one way the Worker reaches a job's coordinator and the ops overview. */
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import type { OpsMonitor } from "../../durable-objects/ops-monitor";

export function coordinatorFor(env: { JOB_COORDINATOR: DurableObjectNamespace<JobCoordinator> }, jobId: string) {
  return env.JOB_COORDINATOR.get(env.JOB_COORDINATOR.idFromName(jobId));
}

export function opsMonitor(env: { OPS_MONITOR: DurableObjectNamespace<OpsMonitor> }) {
  return env.OPS_MONITOR.get(env.OPS_MONITOR.idFromName("ops"));
}
