/**
 * Where one report's time goes in a JobCoordinator (issue 21 item 2), run
 * with `npm run bench:coordinator` (or alone:
 * `npx vitest run -c vitest.bench.config.ts bench/coordinator-profile.workers.ts`).
 *
 * workerd does not advance the clock inside synchronous code, so a report's
 * own statements cannot be timed from inside the object. The profile counts
 * instead what each lease and each report does (SQLite statements by kind,
 * outbox rows, JSON (de)serialisations, Date/crypto calls, Postgres
 * connections, socket frames) and times the RPCs from the caller: a no-op
 * round trip, a lease, a report. Same work per report as the throughput
 * bench (coordinator.workers.ts): lease, then report "submitted", the next
 * task released by the report.
 * It prints figures; it asserts nothing.
 */
import { runInDurableObject } from "cloudflare:test";
import { it } from "vitest";
import type { TaskMessage } from "../core/protocol/tasks";
import type { JobCoordinator } from "../durable-objects/job-coordinator";
import { captureReleases, settled, stubFor } from "../test/workers/support/coordinator-harness";
import { seedJob } from "../test/workers/support/seed";
import { ms, summarise } from "./stats";

const TASKS = 400;
const PROFILED = 200;

type Counter = Map<string, number>;
const bump = (c: Counter, key: string, by = 1) => c.set(key, (c.get(key) ?? 0) + by);

/** What the object did, by phase (the RPC being answered when it happened). */
const counts = { lease: new Map() as Counter, report: new Map() as Counter, idle: new Map() as Counter };
let phase: keyof typeof counts = "idle";
/** Puts the patched globals back, so nothing run after the profile pays for its counters. */
const restore: (() => void)[] = [];

/** A statement's kind: its first words, parameters aside. */
function kindOf(query: string): string {
  return query.replace(/\s+/g, " ").trim().slice(0, 70);
}

it("profile: what one lease and one report do", async () => {
  const seeded = await seedJob({ plan: "enterprise", directories: TASKS });
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  await stub.pause("bench");
  await runInDurableObject(stub, (instance: JobCoordinator, state) => {
    (instance as unknown as { store: { updateJob(p: object): void } }).store.updateJob({ maxInFlight: TASKS });
    // Counters around the object's storage, serialisation, clock and Postgres.
    // The test runs in the object's isolate, so the globals are the object's.
    const sql = state.storage.sql;
    const exec = sql.exec.bind(sql);
    Object.defineProperty(sql, "exec", {
      configurable: true,
      value: (query: string, ...params: unknown[]) => {
        bump(counts[phase], `sql: ${kindOf(query)}`);
        return exec(query, ...(params as SqlStorageValue[]));
      },
    });
    const [stringify0, parse0, now0, uuid0] = [JSON.stringify, JSON.parse, Date.now, crypto.randomUUID];
    restore.push(() => {
      JSON.stringify = stringify0;
      JSON.parse = parse0;
      Date.now = now0;
      crypto.randomUUID = uuid0;
    });
    const stringify = JSON.stringify;
    JSON.stringify = ((...args: Parameters<typeof JSON.stringify>) => {
      bump(counts[phase], "JSON.stringify");
      return stringify(...args);
    }) as typeof JSON.stringify;
    const parse = JSON.parse;
    JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
      bump(counts[phase], "JSON.parse");
      return parse(...args);
    }) as typeof JSON.parse;
    const now = Date.now;
    Date.now = () => {
      bump(counts[phase], "Date.now");
      return now();
    };
    const uuid = crypto.randomUUID.bind(crypto);
    crypto.randomUUID = () => {
      bump(counts[phase], "crypto.randomUUID");
      return uuid();
    };
    const database = instance.database;
    instance.database = () => {
      bump(counts[phase], "Postgres connection (outbox drain)");
      return database();
    };
    const getAlarm = state.storage.getAlarm.bind(state.storage);
    state.storage.getAlarm = (...a) => {
      bump(counts[phase], "storage.getAlarm");
      return getAlarm(...a);
    };
    const setAlarm = state.storage.setAlarm.bind(state.storage);
    state.storage.setAlarm = (...a) => {
      bump(counts[phase], "storage.setAlarm");
      return setAlarm(...a);
    };
    const transactionSync = state.storage.transactionSync.bind(state.storage);
    state.storage.transactionSync = (fn) => {
      bump(counts[phase], "storage.transactionSync");
      return transactionSync(fn);
    };
  });
  for (const m of released.splice(0)) await stub.lease(m.submissionId, m.attempt, "bench");
  await stub.resume();
  await stub.drain();
  for (const c of Object.values(counts)) c.clear();

  const noop: number[] = [];
  const leaseMs: number[] = [];
  const reportMs: number[] = [];
  const heartbeatMs: number[] = [];
  const queue = released.splice(0, PROFILED);
  for (const m of queue) {
    let t = performance.now();
    await stub.pendingWrites();
    noop.push(performance.now() - t);
    phase = "lease";
    t = performance.now();
    await stub.lease(m.submissionId, m.attempt, "bench");
    leaseMs.push(performance.now() - t);
    // One UPDATE and nothing else: what any RPC that writes pays (the commit the output gate waits for).
    phase = "idle";
    t = performance.now();
    await stub.heartbeat(m.submissionId, m.attempt, "bench");
    heartbeatMs.push(performance.now() - t);
    phase = "report";
    t = performance.now();
    await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" });
    reportMs.push(performance.now() - t);
    phase = "idle";
  }
  await settled(seeded.jobId);
  for (const undo of restore.splice(0)) undo();
  const n = queue.length;
  const lines = [`coordinator profile: ${n} lease+report pairs (job of ${TASKS} tasks, every slot full); per lease / per report / between RPCs (per pair):`];
  const keys = new Set([...counts.lease.keys(), ...counts.report.keys(), ...counts.idle.keys()]);
  const per = (c: Counter, k: string) => ((c.get(k) ?? 0) / n).toFixed(2).padStart(6);
  for (const k of [...keys].sort()) lines.push(`  ${per(counts.lease, k)} ${per(counts.report, k)} ${per(counts.idle, k)}  ${k}`);
  const sqlTotal = (c: Counter) => [...c].filter(([k]) => k.startsWith("sql:")).reduce((s, [, v]) => s + v, 0) / n;
  lines.push(`  SQL statements: lease ${sqlTotal(counts.lease).toFixed(1)}, report ${sqlTotal(counts.report).toFixed(1)}, between ${sqlTotal(counts.idle).toFixed(1)}`);
  const [a, b, c, d] = [summarise(noop), summarise(leaseMs), summarise(reportMs), summarise(heartbeatMs)];
  lines.push(
    `  RPC round trip (caller's clock, 1 ms steps), mean / median / p99: read-only ${ms(a.mean)} / ${ms(a.median)} / ${ms(a.p99)}; one-UPDATE heartbeat ${ms(d.mean)} / ${ms(d.median)} / ${ms(d.p99)}; lease ${ms(b.mean)} / ${ms(b.median)} / ${ms(b.p99)}; report ${ms(c.mean)} / ${ms(c.median)} / ${ms(c.p99)}`,
  );
  console.log(lines.join("\n"));
});
