/**
 * The per-step breakdown of the end-to-end bench (issue 21): the browser
 * worker logs one "task trace" line per task (browser-worker/src/trace.ts);
 * this reads them from the Workers' output and sums them up per step
 * (median and mean per task, and each step's share of a task's mean time).
 */
import { summarise } from "./stats";

export interface TaskTraceLine {
  submissionId: string;
  steps: Record<string, number>;
}

/** A "task trace" log line, or null for any other line (wrangler prefixes and colours some). */
export function parseTraceLine(line: string): TaskTraceLine | null {
  if (!line.includes('"task trace"')) return null;
  const start = line.indexOf("{");
  const end = line.lastIndexOf("}");
  if (start < 0 || end < start) return null;
  try {
    const entry = JSON.parse(line.slice(start, end + 1)) as { msg?: string; submissionId?: string; steps?: Record<string, number> };
    return entry.msg === "task trace" && entry.steps ? { submissionId: String(entry.submissionId), steps: entry.steps } : null;
  } catch {
    return null;
  }
}

/** The table: step, median, mean, share of the mean task, and a total row. */
export function breakdownTable(traces: readonly TaskTraceLine[]): string {
  if (traces.length === 0) return "  (no task traces were logged)";
  const names: string[] = [];
  for (const t of traces) for (const k of Object.keys(t.steps)) if (!names.includes(k)) names.push(k);
  const total = traces.map((t) => Object.values(t.steps).reduce((a, b) => a + b, 0));
  const totalMean = summarise(total).mean;
  const rows = names.map((name) => {
    const s = summarise(traces.map((t) => t.steps[name] ?? 0));
    return `  ${name.padEnd(20)} ${s.median.toFixed(0).padStart(8)} ${s.mean.toFixed(0).padStart(8)} ${((100 * s.mean) / totalMean).toFixed(1).padStart(6)}%`;
  });
  const all = summarise(total);
  return [
    `  per-step breakdown over ${traces.length} tasks (ms per task; steps sum to the task's time from its message being sent to its report taken):`,
    `  ${"step".padEnd(20)} ${"median".padStart(8)} ${"mean".padStart(8)} ${"share".padStart(7)}`,
    ...rows,
    `  ${"total".padEnd(20)} ${all.median.toFixed(0).padStart(8)} ${all.mean.toFixed(0).padStart(8)} ${"100.0".padStart(6)}%`,
  ].join("\n");
}
