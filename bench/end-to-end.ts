/**
 * `npm run bench:e2e`: forms per minute, order to completed, against a raw
 * puppeteer-core loop filling the same farm forms at the same concurrency.
 * - product: a Starter order (50 farm directories) through the whole stack:
 *   local checkout, coordinator pacing (4 in flight), the queue, the browser
 *   worker on local Browser Rendering, mapping, filling, reporting;
 * - raw: the farm's answer-key filler (no mapping, no queue, no database)
 *   over the same 50 directories with 4 pages at once, once the product's
 *   stack has stopped (its after-submit work, mail checks and listing
 *   screenshots, went on during the loop before and slowed it by up to a
 *   half), on a farm of its own built from the same catalog.
 * - raw with duties: the same loop doing the three things the product does
 *   for every form by design: a fresh browser context, every request through
 *   interception, a full-page PNG. The ratio is against the bare loop;
 *   this one separates what those duties cost from the product's own overhead.
 * Prints the rates, their ratios, and the time per form: raw is timed form
 * by form (median); for the product, a form's share of the wall time at its
 * concurrency (elapsed x 4 / forms), since a form's time there is spread
 * over the queue, the lease, the browser and the report.
 */
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { launchChromium } from "../tools/lib/chromium";
import { startStack } from "../tools/lib/stack";
import { submitWithGroundTruth } from "../tools/farm/oracle.ts";
import { startFarm } from "../tools/farm/index.ts";
import { placeLocalOrder, stackVars, waitForJob } from "../tools/lib/order";
import { RECORDED, recorded } from "./baselines";
import { benchResult, emitResult } from "./result";
import { cpuBusyMs, ms, summarise } from "./stats";
import { breakdownTable, parseTraceLine, type TaskTraceLine } from "./trace-breakdown";

const PORT = Number(process.env.BENCH_PORT ?? 8837);
const FARM_PORT = Number(process.env.BENCH_FARM_PORT ?? 8839);
const CONCURRENCY = 4; // Starter's in-flight cap

