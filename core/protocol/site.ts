/**
 * The public and customer API's shapes that the site reads.
 */
import type { PlanAvailability } from "../catalog/availability";
import type { JobStatus } from "../statuses";

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

/** `GET /api/directories/preview?country=&category=[&region=]`: what each plan would get (core/catalog/availability.ts). */
export interface DirectoryPreview {
  country: string;
  category: string;
  plans: PlanAvailability[];
}

/** How mails from directories reach the customer by e-mail (issue 18). */
export type DirectoryMailDelivery = "immediate" | "daily";

/** One mail received for a job's listings, as its owner sees it (`GET /api/jobs/:id/mail`). */
export interface DirectoryMailSummary {
  id: string;
  receivedAt: string;
  directoryName: string | null;
  submissionId: string | null;
  from: string;
  subject: string;
  /** `verification`: a confirmation link DirectoryBolt opened itself; `message`: for the customer. */
  kind: "verification" | "message";
  /** Our mail server authenticated the sender as the directory. */
  fromDirectory: boolean;
  /** How the customer was e-mailed about it; null for a verification, or while the daily digest is to come. */
  notifiedBy: "immediate" | "digest" | null;
  attachmentCount: number;
  excerpt: string;
}

/** One mail in full (`GET /api/jobs/:id/mail/:mailId`): sanitized plain text, attachments listed, never served. */
export interface DirectoryMailMessage extends DirectoryMailSummary {
  body: string;
  attachments: { filename: string; mimeType: string; size: number }[];
}

/**
 * `GET /api/jobs/:id/logins`: one account the engine created at a directory
 * for the job (the login vault). `password` only with `?passwords=include`,
 * each one recorded as an export; one at a time from
 * `POST /api/jobs/:id/logins/:loginId/reveal` ({@link RevealedLogin}).
 */
export interface VaultLogin {
  id: string;
  submissionId: string;
  directoryId: string;
  directoryName: string;
  loginUrl: string;
  username: string | null;
  email: string | null;
  createdAt: string;
  /** How often a password was shown (by the customer or staff), and the last time. */
  reveals: number;
  lastRevealedAt: string | null;
  password?: string;
}

export interface RevealedLogin {
  loginId: string;
  password: string;
  revealedAt: string;
}

/**
 * `GET /api/jobs/:id/listings` (src/routes/listing-checks.ts): the job's
 * live listings and their survival checks at 30, 90 and 180 days; a flagged
 * check's "submit again" is `POST /api/jobs/:id/listing-checks/:checkId/resubmit`.
 * `ListingShown`: what the directory's page showed at the check (core/listing/compare.ts).
 */
export type ListingShown = { name: string | null; address: string | null; phone: string | null };

export interface ListingCare {
  submissionId: string;
  directoryName: string;
  status: string;
  listingUrl: string | null;
  liveSince: string | null;
  lastCheckedAt: string | null;
  /** When the next milestone's check is due (null after the last one, or while not live). */
  nextCheckAt: string | null;
  check: {
    id: string;
    milestoneDays: number;
    verdict: string | null;
    detail: string | null;
    differences: string[];
    shown: ListingShown | null;
    resubmittedAt: string | null;
    /** Flagged and not yet submitted again: the one click the portal offers. */
    canResubmit: boolean;
    /** A flagged check's screenshot of the page is stored (GET …/listing-checks/:checkId/screenshot). */
    screenshot: boolean;
    /** Why a flagged check has no screenshot (the browser could not open the page, …). */
    screenshotNote: string | null;
  } | null;
}

export interface ListingCareView {
  profile: { name: string | null; address: string | null; phone: string | null };
  listings: ListingCare[];
  /** The report's figures: live listings, and of the checked ones how many were flagged at their latest check. */
  summary: { live: number; checked: number; flagged: number };
}

/**
 * "Update my listings" (issue 19 item 2): `POST /api/jobs/:id/listing-update`
 * starts it, `GET` shows its progress (src/routes/listing-update.ts); the
 * job's coordinator runs it (durable-objects/coordinator/listing-update.ts).
 * The details that are pushed: what a directory's listing shows of the profile.
 */
export const UPDATE_FIELDS = ["name", "address", "phone", "website", "hours"] as const;
export type UpdateField = (typeof UPDATE_FIELDS)[number];

export interface ListingUpdateChange {
  field: UpdateField;
  before: string | null;
  after: string | null;
}

/**
 * `updating`: the browser is on it (retried up to 3 times); `staff_task`: no
 * login is held, a staff task waits for someone to change it by hand;
 * `updated_by_staff` / `not_possible`: staff recorded how that ended.
 */
export const LISTING_UPDATE_STATUSES = ["updating", "confirmed", "failed", "staff_task", "updated_by_staff", "not_possible"] as const;
export type ListingUpdateStatus = (typeof LISTING_UPDATE_STATUSES)[number];

export interface ListingUpdateItem {
  submissionId: string;
  directoryName: string;
  listingUrl: string;
  method: "machine" | "staff";
  status: ListingUpdateStatus;
  /** Why it failed, or what the public page still showed differently. */
  reason: string | null;
  attempts: number;
  updatedAt: string;
}

export interface ListingUpdateView {
  updateId: string;
  startedAt: string;
  changes: ListingUpdateChange[];
  items: ListingUpdateItem[];
  /** `staff`: staff items still open; `byStaff` / `notPossible`: staff items staff recorded. */
  summary: { machine: number; confirmed: number; failed: number; updating: number; staff: number; byStaff: number; notPossible: number };
}

/** A vault login of one submission, as the API reads it from Postgres for the coordinator (the password sealed). */
export interface LoginForUpdate {
  submissionId: string;
  loginUrl: string;
  login: string;
  password: { keyId: string; iv: string; ciphertext: string };
}

/** The coordinator's answer to starting the update (`repeated`: this update id had started already). */
export type StartUpdateResult =
  | { applied: true; view: ListingUpdateView; repeated: boolean }
  | { applied: false; reason: "job_not_loaded" | "job_not_running" | "nothing_changed" | "no_live_listings" | "another_update" };
