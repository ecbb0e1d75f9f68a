/** Small statistics for the benches: percentiles over measured samples, and the machine's busy CPU time. */
import { cpus } from "node:os";
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { n: sorted.length, median: percentile(sorted, 50), p99: percentile(sorted, 99), mean, max: sorted.at(-1)! };
}

export const ms = (x: number) => `${x.toFixed(2)} ms`;

/**
 * Milliseconds the machine's cores have been busy (user, nice, system, irq,
 * summed over cores) since boot: the difference over a phase is the CPU it
 * cost the whole machine, whichever processes spent it (workerd, Chromium's
 * renderers that exit with their context, the farm).
 */
export function cpuBusyMs(): number {
  return cpus().reduce((n, c) => n + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}
