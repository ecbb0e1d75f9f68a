/**
 * Status vocabularies of the design (docs/architecture.md, state), defined once: the
 * database check constraints, the API, the coordinator and the UI use these.
 */
export const JOB_STATUSES = ["pending", "in_progress", "paused", "completed", "cancelled", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const SUBMISSION_STATUSES = ["pending", "queued", "submitting", "submitted", "awaiting_verification", "approved", "failed", "skipped", "retrying", "manual", "already_listed"] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** Submissions in these statuses will never change again on their own. */
export const FINAL_SUBMISSION_STATUSES = ["approved", "failed", "skipped", "already_listed"] as const satisfies readonly SubmissionStatus[];

/**
 * `already_listed` (issue 17 item 2): before the first attempt the browser
 * found the business listed there already, with the profile's name, address
 * and phone, and posted nothing. Live for the customer (it counts toward the
 * live figure) but not delivered by us (not in DELIVERED_SUBMISSION_STATUSES),
 * so the job replaces it; and it holds the directory (not released): a later
 * job has nothing to submit there.
 */

/**
 * Statuses that do not hold a directory for the business: a later job may
 * submit there again. Every other status means "listed or on its way".
 */
export const RELEASED_SUBMISSION_STATUSES = ["failed", "skipped"] as const satisfies readonly SubmissionStatus[];

/**
 * A submission in these statuses counts as delivered against the plan's
 * promise (issue 17). Counted in one place: src/jobs/delivered.ts.
 */
export const DELIVERED_SUBMISSION_STATUSES = ["submitted", "awaiting_verification", "approved"] as const satisfies readonly SubmissionStatus[];

export const ORDER_STATUSES = ["pending", "paid", "payment_failed", "refunded"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const APPROVAL_TYPES = ["instant", "review", "email", "unknown"] as const;
export type ApprovalType = (typeof APPROVAL_TYPES)[number];

/** Whether a directory may be submitted by a browser, needs staff, or is off. */
export const AUTOMATION_POLICIES = ["automated", "manual", "disabled"] as const;
export type AutomationPolicy = (typeof AUTOMATION_POLICIES)[number];

export const LISTING_COSTS = ["free", "paid", "freemium", "unknown"] as const;
export const DIRECTORY_SCOPES = ["general", "niche", "aggregator", "search-engine", "social", "maps"] as const;

export const WORKER_KINDS = ["cloudflare", "external"] as const;
/**
 * What an external worker's token may do: `tasks` leases and reports tasks
 * (the worker HTTP API), `faults` drives the fault-injection hooks of
 * `npm run test:faults` (local only).
 */
export const WORKER_TOKEN_SCOPES = ["tasks", "faults"] as const;
export type WorkerTokenScope = (typeof WORKER_TOKEN_SCOPES)[number];
