/**
 * What a customer is told about each directory, in words: one module with
 * no runtime dependencies, so the portal, the CSV and the printable report
 * (ui/) and the API say the same thing. The submission status says where
 * the work is; this says what it means for the customer.
 */
import type { SubmissionStatus } from "./statuses";
import { safeHref } from "./url";

export const LISTING_STATES = ["queued", "working", "staff", "submitted", "awaiting_approval", "needs_action", "live", "already_listed", "failed", "skipped"] as const;
export type ListingState = (typeof LISTING_STATES)[number];

/** The short words per state (the detail below says more). */
export const LISTING_STATE_LABELS: Record<ListingState, string> = {
  queued: "Waiting its turn",
  working: "Being submitted",
  staff: "Being done by our staff",
  submitted: "Submitted",
  awaiting_approval: "Waiting for the directory's approval",
  needs_action: "Needs your action",
  live: "Live",
  already_listed: "Already listed",
  failed: "Failed",
  skipped: "Skipped",
};

export interface ListingStateInput {
  status: SubmissionStatus;
  listingUrl: string | null;
  failureReason: string | null;
  staffTask?: boolean;
  customerAction?: string | null;
  claimAndCorrect?: boolean;
}

export interface ListingStateText {
  state: ListingState;
  label: string;
  /** One sentence for the customer; the link is `listingUrl` when live. */
  detail: string;
  listingUrl: string | null;
}

function describeState(v: ListingStateInput): { state: ListingState; detail: string } {
  const open = v.status !== "approved" && v.status !== "failed" && v.status !== "skipped" && v.status !== "already_listed";
  if (open && v.customerAction) return { state: "needs_action", detail: v.customerAction };
  switch (v.status) {
    case "pending":
    case "queued":
      return { state: "queued", detail: "We will submit your listing here shortly." };
    case "retrying":
      return { state: "working", detail: "The directory did not answer properly; we are trying again." };
    case "submitting":
      return { state: "working", detail: "A browser is filling in the directory's form right now." };
    case "manual":
      if (v.claimAndCorrect)
        return { state: "staff", detail: "Your business is already listed here, with details that differ from your profile; our team is claiming that listing and correcting it." };
      return { state: "staff", detail: "This directory does not accept automated submissions; our team submits your listing by hand." };
    case "submitted":
      return {
        state: "submitted",
        detail: v.staffTask ? "Our team submitted your listing; the directory publishes it after its checks." : "The directory received your listing; it publishes it after its checks.",
      };
    case "awaiting_verification":
      return { state: "awaiting_approval", detail: "The directory is verifying the listing before it goes live." };
    case "approved":
      return { state: "live", detail: v.listingUrl ? "Your listing is live." : "Your listing is live (the directory gave no direct link)." };
    case "already_listed":
      // Found before we posted anything: live, but not a listing we delivered, so the job takes another directory.
      return { state: "already_listed", detail: "Your business was already listed here with the right name, address and phone; we posted nothing and submit to another directory in its place." };
    case "failed":
      return { state: "failed", detail: v.failureReason ? `Not listed: ${v.failureReason}` : "Not listed." };
    case "skipped":
      return { state: "skipped", detail: v.failureReason ?? "Not submitted." };
  }
}

export function listingState(v: ListingStateInput): ListingStateText {
  const { state, detail } = describeState(v);
  return { state, label: LISTING_STATE_LABELS[state], detail, listingUrl: state === "live" || state === "already_listed" ? safeHref(v.listingUrl) : null };
}

/** How many directories are in each state, and how many listings are live (ours, and those found already listed). */
export function listingSummary(views: ListingStateInput[]): { live: number; byState: Record<ListingState, number> } {
  const byState = Object.fromEntries(LISTING_STATES.map((s) => [s, 0])) as Record<ListingState, number>;
  for (const v of views) byState[listingState(v).state]++;
  return { live: byState.live + byState.already_listed, byState };
}
