/**
 * The submission intelligence, simulated: 200 farm-like directories with
 * hidden true acceptance rates (set by their features, the business's fit
 * and an hour-of-day effect in their own time zone), hosts shared by several
 * directories that rate-limit back-to-back submissions, and 10,000
 * submissions: 6,000 of history (random order and hours, counted by the
 * feedback loop) and 4,000 in 80 jobs of 50, released by each strategy to
 * the same 6 browsers:
 *
 *   catalog   release in catalog order (job by job, highest DA first), no delays
 *   queue     AIEnhancedQueueManager (expected value, hosts spread, jobs fair)
 *   timed     the queue manager plus the SubmissionTimingOptimizer's delays
 *
 * Measured: accepted submissions per browser-hour (busy time) within the
 * first 6 hours of the stream (a backlog: the order decides what gets done)
 * and over the whole drain (everything done), and the calibration of the
 * probability model on the evaluation attempts (deciles, Brier, ECE, against
 * a constant-rate predictor). Seeded and deterministic.
 *
 *   npm run bench:intel
 */
import { calibration } from "../src/intelligence/calibration";
import { applyOutcome } from "../src/intelligence/feedback";
import { AIEnhancedQueueManager, type QueueTask } from "../src/intelligence/queue-manager";
import { fitLogOdds, SuccessProbabilityCalculator, type BusinessFit } from "../src/intelligence/success-probability";
import { localClock, timeZoneFor } from "../src/intelligence/time-zone";
import { SubmissionTimingOptimizer } from "../src/intelligence/timing";
import { pickNext } from "../src/intelligence/release-picker";
import { emptyStats, type DirectoryFacts, type DirectoryStats } from "../src/intelligence/types";
import { prng } from "../core/text";

// ---- seeded randomness (the engine's mulberry32, prng) -------------------------------------------------------
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const pickFrom = <T>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

const SEED = Number(process.env.INTEL_SEED ?? 20261122);
/**
 * Worlds never used to choose the scheduler's settings (those were chosen on
 * seeds 11-13): the policies' gains over catalog order on each, so the
 * figure on the default seed is not mistaken for the rule.
 */
const HOLDOUT_SEEDS = [101, 102, 103, 104, 105];
/** The worlds the settings are chosen on. */
const TUNING_SEEDS = [11, 12, 13];
const DIRECTORIES = 200;
const HISTORY = 6_000;
const JOBS = 80;
const PER_JOB = 50;
const BROWSERS = 6;
const JOB_EVERY_MS = 4 * 60_000;
const HORIZON_MS = 6 * 3_600_000;
const HOST_COOLDOWN_MS = 120_000;
const RATE_LIMIT_RETRY_S = 300;
const MAX_ATTEMPTS = 6;
const START = Date.UTC(2026, 0, 5, 6, 0); // Monday 06:00 UTC

// ---- the hidden world ----------------------------------------------------------
interface TrueDirectory {
  facts: DirectoryFacts;
  base: number; // logit
  amplitude: number; // logit swing over the day
  peakHour: number; // local hour of the best acceptance
  durationS: number; // seconds a submission takes
}
interface Business extends BusinessFit {
  categories: string[];
  country: string;
}

const CATEGORIES = ["general", "general", "general", "restaurants", "health", "legal", "trades"];
const COUNTRIES = ["US", "GB", "DE", "FR", "INT", "INT"];
const APPROVALS = ["instant", "review", "email"];

