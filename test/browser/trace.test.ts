/** The task trace's lap timer: steps add up, a step seen twice accumulates, and the laps always sum to the whole. */
import { describe, expect, it } from "vitest";
import { startTrace } from "../../browser-worker/src/trace";

describe("startTrace", () => {
  it("books each lap under its step, adds a repeated step up, and takes durations measured elsewhere", () => {
    let t = 1_000;
    const trace = startTrace(() => t);
    trace.add("queue_wait", 400);
    t += 30;
    trace.lap("lease");
    t += 200;
    trace.lap("filling");
    t += 50;
    trace.lap("filling");
    trace.add("negative", -5);
    expect(trace.steps()).toEqual({ queue_wait: 400, lease: 30, filling: 250, negative: 0 });
  });
});
