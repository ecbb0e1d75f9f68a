/**
 * `npm run test:faults`: a Growth order (100 farm directories) run end
 * to end on one machine while faults are injected on the schedule in
 * schedule.ts: Chromium killed, the browser worker and the coordinator
 * killed (wrangler dev SIGKILLed and restarted on the same state), the
 * coordinator evicted, PostgreSQL 15 stopped for 30 s, every queue message
 * delivered again, every webhook and every report replayed, and 10 % of the
 * farm's answers a 5xx. Then, and after one more round of replays:
 * the job completed, every submission final, no directory got the business
 * twice and no form was posted a second time (the farm's own record), and
 * Postgres holds what the coordinator holds, row for row. Also: the
 * coordinator reset while captcha attempts run longer than its old lease,
 * and reports lost on their way for longer than a worker retries them.
 * Some farm directories are gone for good: each one the job chose is
 * replaced exactly once, and the job delivers the 100 it promised.
 *
 * miniflare keeps its queue in memory, so killing wrangler dev also drops the
 * messages waiting in it; Cloudflare Queues keep a message until it is
 * acknowledged, so right after each restart the harness delivers every
 * released message again, as the platform would.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../tools/lib/stack";
import { placeLocalOrder, stackVars, type PlacedOrder, type Snapshot } from "../../tools/lib/order";
import { coordinatorCounters, evictCoordinator, killChromium, loseReports, redeliverMessages, replayReports, replayWebhooks } from "./injectors";
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from "./postgres-cluster";
import { FAULT_SCHEDULE, FARM_FLAKY_RATE, FARM_GONE_SHARE, FINAL_REPLAY, POSTGRES_OUTAGE_MS, SLOW_CAPTCHA_MS, type FaultKind } from "./schedule";

const PORT = Number(process.env.FAULTS_PORT ?? 9140);
const FARM_PORT = Number(process.env.FAULTS_FARM_PORT ?? 9142);
const PG_PORT = Number(process.env.FAULTS_PG_PORT ?? 9145);
/** The job takes about 5 minutes on a 2-core machine; far longer when it is shared. */
const JOB_TIMEOUT_MS = 45 * 60_000;
/**
 * A Growth order: every fault of the schedule (placed by share of progress)
 * still lands while submissions are in flight, at a third of a Professional
 * order's wall time (300 directories took about ten minutes), so CI runs it.
 */
const PLAN = "growth";
const DIRECTORIES = 100;
/**
 * The sandbox directories left selectable (by slug order, the same each run):
 * two spares for the 100, fewer than the farm's gone directories among them
 * (FARM_GONE_SHARE picks 3), so replacements run out and the job ends short:
 * the shortfall is refunded, once, by the cron, under the same faults.
 */
const SELECTABLE = 102;
/** The cron trigger, fired as the platform would (more often: the run is short). */
const CRON_EVERY_MS = 10_000;
const FINAL: string[] = ["submitted", "awaiting_verification", "approved", "failed", "skipped", "already_listed"];

