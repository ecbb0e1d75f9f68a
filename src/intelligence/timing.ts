/**
 * SubmissionTimingOptimizer: when to submit to a directory. From the hours of
 * day and days of week (in the directory's own time zone) at which it has
 * accepted and refused submissions, it finds the best coming hour within
 * `maxDelayMs`, and answers with a delay: 0 when now is about as good as it
 * gets (or the history is too thin to say), else the wait until the first
 * hour that is. A rate limit the directory set recently is waited out first.
 *
 * Each hour's and day's rate is a Beta posterior shrunk towards the
 * directory's overall rate (so a few lucky attempts at 3 a.m. mean little),
 * and neighbouring hours are blended, because a directory's good window is
 * rarely exactly one hour wide.
 */
import { localClock, timeZoneFor } from "./time-zone";
import type { DirectoryStats } from "./types";

export interface TimingOptions {
  /** Below this many attempts the directory's clock is not trusted: no delay. */
  minAttempts?: number;
  /** Pseudo-attempts each hour or day is shrunk with towards the overall rate. */
  shrinkage?: number;
  /** Wait only for an hour at least this much better (relative) than now. */
  minLift?: number;
  maxDelayMs?: number;
}

const DEFAULTS: Required<TimingOptions> = { minAttempts: 40, shrinkage: 6, minLift: 0.15, maxDelayMs: 8 * 3_600_000 };
const HOUR = 3_600_000;

export interface TimingDecision {
  delayMs: number;
  /** Expected acceptance now and at the chosen time (equal when no delay). */
  rateNow: number | null;
  rateAtRelease: number | null;
  reason: "no_history" | "now_is_good" | "better_hour" | "rate_limited";
}

type TimingStats = Pick<
  DirectoryStats,
  "attempts" | "accepted" | "hourAttempts" | "hourAccepted" | "weekdayAttempts" | "weekdayAccepted" | "lastRateLimitedAt" | "lastRetryAfterSeconds"
>;

export class SubmissionTimingOptimizer {
  private readonly options: Required<TimingOptions>;

  constructor(options: TimingOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Smoothed acceptance by local hour (24) and the weekday factor (7, mean ≈ 1). */
  profile(stats: TimingStats): { overall: number; hour: number[]; weekday: number[] } {
    const s = this.options.shrinkage;
    const overall = stats.attempts ? stats.accepted / stats.attempts : 0;
    const raw = stats.hourAttempts.map((n, h) => ((stats.hourAccepted[h] ?? 0) + s * overall) / (n + s));
    const hour = raw.map((r, h) => 0.25 * raw[(h + 23) % 24]! + 0.5 * r + 0.25 * raw[(h + 1) % 24]!);
    const weekday = stats.weekdayAttempts.map((n, d) => (overall > 0 ? ((stats.weekdayAccepted[d] ?? 0) + s * overall) / (n + s) / overall : 1));
    return { overall, hour, weekday };
  }

  /** Expected acceptance at `at` (epoch ms) for a directory of `country`. */
  rateAt(stats: TimingStats, country: string, at: number): number {
    const p = this.profile(stats);
    const clock = localClock(at, timeZoneFor(country));
    return Math.min(1, p.hour[clock.hour]! * p.weekday[clock.weekday]!);
  }

  decide(stats: TimingStats | null | undefined, country: string, now: number): TimingDecision {
    const limitedUntil =
      stats?.lastRateLimitedAt != null && stats.lastRetryAfterSeconds != null ? stats.lastRateLimitedAt + stats.lastRetryAfterSeconds * 1000 : 0;
    const rateLimitWait = Math.max(0, Math.min(this.options.maxDelayMs, limitedUntil - now));
    if (!stats || stats.attempts < this.options.minAttempts || stats.accepted === 0) {
      return { delayMs: rateLimitWait, rateNow: null, rateAtRelease: null, reason: rateLimitWait ? "rate_limited" : "no_history" };
    }
    const zone = timeZoneFor(country);
    const p = this.profile(stats);
    const rate = (at: number) => {
      const c = localClock(at, zone);
      return Math.min(1, p.hour[c.hour]! * p.weekday[c.weekday]!);
    };
    const start = now + rateLimitWait;
    const rateNow = rate(start);
    // Candidate release times: `start`, then the start of every following hour.
    const toNextHour = HOUR - (start % HOUR);
    let best = rateNow;
    const candidates: { at: number; rate: number }[] = [{ at: start, rate: rateNow }];
    for (let at = start + toNextHour; at - now <= this.options.maxDelayMs; at += HOUR) {
      const r = rate(at);
      candidates.push({ at, rate: r });
      if (r > best) best = r;
    }
    if (rateNow >= best * (1 - this.options.minLift)) {
      return { delayMs: rateLimitWait, rateNow, rateAtRelease: rateNow, reason: rateLimitWait ? "rate_limited" : "now_is_good" };
    }
    // The first hour that is nearly as good as the best: waiting longer gains little.
    const chosen = candidates.find((c) => c.rate >= best * (1 - this.options.minLift / 3))!;
    return { delayMs: chosen.at - now, rateNow, rateAtRelease: chosen.rate, reason: "better_hour" };
  }
}
