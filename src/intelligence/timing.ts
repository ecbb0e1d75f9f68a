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

const DEFAULTS: Required<TimingOptions> = { minAttempts: 24, shrinkage: 6, minLift: 0.15, maxDelayMs: 8 * 3_600_000 };
const HOUR = 3_600_000;
/** Delayed submissions spread over the first 45 minutes of their hour. */
const SPREAD_MS = 45 * 60_000;

/** FNV-1a: a stable spread from a key. */
function hash32(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export interface TimingDecision {
  delayMs: number;
  /** Expected acceptance now and at the chosen time (equal when no delay). */
  rateNow: number | null;
  rateAtRelease: number | null;
  reason: "no_history" | "now_is_good" | "better_hour" | "rate_limited";
}

type TimingStats = Pick<DirectoryStats, "hourAttempts" | "hourAccepted" | "weekdayAttempts" | "weekdayAccepted" | "lastRateLimitedAt" | "lastRetryAfterSeconds">;

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The clock's own totals: every attempt with a time, whether or not the business fitted. */
function totals(stats: TimingStats): { attempts: number; accepted: number } {
  return { attempts: sum(stats.hourAttempts), accepted: sum(stats.hourAccepted) };
}

export class SubmissionTimingOptimizer {
  private readonly options: Required<TimingOptions>;

  constructor(options: TimingOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Smoothed acceptance by local hour (24) and the weekday factor (7, mean ≈ 1). */
  profile(stats: TimingStats): { overall: number; hour: number[]; weekday: number[] } {
    const s = this.options.shrinkage;
    const t = totals(stats);
    const overall = t.attempts ? t.accepted / t.attempts : 0;
    const raw = stats.hourAttempts.map((n, h) => ((stats.hourAccepted[h] ?? 0) + s * overall) / (n + s));
    const hour = raw.map((r, h) => 0.25 * raw[(h + 23) % 24]! + 0.5 * r + 0.25 * raw[(h + 1) % 24]!);
    const weekday = stats.weekdayAttempts.map((n, d) => (overall > 0 ? ((stats.weekdayAccepted[d] ?? 0) + s * overall) / (n + s) / overall : 1));
    return { overall, hour, weekday };
  }

  /**
   * How much better (> 1) or worse (< 1) than its average the directory
   * answers at `at`; 1 when its history is too thin to say. The probability
   * model's rate times this is the chance at a given time.
   */
  factorAt(stats: TimingStats | null | undefined, country: string, at: number): number {
    const t = stats ? totals(stats) : { attempts: 0, accepted: 0 };
    if (!stats || t.attempts < this.options.minAttempts || t.accepted === 0) return 1;
    return this.rateAt(stats, country, at) / (t.accepted / t.attempts);
  }

  /** Expected acceptance at `at` (epoch ms) for a directory of `country`. */
  rateAt(stats: TimingStats, country: string, at: number): number {
    const p = this.profile(stats);
    const clock = localClock(at, timeZoneFor(country));
    return Math.min(1, p.hour[clock.hour]! * p.weekday[clock.weekday]!);
  }

  /**
   * `spreadKey` (e.g. job and directory ids) places a delayed submission at a
   * fixed hour among the good ones and a fixed point within it, so that the
   * tasks of many jobs waiting for one directory do not all reach its host in
   * the same minute.
   */
  decide(stats: TimingStats | null | undefined, country: string, now: number, spreadKey?: string): TimingDecision {
    const limitedUntil = stats?.lastRateLimitedAt != null && stats.lastRetryAfterSeconds != null ? stats.lastRateLimitedAt + stats.lastRetryAfterSeconds * 1000 : 0;
    const rateLimitWait = Math.max(0, Math.min(this.options.maxDelayMs, limitedUntil - now));
    const t = stats ? totals(stats) : { attempts: 0, accepted: 0 };
    if (!stats || t.attempts < this.options.minAttempts || t.accepted === 0) {
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
    // Hours nearly as good as the best: the first one, or with a spread key
    // one of them by key, so many jobs waiting for one directory's good
    // window share it instead of queueing at its first minute.
    const good = candidates.filter((c) => c.at > start - 1 && c.rate >= best * (1 - this.options.minLift / 3));
    const h = spreadKey ? hash32(spreadKey) : 0;
    const chosen = spreadKey ? good[h % good.length]! : good[0]!;
    const spread = spreadKey ? Math.floor(((h >>> 8) / 2 ** 24) * SPREAD_MS) : 0;
    return { delayMs: chosen.at - now + spread, rateNow, rateAtRelease: chosen.rate, reason: "better_hour" };
  }
}
