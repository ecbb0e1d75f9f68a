/** SuccessProbabilityCalculator and the calibration measure: their rules and edge cases. */
import { describe, expect, it } from "vitest";
import { calibration } from "../../../src/intelligence/calibration";
import { SuccessProbabilityCalculator, type GroupHistory } from "../../../src/intelligence/success-probability";
import type { DirectoryFacts } from "../../../src/intelligence/types";

const dir = (id: string, over: Partial<DirectoryFacts> = {}): DirectoryFacts => ({
  id,
  category: "general",
  country: "DE",
  requiresCaptcha: false,
  approvalType: "review",
  daScore: 50,
  host: `${id}.example`,
  ...over,
});
const group = (over: Partial<GroupHistory>): GroupHistory => ({ category: "general", country: "DE", requiresCaptcha: false, approvalType: "review", attempts: 0, accepted: 0, ...over });

describe("SuccessProbabilityCalculator", () => {
  it("knows nothing: the fallback mean", () => {
    const calc = new SuccessProbabilityCalculator([], new Map());
    expect(calc.probability(dir("a"))).toBe(0.5);
    expect(calc.prior(dir("a")).level).toBe("none");
  });

  it("takes a new directory's prior from similar directories", () => {
    const calc = new SuccessProbabilityCalculator([group({ attempts: 100, accepted: 80 })], new Map());
    expect(calc.prior(dir("new"))).toEqual({ mean: 0.8, strength: 8, level: "segment" });
    expect(calc.probability(dir("new"))).toBeCloseTo(0.8, 10);
  });

  it("falls back to a coarser group when the segment has too little history", () => {
    const groups = [group({ category: "restaurants", attempts: 10, accepted: 10 }), group({ category: "general", attempts: 90, accepted: 27 })];
    const calc = new SuccessProbabilityCalculator(groups, new Map());
    // restaurants|DE has 10 attempts (< 30): the country level pools both groups.
    expect(calc.prior(dir("r", { category: "restaurants" }))).toMatchObject({ level: "country", mean: 37 / 100 });
    // A captcha directory shares no group: every directory is the prior.
    expect(calc.prior(dir("c", { requiresCaptcha: true }))).toMatchObject({ level: "all", mean: 0.37 });
  });

  it("leaves the directory's own history out of its prior", () => {
    const stats = new Map([["solo", { attempts: 50, accepted: 5 }]]);
    const groups = SuccessProbabilityCalculator.groupsOf([dir("solo")], stats);
    const calc = new SuccessProbabilityCalculator(groups, stats);
    // Alone in every group: no one else to learn from.
    expect(calc.prior(dir("solo")).level).toBe("none");
    expect(calc.directoryRate(dir("solo"))).toBeCloseTo((5 + 0.5 * 8) / (50 + 8), 10);
  });

  it("shrinks a short history towards the prior and lets a long one dominate", () => {
    const groups = [group({ attempts: 1_000, accepted: 200 })];
    const short = new SuccessProbabilityCalculator(groups, new Map([["a", { attempts: 2, accepted: 2 }]]));
    expect(short.probability(dir("a"))).toBeCloseTo((2 + ((200 - 2) / (1_000 - 2)) * 8) / (2 + 8), 10);
    const long = new SuccessProbabilityCalculator([group({ attempts: 1_000 + 900, accepted: 200 + 810 })], new Map([["a", { attempts: 900, accepted: 810 }]]));
    expect(long.probability(dir("a"))).toBeGreaterThan(0.88);
  });

  it("lowers the odds for a foreign business or another trade, and only then", () => {
    const calc = new SuccessProbabilityCalculator([group({ attempts: 100, accepted: 60 }), group({ country: "INT", attempts: 100, accepted: 60 })], new Map());
    const local = calc.probability(dir("a"), { categories: ["Bakery"], country: "DE" });
    expect(local).toBeCloseTo(0.6, 10);
    expect(calc.probability(dir("a"), { categories: ["Bakery"], country: "US" })).toBeLessThan(0.25);
    expect(calc.probability(dir("i", { country: "INT" }), { categories: [], country: "US" })).toBeCloseTo(0.6, 10);
    const niche = dir("n", { category: "restaurants" });
    expect(calc.probability(niche, { categories: ["Plumbing"], country: "DE" })).toBeLessThan(calc.probability(niche, { categories: ["Restaurants"], country: "DE" }));
    expect(calc.probability(niche, { categories: ["Italian restaurants"], country: "DE" })).toBeGreaterThan(calc.probability(niche));
    // No profile: no fit adjustment.
    expect(calc.probability(niche, null)).toBe(calc.probability(niche));
  });
});

describe("calibration", () => {
  it("is perfect for certain, right predictions", () => {
    const c = calibration([
      { predicted: 1, accepted: true },
      { predicted: 0, accepted: false },
    ]);
    expect(c).toMatchObject({ n: 2, brier: 0, ece: 0 });
    expect(c.bins[9]).toMatchObject({ n: 1, observed: 1 });
    expect(c.bins[0]).toMatchObject({ n: 1, observed: 0 });
  });

  it("measures predicted against observed by decile", () => {
    const samples = [
      ...Array.from({ length: 10 }, (_, i) => ({ predicted: 0.35, accepted: i < 7 })), // says 35 %, is 70 %
      ...Array.from({ length: 10 }, (_, i) => ({ predicted: 0.85, accepted: i < 8 })), // says 85 %, is 80 %
    ];
    const c = calibration(samples);
    expect(c.bins[3]).toMatchObject({ n: 10, observed: 0.7 });
    expect(c.bins[3]!.meanPredicted).toBeCloseTo(0.35, 10);
    expect(c.bins[8]).toMatchObject({ n: 10, observed: 0.8 });
    expect(c.ece).toBeCloseTo(0.5 * 0.35 + 0.5 * 0.05, 10);
    expect(c.brier).toBeCloseTo((7 * 0.65 ** 2 + 3 * 0.35 ** 2 + 8 * 0.15 ** 2 + 2 * 0.85 ** 2) / 20, 10);
  });

  it("handles no samples", () => {
    expect(calibration([])).toMatchObject({ n: 0, brier: 0, ece: 0 });
  });
});
