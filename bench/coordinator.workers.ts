/**
 * `npm run bench:coordinator`, inside workerd with real Postgres (PGlite):
 * 1. reports applied per second by one JobCoordinator, for a 2,000-task job,
 *    500 reports each way: a lease RPC and a report RPC per task, one at a
 *    time; the report carrying the worker's next lease (reportAndLease, the
 *    browser worker's path once its batch's own messages are taken), one at
 *    a time; a lease RPC per task with the reports in batches of 50; and
 *    batches both ways (leaseMany, as the browser worker leases the tasks
 *    its pages start with, and reportMany), 50 at a time;
 * 2. time from a report to its delta arriving at 1,000 connected customer
 *    sockets (p50, p99): each probe comes after a quiet window, so its delta
 *    leaves right after the report (durable-objects/socket-hub.ts).
 * It prints figures; it asserts nothing about speed.
 */
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterAll, it } from "vitest";
import { signTicket } from "../src/auth/ws-ticket";
import type { ServerMessage } from "../core/protocol/live";
import { socketProtocols } from "../core/protocol/socket-ticket";
import type { TaskMessage, TaskReport } from "../core/protocol/tasks";
import { captureReleases, settled, stubFor } from "../test/workers/support/coordinator-harness";
import { seedJob } from "../test/workers/support/seed";
import { RECORDED, recorded } from "./baselines";
import { benchResult, emitResult, type Figure } from "./result";
import { ms, summarise } from "./stats";

const TASKS = 2_000;
/** Reports in each of the four ways. */
const EACH = 500;
const SOCKETS = 1_000;
const PROBES = 40;
const figures: Record<string, Figure> = {};
afterAll(() => emitResult(benchResult("coordinator", figures, { tasks: TASKS, sockets: SOCKETS, probes: PROBES })));