const log = (m: string) => console.log(`[faults ${new Date().toISOString().slice(11, 19)}] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cluster: PostgresCluster | undefined;
let stack: Stack;
let vars: Record<string, string>;
let persistTo: string;

beforeAll(async () => {
  if (!postgresAvailable()) throw new Error("test:faults needs PostgreSQL 15 (apt-get install postgresql-15)");
  cluster = startPostgresCluster(PG_PORT);
  persistTo = mkdtempSync(join(tmpdir(), "directorybolt-faults-state-"));
  vars = {
    ...(await stackVars(PORT, FARM_PORT)),
    DEV_FAULT_INJECTION: "1",
    // Replacements (issue 17) on, as in production: the gone directories
    // (FARM_GONE_SHARE) are replaced under every fault of the schedule.
    JOB_REPLACEMENTS: "on",
    // Approval tracking (docs/after-submit.md) moves submissions on by itself
    // (submitted → approved); held off here so the end state the final replays
    // must leave untouched, and Postgres must equal, stands still.
    APPROVAL_SCHEDULE: JSON.stringify({ default: { firstCheckMs: 86_400_000, everyMs: 86_400_000, deadlineMs: 30 * 86_400_000 } }),
  };
  // The farm mails its verification links to the stack, as in `npm run dev`:
  // for a directory that confirms by mail, the mail is how an attempt cut off
  // after its post is known to have arrived (a retry cannot find an
  // unconfirmed listing in the directory's search). The links are opened
  // before the final replays, so the end state they check stands still.
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, databaseUrl: cluster.url, vars, persistTo, log, cronEveryMs: CRON_EVERY_MS });
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const slugs = (await db.query<{ slug: string }>("select slug from directories where sandbox")).rows.map((r) => r.slug).sort();
    await db.query("update directories set is_active = (slug = any($1)) where sandbox", [slugs.slice(0, SELECTABLE)]);
  } finally {
    await db.end();
  }
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  cluster?.destroy();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

async function snapshotOf(order: PlacedOrder): Promise<Snapshot | undefined> {
  try {
    const res = await fetch(`${stack.url}/api/jobs/${order.jobId}`, { headers: { authorization: `Bearer ${order.token}` }, signal: AbortSignal.timeout(30_000) });
    return res.status === 200 ? ((await res.json()) as Snapshot) : undefined;
  } catch {
    return undefined; // the stack is restarting, or Postgres is down
  }
}

describe("fault injection", () => {
  it("a Growth order survives every fault: completed, nothing twice, nothing lost", async () => {
    const started = Date.now();
    const workerToken = vars.WORKER_API_TOKEN!;
    const injected: Partial<Record<FaultKind, number>> = {};
    const duplicates = { redelivered: 0, reportsReplayed: 0, reportsApplied: 0, webhooksReplayed: 0 };
    const count = (kind: FaultKind, n: number) => (injected[kind] = (injected[kind] ?? 0) + n);

    let order!: PlacedOrder;
    let last: Snapshot | undefined;
    const inject = async (kind: FaultKind) => {
      log(`fault: ${kind}`);
      switch (kind) {
        case "kill-chromium":
          return count(kind, killChromium(stack));
        case "restart-workers":
          await stack.restartWorkers();
          count(kind, 1);
          // The platform's queue would still hold what miniflare's lost.
          duplicates.redelivered += await redeliverMessages(stack, workerToken, order.jobId);
          return;
        case "evict-coordinator":
          return count(kind, await evictCoordinator(stack, workerToken, order.jobId));
        case "evict-during-captcha": {
          // Long attempts: every captcha takes SLOW_CAPTCHA_MS to solve. Once one is being
          // solved (and its attempt has heartbeaten), the coordinator is reset under it.
          const slowSince = Date.now();
          stack.farm.setFaults({ solverDelayMs: SLOW_CAPTCHA_MS });
          for (let i = 0; i < 120 && stack.farm.captchasInProgress() === 0; i++) await sleep(1_000);
          const solving = stack.farm.captchasInProgress();
          await sleep(25_000);
          if (solving > 0) count(kind, await evictCoordinator(stack, workerToken, order.jobId));
          log(`${solving} captcha(s) being solved when the coordinator was evicted`);
          await sleep(Math.max(0, slowSince + SLOW_CAPTCHA_MS - Date.now()));
          stack.farm.setFaults({ solverDelayMs: 0 });
          return;
        }
        case "lose-reports":
          return count(kind, await loseReports(stack, workerToken, order.jobId));
        case "stop-postgres":
          cluster!.stop();
          count(kind, 1);
          await sleep(POSTGRES_OUTAGE_MS);
          cluster!.start();
          return;
        case "redeliver-messages": {
          const sent = await redeliverMessages(stack, workerToken, order.jobId);
          duplicates.redelivered += sent;
          return count(kind, sent);
        }
        case "replay-webhooks": {
          const replay = await replayWebhooks(stack, vars.STRIPE_WEBHOOK_SECRET!);
          expect(
            replay.statuses.every((s) => s === 200),
            `webhook replay answers ${replay.statuses}`,
          ).toBe(true);
          duplicates.webhooksReplayed += replay.duplicates;
          return count(kind, replay.sent);
        }
        case "replay-reports": {
          const snapshot = await snapshotOf(order);
          if (!snapshot) return;
          const replay = await replayReports(stack, workerToken, snapshot);
          duplicates.reportsReplayed += replay.refused;
          duplicates.reportsApplied += replay.applied;
          return count(kind, replay.sent);
        }
      }
    };

    // The order, paid through the local checkout, with the farm failing 10 % of its answers and some directories gone.
    stack.farm.setFaults({ flakyRate: FARM_FLAKY_RATE, goneShare: FARM_GONE_SHARE });
    order = await placeLocalOrder(stack, vars, PLAN, `faults-${Date.now()}@boltbakery.example`);
    expect(order.directories).toBe(DIRECTORIES);
    log(`order paid: job ${order.jobId}, ${DIRECTORIES} directories`);

    // The schedule, while the job runs.
    const pending = [...FAULT_SCHEDULE];
    const deadline = order.paidAt + JOB_TIMEOUT_MS;
    let lastLog = 0;
    while (Date.now() < deadline) {
      const elapsed = (Date.now() - order.paidAt) / 1000;
      while (last && pending.length && pending[0]!.atPercent <= last.job.percent) await inject(pending.shift()!.kind);
      last = (await snapshotOf(order)) ?? last;
      if (last && ["completed", "failed", "cancelled"].includes(last.job.status) && pending.length === 0) break;
      if (last && Date.now() - lastLog >= 30_000) {
        lastLog = Date.now();
        log(`${Math.round(elapsed)} s: ${last.job.status}, ${last.job.percent} %, ${last.job.inFlight} in flight, ${last.job.failed} failed`);
      }
      await sleep(1_000);
    }
    expect(last?.job.status, `job not final: ${JSON.stringify(last?.job)}`).toBe("completed");
    const jobSeconds = (Date.now() - order.paidAt) / 1000;
    log(`job completed after ${jobSeconds.toFixed(0)} s`);

    // The cron refunds the shortfall once the job has ended: wait for it (bounded), so the final replays include its webhook.
    type Shortfall = { refund: { status: string; amountCents: number; chargeAmountCents: number; delivered: number; promised: number } | null };
    const shortfallOf = async (): Promise<Shortfall | undefined> => {
      try {
        const res = await fetch(`${stack.url}/api/jobs/${order.jobId}/shortfall`, { headers: { authorization: `Bearer ${order.token}` }, signal: AbortSignal.timeout(30_000) });
        return res.status === 200 ? ((await res.json()) as Shortfall) : undefined;
      } catch {
        return undefined;
      }
    };
    for (let i = 0; i < 180 && (await shortfallOf())?.refund?.status !== "succeeded"; i++) await sleep(1_000);

    // The verification links mailed during the job are opened after it (the follow-ups): wait for them, bounded,
    // and only while one can still come: a mail still on its way, or one the stack took for a directory still
    // waiting. A mail the farm gave up delivering (the stack down through all its tries) brings no link; the
    // submission then waits in production for the approval tracker's deadline, held off here.
    for (let i = 0; i < 240; i++) {
      const waiting = (await snapshotOf(order))?.submissions.filter((s) => s.status === "awaiting_verification") ?? [];
      if (waiting.length === 0) break;
      const names = new Set(waiting.map((s) => s.directoryName));
      const mails = stack.farm.mails().filter((m) => (m.kind ?? "verification") === "verification" && names.has(stack.farm.variant(m.slug)?.name ?? m.slug));
      const linkMayCome = mails.some((m) => m.delivered === undefined || (m.delivered >= 200 && m.delivered < 300));
      const why = `${waiting.map((s) => s.directoryName).join(", ")}; their mails' delivery: ${mails.map((m) => m.delivered ?? "on its way").join(", ") || "none sent"}`;
      if (!linkMayCome && i >= 10) {
        log(`${waiting.length} submission(s) awaiting a verification link that cannot come: ${why}`);
        break;
      }
      if (i % 30 === 0) log(`${waiting.length} submission(s) awaiting their verification link: ${why}`);
      await sleep(1_000);
    }

    // An opened link has the listing looked up within a minute, and a find has its page screenshotted: wait (bounded)
    // until no such work is left, or the snapshot below would catch a submission on its way to approved.
    for (let i = 0; i < 240; i++) {
      const due = (await coordinatorCounters(stack, workerToken, order.jobId)).afterSubmitDue;
      if (due === 0) break;
      if (i % 30 === 0) log(`${due} after-submit step(s) still due (follow-ups open, listing looks due)`);
      await sleep(1_000);
    }

    // Once more, after the end: every message, webhook and report again, and an eviction.
    const before = await snapshotOf(order);
    stack.farm.setFaults({ flakyRate: 0 });
    for (const kind of FINAL_REPLAY) await inject(kind);
    await sleep(5_000); // let the queue deliver what was sent

    // The outbox drains to Postgres.
    let counters = await coordinatorCounters(stack, workerToken, order.jobId);
    for (let i = 0; i < 120 && counters.pendingWrites > 0; i++) {
      await sleep(1_000);
      counters = await coordinatorCounters(stack, workerToken, order.jobId);
    }
    expect(counters.pendingWrites).toBe(0);
    const snapshot = (await snapshotOf(order))!;

    // Nothing changed by the final replays.
    expect(snapshot.job.status).toBe("completed");
    const view = (s: Snapshot) => s.submissions.map((x) => `${x.submissionId}:${x.status}:${x.attempt}:${x.listingUrl}:${x.evidenceKey}`).sort();
    expect(view(snapshot)).toEqual(view(before!));
    expect(duplicates.reportsApplied, "a replayed report was applied").toBe(0);

    // Every submission final; the job holds the 100 chosen at payment and one replacement for each that ended without a listing.
    const replacedCount = snapshot.submissions.filter((s) => s.replaces).length;
    expect(snapshot.submissions).toHaveLength(DIRECTORIES + replacedCount);
    const notFinal = snapshot.submissions.filter((s) => !FINAL.includes(s.status));
    expect(notFinal.map((s) => `${s.directoryName}: ${s.status}`)).toEqual([]);

    // Postgres equals the coordinator, row for row; one order, one job.
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const rows = (
      await db.query<{
        id: string;
        slug: string;
        status: string;
        attempt: number;
        listing_url: string | null;
        evidence_key: string | null;
        failure_class: string | null;
        failure_reason: string | null;
        replaces_submission_id: string | null;
      }>(
        `select s.id, d.slug, s.status, s.attempt, s.listing_url, s.evidence_key, s.failure_class, s.failure_reason, s.replaces_submission_id
         from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1`,
        [order.jobId],
      )
    ).rows;
    const job = (await db.query("select status, directories_total, directories_submitted, directories_approved, directories_failed from jobs where id = $1", [order.jobId])).rows[0];
    const orderCount = Number((await db.query("select count(*) as n from orders")).rows[0].n);
    const refundRows = {
      shortfallRefunds: Number((await db.query("select count(*) as n from shortfall_refunds where job_id = $1", [order.jobId])).rows[0].n),
      stripeRefunds: Number((await db.query("select count(*) as n from local_refunds")).rows[0].n),
      orderStatus: (await db.query("select status from orders")).rows[0].status as string,
    };
    const refund = (await shortfallOf())?.refund;
    const jobCount = Number((await db.query("select count(*) as n from jobs")).rows[0].n);
    await db.end();
    const byId = new Map(snapshot.submissions.map((s) => [s.submissionId, s]));
    const mismatched = rows.filter((r) => {
      const s = byId.get(r.id);
      return (
        !s ||
        s.status !== r.status ||
        s.attempt !== r.attempt ||
        s.listingUrl !== r.listing_url ||
        s.evidenceKey !== r.evidence_key ||
        s.failureClass !== r.failure_class ||
        s.failureReason !== r.failure_reason
      );
    });
    const rowsLost = mismatched.length + (DIRECTORIES + replacedCount - rows.length);

    // The farm's record: no directory accepted the business twice (two
    // listings, or two accepted posts). A post refused as a duplicate is
    // counted: it follows an attempt cut off after the directory accepted it.
    const twice = rows.filter((r) => stack.farm.listings({ slug: r.slug }).length > 1 || stack.farm.submissions({ slug: r.slug, outcome: "accepted" }).length > 1);
    const refusedAsDuplicate = rows.reduce((n, r) => n + stack.farm.submissions({ slug: r.slug, outcome: "duplicate" }).length, 0);
    // Every POST of the business to a directory that already listed it, whatever the directory answered (the farm marks them).
    const secondPosts = rows.flatMap((r) =>
      stack.farm
        .submissions({ slug: r.slug })
        .filter((s) => s.repeat)
        .map((s) => `${r.slug}: ${s.outcome}`),
    );
    // Every submission we call submitted is a listing there; every failed one is not.
    const submittedRows = rows.filter((r) => ["submitted", "awaiting_verification", "approved"].includes(r.status));
    const retries = rows.reduce((n, r) => n + Math.max(0, r.attempt - 1), 0);
    // Replacements: each submission that ended without our listing (failed,
    // found already listed, or skipped as held by another job) is replaced
    // exactly once, and only those.
    const ended = rows.filter((r) => r.status === "failed" || r.status === "already_listed" || (r.status === "skipped" && r.failure_class === "duplicate_listing"));
    const replacementsOf = new Map<string, number>();
    for (const r of rows) if (r.replaces_submission_id) replacementsOf.set(r.replaces_submission_id, (replacementsOf.get(r.replaces_submission_id) ?? 0) + 1);
    // Replaced at most once; left unreplaced only when the selectable catalog is used up.
    const unreplaced = ended.filter((r) => !replacementsOf.has(r.id));
    const replacementProblems = [
      ...ended.filter((r) => (replacementsOf.get(r.id) ?? 0) > 1).map((r) => `${r.slug} (${r.status}, ${r.failure_class}) replaced ${replacementsOf.get(r.id)} times`),
      ...(unreplaced.length > 0 && rows.length < SELECTABLE ? unreplaced.map((r) => `${r.slug} (${r.status}) not replaced though the catalog had spares`) : []),
      ...[...replacementsOf.keys()].filter((id) => !ended.some((r) => r.id === id)).map((id) => `${id} was replaced but did not end without a listing`),
    ];
    const gone = rows.filter((r) => r.failure_class === "site_gone").length;
    injected["farm-5xx" as FaultKind] = stack.farm.faultsInjected();
    const summary = {
      faultsInjected: injected,
      submissions: {
        total: rows.length,
        submitted: submittedRows.length,
        failed: rows.filter((r) => r.status === "failed").length,
        skipped: rows.filter((r) => r.status === "skipped").length,
        siteGone: gone,
        replacements: replacementsOf.size,
      },
      retries,
      duplicatesPrevented: {
        queueDeliveriesRefused: counters.refusedLeases,
        reportsRefused: counters.refusedReports,
        webhookReplaysAnswered: duplicates.webhooksReplayed,
        messagesRedelivered: duplicates.redelivered,
        secondPostsRefusedByTheDirectory: refusedAsDuplicate,
      },
      secondPosts: secondPosts.length,
      shortfall: { missing: DIRECTORIES - submittedRows.length, refundedCents: refund?.amountCents ?? 0, chargeCents: refund?.chargeAmountCents ?? 0, ...refundRows },
      rowsLost,
      jobSeconds: Math.round(jobSeconds),
      totalSeconds: Math.round((Date.now() - started) / 1000),
    };
    // Printed before the assertions, so a failing run still shows its counts.
    console.log(`\nfault injection summary\n${JSON.stringify(summary, null, 2)}\n`);
    expect(orderCount).toBe(1);
    expect(jobCount).toBe(1);
    expect(rows).toHaveLength(DIRECTORIES + replacedCount);
    expect(replacedCount).toBe(replacementsOf.size);
    // The gone directories were in the order (else nothing here was tested), and each ended one was replaced once.
    expect(gone).toBeGreaterThan(0);
    expect(replacementProblems).toEqual([]);
    // The promise: each of the 100 slots is delivered, or ended without a listing when no spare was left.
    expect(submittedRows.length + unreplaced.length).toBe(DIRECTORIES);
    expect(unreplaced.length, "the catalog was not used up: no shortfall to refund").toBeGreaterThan(0);
    // The shortfall refunded once, pro rata from the real charge; a partial refund leaves the order paid and the job as it is.
    const missing = DIRECTORIES - submittedRows.length;
    expect(refund).toMatchObject({ status: "succeeded", promised: DIRECTORIES, delivered: submittedRows.length });
    expect(refund!.amountCents).toBe(Math.floor((refund!.chargeAmountCents * missing) / DIRECTORIES));
    expect(refundRows).toEqual({ shortfallRefunds: 1, stripeRefunds: 1, orderStatus: "paid" });
    expect(mismatched.map((r) => `${r.slug}: postgres ${r.status}/${r.attempt}, coordinator ${byId.get(r.id)?.status}/${byId.get(r.id)?.attempt}`)).toEqual([]);
    // A replaced directory leaves the job's counts and its replacement takes its place: the total stays the 100 paid for.
    expect(snapshot.job.replaced).toBe(replacedCount);
    expect({
      status: job.status,
      total: job.directories_total,
      submitted: job.directories_submitted,
      approved: job.directories_approved,
      failed: job.directories_failed,
    }).toEqual({ status: "completed", total: DIRECTORIES, submitted: snapshot.job.submitted, approved: snapshot.job.approved, failed: snapshot.job.failed });
    expect(twice.map((r) => r.slug)).toEqual([]);
    // No form posted again where the business was already listed: a directory that does not dedupe would list it twice.
    expect(secondPosts).toEqual([]);
    expect(submittedRows.filter((r) => stack.farm.listings({ slug: r.slug }).length !== 1).map((r) => r.slug)).toEqual([]);
    expect(rows.filter((r) => r.status === "failed" && stack.farm.listings({ slug: r.slug }).length > 0).map((r) => r.slug)).toEqual([]);
    expect(rowsLost).toBe(0);
    // Every redelivered message and replayed report was refused (some deliveries after restarts are first deliveries).
    expect(counters.refusedReports).toBeGreaterThanOrEqual(duplicates.reportsReplayed);
    expect(counters.refusedLeases).toBeGreaterThan(0);
  });
});
