/**
 * The staff API's shapes: the verification inbox, staff tasks for
 * directories that refuse automation, the retry analyzer's notes, and the
 * directory catalog with its success rates.
 */
import { z } from "zod";
import type { SubmissionStatus } from "../statuses";
import type { ListingUpdateChange } from "./site";
import { listingUrlSchema, type ListingDifference, type ValueFix } from "./tasks";

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

// ---- Staff tasks (directories that refuse automation) --------------------

/** What staff record for a manual directory; `submitted` may be followed by `approved` or `failed`. */
export const STAFF_OUTCOMES = ["submitted", "approved", "failed"] as const;
export type StaffOutcome = (typeof STAFF_OUTCOMES)[number];

const optionalLine = (max: number) => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().min(3).max(max).optional());

export const staffOutcomeSchema = z.discriminatedUnion("outcome", [
  z.object({
    outcome: z.literal("submitted"),
    /** Shown to the customer as "needs your action" until the listing is live. */
    customerAction: optionalLine(500),
    note: optionalLine(1000),
  }),
  z.object({
    outcome: z.literal("approved"),
    listingUrl: listingUrlSchema,
    note: optionalLine(1000),
  }),
  z.object({ outcome: z.literal("failed"), reason: z.string().trim().min(3).max(500), note: optionalLine(1000) }),
]);
export type StaffOutcomeInput = z.infer<typeof staffOutcomeSchema>;

/** One value of the packet, ready to paste into the directory's form. */
export interface StaffPacketField {
  /** The vocabulary type it fills (core/vocabulary.ts), or a packet key for the rest. */
  key: string;
  label: string;
  value: string;
  /** The limit the value was fitted to, when one applies. */
  maxLength?: number;
}

export interface StaffTaskSummary {
  /** Submit (or claim and correct) a listing; `UpdateListingTask` is the other kind of staff task. */
  kind: "submission";
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
  /** Claim and correct: the listing found before the first attempt, and how it differs from the profile. Null for a manual directory. */
  claim: { url: string; differences: ListingDifference[] } | null;
  /** The actions that would change something now. */
  actions: ("claim" | StaffOutcome)[];
}

export type StaffActionResult =
  | { ok: true; applied: boolean; packet: StaffTaskPacket }
  | { ok: false; status: 404 | 409; code: "not_found" | "not_a_staff_task" | "claimed_by_other" | "closed" | "conflict"; message: string };

// ---- Staff tasks of "Update my listings" (issue 19 item 2) ---------------

/** What staff record for a live listing without a vault login: changed by hand, or not possible (why). */
export const updateListingOutcomeSchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("updated"), note: optionalLine(1000) }),
  z.object({ outcome: z.literal("not_possible"), reason: z.string().trim().min(3).max(500), note: optionalLine(1000) }),
]);
export type UpdateListingOutcomeInput = z.infer<typeof updateListingOutcomeSchema>;

export interface UpdateListingTask {
  kind: "update_listing";
  jobId: string;
  submissionId: string;
  directoryName: string;
  businessName: string | null;
  /** The live listing to change. */
  listingUrl: string;
  /** Each detail that changed: what the listing shows (`before`), what it must show (`after`). */
  differences: ListingUpdateChange[];
  status: "staff_task" | "updated_by_staff" | "not_possible";
  outcomeBy: string | null;
  reason: string | null;
  note: string | null;
  updatedAt: number;
  /** The outcomes that would change something now (none once recorded). */
  actions: UpdateListingOutcomeInput["outcome"][];
}

/** One row of `GET /api/staff/tasks`: a submission packet or an update of a live listing. */
export type StaffTaskEntry = StaffTaskSummary | UpdateListingTask;

export type UpdateListingActionResult = { ok: true; applied: boolean; task: UpdateListingTask } | { ok: false; status: 404 | 409; code: "not_found" | "conflict"; message: string };

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
  /** The last `npm run directories:check` (tools/directories-check.ts): null when never checked. */
  lastCheck: { at: string; status: "alive" | "redirected" | "gone" | "blocked" | "unreachable"; reasons: string[] } | null;
  factsVerified: boolean;
  /** Held out of selection after a failed check until staff clear it. */
  checkHold: boolean;
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
