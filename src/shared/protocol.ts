/**
 * Wire contracts between the parts, defined once (ARCHITECTURE.md §4):
 * the queue message, the worker's report, and the WebSocket protocol that
 * customers, staff and the ops overview receive. zod schemas validate what
 * arrives from outside; the TypeScript types are inferred from them.
 */
import { z } from "zod";
import type { ListingProfile } from "./listing";
import { SUBMISSION_STATUSES, JOB_STATUSES, type JobStatus, type SubmissionStatus } from "./statuses";
import { FIELD_TYPES } from "./vocabulary";

const uuid = z.string().uuid();

/**
 * What a browser task does: `submit` fills the directory's form (the default
 * when absent); the after-submit kinds open one URL and screenshot it:
 * `verify` the link of a directory's verification mail, `listing` the live
 * listing the approval tracker found.
 */
export const TASK_KINDS = ["submit", "verify", "listing"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export type FollowupKind = Exclude<TaskKind, "submit">;

/** `directory-tasks` carries only this; everything else comes from the coordinator. */
export const taskMessageSchema = z.object({
  jobId: uuid,
  submissionId: uuid,
  attempt: z.number().int().min(1),
  kind: z.enum(TASK_KINDS).optional(),
});
export type TaskMessage = z.infer<typeof taskMessageSchema>;

/** Why a submission failed; decides whether it is retried (durable-objects/retry-policy.ts). */
export const FAILURE_CLASSES = [
  "transient", // network, 5xx, timeouts, a worker that died
  "rate_limited", // 429 with Retry-After
  "captcha", // the captcha could not be solved
  "validation", // the directory refused a field
  "duplicate_listing", // the business is already listed there
  "blocked", // the site blocks automation
  "site_gone", // 404/410, domain gone, form removed
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** What happened with a captcha during an attempt (the retry analyzer reads it). */
export const CAPTCHA_OUTCOMES = ["none_seen", "solved", "refused", "unsolved", "missing"] as const;
export type CaptchaOutcome = (typeof CAPTCHA_OUTCOMES)[number];

/**
 * A change to how one listing value is written, asked for by a directory's
 * refusal (src/intelligence/retry-analyzer.ts decides, the engine applies):
 * the phone national, digits only or international; the website with a scheme
 * or as the bare home page; the description shorter (to `maxLength` when the
 * directory named it) or longer; the postal code digits only.
 */
export type ValueFix =
  | { field: "tel"; want: "national" | "digits" | "international" }
  | { field: "url"; want: "with_scheme" | "without_path" }
  | { field: "description"; want: "shorter" | "longer"; maxLength?: number; minLength?: number }
  | { field: "postal-code"; want: "digits_only" };

/** What a retry must do differently from the attempt before it. */
export interface RetryHints {
  /** Every value fix asked for so far, oldest first (each applied once decided). */
  fixes: ValueFix[];
  /** The directory said a captcha was required that the last attempt did not see: wait for its widget. */
  expectCaptcha?: boolean;
}

/** A worker's outcome for one attempt; `(submissionId, attempt)` makes it exactly-once. */
export const taskReportSchema = z
  .object({
    jobId: uuid,
    submissionId: uuid,
    attempt: z.number().int().min(1),
    outcome: z.enum(["submitted", "awaiting_verification", "approved", "failed"]),
    failureClass: z.enum(FAILURE_CLASSES).optional(),
    reason: z.string().max(2000).optional(),
    listingUrl: z.string().url().max(2000).optional(),
    evidenceKey: z.string().max(500).optional(),
    /** From a 429's Retry-After, for rate_limited failures. */
    retryAfterSeconds: z.number().int().min(0).max(43_200).optional(),
    workerId: z.string().max(200).optional(),
    /** Field types the worker filled (no values): the feedback loop learns which mappings a directory takes. */
    fields: z.array(z.enum(FIELD_TYPES)).max(100).optional(),
    /** Evidence for the retry analyzer: the HTTP status of the page that answered, and the captcha's fate. */
    httpStatus: z.number().int().min(100).max(599).optional(),
    captcha: z.enum(CAPTCHA_OUTCOMES).optional(),
  })
  .refine((r) => r.outcome !== "failed" || r.failureClass !== undefined, {
    message: "a failed outcome needs a failureClass",
    path: ["failureClass"],
  });
export type TaskReport = z.infer<typeof taskReportSchema>;

/** What a lease hands the worker: everything it needs to submit one directory. */
export interface TaskLease {
  jobId: string;
  submissionId: string;
  attempt: number;
  leaseExpiresAt: number;
  directory: {
    id: string;
    slug: string;
    name: string;
    submitUrl: string | null;
    website: string;
    language: string;
    requiresCaptcha: boolean;
  };
  business: ListingProfile | null;
  /** Present on a retry that must change something (a value's format, waiting for a captcha). */
  retryHints?: RetryHints;
}

/** What a lease on a `verify` or `listing` task hands the worker: one URL to open. */
export interface FollowupLease {
  jobId: string;
  submissionId: string;
  kind: FollowupKind;
  attempt: number;
  url: string;
  directory: { id: string; slug: string; name: string };
  /** A live listing page shows it (the worker checks, for `listing`). */
  businessName: string | null;
}

/** The worker's outcome for one follow-up attempt; `(submissionId, kind, attempt)` makes it exactly-once. */
export const followupReportSchema = z.object({
  jobId: uuid,
  submissionId: uuid,
  kind: z.enum(["verify", "listing"]),
  attempt: z.number().int().min(1),
  /** The page opened and said what was expected (a 2xx/3xx; for `listing`, the business name shown). */
  ok: z.boolean(),
  httpStatus: z.number().int().min(0).max(999).optional(),
  finalUrl: z.string().max(2000).optional(),
  evidenceKey: z.string().max(500).optional(),
  reason: z.string().max(2000).optional(),
  workerId: z.string().max(200).optional(),
});
export type FollowupReport = z.infer<typeof followupReportSchema>;

export type ReportResult =
  | { applied: true; status: SubmissionStatus }
  | { applied: false; reason: "unknown_submission" | "stale_attempt" | "already_final" | "not_leased" | "job_not_running" };

/** One mail of the verification mailboxes, as the staff inbox lists it (`GET /api/staff/mail`). */
export interface InboundMailView {
  id: string;
  receivedAt: string;
  from: string;
  to: string;
  subject: string | null;
  status: "matched" | "unmatched";
  /** Why nobody claimed it, or what became of its link. */
  reason: string | null;
  verificationLink: string | null;
  jobId: string | null;
  submissionId: string | null;
  rawUrl: string;
}

// ---- WebSocket protocol -------------------------------------------------

export interface JobProgress {
  jobId: string;
  status: JobStatus;
  statusReason: string | null;
  total: number;
  /** Submitted, awaiting verification or approved. */
  submitted: number;
  approved: number;
  failed: number;
  skipped: number;
  manual: number;
  inFlight: number;
  remaining: number;
  /** Share of tasks that reached a final or submitted state, 0-100. */
  percent: number;
  /** The directory being worked on most recently. */
  current: { submissionId: string; directoryName: string } | null;
  /** Estimated completion (epoch ms), from the recent rate; null when unknown. */
  eta: number | null;
  updatedAt: number;
}

export interface SubmissionView {
  submissionId: string;
  directoryId: string;
  directoryName: string;
  status: SubmissionStatus;
  attempt: number;
  listingUrl: string | null;
  evidenceKey: string | null;
  failureClass: FailureClass | null;
  failureReason: string | null;
  updatedAt: number;
  /** The directory refuses automation: our staff submit it (durable-objects/coordinator/staff-tasks.ts). */
  staffTask?: boolean;
  /** What the customer must do for this listing (a phone verification, a postcard code), as staff recorded it. */
  customerAction?: string | null;
}

export interface ActivityLine {
  at: number;
  jobId: string;
  kind: string;
  message: string;
  submissionId?: string;
}

/** Server → client frames. A socket gets a snapshot first, then deltas. */
export type ServerMessage =
  | { type: "snapshot"; job: JobProgress; submissions: SubmissionView[]; activity: ActivityLine[] }
  | { type: "job"; job: JobProgress }
  | { type: "submission"; submissions: SubmissionView[] }
  | { type: "activity"; lines: ActivityLine[] }
  | { type: "ops"; overview: OpsOverview }
  | { type: "error"; code: string; message: string };

/** Client → server frames (keep-alive only; controls go through HTTP). */
export const clientMessageSchema = z.discriminatedUnion("type", [z.object({ type: z.literal("ping") })]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

// ---- Ops overview (OpsMonitor) ------------------------------------------

export interface OpsJobSummary {
  jobId: string;
  plan: string;
  status: JobStatus;
  total: number;
  submitted: number;
  failed: number;
  inFlight: number;
  percent: number;
  currentDirectory: string | null;
  updatedAt: number;
}

export interface OpsOverview {
  jobs: OpsJobSummary[];
  /** Tasks released to the queue and not yet reported, over all jobs. */
  queueDepth: number;
  /** Reports applied per minute over the last hour, oldest first (60 buckets). */
  throughputPerMinute: number[];
  workers: { workerId: string; lastSeenAt: number; kind: string }[];
  activity: ActivityLine[];
}

export const submissionStatusSchema = z.enum(SUBMISSION_STATUSES);
export const jobStatusSchema = z.enum(JOB_STATUSES);

// ---- Staff tasks (directories that refuse automation) --------------------

/** What staff record for a manual directory; `submitted` may be followed by `approved` or `failed`. */
export const STAFF_OUTCOMES = ["submitted", "approved", "failed"] as const;
export type StaffOutcome = (typeof STAFF_OUTCOMES)[number];

const optionalLine = (max: number) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().min(3).max(max).optional());

export const staffOutcomeSchema = z.discriminatedUnion("outcome", [
  z.object({
    outcome: z.literal("submitted"),
    /** Shown to the customer as "needs your action" until the listing is live. */
    customerAction: optionalLine(500),
    note: optionalLine(1000),
  }),
  z.object({
    outcome: z.literal("approved"),
    listingUrl: z.string().trim().url().max(2000).refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL"),
    note: optionalLine(1000),
  }),
  z.object({ outcome: z.literal("failed"), reason: z.string().trim().min(3).max(500), note: optionalLine(1000) }),
]);
export type StaffOutcomeInput = z.infer<typeof staffOutcomeSchema>;

/** One value of the packet, ready to paste into the directory's form. */
export interface StaffPacketField {
  /** The vocabulary type it fills (src/shared/vocabulary.ts), or a packet key for the rest. */
  key: string;
  label: string;
  value: string;
  /** The limit the value was fitted to, when one applies. */
  maxLength?: number;
}

export interface StaffTaskSummary {
  jobId: string;
  submissionId: string;
  directoryName: string;
  businessName: string | null;
  status: SubmissionStatus;
  claimedBy: string | null;
  claimedAt: number | null;
  outcome: StaffOutcome | null;
  updatedAt: number;
}

export interface StaffTaskPacket extends StaffTaskSummary {
  directory: { id: string; name: string; website: string; submitUrl: string | null; language: string; notes: string | null };
  /** Why a person has to do this one. */
  reason: string;
  fields: StaffPacketField[];
  listingUrl: string | null;
  failureReason: string | null;
  customerAction: string | null;
  note: string | null;
  /** The actions that would change something now. */
  actions: ("claim" | StaffOutcome)[];
}

export type StaffActionResult =
  | { ok: true; applied: boolean; packet: StaffTaskPacket }
  | { ok: false; status: 404 | 409; code: "not_found" | "not_a_staff_task" | "claimed_by_other" | "closed" | "conflict"; message: string };

// ---- Staff notes on a job's submissions (the retry analyzer's words) -----

/** One retry the coordinator decided, from its `submission_retrying` event. */
export interface RetryNote {
  /** The attempt that failed and was retried. */
  attempt: number;
  why: "retry" | "captcha" | "fix";
  /** The value fixes the next attempt carried (empty unless `why` is "fix"). */
  fixes: ValueFix[];
  at: string;
}

/** `GET /api/staff/jobs/:id/notes`: per submission that has any, what staff should know. */
export interface SubmissionNotes {
  submissionId: string;
  /** The latest stop (failed or skipped): the analyzer's sentence for staff, the attempt it ended, and when. */
  stop: { status: "failed" | "skipped"; staffReason: string; attempt: number; at: string } | null;
  /** Every retry, oldest first. */
  retries: RetryNote[];
}

export interface StaffJobNotes {
  jobId: string;
  submissions: SubmissionNotes[];
}

// ---- Site API: config, the customer's jobs, the staff catalog -------------

/** `GET /api/config`: what the site needs to choose its sign-in. */
export interface SiteConfig {
  /** Supabase Auth magic links: both set, or both null (then local sign-in). */
  supabaseUrl: string | null;
  supabaseAnonKey: string | null;
  localSignIn: boolean;
}

/** `GET /api/me/jobs`: one job of the signed-in customer. */
export interface MyJob {
  jobId: string;
  plan: string;
  status: JobStatus;
  total: number;
  submitted: number;
  approved: number;
  failed: number;
  createdAt: string;
  completedAt: string | null;
}

/** `GET /api/staff/directories`: one catalog row as staff see it. */
export interface CatalogDirectory {
  id: string;
  slug: string;
  name: string;
  website: string;
  priorityTier: number;
  daScore: number | null;
  country: string;
  automation: string;
  sandbox: boolean;
  isActive: boolean;
}

export interface CatalogPage {
  directories: CatalogDirectory[];
  total: number;
}

/** `POST /api/staff/directories/import`: a row the importer refused, in words. */
export interface ImportProblem {
  line: number;
  slug?: string;
  errors: string[];
}

export interface ImportResult {
  dryRun: boolean;
  valid: number;
  inserted: number;
  updated: number;
}

/** `GET /api/staff/directories/success-rates`: decided outcomes per bucket. */
export interface SuccessBucket {
  /** Start of the UTC day or ISO week, YYYY-MM-DD. */
  start: string;
  /** Submitted, awaiting verification or approved. */
  succeeded: number;
  failed: number;
}

export interface DirectorySuccess {
  directoryId: string;
  slug: string;
  name: string;
  attempts: number;
  succeeded: number;
  failed: number;
  buckets: SuccessBucket[];
}

export interface SuccessRates {
  bucket: "day" | "week";
  /** Every bucket start in the window, oldest first (charts need the empty ones too). */
  starts: string[];
  directories: DirectorySuccess[];
}
