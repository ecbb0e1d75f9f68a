/** A job's progress figures (durable-objects/coordinator/progress.ts), without a Durable Object. */
import { describe, expect, it } from "vitest";
import { jobProgress, type ProgressInput } from "../../durable-objects/coordinator/progress";

const NOW = 1_800_000_000_000;
const input = (over: Partial<ProgressInput> = {}): ProgressInput => ({
  job: { jobId: "job-1", status: "in_progress", statusReason: null, loaded: true },
  counts: {},
  total: 0,
  current: null,
  recentDone: [],
  now: NOW,
  ...over,
});

describe("jobProgress", () => {
  it("an empty job is 0 % before it is loaded and 100 % after, with nothing remaining and no ETA", () => {
    expect(jobProgress(input({ job: { jobId: null, status: "pending", statusReason: null, loaded: false } }))).toMatchObject({ jobId: "", percent: 0, remaining: 0, eta: null });
    expect(jobProgress(input())).toMatchObject({ jobId: "job-1", percent: 100, remaining: 0, eta: null, updatedAt: NOW });
  });

  it("counts by status: submitted includes awaiting verification and approved; in flight is queued and submitting", () => {
    const p = jobProgress(
      input({
        total: 12,
        counts: { submitted: 2, awaiting_verification: 1, approved: 1, failed: 2, skipped: 1, manual: 1, queued: 1, submitting: 2, pending: 1 },
      }),
    );
    expect(p).toMatchObject({ total: 12, submitted: 4, approved: 1, failed: 2, skipped: 1, manual: 1, inFlight: 3, remaining: 5 });
    // 7 finished of 12, to one decimal.
    expect(p.percent).toBe(58.3);
  });

  it("leaves replaced tasks out of the total and every count: 4 directories, one replaced, is 4 of 4 done", () => {
    // 5 tasks: 3 submitted, the replacement submitted, the one it replaced failed.
    const p = jobProgress(input({ total: 5, counts: { submitted: 4, failed: 1 }, replaced: { failed: 1 } }));
    expect(p).toMatchObject({ total: 4, submitted: 4, failed: 0, replaced: 1, remaining: 0, percent: 100 });
    // A sent but unpublished task replaced after 28 days (live rate) leaves "submitted" the same way.
    expect(jobProgress(input({ total: 6, counts: { submitted: 5, approved: 1 }, replaced: { submitted: 2 } }))).toMatchObject({ total: 4, submitted: 4, approved: 1, replaced: 2, percent: 100 });
  });

  it("gives an ETA from the recent pace, only with three finished tasks or more", () => {
    const base = { total: 10, counts: { submitted: 4 } };
    expect(jobProgress(input({ ...base, recentDone: [NOW - 2_000, NOW - 1_000] })).eta).toBeNull();
    // 4 finished over 3 s: one a second; 6 remaining take 6 s.
    expect(jobProgress(input({ ...base, recentDone: [NOW - 3_000, NOW - 2_000, NOW - 1_000, NOW] })).eta).toBe(NOW + 6_000);
    // All at the same instant: no pace to go by.
    expect(jobProgress(input({ ...base, recentDone: [NOW, NOW, NOW] })).eta).toBeNull();
  });

  it("has no ETA once nothing remains, whatever the pace", () => {
    const p = jobProgress(input({ total: 3, counts: { submitted: 3 }, recentDone: [NOW - 2_000, NOW - 1_000, NOW] }));
    expect(p).toMatchObject({ percent: 100, remaining: 0, eta: null });
  });

  it("passes the job's status, reason and current directory through", () => {
    const current = { submissionId: "s-1", directoryName: "Yelp" };
    expect(jobProgress(input({ job: { jobId: "job-1", status: "paused", statusReason: "paused by staff", loaded: true }, total: 1, current }))).toMatchObject({
      status: "paused",
      statusReason: "paused by staff",
      current,
    });
  });
});
