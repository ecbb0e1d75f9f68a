/** AIEnhancedQueueManager: value first, hosts spread, jobs fair. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AIEnhancedQueueManager, authority, expectedValue, type QueueTask } from "../../../src/intelligence/queue-manager";

const task = (id: string, jobId: string, probability: number, daScore: number | null, host = `${id}.example`): QueueTask => ({
  id,
  jobId,
  probability,
  directory: { id: `dir-${id}`, host, daScore },
});

describe("AIEnhancedQueueManager", () => {
  it("releases by expected value: probability times authority", () => {
    expect(authority(null)).toBeCloseTo(0.37, 10);
    expect(authority(100)).toBe(1);
    const tasks = [task("weak", "j", 0.9, 10), task("strong", "j", 0.8, 90), task("longshot", "j", 0.05, 100), task("mid", "j", 0.5, 50)];
    const order = new AIEnhancedQueueManager().order(tasks).map((t) => t.id);
    expect(order).toEqual(["strong", "mid", "weak", "longshot"]);
    expect(expectedValue(tasks[1]!)).toBeGreaterThan(expectedValue(tasks[3]!));
  });

  it("weighs value by the directory's typical attempt time: two quick forms before one slow one of the same value", () => {
    const slow = { ...task("slow", "j", 0.8, 90), durationMs: 120_000 };
    const quick = { ...task("quick", "j", 0.6, 90), durationMs: 40_000 };
    const unknown = task("unknown", "j", 0.8, 90);
    expect(new AIEnhancedQueueManager().order([slow, unknown, quick]).map((t) => t.id)).toEqual(["quick", "unknown", "slow"]);
    // A directory that fails at once is not "fast": speed counts only down to a real attempt's length.
    const failsAtOnce = { ...task("fails", "j", 0.1, 90), durationMs: 5 };
    const typical = { ...task("typical", "j", 0.8, 90), durationMs: 60_000 };
    expect(new AIEnhancedQueueManager().order([failsAtOnce, typical]).map((t) => t.id)).toEqual(["typical", "fails"]);
    // A mean of 0 ms (the clock did not move between lease and report) is measured, not unknown: it counts as the shortest attempt.
    const instant = { ...task("instant", "j", 0.9, 50), durationMs: 0 };
    const quickLongshot = { ...task("quick-longshot", "j", 0.3, 60), durationMs: 10 };
    expect(new AIEnhancedQueueManager().order([quickLongshot, instant]).map((t) => t.id)).toEqual(["instant", "quick-longshot"]);
  });

  it("spreads directories that share a host when the job has others", () => {
    const tasks = [
      task("a1", "j", 0.9, 90, "shared.example"),
      task("a2", "j", 0.9, 89, "shared.example"),
      task("a3", "j", 0.9, 88, "shared.example"),
      task("b", "j", 0.5, 50),
      task("c", "j", 0.5, 49),
      task("d", "j", 0.5, 48),
    ];
    const order = new AIEnhancedQueueManager({ hostSpacing: 2 }).order(tasks).map((t) => t.id);
    expect(order).toEqual(["a1", "b", "c", "a2", "d", "a3"]);
    // Nothing else left: the same host goes back to back rather than never.
    const alone = new AIEnhancedQueueManager({ hostSpacing: 2 }).order(tasks.slice(0, 3)).map((t) => t.id);
    expect(alone).toEqual(["a1", "a2", "a3"]);
  });

  it("takes turns between jobs, by weight", () => {
    const big = Array.from({ length: 6 }, (_, i) => task(`big${i}`, "big", 0.99, 99));
    const small = Array.from({ length: 2 }, (_, i) => task(`small${i}`, "small", 0.1, 10));
    const order = new AIEnhancedQueueManager({ hostSpacing: 0 }).order([...big, ...small]).map((t) => t.jobId);
    expect(order.slice(0, 4).sort()).toEqual(["big", "big", "small", "small"]);
    const weighted = new AIEnhancedQueueManager({ hostSpacing: 0, jobWeights: { big: 2 } }).order([...big, ...small]).map((t) => t.jobId);
    expect(weighted.slice(0, 3).filter((j) => j === "big")).toHaveLength(2);
  });

  it("starts each round of turns with the job whose next task is worth most, not the job with the first id", () => {
    const tasks = [task("a1", "a", 0.05, 50), task("a2", "a", 0.04, 50), task("b1", "b", 0.9, 50), task("b2", "b", 0.8, 50), task("c1", "c", 0.5, 50)];
    const order = new AIEnhancedQueueManager({ hostSpacing: 0 }).order(tasks).map((t) => t.id);
    // Round 1: b's, then c's, then a's best; round 2: b's, then a's. Still one release per job per round.
    expect(order).toEqual(["b1", "c1", "a1", "b2", "a2"]);
  });

  it("releases every task once, and no job falls more than one release behind another while both have work", () => {
    const arbTask = fc.record({
      job: fc.constantFrom("j1", "j2", "j3", "j4"),
      p: fc.double({ min: 0, max: 1, noNaN: true }),
      da: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
      host: fc.constantFrom("h1", "h2", "h3", "h4", "h5"),
    });
    fc.assert(
      fc.property(fc.array(arbTask, { maxLength: 120 }), fc.integer({ min: 0, max: 5 }), (specs, spacing) => {
        const tasks = specs.map((s, i) => task(`t${i}`, s.job, s.p, s.da, s.host));
        const order = new AIEnhancedQueueManager({ hostSpacing: spacing }).order(tasks);
        expect(order.map((t) => t.id).sort()).toEqual(tasks.map((t) => t.id).sort());
        const total = new Map<string, number>();
        for (const t of tasks) total.set(t.jobId, (total.get(t.jobId) ?? 0) + 1);
        const released = new Map<string, number>([...total.keys()].map((j) => [j, 0]));
        for (const t of order) {
          released.set(t.jobId, released.get(t.jobId)! + 1);
          const active = [...total.keys()].filter((j) => released.get(j)! < total.get(j)!);
          const counts = active.map((j) => released.get(j)!);
          if (counts.length > 1) expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
        // Within a job, the order is by expected value except where a host was spread.
        if (spacing === 0) {
          for (const j of total.keys()) {
            const evs = order.filter((t) => t.jobId === j).map(expectedValue);
            for (let i = 1; i < evs.length; i++) expect(evs[i]!).toBeLessThanOrEqual(evs[i - 1]!);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
