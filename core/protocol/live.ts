/**
 * What customer, staff and ops sockets receive: a snapshot first, then
 * deltas (docs/architecture.md, contracts). One union, ServerMessage.
 */
import { z } from "zod";
import type { JobStatus, SubmissionStatus } from "../statuses";
import type { FailureClass } from "./tasks";

/** Who a socket is for: the ticket names it, the socket hub tags the socket with it. */
export type SocketRole = "customer" | "staff";

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
  /** Tasks replaced by another directory (left out of `total` and the other counts, unless live all the same: approved after all, or already listed; issue 17). */
  replaced: number;
  /** Found listed before the first attempt (live, not delivered by us; replaced). */
  alreadyListed: number;
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
  /** The staff task is "claim and correct": the directory listed the business already, with other details (issue 17 item 2). */
  claimAndCorrect?: boolean;
  /** A replacement (issue 17): the submission of the job it replaces, and why that one ended. */
  replaces?: { submissionId: string; reason: string | null };
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
