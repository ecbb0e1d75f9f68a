/** SubmissionTimingOptimizer: when to submit, in the directory's own time zone. */
import { describe, expect, it } from "vitest";
import { localClock, timeZoneFor } from "../../../src/intelligence/time-zone";
import { SubmissionTimingOptimizer } from "../../../src/intelligence/timing";
import { emptyStats, type DirectoryStats } from "../../../src/intelligence/types";

const HOUR = 3_600_000;

/** A directory that accepts 90 % at local hours 9-11 and 10 % otherwise, 20 attempts an hour. */
function morningDirectory(): DirectoryStats {
  const s = emptyStats("d");
  for (let h = 0; h < 24; h++) {
    s.hourAttempts[h] = 20;
    s.hourAccepted[h] = h >= 9 && h <= 11 ? 18 : 2;
  }
  s.attempts = 480;
  s.accepted = s.hourAccepted.reduce((a, b) => a + b, 0);
  for (let d = 0; d < 7; d++) {
    s.weekdayAttempts[d] = s.attempts / 7;
    s.weekdayAccepted[d] = s.accepted / 7;
  }
  return s;
}

describe("SubmissionTimingOptimizer", () => {
  const optimizer = new SubmissionTimingOptimizer();

  it("reads the clock in the directory's time zone", () => {
    const at = Date.UTC(2026, 0, 5, 8, 30); // Monday 08:30 UTC
    expect(localClock(at, timeZoneFor("DE"))).toEqual({ hour: 9, weekday: 1 });
    expect(localClock(at, timeZoneFor("US"))).toEqual({ hour: 3, weekday: 1 });
    expect(localClock(at, timeZoneFor("INT"))).toEqual({ hour: 8, weekday: 1 });
    expect(localClock(Date.UTC(2026, 0, 5, 20), timeZoneFor("AU"))).toEqual({ hour: 7, weekday: 2 });
  });

  it("does not delay without enough history", () => {
    const thin = emptyStats("d");
    thin.hourAttempts[10] = 10;
    thin.hourAccepted[10] = 5;
    expect(optimizer.decide(thin, "DE", Date.now())).toMatchObject({ delayMs: 0, reason: "no_history" });
    expect(optimizer.decide(null, "DE", Date.now())).toMatchObject({ delayMs: 0, reason: "no_history" });
  });

  it("waits for the directory's good hours, to the start of an hour", () => {
    const now = Date.UTC(2026, 0, 5, 3, 20); // 04:20 in Berlin
    const d = optimizer.decide(morningDirectory(), "DE", now);
    expect(d.reason).toBe("better_hour");
    const at = now + d.delayMs;
    expect(at % HOUR).toBe(0);
    const local = localClock(at, timeZoneFor("DE")).hour;
    expect(local).toBeGreaterThanOrEqual(8);
    expect(local).toBeLessThanOrEqual(11);
    expect(d.rateAtRelease!).toBeGreaterThan(d.rateNow! * 2);
  });

  it("submits now when now is about as good as it gets", () => {
    const now = Date.UTC(2026, 0, 5, 9, 5); // 10:05 in Berlin
    expect(optimizer.decide(morningDirectory(), "DE", now)).toMatchObject({ delayMs: 0, reason: "now_is_good" });
  });

  it("never waits longer than its limit", () => {
    const short = new SubmissionTimingOptimizer({ maxDelayMs: 2 * HOUR });
    const now = Date.UTC(2026, 0, 5, 15, 0); // 16:00 in Berlin, the good hours are 17 h away
    expect(short.decide(morningDirectory(), "DE", now).delayMs).toBe(0);
    const d = optimizer.decide(morningDirectory(), "DE", now);
    expect(d.delayMs).toBeLessThanOrEqual(8 * HOUR);
  });

  it("waits out a rate limit the directory set", () => {
    const now = Date.UTC(2026, 0, 5, 9, 5);
    const s = morningDirectory();
    s.lastRateLimitedAt = now - 60_000;
    s.lastRetryAfterSeconds = 600;
    expect(optimizer.decide(s, "DE", now)).toMatchObject({ delayMs: 540_000, reason: "rate_limited" });
    // Long past: forgotten.
    s.lastRateLimitedAt = now - 86_400_000;
    expect(optimizer.decide(s, "DE", now).delayMs).toBe(0);
    // Even without history.
    const fresh = emptyStats("x");
    fresh.lastRateLimitedAt = now;
    fresh.lastRetryAfterSeconds = 30;
    expect(optimizer.decide(fresh, "DE", now)).toMatchObject({ delayMs: 30_000, reason: "rate_limited" });
  });
});

describe("SubmissionTimingOptimizer spreading", () => {
  it("spreads jobs waiting for one directory over its good hours, the same way every time", () => {
    const optimizer = new SubmissionTimingOptimizer();
    const now = Date.UTC(2026, 0, 5, 3, 20); // 04:20 in Berlin
    // Good from 08:00 to 14:59 local: a plateau of several equally good hours.
    const s = morningDirectory();
    for (let h = 0; h < 24; h++) s.hourAccepted[h] = h >= 8 && h <= 14 ? 18 : 2;
    const at = (key: string) => now + optimizer.decide(s, "DE", now, key).delayMs;
    const times = Array.from({ length: 40 }, (_, i) => at(`job${i}:d`));
    expect(times.map((t) => at(`job${times.indexOf(t)}:d`))).toEqual(times);
    const hours = new Set(times.map((t) => localClock(t, timeZoneFor("DE")).hour));
    expect(hours.size).toBeGreaterThan(1);
    for (const h of hours) expect(h >= 8 && h <= 14).toBe(true);
    // Within an hour, at different minutes.
    expect(new Set(times.map((t) => Math.floor(t / 60_000))).size).toBeGreaterThan(20);
    expect(optimizer.factorAt(s, "DE", now)).toBeLessThan(0.5);
    expect(optimizer.factorAt(s, "DE", now + 6 * HOUR)).toBeGreaterThan(1.3);
    expect(optimizer.factorAt(emptyStats("x"), "DE", now)).toBe(1);
  });
});