it("reports applied per second by one coordinator", async () => {
  const seeded = await seedJob({ plan: "enterprise", directories: TASKS });
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  // Lift the pacing cap so throughput, not pacing, is measured.
  await stub.pause("bench");
  await runInDurableObject(stub, (instance) => {
    (instance as unknown as { store: { updateJob(p: object): void } }).store.updateJob({ maxInFlight: TASKS });
  });
  for (const m of released.splice(0)) await stub.lease(m.submissionId, m.attempt, "bench");
  await stub.resume();

  // One at a time, both ways interleaved in rounds of 100, so each meets the same object (its tables as full, the
  // same outbox backlog, the same machine load): a lease RPC then a report RPC per task; and a report that carries
  // the next lease (reportAndLease), which takes the best released task, the head of the same queue.
  const taken = new Set<string>();
  const nextMessage = () => {
    for (let m = released.shift(); m; m = released.shift()) if (!taken.has(m.submissionId)) return m;
    return undefined;
  };
  let singleMs = 0;
  let chainedMs = 0;
  let singleCount = 0;
  let chained = 0;
  let carried: { submissionId: string; attempt: number } | null = null;
  for (let round = 0; round < EACH / 100; round++) {
    let started = performance.now();
    for (let i = 0; i < 100; i++) {
      const m = nextMessage()!;
      await stub.lease(m.submissionId, m.attempt, "bench");
      await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" });
      singleCount++;
    }
    singleMs += performance.now() - started;
    started = performance.now();
    let lease: { submissionId: string; attempt: number } | null = carried ?? (await stub.leaseReleased("bench"));
    // Each task leased this way is kept from the other loop at once (a lease carried to the next round among them).
    if (lease) taken.add(lease.submissionId);
    for (let i = 0; i < 100 && lease; i++, chained++) {
      const answer = await stub.reportAndLease({ jobId: seeded.jobId, submissionId: lease.submissionId, attempt: lease.attempt, outcome: "submitted" }, "bench");
      lease = answer.next;
      if (lease) taken.add(lease.submissionId);
    }
    carried = lease;
    chainedMs += performance.now() - started;
  }
  if (carried) {
    await stub.report({ jobId: seeded.jobId, submissionId: carried.submissionId, attempt: carried.attempt, outcome: "submitted" });
  }
  const singleSeconds = singleMs / 1000;
  const chainedSeconds = chainedMs / 1000;
  released.splice(0, released.length, ...released.filter((m) => !taken.has(m.submissionId)));

  const rest = released.splice(0, EACH);
  let started = performance.now();
  for (let i = 0; i < rest.length; i += 50) {
    const chunk = rest.slice(i, i + 50);
    for (const m of chunk) await stub.lease(m.submissionId, m.attempt, "bench");
    await stub.reportMany(chunk.map((m): TaskReport => ({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" })));
  }
  const batchSeconds = (performance.now() - started) / 1000;

  const both = released.splice(0, EACH);
  started = performance.now();
  for (let i = 0; i < both.length; i += 50) {
    const chunk = both.slice(i, i + 50);
    await stub.leaseMany(
      chunk.map((m) => ({ submissionId: m.submissionId, attempt: m.attempt })),
      "bench",
    );
    await stub.reportMany(chunk.map((m): TaskReport => ({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" })));
  }
  const bothSeconds = (performance.now() - started) / 1000;

  const drainStarted = performance.now();
  await settled(seeded.jobId);
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  const progress = await stub.progress();
  const singleRate = singleCount / singleSeconds;
  const batchRate = rest.length / batchSeconds;
  const chainedRate = chained / chainedSeconds;
  const bothRate = both.length / bothSeconds;
  figures["reports/s, one at a time"] = { value: singleRate, unit: "reports/s", baseline: recorded.coordinator.singleReportsPerS, source: RECORDED };
  figures["reports/s, one at a time, next lease with the report"] = { value: chainedRate, unit: "reports/s", baseline: singleRate, source: "a lease RPC and a report RPC each, same run" };
  figures["reports/s, batches of 50"] = { value: batchRate, unit: "reports/s", baseline: recorded.coordinator.batchReportsPerS, source: RECORDED };
  figures["reports/s, batches of 50, leases in batches too"] = { value: bothRate, unit: "reports/s", baseline: batchRate, source: "a lease RPC each, reports in batches, same run" };
  figures["batches of 50 vs one at a time"] = { value: batchRate, unit: "reports/s", baseline: singleRate, source: "one at a time, same run" };
  console.log(
    [
      `coordinator throughput (${TASKS} tasks, PGlite outbox):`,
      `  lease, then report, one at a time: ${singleRate.toFixed(0)} reports/s (${singleCount} in ${singleSeconds.toFixed(2)} s)`,
      `  report carrying the next lease (reportAndLease), one at a time, interleaved with the above: ${chainedRate.toFixed(0)} reports/s (${chained} in ${chainedSeconds.toFixed(2)} s)`,
      `  lease each, report in batches of 50: ${(rest.length / batchSeconds).toFixed(0)} reports/s (${rest.length} in ${batchSeconds.toFixed(2)} s)`,
      `  leases and reports in batches of 50 (leaseMany, reportMany): ${bothRate.toFixed(0)} reports/s (${both.length} in ${bothSeconds.toFixed(2)} s)`,
      `  batch/single ratio: ${(batchRate / singleRate).toFixed(2)}x`,
      `  outbox left to drain at the end: ${drainSeconds.toFixed(2)} s; job ${progress.status}, ${progress.submitted}/${progress.total} submitted`,
    ].join("\n"),
  );
});

it("report-to-delta latency at 1,000 sockets", async () => {
  const seeded = await seedJob({ plan: "enterprise", directories: PROBES * 2 });
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  const arrivals = new Map<string, number[]>();
  const sockets: WebSocket[] = [];
  const connectStarted = performance.now();
  for (let i = 0; i < SOCKETS; i++) {
    // A ticket opens one socket: each socket gets its own.
    const ticket = await signTicket(env.WS_TICKET_SECRET, { target: seeded.jobId, role: "customer", userId: seeded.userId }, 600);
    const res = await exports.default.fetch(`http://localhost/api/jobs/${seeded.jobId}/ws`, { headers: { upgrade: "websocket", "sec-websocket-protocol": socketProtocols(ticket).join(", ") } });
    const ws = res.webSocket!;
    ws.accept();
    ws.addEventListener("message", (e) => {
      const frame = JSON.parse(e.data as string) as ServerMessage;
      if (frame.type !== "submission") return;
      const now = performance.now();
      for (const s of frame.submissions) if (s.status === "submitted") (arrivals.get(s.submissionId) ?? arrivals.set(s.submissionId, []).get(s.submissionId)!).push(now);
    });
    sockets.push(ws);
  }
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  const latencies: number[] = [];
  const lastArrivals: number[] = [];
  for (let p = 0; p < PROBES; p++) {
    const m = released.shift()!;
    await stub.lease(m.submissionId, m.attempt, "bench");
    await new Promise((r) => setTimeout(r, 120)); // let the lease's own frame pass
    const sent = performance.now();
    await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" });
    const deadline = Date.now() + 10_000;
    while ((arrivals.get(m.submissionId)?.length ?? 0) < SOCKETS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    const times = arrivals.get(m.submissionId) ?? [];
    for (const t of times) latencies.push(t - sent);
    lastArrivals.push(Math.max(...times) - sent);
    if (times.length < SOCKETS) console.log(`probe ${p}: only ${times.length}/${SOCKETS} sockets got the delta in 10 s`);
  }
  const all = summarise(latencies);
  const slowest = summarise(lastArrivals);
  const label = `${SOCKETS} sockets`;
  figures[`report to delta p50, ${label}`] = { value: all.median, unit: "ms", baseline: recorded.coordinator.socketP50Ms, source: RECORDED };
  figures[`report to delta p99, ${label}`] = { value: all.p99, unit: "ms", baseline: recorded.coordinator.socketP99Ms, source: RECORDED };
  figures[`last socket p50, ${label}`] = { value: slowest.median, unit: "ms" };
  figures[`sockets opened per s`] = { value: SOCKETS / connectSeconds, unit: "sockets/s" };
  console.log(
    [
      `report-to-delta latency, ${SOCKETS} sockets, ${PROBES} reports, each after a quiet window:`,
      `  per socket: p50 ${ms(all.median)}, p99 ${ms(all.p99)} over ${all.n} deliveries`,
      `  last socket per report: p50 ${ms(slowest.median)}, p99 ${ms(slowest.p99)}`,
      `  p99/p50: ${(all.p99 / all.median).toFixed(2)}x; ${SOCKETS} sockets opened in ${connectSeconds.toFixed(2)} s`,
    ].join("\n"),
  );
  for (const ws of sockets) ws.close(1000, "bench done");
});
