/**
 * The browser worker and the job's coordinator: the queue message, the lease a
 * worker takes, the report it sends back, and the retry hints between them.
 * zod schemas validate what arrives from a worker; the types are inferred.
 */
import { z } from "zod";
import type { ListingProfile } from "../listing/profile";
import type { SubmissionStatus } from "../statuses";
import { isHttpUrl } from "../url";
import { CHECKED_FIELDS, UPDATE_CHECKED_FIELDS } from "../listing/compare";
import { FIELD_TYPES } from "../vocabulary";

const uuid = z.string().uuid();

/** A listing's public URL as a worker or staff reports it: http(s) only (core/url.ts). */
export const listingUrlSchema = z.string().trim().url().max(2000).refine(isHttpUrl, "must be an http(s) URL");

/**
 * What a browser task does: `submit` fills the directory's form (the default
 * when absent); the after-submit kinds open one URL and screenshot it:
 * `verify` the link of a directory's verification mail, `listing` the live
 * listing the approval tracker found, `check` a listing a survival check
 * found gone or changed (its `submissionId` is the check's id); `update`
 * signs in with the vault's login, edits a live listing and confirms it on
 * the public page (issue 19).
 */
export const TASK_KINDS = ["submit", "verify", "listing", "check", "update"] as const;
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

/** Why a submission failed; decides whether it is retried (src/intelligence/retry-policy.ts). */
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

/** A password sealed with the vault key (core/vault.ts): never the clear password on the wire. */
export const sealedSecretSchema = z.object({
  keyId: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  iv: z.string().regex(/^[A-Za-z0-9+/]{16}$/),
  ciphertext: z
    .string()
    .min(24)
    .max(2000)
    .regex(/^[A-Za-z0-9+/]+=*$/),
});

/**
 * The login an attempt created at the directory (account forms), for the
 * customer's vault: where to sign in, the username and e-mail, and the
 * password sealed by the worker before it reports (docs/decisions.md).
 */
export const reportedLoginSchema = z.object({
  loginUrl: listingUrlSchema,
  username: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  password: sealedSecretSchema,
});
export type ReportedLogin = z.infer<typeof reportedLoginSchema>;

/**
 * What a listing found before the first attempt shows against the profile,
 * one line per field that differs (core/listing/compare.ts): staff claim the
 * listing and correct these ("claim and correct").
 */
export const listingDifferenceSchema = z.object({
  field: z.enum(CHECKED_FIELDS),
  /** What the directory's page shows (null: nothing of that kind found). */
  shown: z.string().max(500).nullable(),
  /** What the profile says. */
  profile: z.string().max(500).nullable(),
});
export type ListingDifference = z.infer<typeof listingDifferenceSchema>;

/**
 * `already_listed`: before the first attempt the worker found the business
 * listed at the directory and posted nothing (`listingUrl` the found page).
 * Without `differences` the listing matches the profile; with them it is a
 * staff task to claim the listing and correct each difference.
 */
export const REPORT_OUTCOMES = ["submitted", "awaiting_verification", "approved", "failed", "already_listed"] as const;