const vars = await stackVars(PORT, FARM_PORT);
// The browser worker's per-task step timings ("task trace" log lines, browser-worker/src/trace.ts).
const traces: TaskTraceLine[] = [];
// Durable Objects of its own: coordinators a killed run left in .wrangler/state would wake here and work during the measurement.
const persistTo = mkdtempSync(join(tmpdir(), "directorybolt-bench-e2e-"));
const stack = await startStack({
  persistTo,
  port: PORT,
  farmPort: FARM_PORT,
  vars,
  workerOutput: (line) => {
    // BENCH_WORKER_LOG names a file for the Workers' whole output (to see why a run is slow).
    if (process.env.BENCH_WORKER_LOG) appendFileSync(process.env.BENCH_WORKER_LOG, `${line}\n`);
    const trace = parseTraceLine(line);
    if (trace) traces.push(trace);
  },
});
let result: ReturnType<typeof benchResult> | undefined;
let stackStopped = false;
try {
  // Product.
  const productCpuFrom = cpuBusyMs();
  const order = await placeLocalOrder(stack, vars, "starter", `bench-${Date.now()}@boltbakery.example`);
  const snapshot = await waitForJob(stack, order, 900_000);
  const productSeconds = (Date.now() - order.paidAt) / 1000;
  const productCpuMs = cpuBusyMs() - productCpuFrom;
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ slug: string }>("select d.slug from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1", [order.jobId]);
  await db.end();
  const slugs = rows.map((r) => r.slug);
  const done = snapshot.job.submitted;

  // Raw loop over the same directories on a quiet machine: the stack stopped, a farm of the same catalog.
  await stack.stop();
  stackStopped = true;
  const farm = await startFarm({ port: FARM_PORT });
  const browser = await launchChromium();
  /**
   * `CONCURRENCY` workers over the same forms: each opens what it keeps
   * (`open`), fills form after form (`fill`), then closes it. Returns the
   * forms done, the wall time, the machine's busy CPU and each form's time.
   */
  const timedLoop = async <W>(label: string, open: () => Promise<W>, fill: (held: W, slug: string) => Promise<unknown>, close: (held: W) => Promise<void>) => {
    const queue = [...slugs];
    const perForm: number[] = [];
    let ok = 0;
    const cpuFrom = cpuBusyMs();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        const held = await open();
        for (let slug = queue.shift(); slug; slug = queue.shift()) {
          const formStarted = performance.now();
          try {
            await fill(held, slug);
            ok++;
          } catch (err) {
            console.error(`${label} ${slug}: ${String(err).slice(0, 120)}`);
          }
          perForm.push(performance.now() - formStarted);
        }
        await close(held);
      }),
    );
    return { ok, seconds: (performance.now() - started) / 1000, cpuMs: cpuBusyMs() - cpuFrom, perForm };
  };
  const fillForm = (page: unknown, slug: string) => submitWithGroundTruth(page as never, farm.variant(slug)!, { farmUrl: farm.url });

  const bare = await timedLoop(
    "raw",
    () => browser.newPage(),
    (page, slug) => fillForm(page, slug),
    (page) => page.close(),
  );
  const { ok: rawOk, seconds: rawSeconds, cpuMs: rawCpuMs, perForm: perFormRaw } = bare;

  // The same loop with the three duties of a task the product keeps by design (docs/decisions.md): a fresh
  // browser context per form, every request through interception (the egress guard's CDP round trip, here
  // continued at once), and the full-page PNG proof. What is left between this and the product is the product's own.
  const duty = await timedLoop(
    "raw with duties",
    async () => undefined,
    async (_none, slug) => {
      const context = await browser.createBrowserContext();
      try {
        const page = await context.newPage();
        await page.setRequestInterception(true);
        page.on("request", (request) => void request.continue().catch(() => {}));
        await fillForm(page, slug);
        await page.screenshot({ type: "png", fullPage: true });
      } finally {
        await context.close();
      }
    },
    async () => {},
  );
  const { ok: dutyOk, seconds: dutySeconds, cpuMs: dutyCpuMs } = duty;
  await browser.close();
  await farm.close();

  const productRate = (done / productSeconds) * 60;
  const rawRate = (rawOk / rawSeconds) * 60;
  const dutyRate = (dutyOk / dutySeconds) * 60;
  console.log(
    [
      `end to end, Starter order (${slugs.length} farm directories), ${CONCURRENCY} forms at a time:`,
      `  product (pay -> completed): ${done}/${slugs.length} submitted in ${productSeconds.toFixed(1)} s = ${productRate.toFixed(1)} forms/min (job ${snapshot.job.status})`,
      `  raw puppeteer-core loop:    ${rawOk}/${slugs.length} accepted in ${rawSeconds.toFixed(1)} s = ${rawRate.toFixed(1)} forms/min`,
      `  raw loop with the product's duties (fresh context per form, request interception, full-page PNG): ${dutyOk}/${slugs.length} in ${dutySeconds.toFixed(1)} s = ${dutyRate.toFixed(1)} forms/min (${(dutyRate / rawRate).toFixed(2)}x the bare loop)`,
      `  product/raw rate ratio: ${(productRate / rawRate).toFixed(2)}x; product/raw-with-duties: ${(productRate / dutyRate).toFixed(2)}x`,
      `  time per form: product ${ms((productSeconds * 1000 * CONCURRENCY) / Math.max(1, done))} (wall time x ${CONCURRENCY} / forms), raw median ${ms(summarise(perFormRaw).median)} (whole fill incl. page load)`,
      // Both use the machine's cores (a share near 100% means the CPU, not waiting, sets the rate): what each form cost it.
      `  machine CPU per form: product ${ms(productCpuMs / Math.max(1, done))} (cores ${((productCpuMs / (productSeconds * 1000) / cpus().length) * 100).toFixed(0)}% busy), raw ${ms(rawCpuMs / Math.max(1, rawOk))} (${((rawCpuMs / (rawSeconds * 1000) / cpus().length) * 100).toFixed(0)}% busy), raw with duties ${ms(dutyCpuMs / Math.max(1, dutyOk))}`,
    ].join("\n"),
  );
  console.log(breakdownTable(traces));
  const productPerForm = (productSeconds * 1000 * CONCURRENCY) / Math.max(1, done);
  const was = recorded.endToEnd;
  result = benchResult(
    "end to end",
    {
      "forms/min, product vs raw puppeteer-core": { value: productRate, unit: "forms/min", baseline: rawRate, source: "raw puppeteer-core loop, same forms, same run" },
      "forms/min, product": { value: productRate, unit: "forms/min", baseline: was.productFormsPerMin, source: RECORDED },
      "forms/min, raw puppeteer-core": { value: rawRate, unit: "forms/min", baseline: was.rawFormsPerMin, source: RECORDED },
      "product/raw ratio": { value: productRate / rawRate, unit: "x", baseline: was.productRawRatio, source: RECORDED },
      "forms/min, product vs raw with the product's duties": {
        value: productRate,
        unit: "forms/min",
        baseline: dutyRate,
        source: "raw loop with a fresh context, request interception and a full-page PNG per form, same forms, same run",
      },
      "forms/min, raw with duties vs bare raw": { value: dutyRate, unit: "forms/min", baseline: rawRate, source: "bare raw loop, same forms, same run" },
      "time per form, product": { value: productPerForm, unit: "ms" },
      "time per form, raw median": { value: summarise(perFormRaw).median, unit: "ms" },
      "machine CPU per form, product": { value: productCpuMs / Math.max(1, done), unit: "ms", baseline: rawCpuMs / Math.max(1, rawOk), source: "raw puppeteer-core loop, same forms, same run" },
      "machine CPU per form, raw with duties": { value: dutyCpuMs / Math.max(1, dutyOk), unit: "ms", baseline: rawCpuMs / Math.max(1, rawOk), source: "raw puppeteer-core loop, same forms, same run" },
      "submitted, product": { value: done, unit: "forms" },
      "accepted, raw": { value: rawOk, unit: "forms" },
    },
    { forms: slugs.length, concurrency: CONCURRENCY, job: snapshot.job.status },
  );
} finally {
  if (!stackStopped) await stack.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
if (result) emitResult(result);