function makeWorld(r: () => number): TrueDirectory[] {
  const dirs: TrueDirectory[] = [];
  let host = 0;
  while (dirs.length < DIRECTORIES) {
    // Farm-like: a design (host) serves 1-4 directories.
    const share = 1 + Math.floor(r() * r() * 4);
    host++;
    for (let k = 0; k < share && dirs.length < DIRECTORIES; k++) {
      const captcha = r() < 0.3;
      const approval = pickFrom(r, APPROVALS);
      const dead = r() < 0.06;
      const base = dead ? -4 : 0.6 + (captcha ? -0.9 : 0) + (approval === "instant" ? 0.6 : approval === "review" ? -0.4 : 0) + 0.8 * normal(r);
      dirs.push({
        facts: {
          id: `d${dirs.length}`,
          category: pickFrom(r, CATEGORIES),
          country: pickFrom(r, COUNTRIES),
          requiresCaptcha: captcha,
          approvalType: approval,
          daScore: 10 + Math.floor(r() * 85),
          host: `h${host}.farm.test`,
        },
        base,
        amplitude: 0.3 + 1.7 * r(),
        peakHour: 8 + Math.floor(r() * 10),
        durationS: 25 + r() * 70,
      });
    }
  }
  return dirs;
}

function trueProbability(d: TrueDirectory, business: Business, at: number): number {
  const { hour } = localClock(at, timeZoneFor(d.facts.country));
  let logit = d.base + d.amplitude * Math.cos((2 * Math.PI * (hour - d.peakHour)) / 24);
  if (d.facts.country !== "INT" && d.facts.country !== business.country) logit -= 2;
  if (d.facts.category !== "general") logit += business.categories.includes(d.facts.category) ? 0.2 : -1.2;
  return sigmoid(logit);
}

function makeBusiness(r: () => number): Business {
  return {
    categories: [
      pickFrom(
        r,
        CATEGORIES.filter((c) => c !== "general"),
      ),
    ],
    country: pickFrom(r, ["US", "GB", "DE", "FR"]),
  };
}

/** Tier selection offers a business its own country's directories and international ones. */
function selectable(world: TrueDirectory[], business: Business): TrueDirectory[] {
  return world.filter((d) => d.facts.country === "INT" || d.facts.country === business.country);
}

// ---- history -------------------------------------------------------------------
function history(world: TrueDirectory[], r: () => number): Map<string, DirectoryStats> {
  const stats = new Map(world.map((d) => [d.facts.id, emptyStats(d.facts.id)]));
  for (let i = 0; i < HISTORY; i++) {
    const business = makeBusiness(r);
    const offered = selectable(world, business);
    const d = offered[Math.floor(r() * offered.length)]!;
    const at = START - 14 * 86_400_000 + Math.floor(r() * 14 * 86_400_000);
    const accepted = r() < trueProbability(d, business, at);
    const fits = fitLogOdds(d.facts, business) >= 0;
    const next = applyOutcome(
      stats.get(d.facts.id)!,
      { submissionId: `h${i}`, attempt: 1, directoryId: d.facts.id, at, accepted, failureClass: accepted ? null : "validation", fits },
      d.facts.country,
    );
    stats.set(d.facts.id, next.stats);
  }
  return stats;
}

// ---- the evaluation stream -----------------------------------------------------
type Strategy = "catalog" | "queue" | "timed";
interface SimTask extends QueueTask {
  directory: DirectoryFacts;
  business: Business;
  notBefore: number;
  /** The timing optimizer's better hour (timed only): waited for only while there is other work. */
  preferAfter?: number;
  attempt: number;
  catalogRank: number;
}
interface RunResult {
  horizon: { accepted: number; attempts: number; browserHours: number; rateLimited: number };
  drain: { accepted: number; attempts: number; browserHours: number; rateLimited: number; hours: number };
  jobsStarted: number;
  samples: { predicted: number; accepted: boolean }[];
}

