/**
 * Where one task's time goes (issue 21): a lap timer. Each `lap(step)` books
 * the time since the previous lap under `step` (added up when a step comes
 * again, as a wizard's pages do), so the steps always sum to the whole. The
 * consumer logs the laps with the task ("task trace"), and the end-to-end
 * bench prints them as a breakdown table. Timings are only ever reported,
 * never acted on.
 */
export interface TaskTrace {
  /** Books the time since the last lap (or the start) under `step`. */
  lap(step: string): void;
  /** Books a duration measured elsewhere (e.g. the queue wait before the trace began). */
  add(step: string, ms: number): void;
  /** Milliseconds per step, in the order steps first appeared. */
  steps(): Record<string, number>;
}

export function startTrace(now: () => number = () => Date.now()): TaskTrace {
  const steps: Record<string, number> = {};
  let last = now();
  const add = (step: string, ms: number) => {
    steps[step] = (steps[step] ?? 0) + Math.max(0, ms);
  };
  return {
    lap(step) {
      const t = now();
      add(step, t - last);
      last = t;
    },
    add,
    steps: () => ({ ...steps }),
  };
}
