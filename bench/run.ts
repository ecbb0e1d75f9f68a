/**
 * `npm run bench`: every bench in turn, each a child process on this same
 * Node (tsx, or vitest for the workerd bench), its output streamed; then one
 * table of every figure beside its baseline, and bench/results.json.
 *
 * Each bench prints `BENCH_RESULT {json}` (bench/result.ts). A bench that
 * exits non-zero or prints no result is reported as failed, the others still
 * run, and the command exits 1. bench/intelligence.ts is run when present.
 *
 *   npm run bench                       # all, at the sizes each bench defaults to
 *   npm run bench -- tiers mapper       # only these (names as in the table)
 *   BENCH_PORT=9170 BENCH_FARM_PORT=9172 npm run bench   # other ports for the e2e stack
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseResults, RESULT_PREFIX, type BenchResult } from "./result";

const ROOT = join(import.meta.dirname, "..");
const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");
const VITEST = join(ROOT, "node_modules/vitest/vitest.mjs");
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT ?? 600);

interface Bench {
  name: string;
  /** The npm script that runs it alone. */
  script: string;
  args: string[];
  /** When set, the bench is skipped with "not present" unless this file exists. */
  file?: string;
}

// The bundle bench builds ui/dist when it is stale, which the webhook and
// end-to-end benches serve, so it goes first.
const BENCHES: Bench[] = [
  { name: "bundle", script: "bench:bundle", args: [TSX, "bench/bundle.ts"] },
  { name: "tier selection", script: "bench:tiers", args: [TSX, "bench/tier-selection.ts"] },
  { name: "webhook", script: "bench:webhook", args: [TSX, "bench/webhook.ts"] },
  { name: "coordinator", script: "bench:coordinator", args: [VITEST, "run", "-c", "vitest.bench.config.ts"] },
  { name: "mapper", script: "bench:mapper", args: [TSX, "bench/mapper.ts"] },
  { name: "end to end", script: "bench:e2e", args: [TSX, "bench/end-to-end.ts"] },
  { name: "intelligence", script: "tsx bench/intelligence.ts", args: [TSX, "bench/intelligence.ts"], file: "bench/intelligence.ts" },
];

type Status = "ok" | "failed" | "not present";
interface Outcome {
  name: string;
  command: string;
  status: Status;
  seconds: number;
  exitCode?: number | null;
  error?: string;
  result?: BenchResult;
}

let current: ReturnType<typeof spawn> | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // The child runs in its own process group; pass the signal to all of it.
    if (current?.pid)
      try {
        process.kill(-current.pid, signal);
      } catch {
        /* gone */
      }
    process.exit(130);
  });
}

/** Runs one bench, streaming its output (without the BENCH_RESULT line) and keeping its stdout. */
function runBench(bench: Bench): Promise<Outcome> {
  const command = bench.script.startsWith("bench:") ? `npm run ${bench.script}` : bench.script;
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, bench.args, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    current = child;
    let stdout = "";
    let pending = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) if (!line.includes(RESULT_PREFIX)) process.stdout.write(line + "\n");
    });
    child.stderr!.pipe(process.stderr, { end: false });
    const timer = setTimeout(() => {
      console.error(`${bench.name}: still running after ${TIMEOUT_S} s, stopping it`);
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* gone */
      }
    }, TIMEOUT_S * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      if (pending && !pending.includes(RESULT_PREFIX)) process.stdout.write(pending + "\n");
      const seconds = (performance.now() - started) / 1000;
      const results = parseResults(stdout);
      // vitest may print one result per test file; results of one name are merged.
      const result = results.length ? mergeResults(results) : undefined;
      const exitCode = code ?? null;
      if (code === 0 && result) return resolve({ name: bench.name, command, status: "ok", seconds, exitCode, result });
      const error = code !== 0 ? (signal ? `killed by ${signal}` : `exit ${code}`) : "no BENCH_RESULT line";
      resolve({ name: bench.name, command, status: "failed", seconds, exitCode, error, result });
    });
  });
}

function mergeResults(results: BenchResult[]): BenchResult {
  const merged: BenchResult = { ...results[0]!, figures: {}, baselines: {}, ratios: {}, units: {}, sources: {}, settings: {} };
  for (const r of results) {
    for (const k of ["figures", "baselines", "ratios", "units", "sources", "settings"] as const) Object.assign(merged[k] as object, r[k] ?? {});
  }
  return merged;
}

function fmt(x: number | undefined): string {
  if (x === undefined || x === null) return "";
  if (!Number.isFinite(x)) return "-";
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  return x.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
}

function git(...args: string[]): string {
  return spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
}

