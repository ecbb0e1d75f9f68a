/**
 * The one line every bench prints last, so `npm run bench` (bench/run.ts)
 * can collect its figures: `BENCH_RESULT {json}`. Each key of `figures` may
 * have a `baselines` entry under the same key (what it is compared with,
 * described in `sources`); `ratios` is figure / baseline for those keys.
 * Benches run alone still print their own human output above it.
 */
export const RESULT_PREFIX = "BENCH_RESULT ";

export interface BenchResult {
  name: string;
  figures: Record<string, number>;
  baselines: Record<string, number>;
  ratios: Record<string, number>;
  units: Record<string, string>;
  /** Per baseline key: where the baseline comes from (same run, a closing note, a target). */
  sources?: Record<string, string>;
  /** Sizes and settings the figures were measured with. */
  settings?: Record<string, string | number>;
}

export interface Figure {
  value: number;
  unit: string;
  baseline?: number;
  /** Where the baseline comes from. */
  source?: string;
}

/** Builds the result from named figures, computing figure / baseline ratios. */
export function benchResult(name: string, figures: Record<string, Figure>, settings?: BenchResult["settings"]): BenchResult {
  const r: BenchResult = { name, figures: {}, baselines: {}, ratios: {}, units: {}, sources: {}, settings };
  for (const [key, f] of Object.entries(figures)) {
    r.figures[key] = round(f.value);
    r.units[key] = f.unit;
    if (f.baseline === undefined) continue;
    r.baselines[key] = round(f.baseline);
    if (f.source) r.sources![key] = f.source;
    if (Number.isFinite(f.value) && f.baseline !== 0) r.ratios[key] = round(f.value / f.baseline);
  }
  return r;
}

export function emitResult(result: BenchResult): void {
  console.log(RESULT_PREFIX + JSON.stringify(result));
}

/** The BENCH_RESULT objects in a bench's output (vitest may print them mid-stream). */
export function parseResults(output: string): BenchResult[] {
  const out: BenchResult[] = [];
  for (const raw of output.split("\n")) {
    // eslint-disable-next-line no-control-regex
    const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
    const at = line.indexOf(RESULT_PREFIX);
    if (at < 0) continue;
    try {
      out.push(JSON.parse(line.slice(at + RESULT_PREFIX.length)) as BenchResult);
    } catch {
      // a truncated line is reported by the runner as a missing result
    }
  }
  return out;
}

function round(x: number): number {
  // Counts and byte sizes stay exact; measured values keep 4 significant digits.
  return Number.isFinite(x) && !Number.isInteger(x) ? Number(x.toPrecision(4)) : x;
}
