/**
 * The event types an agency's endpoint can receive: job events of the
 * customer's jobs, named `<job|submission>.<what happened>`. The database
 * trigger that writes deliveries (migrations/0026_webhook_outcome_types.sql)
 * lists the same types; test/workers/webhooks.test.ts holds the two equal.
 */
export const WEBHOOK_EVENT_TYPES = [
  "job.started",
  "job.paused",
  "job.resumed",
  "job.completed",
  "job.failed",
  "job.cancelled",
  "job.replacements_exhausted",
  "job.shortfall_refund",
  "submission.submitted",
  "submission.awaiting_verification",
  "submission.approved",
  "submission.retrying",
  "submission.failed",
  "submission.skipped",
  "submission.manual",
  "submission.already_listed",
  "submission.claim_and_correct",
  "submission.replacement",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Job events named before the webhooks, without the `job_` prefix: their type is `job.<kind>`. */
const UNPREFIXED_JOB_KINDS: readonly string[] = ["replacements_exhausted", "shortfall_refund"];

/** The job_events kind behind a type (`job.completed` ← `job_completed`, `job.shortfall_refund` ← `shortfall_refund`). */
export function jobEventKindOf(type: WebhookEventType): string {
  const [scope, what] = type.split(".") as [string, string];
  return scope === "job" && UNPREFIXED_JOB_KINDS.includes(what) ? what : `${scope}_${what}`;
}
