/**
 * SuccessProbabilityCalculator: the probability that a submission to a
 * directory is accepted.
 *
 * Beta-Binomial: a directory's history (accepted out of attempts) updates a
 * Beta prior whose mean comes from similar directories, pooled at the most
 * specific level that has enough history: same category, country, captcha
 * and approval type; else same captcha, approval type and country; else same
 * captcha and approval type; else every directory; else `fallbackMean`. The
 * directory's own history is left out of its prior (leave-one-out), so a
 * directory is never its own evidence twice.
 *
 * The business's fit shifts the log-odds: a directory of another country
 * mostly refuses a foreign address, a niche directory of another trade
 * mostly refuses the listing.
 */
import type { DirectoryFacts, DirectoryStats } from "./types";

/** Pooled history of directories that share the four prior features. */
export interface GroupHistory {
  category: string;
  country: string;
  requiresCaptcha: boolean;
  approvalType: string;
  attempts: number;
  accepted: number;
}

export interface BusinessFit {
  categories: readonly string[];
  country: string | null;
}

export interface ProbabilityOptions {
  /** Pseudo-observations the prior is worth (how fast a directory's own history takes over). */
  priorStrength?: number;
  /** A pooled group needs this many attempts (others') to serve as the prior. */
  minGroupAttempts?: number;
  /** The prior mean when nothing at all is known. */
  fallbackMean?: number;
  /** Log-odds shifts for the business's fit. */
  foreignCountryLogOdds?: number;
  otherTradeLogOdds?: number;
  sameTradeLogOdds?: number;
}

const DEFAULTS: Required<ProbabilityOptions> = {
  priorStrength: 8,
  minGroupAttempts: 30,
  fallbackMean: 0.5,
  foreignCountryLogOdds: -2,
  otherTradeLogOdds: -1.2,
  sameTradeLogOdds: 0.2,
};

type Level = "segment" | "country" | "kind" | "all" | "none";
const KEYS: [Exclude<Level, "none">, (g: Pick<GroupHistory, "category" | "country" | "requiresCaptcha" | "approvalType">) => string][] = [
  ["segment", (g) => `${g.category}|${g.country}|${g.requiresCaptcha}|${g.approvalType}`],
  ["country", (g) => `${g.country}|${g.requiresCaptcha}|${g.approvalType}`],
  ["kind", (g) => `${g.requiresCaptcha}|${g.approvalType}`],
  ["all", () => "*"],
];

export interface Prior {
  mean: number;
  strength: number;
  level: Level;
}

const clamp01 = (p: number) => Math.min(1 - 1e-6, Math.max(1e-6, p));
const logit = (p: number) => Math.log(clamp01(p) / (1 - clamp01(p)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const fold = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/**
 * How well a business fits a directory, as a log-odds shift (0 = neutral,
 * negative = a misfit). The feedback loop counts only fitting submissions
 * into a directory's rate, so the rate is "for a business that fits" and the
 * shift is applied once, here.
 */
export function fitLogOdds(
  directory: Pick<DirectoryFacts, "country" | "category">,
  business: BusinessFit | null | undefined,
  options: Pick<Required<ProbabilityOptions>, "foreignCountryLogOdds" | "otherTradeLogOdds" | "sameTradeLogOdds"> = DEFAULTS,
): number {
  if (!business) return 0;
  let shift = 0;
  const country = directory.country.toUpperCase();
  if (business.country && country !== "INT" && country !== business.country.toUpperCase()) shift += options.foreignCountryLogOdds;
  const category = fold(directory.category);
  if (category && category !== "general" && business.categories.length) {
    const words = new Set(category.split(" "));
    const match = business.categories.some((c) => {
      const f = fold(c);
      return f === category || f.split(" ").some((w) => w.length >= 4 && words.has(w));
    });
    shift += match ? options.sameTradeLogOdds : options.otherTradeLogOdds;
  }
  return shift;
}

export class SuccessProbabilityCalculator {
  private readonly options: Required<ProbabilityOptions>;
  private readonly pooled = new Map<string, { attempts: number; accepted: number }>();

  constructor(
    groups: readonly GroupHistory[],
    private readonly stats: ReadonlyMap<string, Pick<DirectoryStats, "attempts" | "accepted">>,
    options: ProbabilityOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    for (const g of groups) {
      for (const [level, key] of KEYS) {
        const k = `${level}:${key(g)}`;
        const sum = this.pooled.get(k) ?? { attempts: 0, accepted: 0 };
        sum.attempts += g.attempts;
        sum.accepted += g.accepted;
        this.pooled.set(k, sum);
      }
    }
  }

  /** Pools per-directory statistics into the groups the constructor takes. */
  static groupsOf(directories: readonly DirectoryFacts[], stats: ReadonlyMap<string, Pick<DirectoryStats, "attempts" | "accepted">>): GroupHistory[] {
    const groups = new Map<string, GroupHistory>();
    for (const d of directories) {
      const s = stats.get(d.id);
      if (!s || s.attempts === 0) continue;
      const key = KEYS[0]![1](d);
      const g = groups.get(key) ?? { category: d.category, country: d.country, requiresCaptcha: d.requiresCaptcha, approvalType: d.approvalType, attempts: 0, accepted: 0 };
      g.attempts += s.attempts;
      g.accepted += s.accepted;
      groups.set(key, g);
    }
    return [...groups.values()];
  }

  /** The prior of a directory: the most specific similar group with enough history, without the directory itself. */
  prior(directory: DirectoryFacts): Prior {
    const own = this.stats.get(directory.id) ?? { attempts: 0, accepted: 0 };
    for (const [level, key] of KEYS) {
      const sum = this.pooled.get(`${level}:${key(directory)}`);
      if (!sum) continue;
      const attempts = sum.attempts - own.attempts;
      const accepted = sum.accepted - own.accepted;
      if (attempts >= this.options.minGroupAttempts) {
        return { mean: accepted / attempts, strength: this.options.priorStrength, level };
      }
    }
    return { mean: this.options.fallbackMean, strength: this.options.priorStrength, level: "none" };
  }

  /** The directory's acceptance rate: the posterior mean of its Beta. */
  directoryRate(directory: DirectoryFacts): number {
    const prior = this.prior(directory);
    const own = this.stats.get(directory.id) ?? { attempts: 0, accepted: 0 };
    return (own.accepted + prior.mean * prior.strength) / (own.attempts + prior.strength);
  }

  /** Log-odds shift for how well the business fits the directory (0 = neutral). */
  fitLogOdds(directory: DirectoryFacts, business: BusinessFit | null | undefined): number {
    return fitLogOdds(directory, business, this.options);
  }

  /** Probability that a submission of this business to this directory is accepted. */
  probability(directory: DirectoryFacts, business?: BusinessFit | null): number {
    const rate = this.directoryRate(directory);
    const shift = this.fitLogOdds(directory, business);
    return shift === 0 ? rate : sigmoid(logit(rate) + shift);
  }
}
