/**
 * The event types an agency's endpoint can receive: job events of the
 * customer's jobs, named `<job|submission>.<what happened>`. The database
 * trigger that writes deliveries (migrations/0010_ops.sql) lists the same
 * types; test/workers/webhooks.test.ts holds the two equal.
 */
export const WEBHOOK_EVENT_TYPES = [
  "job.started",
  "job.paused",
  "job.resumed",
  "job.completed",
  "job.failed",
  "job.cancelled",
  "submission.submitted",
  "submission.awaiting_verification",
  "submission.approved",
  "submission.retrying",
  "submission.failed",
  "submission.skipped",
  "submission.manual",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The job_events kind behind a type (`job.completed` ← `job_completed`). */
export function jobEventKindOf(type: WebhookEventType): string {
  return type.replace(".", "_");
}