/** A worker's outcome for one attempt; `(submissionId, attempt)` makes it exactly-once. */
export const taskReportSchema = z
  .object({
    jobId: uuid,
    submissionId: uuid,
    attempt: z.number().int().min(1),
    outcome: z.enum(REPORT_OUTCOMES),
    failureClass: z.enum(FAILURE_CLASSES).optional(),
    reason: z.string().max(2000).optional(),
    listingUrl: listingUrlSchema.optional(),
    evidenceKey: z.string().max(500).optional(),
    /** From a 429's Retry-After, for rate_limited failures. */
    retryAfterSeconds: z.number().int().min(0).max(43_200).optional(),
    workerId: z.string().max(200).optional(),
    /** Field types the worker filled (no values): the feedback loop learns which mappings a directory takes. */
    fields: z.array(z.enum(FIELD_TYPES)).max(100).optional(),
    /** Evidence for the retry analyzer: the HTTP status of the page that answered, and the captcha's fate. */
    httpStatus: z.number().int().min(100).max(599).optional(),
    captcha: z.enum(CAPTCHA_OUTCOMES).optional(),
    /**
     * The failure was ours, not the directory's: the browser session was lost
     * or the engine crashed. Retried like any transient failure, but left out
     * of the directory's statistics, so an outage never switches a directory
     * off for everyone.
     */
    infrastructure: z.boolean().optional(),
    /** The account the attempt created at the directory, its password sealed (never in clear). */
    account: reportedLoginSchema.optional(),
    /** With `already_listed`: how the found listing differs from the profile (absent or empty: it matches). */
    differences: z.array(listingDifferenceSchema).max(3).optional(),
  })
  .refine((r) => r.outcome !== "failed" || r.failureClass !== undefined, {
    message: "a failed outcome needs a failureClass",
    path: ["failureClass"],
  })
  .refine((r) => r.outcome !== "already_listed" || r.listingUrl !== undefined, {
    message: "an already_listed outcome needs the found listingUrl",
    path: ["listingUrl"],
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
    /**
     * The directory's search (`{query}` = the business name), where a retry
     * first looks for the listing an earlier attempt may have created before
     * it posts the form again. Absent or null: the directory has none.
     */
    listingSearchUrl?: string | null;
  };
  business: ListingProfile | null;
  /**
   * Whether an earlier attempt of this submission announced a post
   * (`posting`, right before a submit click). False: nothing of ours can be
   * at the directory, so a retry looks for an existing listing as a first
   * attempt does. Absent (an older coordinator): a retry takes a found
   * listing as an earlier attempt's.
   */
  earlierPost?: boolean;
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
  /** `website`: a verification link must not lead the browser off this site (its registrable domain). */
  directory: { id: string; slug: string; name: string; website: string };
  /** A live listing page shows it (the worker checks, for `listing`). */
  businessName: string | null;
  /** Where the screenshot goes, when the coordinator names it (`check`: under the listing's submission, one per check). */
  evidenceKey?: string;
  /** For `update`: the login (its password sealed for the worker, core/vault.ts) and the profile the listing must show now. */
  update?: UpdateLeaseDetails;
}

/** What an `update` lease carries: `url` is the listing's public page. */
export interface UpdateLeaseDetails {
  loginUrl: string;
  /** Username, else the account's e-mail. */
  login: string;
  /** Sealed with `loginAad(jobId, submissionId)`: opened only in the worker. */
  password: { keyId: string; iv: string; ciphertext: string };
  business: ListingProfile;
  /** The directory's language (the form is filled in it). */
  language: string;
}

/** The worker's outcome for one follow-up attempt; `(submissionId, kind, attempt)` makes it exactly-once. */
export const followupReportSchema = z.object({
  jobId: uuid,
  submissionId: uuid,
  kind: z.enum(["verify", "listing", "check", "update"]),
  attempt: z.number().int().min(1),
  /** The page opened and said what was expected (a 2xx/3xx; for `listing`, the business name shown; for `update`, saved and the public page shows the profile). */
  ok: z.boolean(),
  /** For `update`: what the public page still shows differently (core/listing/compare.ts). */
  differences: z.array(z.enum(UPDATE_CHECKED_FIELDS)).max(UPDATE_CHECKED_FIELDS.length).optional(),
  httpStatus: z.number().int().min(0).max(999).optional(),
  finalUrl: z.string().max(2000).optional(),
  evidenceKey: z.string().max(500).optional(),
  reason: z.string().max(2000).optional(),
  workerId: z.string().max(200).optional(),
});
export type FollowupReport = z.infer<typeof followupReportSchema>;

export type ReportResult =
  | { applied: true; status: SubmissionStatus }
  | { applied: false; reason: "unknown_submission" | "stale_attempt" | "already_final" | "not_leased" | "job_not_running" | "not_live" | "already_replaced" };

/** A report's result and the worker's next task, taken in the same round trip (null: none is released and due now). */
export interface ReportAndLease {
  result: ReportResult;
  next: TaskLease | null;
}
