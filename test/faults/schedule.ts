/**
 * The fault schedule of `npm run test:faults`, in one place: when the job
 * has finished this share of its submissions (so the faults spread over
 * the whole run on a fast machine or a busy one), what happens. The farm
 * answers 10 % of all directory requests with a random 500/502/503 for the
 * whole run (FARM_FLAKY_RATE), and 6 % of its directories are gone for good
 * (FARM_GONE_SHARE), so the job replaces them under the same faults.
 */
export type FaultKind =
  | "kill-chromium" //         SIGKILL the Chromium processes local Browser Rendering started
  | "restart-workers" //       SIGKILL wrangler dev's process group (browser worker, coordinator, workerd) and start it on the same state
  | "evict-coordinator" //     drop the job's JobCoordinator instance; its storage stays
  | "stop-postgres" //         pg_ctl stop, 30 s, pg_ctl start
  | "redeliver-messages" //    every task message ever released, sent to the queue again
  | "replay-webhooks" //       every Stripe event of the order re-posted, signed
  | "replay-reports" //        every report already applied, sent again through the worker API
  | "evict-during-captcha" //  the solver takes SLOW_CAPTCHA_MS; once a captcha is being solved, the coordinator is evicted
  | "lose-reports"; //         every report sent to the coordinator is lost for LOST_REPORTS_MS (longer than a worker's own retries)

export const POSTGRES_OUTAGE_MS = 30_000;
/**
 * An attempt on a captcha directory lasts longer than this while the solver
 * is slow: longer than the 90 s lease the coordinator once had, under the
 * solver client's 120 s deadline.
 */
export const SLOW_CAPTCHA_MS = 100_000;
export const FARM_FLAKY_RATE = 0.1;
/**
 * This share of the farm's directories is gone for good (410 for every
 * request, the same directories every run): the job must replace each one it
 * chose, once, while everything else goes wrong around it.
 */
export const FARM_GONE_SHARE = 0.06;

export const FAULT_SCHEDULE: { atPercent: number; kind: FaultKind }[] = [
  { atPercent: 2, kind: "kill-chromium" },
  { atPercent: 5, kind: "redeliver-messages" },
  { atPercent: 8, kind: "restart-workers" },
  { atPercent: 12, kind: "evict-coordinator" },
  { atPercent: 15, kind: "replay-webhooks" },
  { atPercent: 18, kind: "replay-reports" },
  { atPercent: 20, kind: "evict-during-captcha" },
  { atPercent: 22, kind: "stop-postgres" },
  { atPercent: 25, kind: "lose-reports" },
  { atPercent: 28, kind: "kill-chromium" },
  { atPercent: 33, kind: "restart-workers" },
  { atPercent: 38, kind: "redeliver-messages" },
  { atPercent: 43, kind: "evict-coordinator" },
  { atPercent: 48, kind: "kill-chromium" },
  { atPercent: 53, kind: "replay-reports" },
  { atPercent: 57, kind: "replay-webhooks" },
  { atPercent: 60, kind: "lose-reports" },
  { atPercent: 62, kind: "stop-postgres" },
  { atPercent: 65, kind: "evict-during-captcha" },
  { atPercent: 68, kind: "kill-chromium" },
  { atPercent: 73, kind: "evict-coordinator" },
  { atPercent: 78, kind: "redeliver-messages" },
  { atPercent: 83, kind: "replay-reports" },
  { atPercent: 88, kind: "kill-chromium" },
  { atPercent: 92, kind: "evict-coordinator" },
  { atPercent: 95, kind: "redeliver-messages" },
];

/** After the job is final, once more: everything delivered again must change nothing. */
export const FINAL_REPLAY: FaultKind[] = ["redeliver-messages", "replay-webhooks", "replay-reports", "evict-coordinator"];