const only = process.argv.slice(2);
const selected = only.length ? BENCHES.filter((b) => only.includes(b.name) || only.includes(b.script.replace(/^bench:/, ""))) : BENCHES;
if (only.length && selected.length !== only.length) {
  console.error(`unknown bench in ${only.join(", ")}; known: ${BENCHES.map((b) => b.name).join(", ")}`);
  process.exit(2);
}

const startedAt = new Date();
// The code measured: the commit at the start, and whether tracked files differed from it.
const commit = git("rev-parse", "HEAD");
const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
const load = loadavg();
const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? "?",
  memoryGB: Number((totalmem() / 2 ** 30).toFixed(1)),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadAverageAtStart: load.map((l) => Number(l.toFixed(2))),
};
console.log(`npm run bench: ${selected.length} benches on ${machine.cores} cores, ${machine.memoryGB} GB, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(" ")}`);
const t0 = performance.now();
const outcomes: Outcome[] = [];
for (const bench of selected) {
  if (bench.file && !existsSync(join(ROOT, bench.file))) {
    console.log(`\n=== ${bench.name}: not present (${bench.file} does not exist on this branch) ===`);
    outcomes.push({ name: bench.name, command: bench.script, status: "not present", seconds: 0 });
    continue;
  }
  const command = bench.script.startsWith("bench:") ? `npm run ${bench.script}` : bench.script;
  console.log(`\n=== ${bench.name} (${command}) ===`);
  const outcome = await runBench(bench);
  console.log(`=== ${bench.name}: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ""} in ${outcome.seconds.toFixed(1)} s ===`);
  outcomes.push(outcome);
}
const totalSeconds = (performance.now() - t0) / 1000;

// One table: every figure, its baseline and value / baseline. Baselines are
// tagged by where they come from; the legend follows the table.
const sources: string[] = [];
const tag = (source: string | undefined) => {
  if (!source) return "";
  if (!sources.includes(source)) sources.push(source);
  return `[${sources.indexOf(source) + 1}]`;
};
const rows: string[][] = [["bench", "figure", "value", "unit", "baseline", "ratio", "from"]];
for (const o of outcomes) {
  if (o.status !== "ok") rows.push([o.name, o.status === "failed" ? `FAILED: ${o.error}` : "not present", "", "", "", "", ""]);
  if (!o.result || o.status === "not present") continue;
  const r = o.result;
  for (const [key, value] of Object.entries(r.figures)) {
    const baseline = r.baselines[key];
    rows.push([o.name, key, fmt(value), r.units[key] ?? "", fmt(baseline), r.ratios[key] !== undefined ? `${r.ratios[key]!.toFixed(2)}x` : "", tag(r.sources?.[key])]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
const right = new Set([2, 4, 5]);
console.log("\n=== summary (ratio = value / baseline: above 1 is slower for ms and kB, better for rates and shares) ===");
for (const [i, row] of rows.entries()) {
  console.log(
    row
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
  if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
console.log("\nbaselines from:");
for (const [i, s] of sources.entries()) console.log(`  [${i + 1}] ${s}`);

console.log(
  `\ntime per bench: ${outcomes
    .filter((o) => o.status !== "not present")
    .map((o) => `${o.name} ${o.seconds.toFixed(0)} s`)
    .join(", ")}`,
);

const failed = outcomes.filter((o) => o.status === "failed");
const report = {
  commit,
  dirty,
  branch: git("rev-parse", "--abbrev-ref", "HEAD"),
  date: startedAt.toISOString(),
  machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(2))) },
  totalSeconds: Number(totalSeconds.toFixed(1)),
  benches: outcomes.map((o) => ({
    name: o.name,
    command: o.command,
    status: o.status,
    seconds: Number(o.seconds.toFixed(1)),
    ...(o.error ? { error: o.error, exitCode: o.exitCode } : {}),
    ...(o.result
      ? { figures: o.result.figures, baselines: o.result.baselines, ratios: o.result.ratios, units: o.result.units, sources: o.result.sources ?? {}, settings: o.result.settings ?? {} }
      : {}),
  })),
};
writeFileSync(join(ROOT, "bench/results.json"), JSON.stringify(report, null, 2) + "\n");
const minutes = Math.floor(totalSeconds / 60);
console.log(
  `\ntotal: ${minutes} min ${(totalSeconds - minutes * 60).toFixed(0)} s; ${outcomes.filter((o) => o.status === "ok").length} ok, ${failed.length} failed, ${outcomes.filter((o) => o.status === "not present").length} not present; commit ${commit.slice(0, 7)}${dirty ? " (with uncommitted changes)" : ""}; written bench/results.json`,
);
process.exit(failed.length ? 1 : 0);
