/**
 * The submission engine's contract with its callers (the queue consumer in
 * the Worker, Node tests, benches). Written against the part of the page API
 * that @cloudflare/puppeteer and puppeteer-core share, so one engine runs in
 * both.
 */
import type { CaptchaOutcome, FailureClass, ListingDifference, TaskLease } from "../../../core/protocol/tasks";
import type { FieldType } from "../../../core/vocabulary";
import type { FieldDescription } from "../language-model";
import type { PageReader } from "./look-first";
import type { Recipe } from "./recipe";

/** What the engine decided happened at the directory. */
export interface EngineResult {
  /** `already_listed`: found before the first attempt, nothing posted (`listingUrl` the found page, `differences` how it differs). */
  outcome: "submitted" | "awaiting_verification" | "approved" | "failed" | "already_listed";
  failureClass?: FailureClass;
  /** Human-readable: what the page said, or what went wrong (names the field on validation errors). */
  reason?: string;
  /** From a 429's Retry-After or the page, for rate_limited. */
  retryAfterSeconds?: number;
  /** The listing's public URL, where the page shows one. */
  listingUrl?: string;
  /** Where the browser ended up, and the confirmation text it saw (evidence). */
  finalUrl: string;
  confirmationText?: string;
  /** What was put in which field (for logs and the staff view; never secrets). */
  filled: { field: string; type: FieldType; value: string }[];
  /** Credentials created at the directory (account forms): keep them encrypted with the submission; never log them. */
  account?: { username?: string; email?: string; password?: string };
  /** Evidence for the retry analyzer: the HTTP status of the page that answered (where known). */
  httpStatus?: number;
  /** What became of a captcha: none_seen, solved, unsolved (solver failed or absent), refused (the directory refused a solved answer). */
  captcha?: CaptchaOutcome;
  /** With `already_listed`: the fields the found listing shows otherwise than the profile (empty: it matches). */
  differences?: ListingDifference[];
  /** The failure was ours (the engine crashed, the browser was lost), not the directory's: reported as `infrastructure`. */
  infrastructure?: boolean;
}

export interface CaptchaSolver {
  solve(task: { kind: "recaptcha" | "hcaptcha"; siteKey: string; pageUrl: string } | { kind: "image"; imageBase64: string }): Promise<string>;
}

export interface EngineOptions {
  solver?: CaptchaSolver;
  /** Navigation and step timeouts. */
  navigationTimeoutMs?: number;
  stepTimeoutMs?: number;
  log?: (line: string) => void;
  /** How long to wait for a form built by script after load (default 6 s). */
  formWaitMs?: number;
  /** The directory's recipe, where one exists (see recipe.ts). */
  recipe?: Recipe;
  /**
   * A second opinion on a field the mapper was unsure of (confidence below
   * 0.5): one of `candidates`, or null to keep the mapper's type. The queue
   * consumer builds it from a Workers AI binding (second-opinion.ts).
   */
  secondOpinion?: SecondOpinion;
  /**
   * Asked right before every click that may submit the listing: false stops
   * the attempt there (its lease is no longer ours, so another attempt may
   * run or have run; posting now could list the business twice).
   */
  beforeSubmit?: () => Promise<boolean>;
  /** With `retryHints.expectCaptcha`: how long to wait for a captcha widget that loads late (default 4 s). */
  captchaWaitMs?: number;
  /**
   * Reads an uploaded image by its key (the profile's logo and photos); the
   * queue consumer reads R2, tests a map. Without it, file inputs stay empty.
   */
  asset?: (key: string) => Promise<EngineAsset | null>;
  /**
   * Reads a page without the browser (a bounded GET under the browser's
   * egress policy): the first attempt's look in the directory's search tries
   * the server's HTML this way before rendering it (look-first.ts). Absent:
   * the search is opened in the browser.
   */
  readPage?: PageReader;
  /** Told as each step ends (navigation, form, filling, captcha, lease check, submit, outcome): a task trace (trace.ts). */
  mark?: (step: string) => void;
}

/** An image to put into a file input. */
export interface EngineAsset {
  /** The file name the directory sees ("logo.png"). */
  name: string;
  /** image/png, image/jpeg or image/webp. */
  type: string;
  bytes: Uint8Array;
}

/** The images of one listing, read once per attempt. */
export interface ListingAssets {
  logo?: EngineAsset;
  photos: EngineAsset[];
}

export type SecondOpinion = (field: FieldDescription, current: { type: FieldType; confidence: number }, candidates: readonly FieldType[]) => Promise<FieldType | null>;

export type SubmitTask = Pick<TaskLease, "jobId" | "submissionId" | "attempt" | "directory" | "business" | "retryHints" | "earlierPost">;
