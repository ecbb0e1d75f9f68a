/** PerformanceFeedbackLoop's rule: how one outcome updates a directory's statistics. */
import { describe, expect, it } from "vitest";
import { applyOutcome, DEFAULT_FEEDBACK_POLICY, feedbackPolicyFrom, type AttemptOutcome } from "../../../src/intelligence/feedback";
import { emptyStats } from "../../../src/intelligence/types";

const at = Date.UTC(2026, 0, 5, 8, 30); // Monday, 09:30 in Berlin
const outcome = (over: Partial<AttemptOutcome> = {}): AttemptOutcome => ({ submissionId: "s", attempt: 1, directoryId: "d", at, accepted: true, ...over });

describe("applyOutcome", () => {
  it("counts an acceptance at the directory's local hour and weekday, and the fields that worked", () => {
    const { stats } = applyOutcome(emptyStats("d"), outcome({ durationMs: 4_000, fields: ["tel", "organization"] }), "DE");
    expect(stats).toMatchObject({ attempts: 1, accepted: 1, consecutiveFailures: 0, meanDurationMs: 4_000, durationSamples: 1, fieldMappings: { tel: 1, organization: 1 } });
    expect(stats.hourAttempts[9]).toBe(1);
    expect(stats.hourAccepted[9]).toBe(1);
    expect(stats.weekdayAccepted[1]).toBe(1);
    const second = applyOutcome(stats, outcome({ durationMs: 2_000 }), "US").stats;
    expect(second.meanDurationMs).toBe(3_000);
    expect(second.hourAttempts[3]).toBe(1); // 03:30 in New York
  });

  it("records failures, newest first, and the rate limit", () => {
    let s = emptyStats("d");
    s = applyOutcome(s, outcome({ accepted: false, failureClass: "validation", reason: "phone refused" }), "DE").stats;
    s = applyOutcome(s, outcome({ accepted: false, failureClass: "rate_limited", reason: "slow down", retryAfterSeconds: 300, at: at + 1 }), "DE").stats;
    // A rate limit is not a refusal: only the wait is learned.
    expect(s).toMatchObject({ attempts: 1, accepted: 0, consecutiveFailures: 1, failuresByClass: { validation: 1, rate_limited: 1 }, lastRateLimitedAt: at + 1, lastRetryAfterSeconds: 300 });
    expect(s.lastFailures.map((f) => f.failureClass)).toEqual(["rate_limited", "validation"]);
  });

  it("leaves the statistics alone for a duplicate listing", () => {
    const before = emptyStats("d");
    expect(applyOutcome(before, outcome({ accepted: false, failureClass: "duplicate_listing" }), "DE").stats).toBe(before);
  });

  it("flags once at the threshold, deactivates past the next, and clears the flag when the directory works again", () => {
    const policy = { ...DEFAULT_FEEDBACK_POLICY, flagAfterConsecutive: 2, deactivateAfterConsecutive: 4 };
    let s = emptyStats("d");
    const results = [];
    for (let i = 0; i < 4; i++) {
      const r = applyOutcome(s, outcome({ accepted: false, failureClass: "blocked", at: at + i }), "DE", policy);
      results.push(r);
      s = r.stats;
    }
    expect(results.map((r) => r.flagged !== null)).toEqual([false, true, false, false]);
    expect(results.map((r) => r.deactivate !== null)).toEqual([false, false, false, true]);
    expect(s.flagReason).toContain("4 failed submissions in a row");
    const back = applyOutcome(s, outcome({ at: at + 10 }), "DE", policy).stats;
    expect(back).toMatchObject({ consecutiveFailures: 0, flaggedAt: null, flagReason: null });
  });

  it("deactivates a directory that almost never accepts, even between acceptances", () => {
    const policy = { ...DEFAULT_FEEDBACK_POLICY, minAttemptsForRate: 10, deactivateBelowRate: 0.2, deactivateAfterConsecutive: 100 };
    let s = { ...emptyStats("d"), attempts: 9, accepted: 1 };
    const r = applyOutcome(s, outcome({ accepted: false, failureClass: "validation" }), "DE", policy);
    expect(r.deactivate).toContain("1 of 10");
    s = { ...emptyStats("d"), attempts: 9, accepted: 5 };
    expect(applyOutcome(s, outcome({ accepted: false, failureClass: "validation" }), "DE", policy).deactivate).toBeNull();
  });
});

describe("feedbackPolicyFrom", () => {
  it("reads thresholds from the environment and ignores what is not a sane number", () => {
    expect(feedbackPolicyFrom(undefined)).toEqual(DEFAULT_FEEDBACK_POLICY);
    expect(feedbackPolicyFrom({ INTEL_FLAG_AFTER: "3", INTEL_DEACTIVATE_AFTER: "7", INTEL_DEACTIVATE_BELOW_RATE: "0.1" })).toMatchObject({
      flagAfterConsecutive: 3,
      deactivateAfterConsecutive: 7,
      deactivateBelowRate: 0.1,
    });
    expect(feedbackPolicyFrom({ INTEL_FLAG_AFTER: "lots", INTEL_DEACTIVATE_AFTER: "-1", INTEL_DEACTIVATE_BELOW_RATE: "2" })).toEqual(DEFAULT_FEEDBACK_POLICY);
    // Deactivation never comes before the flag.
    expect(feedbackPolicyFrom({ INTEL_FLAG_AFTER: "9", INTEL_DEACTIVATE_AFTER: "4" }).deactivateAfterConsecutive).toBe(9);
  });
});
