/**
 * Finished reports the coordinator has not taken yet, kept in R2 until it
 * does. The form was already posted when a report exists: dropping it would
 * leave the lease to run out and the task to be posted again. The consumer
 * keeps a report here when it cannot deliver it, gives the message back to
 * the queue, and hands the kept report over when the message comes again
 * (consumer.ts).
 */
import { taskReportSchema, type TaskMessage, type TaskReport } from "../../core/protocol/tasks";

export interface PendingReports {
  keep(report: TaskReport): Promise<void>;
  /** The kept report of this message's attempt, if any. */
  find(task: TaskMessage): Promise<TaskReport | null>;
  forget(task: TaskMessage): Promise<void>;
}

/** The slice of an R2 bucket used here (structural, so Node tests can hand in their own). */
interface Bucket {
  put(key: string, value: string, options: { httpMetadata: { contentType: string } }): Promise<unknown>;
  get(key: string): Promise<{ json<T>(): Promise<T> } | null>;
  delete(key: string): Promise<unknown>;
}

export const pendingReportKey = (t: Pick<TaskMessage, "jobId" | "submissionId" | "attempt">) => `pending-reports/${t.jobId}/${t.submissionId}/${t.attempt}.json`;

export function pendingReportsIn(bucket: Bucket): PendingReports {
  return {
    async keep(report) {
      await bucket.put(pendingReportKey(report), JSON.stringify(report), { httpMetadata: { contentType: "application/json" } });
    },
    async find(task) {
      const object = await bucket.get(pendingReportKey(task));
      if (!object) return null;
      const parsed = taskReportSchema.safeParse(await object.json().catch(() => null));
      return parsed.success ? parsed.data : null;
    },
    async forget(task) {
      await bucket.delete(pendingReportKey(task));
    },
  };
}
