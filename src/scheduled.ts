/**
 * The cron trigger's work (wrangler.toml `[triggers] crons`), every few
 * minutes; each step is idempotent and independent of the others:
 * 1. wake stuck jobs: `in_progress` jobs with no job_event (and no row
 *    update) for STUCK_AFTER_MINUTES get `start()` on their coordinator,
 *    which is idempotent and re-pumps (a lost alarm, an evicted object);
 *    and ready `pending` jobs get `start()` and cancelled jobs whose
 *    coordinator still holds work get `cancel()` again, since the one call
 *    made when they became so may have failed (src/jobs/convergence.ts);
 * 2. enqueue a completion e-mail for every newly completed job, and the
 *    day's digest of directory mails for customers who chose one
 *    (src/notifications/directory-mail-digest.ts: one per customer and day);
 * 3. drain the notification outbox through the e-mail provider (completion,
 *    payment-problem and directory-mail e-mails);
 * 4. send due outgoing webhooks to agencies' endpoints (src/webhooks/sender.ts);
 * 5. roll up today's and yesterday's figures into `daily_rollups` (an upsert
 *    per day, so each run rewrites the same two rows);
 * 6. make the proof pack of each newly completed job, once per completion
 *    (src/proof/at-completion.ts);
 * 7. survival checks of live listings at 30, 90 and 180 days
 *    (src/listings/survival.ts): their flags' e-mails go out with the next
 *    run's drain; a flagged listing's page is screenshotted by a browser
 *    task of its job's coordinator;
 * 8. live rate: jobs under 70% live 28 days after their start get
 *    replacements from their coordinator, each once (src/listings/live-rate.ts).
 */
import type { Connection } from "./db/client";
import { connectFromWorker } from "./db/worker-database";
import { coordinatorFor } from "./jobs/coordinator-client";
import { findReadyPendingJobs, findUnfinishedCancels } from "./jobs/convergence";
import { drainNotifications, enqueueCompletionNotifications, type DrainResult } from "./notifications/outbox";
import { enqueueDirectoryMailDigests } from "./notifications/directory-mail-digest";
import { isLoopback } from "./billing/stripe";
import { refundEndedJobShortfalls } from "./billing/shortfall-refund";
import { stripeWebhook } from "./routes/stripe-webhook";
import { log } from "../core/log";
import { rollUpDay, utcDay } from "./observability/daily-rollup";
import { drainWebhookDeliveries, type WebhookDrainResult } from "./webhooks/sender";
import { makeCompletionProofPacks, type CompletionPacksResult } from "./proof/at-completion";
import { requestCheckScreenshots, runSurvivalChecks, type SurvivalResult } from "./listings/survival";
import { replaceForLiveRate, type LiveRateSweepResult } from "./listings/live-rate";

export const STUCK_AFTER_MINUTES = 15;

export interface ScheduledResult {
  woken: string[];
  /** Ready pending jobs told to start again. */
  started: string[];
  /** Cancelled jobs whose coordinator was told to cancel again. */
  cancelled: string[];
  enqueued: number;
  /** Daily digests of directory mails enqueued. */
  digests: number;
  drained: DrainResult | "not_configured";
  webhooks: WebhookDrainResult;
  rolledUp: string[];
  proofPacks: CompletionPacksResult | "not_configured";
  survival: SurvivalResult & { screenshotsAsked: number };
  liveRate: LiveRateSweepResult;
}

/** In-progress jobs with no progress for `minutes`, oldest first. */
export async function findStuckJobs(conn: Connection, minutes = STUCK_AFTER_MINUTES, limit = 50): Promise<string[]> {
  const res = await conn.client.query<{ id: string }>(
    `select j.id from jobs j
      where j.status = 'in_progress'
        and j.updated_at < now() - make_interval(mins => $1)
        and not exists (select 1 from job_events e where e.job_id = j.id and e.created_at >= now() - make_interval(mins => $1))
      order by j.updated_at limit $2`,
    [minutes, limit],
  );
  return res.rows.map((r) => r.id);
}

function emailConfig(env: Env, fetcher?: typeof fetch) {
  if (!env.EMAIL_API_KEY || !env.EMAIL_FROM) return null;
  return { apiKey: env.EMAIL_API_KEY, from: env.EMAIL_FROM, apiUrl: env.EMAIL_API_URL, publicUrl: env.PUBLIC_URL, fetch: fetcher };
}

