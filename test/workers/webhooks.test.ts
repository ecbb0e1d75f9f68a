/**
 * Agencies' signed outgoing webhooks: registration through the API (bad URLs
 * refused with a 4xx and nothing written), deliveries written by Postgres in
 * the job event's own transaction, signed bodies that verify, failures
 * retried with the same bytes, and nothing delivered twice.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signUserToken } from "../../src/auth/user-token";
import { WEBHOOK_EVENT_TYPES, jobEventKindOf } from "../../src/webhooks/events";
import { drainWebhookDeliveries } from "../../src/webhooks/sender";
import { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from "../../src/webhooks/signature";
import { checkWebhookUrl } from "../../src/webhooks/url-policy";
import { captureReleases, consume, settled, stubFor } from "./support/coordinator-harness";
import { withDb } from "./support/db";
import { fetchWith, query, uniq } from "./support/purchase";
import { PRODUCTION } from "./support/production";
import { seedJob } from "./support/seed";
import type { TaskMessage } from "../../core/protocol/tasks";

async function customer() {
  const seeded = await seedJob({ directories: 2 });
  const [row] = await query<{ email: string }>("select email from customers where id = $1", [seeded.customerId]);
  const token = await signUserToken(env, { userId: seeded.userId, email: row!.email });
  return { ...seeded, token };
}

const api = (token: string, init: RequestInit & { path?: string } = {}) =>
  exports.default.fetch(`http://localhost/api/webhook-endpoints${init.path ?? ""}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers as Record<string, string>) },
  });

async function register(token: string, body: Record<string, unknown>) {
  const res = await api(token, { method: "POST", body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { endpoint: { id: string; url: string; events: string[] }; secret: string };
}

/** An agency's receiver: records what arrives at its URLs and answers as scripted; anything else gets a 200. */
function receiver(prefix: string, answer: (nth: number) => number = () => 200) {
  const got: { url: string; headers: Headers; body: string }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    expect(req.method).toBe("POST");
    expect(init?.redirect).toBe("manual");
    if (!req.url.startsWith(prefix)) return new Response("ok");
    got.push({ url: req.url, headers: req.headers, body: await req.text() });
    return new Response("", { status: answer(got.length) });
  }) as typeof fetch;
  return { fetcher, got };
}

const drain = (fetcher: typeof fetch) => withDb(({ client }) => drainWebhookDeliveries(client, { development: true, fetch: fetcher, limit: 500 }));

const deliveriesOf = (endpointId: string) =>
  query<{ id: string; event_type: string; status: string; attempts: number; last_status: number | null; body: string; job_event_id: string }>(
    "select id, event_type, status, attempts, last_status, body, job_event_id::text from webhook_deliveries where endpoint_id = $1 order by job_event_id",
    [endpointId],
  );

/** Writes a job event as the coordinator's outbox does (dedupe key: a repeat is dropped). */
async function jobEvent(seeded: { jobId: string; customerId: string }, kind: string, dedupeKey: string, submissionId: string | null = null) {
  await query("insert into job_events (job_id, customer_id, submission_id, kind, message, dedupe_key) values ($1, $2, $3, $4, $5, $6) on conflict (dedupe_key) do nothing", [
    seeded.jobId,
    seeded.customerId,
    submissionId,
    kind,
    `test ${kind}`,
    dedupeKey,
  ]);
}

