/**
 * The fault schedule of `npm run test:faults`, in one place: seconds after
 * the order is paid, and what happens then. The farm answers 10 % of all
 * directory requests with a random 500/502/503 for the whole run (flakyRate).
 *
 * The process-level faults come early: a browser worker killed mid-task
 * leaves its task leased until the coordinator's lease (5 min) runs out, and
 * the run should still end within about ten minutes.
 */
export type FaultKind =
  | "kill-chromium" //         SIGKILL the Chromium processes local Browser Rendering started
  | "restart-workers" //       SIGKILL wrangler dev's process group (browser worker, coordinator, workerd) and start it on the same state
  | "evict-coordinator" //     drop the job's JobCoordinator instance; its storage stays
  | "stop-postgres" //         pg_ctl stop, 30 s, pg_ctl start
  | "redeliver-messages" //    every task message ever released, sent to the queue again
  | "replay-webhooks" //       every Stripe event of the order re-posted, signed
  | "replay-reports"; //       every report already applied, sent again through the worker API

export const POSTGRES_OUTAGE_MS = 30_000;
export const FARM_FLAKY_RATE = 0.1;

export const FAULT_SCHEDULE: { atSeconds: number; kind: FaultKind }[] = [
  { atSeconds: 15, kind: "kill-chromium" },
  { atSeconds: 25, kind: "redeliver-messages" },
  { atSeconds: 35, kind: "restart-workers" },
  { atSeconds: 50, kind: "evict-coordinator" },
  { atSeconds: 60, kind: "replay-webhooks" },
  { atSeconds: 65, kind: "replay-reports" },
  { atSeconds: 75, kind: "stop-postgres" },
  { atSeconds: 115, kind: "kill-chromium" },
  { atSeconds: 125, kind: "restart-workers" },
  { atSeconds: 145, kind: "redeliver-messages" },
  { atSeconds: 155, kind: "evict-coordinator" },
  { atSeconds: 165, kind: "kill-chromium" },
  { atSeconds: 175, kind: "replay-reports" },
  { atSeconds: 185, kind: "replay-webhooks" },
  { atSeconds: 195, kind: "stop-postgres" },
  { atSeconds: 235, kind: "kill-chromium" },
  { atSeconds: 245, kind: "evict-coordinator" },
  { atSeconds: 255, kind: "redeliver-messages" },
  { atSeconds: 270, kind: "replay-reports" },
  { atSeconds: 290, kind: "kill-chromium" },
  { atSeconds: 305, kind: "evict-coordinator" },
  { atSeconds: 320, kind: "redeliver-messages" },
];

/** After the job is final, once more: everything delivered again must change nothing. */
export const FINAL_REPLAY: FaultKind[] = ["redeliver-messages", "replay-webhooks", "replay-reports", "evict-coordinator"];
