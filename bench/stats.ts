/** Small statistics for the benches: percentiles over measured samples. */
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