function simulate(strategy: Strategy, world: TrueDirectory[], startStats: Map<string, DirectoryStats>, seed = SEED): RunResult {
  const r = prng(seed + 7); // the same jobs and the same coin flips' stream for every strategy
  const byId = new Map(world.map((d) => [d.facts.id, d]));
  const stats = new Map([...startStats].map(([k, v]) => [k, v]));
  const facts = world.map((d) => d.facts);
  const timing = new SubmissionTimingOptimizer();
  // Spacing as wide as two rounds of the browsers: a host is not hit again within its cooldown.
  const queue = new AIEnhancedQueueManager({ hostSpacing: 2 * BROWSERS });
  const jobs = Array.from({ length: JOBS }, (_, j) => {
    const business = makeBusiness(r);
    const chosen = [...selectable(world, business)].sort(() => r() - 0.5).slice(0, PER_JOB);
    return { id: `job${String(j).padStart(3, "0")}`, arrival: START + j * JOB_EVERY_MS, business, chosen };
  });
  const coins = prng(seed + 99);
  let pending: SimTask[] = [];
  const lastHostAt = new Map<string, number>();
  // The scheduler's own record of its releases per host (what the release picker sees; the world's is lastHostAt).
  const released = new Map<string, number>();
  const browsers = new Array<number>(BROWSERS).fill(START);
  let nextJob = 0;
  const out: RunResult = {
    horizon: { accepted: 0, attempts: 0, browserHours: 0, rateLimited: 0 },
    drain: { accepted: 0, attempts: 0, browserHours: 0, rateLimited: 0, hours: 0 },
    jobsStarted: 0,
    samples: [],
  };
  let calculator = new SuccessProbabilityCalculator(SuccessProbabilityCalculator.groupsOf(facts, stats), stats);

  const admit = (now: number) => {
    let admitted = false;
    while (nextJob < jobs.length && jobs[nextJob]!.arrival <= now) {
      const job = jobs[nextJob++]!;
      out.jobsStarted++;
      admitted = true;
      calculator = new SuccessProbabilityCalculator(SuccessProbabilityCalculator.groupsOf(facts, stats), stats);
      const tasks = job.chosen
        .map(
          (d): SimTask => ({
            id: `${job.id}:${d.facts.id}`,
            jobId: job.id,
            directory: d.facts,
            business: job.business,
            probability: calculator.probability(d.facts, job.business),
            durationMs: stats.get(d.facts.id)?.meanDurationMs ?? null,
            notBefore: job.arrival,
            preferAfter: strategy === "timed" ? job.arrival + timing.decide(stats.get(d.facts.id), d.facts.country, job.arrival, `${job.id}:${d.facts.id}`).delayMs : undefined,
            attempt: 0,
            catalogRank: 0,
          }),
        )
        .sort((a, b) => (b.directory.daScore ?? 0) - (a.directory.daScore ?? 0));
      for (const [i, t] of tasks.entries()) t.catalogRank = i;
      pending.push(...tasks);
    }
    if (admitted && strategy !== "catalog") pending = queue.order(pending);
  };

  for (;;) {
    // The browser that is free first takes the first eligible task.
    let b = 0;
    for (let i = 1; i < BROWSERS; i++) if (browsers[i]! < browsers[b]!) b = i;
    const now = browsers[b]!;
    admit(now);
    if (pending.length === 0 && nextJob >= jobs.length) break;
    // Catalog: the first due task. Queue and timed: the release picker (hosts rested, better hours only while idle otherwise).
    const index = strategy === "catalog" ? pending.findIndex((t) => t.notBefore <= now) : pickNext(pending, now, released, { parallelism: BROWSERS, typicalTaskMs: 50_000 });
    if (index < 0) {
      // Idle until something becomes due (not counted as browser time).
      const due = Math.min(...pending.map((t) => t.notBefore), nextJob < jobs.length ? jobs[nextJob]!.arrival : Infinity);
      browsers[b] = Math.max(now + 1_000, due);
      continue;
    }
    const [task] = pending.splice(index, 1) as [SimTask];
    task.attempt++;
    const d = byId.get(task.directory.id)!;
    const hostBusy = now - (lastHostAt.get(task.directory.host) ?? -Infinity) < HOST_COOLDOWN_MS;
    lastHostAt.set(task.directory.host, now);
    released.set(task.directory.host, now);
    const coin = coins();
    const rateLimited = hostBusy && coin < 0.8;
    const p = trueProbability(d, task.business, now);
    const accepted = !rateLimited && coins() < p;
    const durationMs = rateLimited ? 5_000 : Math.round(d.durationS * (accepted ? 1 : 0.6) * 1000);
    browsers[b] = now + durationMs;
    if (!rateLimited && strategy === "timed") {
      // The model's chance at this hour: the directory's rate times its hour-of-day factor.
      const predicted = Math.min(0.99, calculator.probability(task.directory, task.business) * timing.factorAt(stats.get(d.facts.id), d.facts.country, now));
      out.samples.push({ predicted, accepted });
    }
    const applied = applyOutcome(
      stats.get(d.facts.id)!,
      {
        submissionId: task.id,
        attempt: task.attempt,
        directoryId: d.facts.id,
        at: now,
        accepted,
        failureClass: accepted ? null : rateLimited ? "rate_limited" : "validation",
        retryAfterSeconds: rateLimited ? RATE_LIMIT_RETRY_S : null,
        durationMs,
        fits: fitLogOdds(d.facts, task.business) >= 0,
      },
      d.facts.country,
    );
    stats.set(d.facts.id, applied.stats);
    for (const bucket of now < START + HORIZON_MS ? [out.horizon, out.drain] : [out.drain]) {
      bucket.attempts++;
      bucket.browserHours += durationMs / 3_600_000;
      if (accepted) bucket.accepted++;
      if (rateLimited) bucket.rateLimited++;
    }
    if (rateLimited && task.attempt < MAX_ATTEMPTS) {
      // The retry policy: back after the directory's Retry-After, ahead of new work.
      task.notBefore = now + RATE_LIMIT_RETRY_S * 1000;
      pending.unshift(task);
    }
    out.drain.hours = (Math.max(...browsers) - START) / 3_600_000;
  }
  return out;
}

