/**
 * A job's live rate (issue 17 item 5): listings live 7, 14 and 28 days
 * after the job started, against the count promised. Read by the portal, the
 * staff job page and the staff dashboard (src/listings/live-rate.ts).
 */

/** Days after the job's start at which the live count is read. */
export const LIVE_RATE_DAYS = [7, 14, 28] as const;
/** The last milestone: a job under the target then gets replacements. */
export const LIVE_RATE_DEADLINE_DAYS = 28;
/** Share of the promise that should be live at the deadline (what hand-submitting peers guarantee). */
export const LIVE_RATE_TARGET = 0.7;

export interface LiveRateMilestone {
  day: (typeof LIVE_RATE_DAYS)[number];
  /** When the milestone falls (null: the job has not started). */
  at: string | null;
  /** Whether that day has come; before it, `live` is the count so far. */
  reached: boolean;
  /** Listings that went live by that day (or so far). */
  live: number;
  /** `live` as a share of `promised`, 0-100, one decimal. */
  percent: number;
}

export interface JobLiveRate {
  jobId: string;
  plan: string;
  status: string;
  startedAt: string | null;
  /** The checkout's promise (else the plan's count), less directories refunded as a shortfall. */
  promised: number;
  /** Listings to be live at day 28: 70% of `promised`, rounded up. */
  target: number;
  /** Listings live now. */
  liveNow: number;
  milestones: LiveRateMilestone[];
  /** Day 28 has come and fewer than `target` are live: the job gets replacements. */
  underTarget: boolean;
  /** Submissions of the job that replace another (for any reason). */
  replacements: number;
}
