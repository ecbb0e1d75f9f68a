import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectFromWorker } from "../../src/db/worker-database";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, consume, settled, stubFor } from "./support/coordinator-harness";
import { parsePrometheusText, sampleValue, type Family } from "./support/prometheus-parser";
import { seedJob } from "./support/seed";
import { opsMonitorStub } from "../../core/rpc";

const TOKEN = env.METRICS_TOKEN;

async function scrape(): Promise<Map<string, Family>> {
  const res = await exports.default.fetch("http://localhost/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(await res.text());
}

async function postgresCounts() {
  const conn = await connectFromWorker(env);
  try {
    const jobs = await conn.client.query<{ status: string; n: number }>("select status, count(*)::int as n from jobs group by status");
    const subs = await conn.client.query<{ status: string; fc: string; n: number }>(
      "select status, coalesce(failure_class, 'none') as fc, count(*)::int as n from directory_submissions group by 1, 2",
    );
    return { jobs: jobs.rows, subs: subs.rows };
  } finally {
    await conn.close();
  }
}

/** OpsMonitor hears from coordinators after their short batching window. */
async function scrapeUntil(ready: (m: Map<string, Family>) => boolean): Promise<Map<string, Family>> {
  for (let i = 0; i < 50; i++) {
    const m = await scrape();
    if (ready(m)) return m;
    await new Promise((r) => setTimeout(r, 100));
  }
  return scrape();
}

describe("GET /metrics", () => {
  it("needs the metrics bearer token", async () => {
    expect((await exports.default.fetch("http://localhost/metrics")).status).toBe(401);
    const wrong = await exports.default.fetch("http://localhost/metrics", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: "invalid_metrics_token" } });
    // The worker token is not the metrics token.
    const worker = await exports.default.fetch("http://localhost/metrics", { headers: { authorization: `Bearer ${env.WORKER_API_TOKEN}` } });
    expect(worker.status).toBe(401);
  });

  it("is valid exposition format with HELP and TYPE for every family, and Prometheus naming", async () => {
    const m = await scrape();
    for (const f of m.values()) {
      expect(f.help, f.name).toBeTruthy();
      expect(f.type, f.name).not.toBe("untyped");
      if (f.type === "counter") expect(f.name).toMatch(/_total$/);
      if (f.type === "histogram") expect(f.name).toMatch(/_seconds$/);
    }
    expect(sampleValue(m, "directorybolt_metrics_source_up", { source: "postgres" })).toBe(1);
    expect(sampleValue(m, "directorybolt_metrics_source_up", { source: "ops_monitor" })).toBe(1);
  });

  it("counts a run's reports, retries, failures by class and durations (OpsMonitor), and agrees with Postgres", async () => {
    const before = await scrape();
    const counter = (m: Map<string, Family>, name: string, labels: Record<string, string> = {}) => sampleValue(m, name, labels) ?? 0;

    const seeded = await seedJob({ directories: 5 });
    const [retried, gone, captcha] = seeded.submissionIds;
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    expect(await stub.start(seeded.jobId)).toMatchObject({ ok: true });
    const reports = await consume(seeded.jobId, released, (msg) => {
      if (msg.submissionId === retried && msg.attempt === 1) return { outcome: "failed", failureClass: "transient", reason: "502" };
      if (msg.submissionId === gone) return { outcome: "failed", failureClass: "site_gone", reason: "410" };
      if (msg.submissionId === captcha) return { outcome: "failed", failureClass: "captcha", reason: "unsolvable" };
      return { outcome: "submitted", listingUrl: `https://listing.example/${msg.submissionId}` };
    });
    await settled(seeded.jobId);
    // 5 tasks + 1 retry; the captcha class is retried by the policy too, so count from the reports.
    const failedReports = reports.filter((r) => r.outcome === "failed");
    const byClass = (c: string) => failedReports.filter((r) => r.failureClass === c).length;
    const progress = await stub.progress();
    expect(progress.status).toBe("completed");

    const after = await scrapeUntil((m) => counter(m, "directorybolt_reports_applied_total") - counter(before, "directorybolt_reports_applied_total") >= reports.length);
    const delta = (name: string, labels: Record<string, string> = {}) => counter(after, name, labels) - counter(before, name, labels);
    expect(delta("directorybolt_reports_applied_total")).toBe(reports.length);
    expect(delta("directorybolt_submission_failures_total", { failure_class: "transient" })).toBe(1);
    expect(delta("directorybolt_submission_failures_total", { failure_class: "site_gone" })).toBe(byClass("site_gone"));
    expect(delta("directorybolt_submission_failures_total", { failure_class: "captcha" })).toBe(byClass("captcha"));
    expect(byClass("captcha")).toBeGreaterThanOrEqual(1);
    // Retries: every failed report whose task was not final afterwards.
    const finalFailures = progress.failed;
    expect(delta("directorybolt_submission_retries_total")).toBe(failedReports.length - finalFailures);
    // Every report came after a lease in this instance: one duration each.
    expect(delta("directorybolt_submission_duration_seconds_count")).toBe(reports.length);
    expect(delta("directorybolt_submission_duration_seconds_bucket", { le: "+Inf" })).toBe(reports.length);
    expect(delta("directorybolt_submission_duration_seconds_sum")).toBeGreaterThanOrEqual(0);
    // The test worker's heartbeat.
    expect(counter(after, "directorybolt_workers_alive", { kind: "cloudflare" })).toBeGreaterThanOrEqual(1);
    expect(counter(after, "directorybolt_worker_last_heartbeat_timestamp_seconds", { kind: "cloudflare" }) * 1000).toBeGreaterThan(Date.now() - 60_000);

    // Postgres figures equal a direct count (retried once if another test wrote in between).
    let matched = false;
    for (let i = 0; i < 3 && !matched; i++) {
      const m = i === 0 ? after : await scrape();
      const pg = await postgresCounts();
      const jobsOk = pg.jobs.every((r) => sampleValue(m, "directorybolt_jobs", { status: r.status }) === r.n);
      const subsOk = pg.subs.every((r) => sampleValue(m, "directorybolt_submissions", { status: r.status, failure_class: r.fc }) === r.n);
      matched = jobsOk && subsOk;
    }
    expect(matched).toBe(true);
    // This job's own rows are among them.
    expect(counter(after, "directorybolt_jobs", { status: "completed" })).toBeGreaterThanOrEqual(1);
    expect(counter(after, "directorybolt_submissions", { status: "failed", failure_class: "site_gone" })).toBeGreaterThanOrEqual(1);
    expect(counter(after, "directorybolt_submissions", { status: "submitted", failure_class: "none" })).toBeGreaterThanOrEqual(2);
  });

  it("counts captchas solved and failed as the browser worker reports them after a batch", async () => {
    const before = await scrape();
    const ops = opsMonitorStub(env.OPS_MONITOR);
    await ops.browserBatch({ captchasSolved: 3, captchasFailed: 1 });
    await ops.browserBatch({ captchasSolved: 2, captchasFailed: 0 });
    const after = await scrape();
    const d = (result: string) => (sampleValue(after, "directorybolt_captchas_total", { result }) ?? 0) - (sampleValue(before, "directorybolt_captchas_total", { result }) ?? 0);
    expect(d("solved")).toBe(5);
    expect(d("failed")).toBe(1);
  });

  it("counts browser sessions in use as the browser worker acquires and releases them, whatever order the calls arrive in", async () => {
    const ops = opsMonitorStub(env.OPS_MONITOR);
    const inUse = async () => sampleValue(await scrape(), "directorybolt_browser_sessions_in_use");
    const before = (await inUse())!;
    const [a, b, c] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await ops.browserLease(a, "acquired");
    await ops.browserLease(b, "acquired");
    expect(await inUse()).toBe(before + 2);
    await ops.browserLease(b, "released");
    // The release overtook the acquire: never counted as held.
    await ops.browserLease(c, "released");
    await ops.browserLease(c, "acquired");
    expect(await inUse()).toBe(before + 1);
    await ops.browserLease(a, "released");
    await ops.browserLease(a, "released");
    expect(await inUse()).toBe(before);
  });

  it("reports queue depth: tasks released and not yet leased", async () => {
    const depth = (m: Map<string, Family>) => sampleValue(m, "directorybolt_queue_depth") ?? -1;
    const before = depth(await scrape());
    const seeded = await seedJob({ directories: 3 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    expect(await stub.start(seeded.jobId)).toMatchObject({ ok: true });
    expect(released).toHaveLength(3);
    const queued = await scrapeUntil((m) => depth(m) === before + 3);
    expect(depth(queued)).toBe(before + 3);
    // A worker leases one: it leaves the queue (still in flight).
    const first = released[0]!;
    await stub.lease(first.submissionId, first.attempt, "test-worker");
    await stub.report({ jobId: seeded.jobId, submissionId: first.submissionId, attempt: first.attempt, outcome: "submitted" });
    const after = await scrapeUntil((m) => depth(m) === before + 2);
    expect(depth(after)).toBe(before + 2);
  });

  it("counts the e-mail and outgoing-webhook outboxes by status, as Postgres has them", async () => {
    const m = await scrape();
    const conn = await connectFromWorker(env);
    try {
      const notices = await conn.client.query<{ kind: string; status: string; n: number }>("select kind, status, count(*)::int as n from notifications group by 1, 2");
      for (const r of notices.rows) expect(sampleValue(m, "directorybolt_notifications", { kind: r.kind, status: r.status })).toBe(r.n);
      const deliveries = await conn.client.query<{ status: string; n: number }>("select status, count(*)::int as n from webhook_deliveries group by 1");
      for (const status of ["pending", "delivered", "failed"]) {
        expect(sampleValue(m, "directorybolt_outgoing_webhook_deliveries", { status })).toBe(deliveries.rows.find((r) => r.status === status)?.n ?? 0);
      }
    } finally {
      await conn.close();
    }
  });

  it("counts Stripe webhook events by type and result from stripe_events", async () => {
    const id = `evt_test_metrics_${crypto.randomUUID().slice(0, 8)}`;
    const before = await scrape();
    const conn = await connectFromWorker(env);
    try {
      await conn.client.query("insert into stripe_events (id, type, processed_at) values ($1, 'invoice.paid', now()), ($2, 'invoice.paid', null)", [id, `${id}_b`]);
    } finally {
      await conn.close();
    }
    const after = await scrape();
    const d = (result: string) =>
      (sampleValue(after, "directorybolt_stripe_webhook_events_total", { type: "invoice.paid", result }) ?? 0) -
      (sampleValue(before, "directorybolt_stripe_webhook_events_total", { type: "invoice.paid", result }) ?? 0);
    expect(d("processed")).toBe(1);
    expect(d("unprocessed")).toBe(1);
  });

  it("still answers, with source_up 0 and no Postgres families, when the database is down", async () => {
    const { app } = await import("../../src/app");
    const deadDatabase = { ...env, HYPERDRIVE: { ...env.HYPERDRIVE, connectionString: "postgres://app:s3cret@127.0.0.1:1/none" } };
    const res = await app.fetch(new Request("http://localhost/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }), deadDatabase);
    expect(res.status).toBe(200);
    const text = await res.text();
    const m = parsePrometheusText(text);
    expect(sampleValue(m, "directorybolt_metrics_source_up", { source: "postgres" })).toBe(0);
    expect(m.has("directorybolt_jobs")).toBe(false);
    expect(m.has("directorybolt_tasks_in_flight")).toBe(true);
    expect(text).not.toContain("s3cret");
  });
});

describe("the strict exposition parser", () => {
  it("rejects what the format does not allow", () => {
    expect(() => parsePrometheusText("a 1")).toThrow(/line feed/);
    expect(() => parsePrometheusText('a{b="c} 1\n')).toThrow();
    expect(() => parsePrometheusText('a{b="\\x"} 1\n')).toThrow(/escape/);
    expect(() => parsePrometheusText("a 1\nb 1\na 2\n")).toThrow(/contiguous|repeated/);
    expect(() => parsePrometheusText("# TYPE a_total counter\na_total -1\n")).toThrow(/negative/);
    expect(() => parsePrometheusText("a one\n")).toThrow(/bad value/);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/cumulative/);
    expect(parsePrometheusText('# HELP a x\n# TYPE a gauge\na{b="q\\"\\n"} +Inf\n').get("a")!.samples[0]).toEqual({ name: "a", labels: { b: 'q"\n' }, value: Infinity });
  });
});
