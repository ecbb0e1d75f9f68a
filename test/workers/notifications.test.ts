import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drainNotifications, enqueueCompletionNotifications } from "../../src/notifications/outbox";
import { findStuckJobs, runScheduled } from "../../src/scheduled";
import { withDb } from "./support/db";
import { seedJob } from "./support/seed";

/**
 * A stand-in for the e-mail provider that speaks Resend's wire format:
 * POST /emails, bearer key, JSON { from, to[], subject, text, html },
 * answering 200 { id } or an error JSON. `plan` scripts the answers per recipient.
 */
function fakeProvider(plan: (to: string, nth: number) => { status: number; body?: unknown }) {
  const requests: { to: string; idempotencyKey: string | null; authorization: string | null; body: Record<string, unknown> }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    expect(req.method).toBe("POST");
    expect(new URL(req.url).pathname).toBe("/emails");
    expect(req.headers.get("content-type")).toBe("application/json");
    const body = (await req.json()) as { to: string[] } & Record<string, unknown>;
    const to = body.to[0]!;
    requests.push({ to, idempotencyKey: req.headers.get("idempotency-key"), authorization: req.headers.get("authorization"), body });
    const nth = requests.filter((r) => r.to === to).length;
    const answer = plan(to, nth);
    return Response.json(answer.body ?? { id: `email_${crypto.randomUUID()}` }, { status: answer.status });
  }) as typeof fetch;
  return { fetcher, requests, to: (addr: string) => requests.filter((r) => r.to === addr) };
}

const EMAIL = { apiKey: "re_test_key", from: "DirectoryBolt <reports@directorybolt.test>", apiUrl: "https://email.test", publicUrl: "https://app.test" };

async function completedJob() {
  const seeded = await seedJob({ directories: 3 });
  const email = await withDb(async ({ client: c }) => {
    await c.query("update jobs set status = 'completed', completed_at = now(), directories_submitted = 2, directories_approved = 1, directories_failed = 1 where id = $1", [seeded.jobId]);
    return (await c.query<{ email: string }>("select email from customers where id = $1", [seeded.customerId])).rows[0]!.email;
  });
  return { ...seeded, email };
}

const notificationOf = (jobId: string) => withDb(async ({ client: c }) => (await c.query("select * from notifications where job_id = $1", [jobId])).rows as Record<string, unknown>[]);