// ---- run and report ----------------------------------------------------------------
function runSeed(seed: number): Record<Strategy, RunResult> {
  const world = makeWorld(prng(seed));
  const past = history(world, prng(seed + 1));
  return Object.fromEntries((["catalog", "queue", "timed"] as const).map((s) => [s, simulate(s, world, past, seed)])) as Record<Strategy, RunResult>;
}
const results = runSeed(SEED);
const perHour = (x: { accepted: number; browserHours: number }) => x.accepted / x.browserHours;
const cal = calibration(results.timed.samples);
const baseRate = results.timed.samples.filter((s) => s.accepted).length / results.timed.samples.length;
const constantBrier = calibration(results.timed.samples.map((s) => ({ predicted: baseRate, accepted: s.accepted }))).brier;

/**
 * Every policy against catalog order, seed by seed: on the worlds the
 * settings were chosen on (TUNING_SEEDS) and on worlds never used for that
 * (HOLDOUT_SEEDS), so the figure on the default seed is not mistaken for
 * the rule.
 */
interface SeedRow {
  seed: number;
  perHour: Record<Strategy, number>;
  gain: Record<Strategy, number>;
  drainHours: Record<Strategy, number>;
  rateLimited: Record<Strategy, number>;
}
const STRATEGIES = ["catalog", "queue", "timed"] as const;
function seedRow(seed: number): SeedRow {
  const r = runSeed(seed);
  const per = (f: (x: RunResult) => number) => Object.fromEntries(STRATEGIES.map((s) => [s, f(r[s])])) as Record<Strategy, number>;
  return {
    seed,
    perHour: per((x) => perHour(x.horizon)),
    gain: per((x) => perHour(x.horizon) / perHour(r.catalog.horizon) - 1),
    drainHours: per((x) => x.drain.hours),
    rateLimited: per((x) => x.drain.rateLimited),
  };
}
const tuning = TUNING_SEEDS.map(seedRow);
/** INTEL_TUNE=1: the tuning worlds only, so a setting is chosen without ever looking at the held-out ones. */
const tuneOnly = Boolean(process.env.INTEL_TUNE);
const holdout = tuneOnly ? [] : HOLDOUT_SEEDS.map(seedRow);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const fmt = (x: number, d = 2) => x.toFixed(d);
console.log(`Submission intelligence simulation: ${DIRECTORIES} directories, ${HISTORY} history + ${JOBS * PER_JOB} evaluated submissions, ${BROWSERS} browsers, seed ${SEED}`);
console.log("");
console.log("strategy   window  accepted attempts rate-limited browser-h accepted/browser-h | drain: accepted browser-h accepted/browser-h  hours rate-limited");
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(10)} ${String(HORIZON_MS / 3_600_000).padStart(4)} h ${String(r.horizon.accepted).padStart(9)} ${String(r.horizon.attempts).padStart(8)} ${String(r.horizon.rateLimited).padStart(12)} ${fmt(r.horizon.browserHours).padStart(9)} ${fmt(perHour(r.horizon)).padStart(18)} | ${String(r.drain.accepted).padStart(15)} ${fmt(r.drain.browserHours).padStart(9)} ${fmt(perHour(r.drain)).padStart(18)} ${fmt(r.drain.hours, 2).padStart(6)} ${String(r.drain.rateLimited).padStart(12)}`,
  );
}
console.log("");
console.log(`Calibration of SuccessProbabilityCalculator on ${cal.n} evaluated attempts (rate-limited ones excluded):`);
console.log("decile      n  predicted  observed");
for (const b of cal.bins) if (b.n) console.log(`${fmt(b.from, 1)}-${fmt(b.to, 1)} ${String(b.n).padStart(6)} ${fmt(b.meanPredicted, 3).padStart(10)} ${fmt(b.observed, 3).padStart(9)}`);
console.log(`Brier ${fmt(cal.brier, 4)} (constant ${fmt(baseRate, 3)}: ${fmt(constantBrier, 4)}), ECE ${fmt(cal.ece, 4)}`);

const figures = {
  catalog_accepted_per_browser_hour: +fmt(perHour(results.catalog.horizon), 3),
  queue_accepted_per_browser_hour: +fmt(perHour(results.queue.horizon), 3),
  timed_accepted_per_browser_hour: +fmt(perHour(results.timed.horizon), 3),
  catalog_drain_accepted_per_browser_hour: +fmt(perHour(results.catalog.drain), 3),
  queue_drain_accepted_per_browser_hour: +fmt(perHour(results.queue.drain), 3),
  timed_drain_accepted_per_browser_hour: +fmt(perHour(results.timed.drain), 3),
  catalog_drain_accepted: results.catalog.drain.accepted,
  queue_drain_accepted: results.queue.drain.accepted,
  timed_drain_accepted: results.timed.drain.accepted,
  catalog_drain_hours: +fmt(results.catalog.drain.hours, 2),
  queue_drain_hours: +fmt(results.queue.drain.hours, 2),
  timed_drain_hours: +fmt(results.timed.drain.hours, 2),
  catalog_rate_limited: results.catalog.drain.rateLimited,
  queue_rate_limited: results.queue.drain.rateLimited,
  timed_rate_limited: results.timed.drain.rateLimited,
  brier: +fmt(cal.brier, 4),
  ece: +fmt(cal.ece, 4),
  calibration_samples: cal.n,
  holdout_queue_gain_mean: +mean(holdout.map((h) => h.gain.queue)).toFixed(3),
  holdout_timed_gain_mean: +mean(holdout.map((h) => h.gain.timed)).toFixed(3),
  holdout_queue_gain_min: +Math.min(...holdout.map((h) => h.gain.queue)).toFixed(3),
  holdout_timed_gain_min: +Math.min(...holdout.map((h) => h.gain.timed)).toFixed(3),
  holdout_worst_drain_delta_hours: +Math.max(...holdout.map((h) => Math.max(h.drainHours.queue, h.drainHours.timed) - h.drainHours.catalog)).toFixed(2),
  holdout_worst_rate_limit_delta: Math.max(...holdout.map((h) => Math.max(h.rateLimited.queue, h.rateLimited.timed) - h.rateLimited.catalog)),
};
const baselines = {
  catalog_accepted_per_browser_hour: figures.catalog_accepted_per_browser_hour,
  catalog_drain_accepted_per_browser_hour: figures.catalog_drain_accepted_per_browser_hour,
  constant_rate_brier: +fmt(constantBrier, 4),
};
const ratios = {
  queue_vs_catalog: +fmt(figures.queue_accepted_per_browser_hour / figures.catalog_accepted_per_browser_hour, 3),
  timed_vs_catalog: +fmt(figures.timed_accepted_per_browser_hour / figures.catalog_accepted_per_browser_hour, 3),
  timed_vs_queue: +fmt(figures.timed_accepted_per_browser_hour / figures.queue_accepted_per_browser_hour, 3),
  drain_accepted_timed_vs_catalog: +fmt(figures.timed_drain_accepted / figures.catalog_drain_accepted, 3),
  drain_timed_vs_catalog: +fmt(figures.timed_drain_accepted_per_browser_hour / figures.catalog_drain_accepted_per_browser_hour, 3),
  brier_vs_constant: +fmt(cal.brier / constantBrier, 3),
};

const pct = (x: number) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(1)}%`;
console.log("");
const table = (title: string, rows: SeedRow[]) => {
  console.log(title);
  console.log("seed  | accepted/browser-h (6 h) catalog  queue          timed         | drain h catalog queue timed | rate limits catalog queue timed");
  for (const h of rows)
    console.log(
      `${String(h.seed).padEnd(5)} | ${fmt(h.perHour.catalog).padStart(32)} ${fmt(h.perHour.queue).padStart(6)} ${pct(h.gain.queue).padStart(7)} ${fmt(h.perHour.timed).padStart(6)} ${pct(h.gain.timed).padStart(7)} | ${fmt(h.drainHours.catalog).padStart(15)} ${fmt(h.drainHours.queue).padStart(5)} ${fmt(h.drainHours.timed).padStart(5)} | ${String(h.rateLimited.catalog).padStart(19)} ${String(h.rateLimited.queue).padStart(5)} ${String(h.rateLimited.timed).padStart(5)}`,
    );
  const m = (f: (h: SeedRow) => number) => mean(rows.map(f));
  console.log(
    `mean  | ${fmt(m((h) => h.perHour.catalog)).padStart(32)} ${fmt(m((h) => h.perHour.queue)).padStart(6)} ${pct(m((h) => h.gain.queue)).padStart(7)} ${fmt(m((h) => h.perHour.timed)).padStart(6)} ${pct(m((h) => h.gain.timed)).padStart(7)} | ${fmt(m((h) => h.drainHours.catalog)).padStart(15)} ${fmt(m((h) => h.drainHours.queue)).padStart(5)} ${fmt(m((h) => h.drainHours.timed)).padStart(5)} | ${fmt(
      m((h) => h.rateLimited.catalog),
      1,
    ).padStart(19)} ${fmt(
      m((h) => h.rateLimited.queue),
      1,
    ).padStart(5)} ${fmt(
      m((h) => h.rateLimited.timed),
      1,
    ).padStart(5)}`,
  );
};
table(`Tuning worlds (seeds ${TUNING_SEEDS.join(", ")}: the settings are chosen on these)`, tuning);
if (tuneOnly) process.exit(0);
console.log("");
table(`Held-out worlds (seeds ${HOLDOUT_SEEDS.join(", ")}: never used to choose a setting)`, holdout);
console.log("");
console.log(`BENCH_RESULT ${JSON.stringify({ name: "intelligence", figures, baselines, ratios })}`);