/** Step 3 alone, right after something was enqueued that should leave at once (a directory mail). */
export async function drainNotificationsNow(env: Env, options: { fetch?: typeof fetch } = {}): Promise<DrainResult | "not_configured"> {
  const config = emailConfig(env, options.fetch);
  if (!config) return "not_configured";
  const conn = await connectFromWorker(env, { timeoutMs: 5_000 });
  try {
    return await drainNotifications(conn.client, config);
  } finally {
    await conn.close();
  }
}

export async function runScheduled(env: Env, options: { fetch?: typeof fetch; webhookFetch?: typeof fetch; listingFetch?: typeof fetch; now?: Date } = {}): Promise<ScheduledResult> {
  const conn = await connectFromWorker(env, { timeoutMs: 5_000 });
  try {
    const woken: string[] = [];
    for (const jobId of await findStuckJobs(conn)) {
      const result = await coordinatorFor(env, jobId)
        .start(jobId)
        .catch((err: unknown) => ({ ok: false as const, reason: String(err) }));
      log(result.ok ? "info" : "warn", "stuck job woken", { jobId, ok: result.ok, reason: result.ok ? undefined : result.reason });
      woken.push(jobId);
    }
    const started: string[] = [];
    for (const jobId of await findReadyPendingJobs(conn)) {
      const result = await coordinatorFor(env, jobId)
        .start(jobId)
        .catch((err: unknown) => ({ ok: false as const, reason: String(err) }));
      log(result.ok ? "info" : "warn", "ready job started by the sweep", { jobId, ok: result.ok, reason: result.ok ? undefined : result.reason });
      started.push(jobId);
    }
    const cancelled: string[] = [];
    for (const { jobId, reason } of await findUnfinishedCancels(conn)) {
      await coordinatorFor(env, jobId)
        .cancel(reason)
        .then(() => log("info", "cancel re-sent by the sweep", { jobId, reason }))
        .catch((err: unknown) => log("warn", "cancel re-sent by the sweep failed", { jobId, error: String(err) }));
      cancelled.push(jobId);
    }
    // The job-end signal of the shortfall refund: before the outbox drain, so its e-mail goes in this run.
    const shortfalls = await refundEndedJobShortfalls(env, conn.db, { receive: (request) => stripeWebhook.fetch(request, env) });
    const enqueued = await enqueueCompletionNotifications(conn.client);
    const digests = await enqueueDirectoryMailDigests(conn.client, options.now ?? new Date());
    let drained: ScheduledResult["drained"] = "not_configured";
    const config = emailConfig(env, options.fetch);
    if (config) drained = await drainNotifications(conn.client, config);
    const webhooks = await drainWebhookDeliveries(conn.client, { development: isLoopback(env.PUBLIC_URL), fetch: options.webhookFetch });
    const now = new Date();
    const rolledUp = [utcDay(now, -1), utcDay(now)];
    for (const day of rolledUp) await rollUpDay(conn.client, day);
    // Last: a pack reads every screenshot of a job, the slowest step of the run.
    const proofPacks = await makeCompletionProofPacks(env, conn.client);
    // After the packs: a check reads a third-party page, and a slow directory must not hold up the steps above.
    const checked = await runSurvivalChecks(conn.client, { fetch: options.listingFetch, now: options.now });
    // A flagged listing's page screenshotted by its job's coordinator, however long ago the job ended.
    const survival = { ...checked, screenshotsAsked: await requestCheckScreenshots(conn.client, (jobId) => coordinatorFor(env, jobId), options.now) };
    const liveRate = await replaceForLiveRate(conn.client, (jobId) => coordinatorFor(env, jobId), options.now ?? new Date());
    const refunded = shortfalls.filter((o) => o.status === "refunded" && o.created).length;
    log("info", "scheduled run", {
      woken: woken.length,
      started: started.length,
      cancelled: cancelled.length,
      refunded,
      enqueued,
      digests,
      drained,
      webhooks,
      rolledUp,
      proofPacks,
      survival,
      liveRate,
    });
    return { woken, started, cancelled, enqueued, digests, drained, webhooks, rolledUp, proofPacks, survival, liveRate };
  } finally {
    await conn.close();
  }
}