describe("registering an endpoint", () => {
  it("refuses bad URLs and bad input with a 4xx naming the field, and writes nothing", async () => {
    const c = await customer();
    // Production signs its tokens with its own secret.
    const prodToken = await signUserToken(
      { ...env, ...PRODUCTION },
      { userId: c.userId, email: (await query<{ email: string }>("select email from customers where id = $1", [c.customerId]))[0]!.email },
    );
    const post = (body: unknown, o: { prod?: boolean; type?: string } = {}) =>
      fetchWith(o.prod === false ? {} : PRODUCTION, "/api/webhook-endpoints", {
        method: "POST",
        headers: { authorization: `Bearer ${o.prod === false ? c.token : prodToken}`, "content-type": o.type ?? "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
    const badUrls = [
      "http://hooks.agency.example/x", // not https in production
      "https://127.0.0.1/hook",
      "https://0x7f000001/hook", // 127.0.0.1 spelled in hex
      "https://10.1.2.3/hook",
      "https://172.20.0.1/hook",
      "https://192.168.1.10/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hook",
      "https://[fd00::1]/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://localhost/hook",
      "https://api.localhost/hook",
      "https://metadata.google.internal/hook",
      "https://printer.local/hook",
      "https://intranet/hook",
      "https://user:pass@hooks.agency.example/hook",
      "https://hooks.agency.example/hook#frag",
      "not a url",
      `https://hooks.agency.example/${"a".repeat(2100)}`,
    ];
    for (const url of badUrls) {
      const res = await post({ url });
      expect(res.status, url).toBe(400);
      const body = (await res.json()) as { error: { code: string; details: { fields: Record<string, string> } } };
      expect(body.error.code, url).toBe("validation_failed");
      expect(Object.keys(body.error.details.fields), url).toEqual(["url"]);
    }
    // Development allows http and local receivers, but still not other schemes.
    expect((await post({ url: "ftp://127.0.0.1/hook" }, { prod: false })).status).toBe(400);
    const other: [unknown, number, string, string?][] = [
      [{ url: "https://hooks.agency.example/a", events: ["job.exploded"] }, 400, "validation_failed", "events.0"],
      [{ url: "https://hooks.agency.example/a", secret: "mine" }, 400, "validation_failed", "secret"],
      [{}, 400, "validation_failed", "url"],
      [[1, 2], 400, "validation_failed"],
      ["{not json", 400, "malformed_json"],
    ];
    for (const [body, status, code, field] of other) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      const answer = (await res.json()) as { error: { code: string; details?: { fields: Record<string, string> } } };
      expect(answer.error.code).toBe(code);
      if (field) expect(answer.error.details!.fields).toHaveProperty([field]);
    }
    expect((await post("url=x", { type: "application/x-www-form-urlencoded" })).status).toBe(415);
    expect((await exports.default.fetch("http://localhost/api/webhook-endpoints", { method: "POST", body: "{}" })).status).toBe(401);
    expect(await query("select 1 from webhook_endpoints where customer_id = $1", [c.customerId])).toHaveLength(0);

    // A good one in production: 201 with the secret once; listing never shows it; a duplicate URL is a 409.
    const ok = await post({ url: "https://hooks.agency.example/directorybolt", events: ["job.completed"] });
    expect(ok.status).toBe(201);
    const created = (await ok.json()) as { endpoint: { id: string }; secret: string };
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect((await post({ url: "https://hooks.agency.example/directorybolt" })).status).toBe(409);
    const list = await api(c.token);
    const listed = await list.text();
    expect(listed).toContain(created.endpoint.id);
    expect(listed).not.toContain(created.secret);
    expect(await query("select 1 from webhook_endpoints where customer_id = $1", [c.customerId])).toHaveLength(1);
  });

  it("checks the same policy everywhere (unit)", () => {
    expect(checkWebhookUrl("https://hooks.example.com/x", { development: false })).toMatchObject({ ok: true });
    expect(checkWebhookUrl("https://8.8.8.8/x", { development: false })).toMatchObject({ ok: true });
    expect(checkWebhookUrl("http://127.0.0.1:9000/x", { development: true })).toMatchObject({ ok: true });
    expect(checkWebhookUrl("https://2130706433/x", { development: false })).toMatchObject({ ok: false });
  });
});

describe("delivering job events", () => {
  it("sends a real job's events, job.completed included, signed so the agency can verify them", async () => {
    const c = await customer();
    const prefix = `https://hooks.agency.example/${uniq("run")}`;
    const { endpoint, secret } = await register(c.token, { url: prefix });

    const released: TaskMessage[] = [];
    await captureReleases(c.jobId, released);
    expect(await stubFor(c.jobId).start(c.jobId)).toMatchObject({ ok: true });
    await consume(c.jobId, released, () => ({ outcome: "submitted", listingUrl: "https://listing.example/1" }));
    await settled(c.jobId);

    const rows = await deliveriesOf(endpoint.id);
    expect(rows.map((r) => r.event_type)).toEqual(["job.started", "submission.submitted", "submission.submitted", "job.completed"]);
    const r = receiver(prefix);
    await drain(r.fetcher);
    expect(r.got).toHaveLength(4);
    for (const got of r.got) {
      const header = got.headers.get(SIGNATURE_HEADER)!;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(await verifyWebhookSignature(header, got.body, secret)).toMatchObject({ ok: true });
      expect(await verifyWebhookSignature(header, got.body, "whsec_not_the_secret")).toEqual({ ok: false, reason: "bad_signature" });
      expect(await verifyWebhookSignature(header, got.body.replace("submitted", "approved"), secret)).toMatchObject({ ok: false });
      const t = Number(/t=(\d+)/.exec(header)![1]);
      expect(await verifyWebhookSignature(header, got.body, secret, { now: t + 301 })).toEqual({ ok: false, reason: "stale_timestamp" });
      const event = JSON.parse(got.body) as { id: string; type: string };
      expect(got.headers.get("DirectoryBolt-Event-Id")).toBe(event.id);
      expect(got.headers.get("DirectoryBolt-Event-Type")).toBe(event.type);
    }
    const completed = JSON.parse(r.got.find((g) => g.body.includes('"job.completed"'))!.body);
    expect(completed).toMatchObject({ type: "job.completed", data: { job: { id: c.jobId, status: "completed", directories_total: 2, directories_submitted: 2 } } });
    const submitted = JSON.parse(r.got.find((g) => g.body.includes('"submission.submitted"'))!.body);
    expect(submitted.data.submission).toMatchObject({ status: "submitted", listing_url: "https://listing.example/1" });
    expect((await deliveriesOf(endpoint.id)).every((d) => d.status === "delivered" && d.attempts === 1 && d.last_status === 200)).toBe(true);
    // Our signature is the one documented: HMAC-SHA256 over `${t}.${body}`.
    const first = r.got[0]!;
    const t = Number(/t=(\d+)/.exec(first.headers.get(SIGNATURE_HEADER)!)![1]);
    expect(await signWebhookBody(secret, first.body, t)).toBe(first.headers.get(SIGNATURE_HEADER));
  });

  it("retries a failed delivery with backoff and the same bytes, then never sends it again", async () => {
    const c = await customer();
    const prefix = `https://hooks.agency.example/${uniq("retry")}`;
    const { endpoint, secret } = await register(c.token, { url: prefix, events: ["job.completed"] });
    await query("update jobs set status = 'completed', completed_at = now() where id = $1", [c.jobId]);
    await jobEvent(c, "submission_submitted", `${c.jobId}:s`, c.submissionIds[0]);
    await jobEvent(c, "job_completed", `job:completed:${c.jobId}`);
    let [row, ...rest] = await deliveriesOf(endpoint.id);
    expect(rest).toHaveLength(0); // subscribed to job.completed only
    expect(row).toMatchObject({ event_type: "job.completed", status: "pending", attempts: 0 });

    const r = receiver(prefix, (nth) => (nth === 1 ? 503 : 200));
    await drain(r.fetcher);
    [row] = await deliveriesOf(endpoint.id);
    expect(row).toMatchObject({ status: "pending", last_status: 503 });
    expect(row!.attempts).toBeGreaterThanOrEqual(1);
    expect(r.got).toHaveLength(1);
    // Not due yet: backoff.
    await drain(r.fetcher);
    expect(r.got).toHaveLength(1);
    // Time passes: the retry goes out, the same body and delivery id, a fresh signature that verifies.
    await query("update webhook_deliveries set next_attempt_at = now() where id = $1", [row!.id]);
    await drain(r.fetcher);
    expect(r.got).toHaveLength(2);
    expect(r.got[1]!.body).toBe(r.got[0]!.body);
    expect(r.got[1]!.headers.get("DirectoryBolt-Delivery-Id")).toBe(row!.id);
    expect(await verifyWebhookSignature(r.got[1]!.headers.get(SIGNATURE_HEADER)!, r.got[1]!.body, secret)).toMatchObject({ ok: true });
    [row] = await deliveriesOf(endpoint.id);
    expect(row).toMatchObject({ status: "delivered", last_status: 200 });

    // Delivered: even made due again, replayed as an event, and drained twice at once, nothing more goes out.
    await query("update webhook_deliveries set next_attempt_at = now() - interval '1 hour' where id = $1", [row!.id]);
    await jobEvent(c, "job_completed", `job:completed:${c.jobId}`);
    await Promise.all([drain(r.fetcher), drain(r.fetcher)]);
    expect(r.got).toHaveLength(2);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
  });

  it("sends a pending delivery once when two drains race for it", async () => {
    const c = await customer();
    const prefix = `https://hooks.agency.example/${uniq("race")}`;
    const { endpoint } = await register(c.token, { url: prefix });
    await jobEvent(c, "job_started", `job:started:${c.jobId}`);
    const r = receiver(prefix);
    await Promise.all([drain(r.fetcher), drain(r.fetcher), drain(r.fetcher)]);
    expect(r.got).toHaveLength(1);
    expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("maps exactly the documented event types (the trigger's list equals WEBHOOK_EVENT_TYPES)", async () => {
    const c = await customer();
    const { endpoint } = await register(c.token, { url: `https://hooks.agency.example/${uniq("types")}` });
    for (const type of WEBHOOK_EVENT_TYPES) await jobEvent(c, jobEventKindOf(type), `${c.jobId}:${type}`, type.startsWith("submission.") ? c.submissionIds[0] : null);
    for (const kind of ["job_created", "job_ready", "submission_requeued", "partial_refund", "job_cancelled_x"]) await jobEvent(c, kind, `${c.jobId}:${kind}`);
    expect((await deliveriesOf(endpoint.id)).map((d) => d.event_type).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    // The kinds as the coordinator and the refund write them (two came before the `job_` rule).
    expect(
      ["shortfall_refund", "replacements_exhausted", "submission_already_listed", "submission_claim_and_correct", "submission_replacement"].map((k) =>
        WEBHOOK_EVENT_TYPES.find((t) => jobEventKindOf(t) === k),
      ),
    ).toEqual(["job.shortfall_refund", "job.replacements_exhausted", "submission.already_listed", "submission.claim_and_correct", "submission.replacement"]);
  });

  it("a deleted endpoint gets nothing more: its pending deliveries end as failed", async () => {
    const c = await customer();
    const prefix = `https://hooks.agency.example/${uniq("gone")}`;
    const { endpoint } = await register(c.token, { url: prefix });
    await jobEvent(c, "job_started", `job:started:${c.jobId}`);
    const del = await api(c.token, { method: "DELETE", path: `/${endpoint.id}` });
    expect(del.status).toBe(200);
    // Another customer cannot see or delete it.
    const stranger = await customer();
    expect((await api(stranger.token, { method: "DELETE", path: `/${endpoint.id}` })).status).toBe(404);
    expect((await api(stranger.token, { method: "DELETE", path: "/not-a-uuid" })).status).toBe(400);
    await jobEvent(c, "job_paused", `job:paused:${c.jobId}`);
    const r = receiver(prefix);
    await drain(r.fetcher);
    expect(r.got).toHaveLength(0);
    const rows = await deliveriesOf(endpoint.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "failed" });
  });
});