describe("the notification outbox", () => {
  it("enqueues one completion e-mail per job, however often it runs", async () => {
    const job = await completedJob();
    await withDb(async ({ client: c }) => {
      await enqueueCompletionNotifications(c);
      await enqueueCompletionNotifications(c);
      await Promise.all([enqueueCompletionNotifications(c), withDb(({ client: c2 }) => enqueueCompletionNotifications(c2))]);
    });
    const rows = await notificationOf(job.jobId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "job_completed", recipient: job.email, status: "pending", attempts: 0 });
  });

  it("retries a failed send after its backoff, with the same idempotency key, and then never sends again", async () => {
    const job = await completedJob();
    const provider = fakeProvider((to, nth) => (to === job.email && nth === 1 ? { status: 503, body: { name: "internal_server_error", message: "try later" } } : { status: 200 }));
    const config = { ...EMAIL, fetch: provider.fetcher };
    await withDb(async ({ client: c }) => {
      await enqueueCompletionNotifications(c);
      await drainNotifications(c, config, 1000);
    });
    let [row] = await notificationOf(job.jobId);
    expect(row).toMatchObject({ status: "pending", attempts: 1, last_error: "503 internal_server_error try later" });
    expect(new Date(row!.next_attempt_at as string).getTime()).toBeGreaterThan(Date.now());
    expect(provider.to(job.email)).toHaveLength(1);

    // Not due yet: the next drain leaves it alone.
    await withDb(({ client: c }) => drainNotifications(c, config, 1000));
    expect(provider.to(job.email)).toHaveLength(1);

    // Time passes: the retry goes out and succeeds.
    await withDb(({ client: c }) => c.query("update notifications set next_attempt_at = now() where job_id = $1", [job.jobId]));
    await withDb(({ client: c }) => drainNotifications(c, config, 1000));
    [row] = await notificationOf(job.jobId);
    expect(row).toMatchObject({ status: "sent", attempts: 2, last_error: null });
    expect(row!.provider_message_id).toMatch(/^email_/);
    const sends = provider.to(job.email);
    expect(sends).toHaveLength(2);
    expect(sends[0]!.idempotencyKey).toBe(`notification-${row!.id}`);
    expect(sends[1]!.idempotencyKey).toBe(sends[0]!.idempotencyKey);
    expect(sends[1]!.authorization).toBe("Bearer re_test_key");
    expect(sends[1]!.body).toMatchObject({ from: EMAIL.from, to: [job.email] });
    expect(String(sends[1]!.body.text)).toContain(`https://app.test/portal/jobs/${job.jobId}`);
    expect(String(sends[1]!.body.text)).toContain("Submitted: 2");

    // A sent row is never sent again, even if it looks due and enqueue runs again.
    await withDb(async ({ client: c }) => {
      await c.query("update notifications set next_attempt_at = now() - interval '1 hour' where job_id = $1", [job.jobId]);
      await enqueueCompletionNotifications(c);
      await drainNotifications(c, config, 1000);
    });
    expect(provider.to(job.email)).toHaveLength(2);
    expect(await notificationOf(job.jobId)).toHaveLength(1);
  });

  it("sends once when two drains race for the same row", async () => {
    const job = await completedJob();
    const provider = fakeProvider(() => ({ status: 200 }));
    const config = { ...EMAIL, fetch: provider.fetcher };
    await withDb(({ client: c }) => enqueueCompletionNotifications(c));
    await Promise.all([withDb(({ client: c }) => drainNotifications(c, config, 1000)), withDb(({ client: c }) => drainNotifications(c, config, 1000))]);
    expect(provider.to(job.email)).toHaveLength(1);
    expect((await notificationOf(job.jobId))[0]).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("gives up at once on a permanent refusal", async () => {
    const job = await completedJob();
    const provider = fakeProvider((to) => (to === job.email ? { status: 422, body: { name: "validation_error", message: "invalid to" } } : { status: 200 }));
    await withDb(async ({ client: c }) => {
      await enqueueCompletionNotifications(c);
      await drainNotifications(c, { ...EMAIL, fetch: provider.fetcher }, 1000);
    });
    expect((await notificationOf(job.jobId))[0]).toMatchObject({ status: "failed", attempts: 1, last_error: "422 validation_error invalid to" });
  });
});

describe("the scheduled run", () => {
  it("wakes a job stuck in progress, enqueues and sends completion e-mails", async () => {
    const stuck = await seedJob({ directories: 2 });
    // In progress for an hour with no event (triggers off for this one update, so updated_at stays old).
    await withDb(async ({ client: c }) => {
      await c.query("begin");
      await c.query("set local session_replication_role = replica");
      await c.query("update jobs set status = 'in_progress', started_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' where id = $1", [stuck.jobId]);
      await c.query("commit");
    });
    const fresh = await seedJob({ directories: 2 });
    await withDb(({ client: c }) => c.query("update jobs set status = 'in_progress' where id = $1", [fresh.jobId]));
    const done = await completedJob();

    await withDb(async ({ client: c }) => {
      const found = await findStuckJobs({ client: c } as never);
      expect(found).toContain(stuck.jobId);
      expect(found).not.toContain(fresh.jobId);
    });

    const provider = fakeProvider(() => ({ status: 200 }));
    const testEnv = { ...env, EMAIL_API_KEY: EMAIL.apiKey, EMAIL_FROM: EMAIL.from, EMAIL_API_URL: EMAIL.apiUrl };
    let result = await runScheduled(testEnv, { fetch: provider.fetcher });
    expect(result.woken).toContain(stuck.jobId);
    expect(result.woken).not.toContain(fresh.jobId);
    // Other tests' completed jobs may be ahead in the outbox: drain until ours went.
    for (let i = 0; i < 20 && provider.to(done.email).length === 0; i++) result = await runScheduled(testEnv, { fetch: provider.fetcher });
    expect(provider.to(done.email)).toHaveLength(1);
    // The woken coordinator loaded the job and released its tasks.
    const { coordinatorFor } = await import("../../src/jobs/coordinator-client");
    const progress = await coordinatorFor(env, stuck.jobId).progress();
    expect(progress.total).toBe(2);
  });

  it("sends nothing without an e-mail key", async () => {
    const result = await runScheduled({ ...env, EMAIL_API_KEY: "" });
    expect(result.drained).toBe("not_configured");
  });
});
