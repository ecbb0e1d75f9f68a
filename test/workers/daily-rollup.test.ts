/**
 * The daily roll-up: figures for one UTC day computed from Postgres, upserted
 * idempotently, served to staff at GET /api/ops/daily.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signUserToken } from "../../src/auth/user-token";
import { rollUpDay, utcDay } from "../../src/observability/daily-rollup";
import { withDb } from "./support/db";
import { query } from "./support/purchase";
import { seedJob } from "./support/seed";

/** A day no other test writes to: somewhere in 1990-2009, by chance. */
const DAY = utcDay(new Date(Date.UTC(1990 + Math.floor(Math.random() * 20), 0, 1)), Math.floor(Math.random() * 360));
const at = (time: string) => `${DAY}T${time}Z`;

async function seedDay() {
  const a = await seedJob({ directories: 3 });
  const b = await seedJob({ directories: 1 });
  // Two orders paid that day (one in euros), one refunded that day, and one paid the next day (not counted).
  await query("update orders set paid_at = $2, amount_cents = 14900, currency = 'usd' where customer_id = $1", [a.customerId, at("00:00:00")]);
  await query("update orders set paid_at = $2, refunded_at = $3, amount_cents = 29900, currency = 'eur' where customer_id = $1", [b.customerId, at("23:59:59"), at("12:00:00")]);
  const c = await seedJob({ directories: 1 });
  await query("update orders set paid_at = ($2::timestamptz + interval '1 day') where customer_id = $1", [c.customerId, at("00:00:00")]);
  await query("update jobs set status = 'completed', completed_at = $2 where id = $1", [a.jobId, at("18:00:00")]);
  const event = (job: typeof a, kind: string, time: string, data: object = {}, sub: string | null = null) =>
    query("insert into job_events (job_id, customer_id, submission_id, kind, message, data, created_at) values ($1, $2, $3, $4, 'x', $5, $6)", [
      job.jobId,
      job.customerId,
      sub,
      kind,
      JSON.stringify(data),
      at(time),
    ]);
  const [s1, s2, s3] = a.submissionIds;
  await event(a, "submission_submitted", "08:00:00", { outcome: { attempt: 1, accepted: true, durationMs: 2000 } }, s1!);
  await event(a, "submission_submitted", "08:01:00", { outcome: { attempt: 1, accepted: true, durationMs: 4000 } }, s2!);
  await event(a, "submission_submitted", "08:02:00", {}, s3!);
  await event(a, "submission_retrying", "08:03:00", { outcome: { attempt: 1, accepted: true, durationMs: 6000 } }, s3!);
  await event(a, "submission_failed", "09:00:00", {}, s3!);
  await event(a, "submission_approved", "10:00:00", {}, s1!);
  await event(a, "job_completed", "18:00:00");
  // The day before and after: not counted.
  await query("insert into job_events (job_id, customer_id, kind, message, created_at) values ($1, $2, 'submission_approved', 'x', $3::timestamptz - interval '1 second')", [
    b.jobId,
    b.customerId,
    at("00:00:00"),
  ]);
  await query("insert into job_events (job_id, customer_id, kind, message, created_at) values ($1, $2, 'submission_approved', 'x', $3::timestamptz + interval '1 day')", [
    b.jobId,
    b.customerId,
    at("00:00:00"),
  ]);
  return { a, b };
}

describe("the daily roll-up", () => {
  it("computes a day's figures and upserts the same row when run again", async () => {
    const { a } = await seedDay();
    const first = await withDb(({ client }) => rollUpDay(client, DAY));
    expect(first).toMatchObject({
      day: DAY,
      ordersPaid: 2,
      ordersRefunded: 1,
      revenueCents: { usd: 14900, eur: 29900 },
      jobsCompleted: 1,
      submissions: { submitted: 3, retrying: 1, failed: 1, approved: 1 },
    });
    // approved / (submitted + awaiting_verification + approved + failed) = 1 / 5; mean of 2, 4 and 6 s.
    expect(first.approvalRate).toBeCloseTo(0.2, 10);
    expect(first.meanSubmissionSeconds).toBeCloseTo(4, 10);

    const again = await withDb(({ client }) => rollUpDay(client, DAY));
    expect({ ...again, computedAt: "" }).toEqual({ ...first, computedAt: "" });
    expect(await query("select 1 from daily_rollups where day = $1", [DAY])).toHaveLength(1);

    // A late write for that day: the next run rewrites the row.
    await query("insert into job_events (job_id, customer_id, kind, message, created_at) values ($1, $2, 'submission_approved', 'x', $3)", [a.jobId, a.customerId, at("20:00:00")]);
    const later = await withDb(({ client }) => rollUpDay(client, DAY));
    expect(later.submissions.approved).toBe(2);
    expect(later.approvalRate).toBeCloseTo(2 / 6, 10);
    expect(await query("select 1 from daily_rollups where day = $1", [DAY])).toHaveLength(1);
  });

  it("an empty day is all zeros with no rates", async () => {
    const empty = await withDb(({ client }) => rollUpDay(client, "1970-01-02"));
    expect(empty).toMatchObject({ ordersPaid: 0, ordersRefunded: 0, revenueCents: {}, jobsCompleted: 0, submissions: {}, approvalRate: null, meanSubmissionSeconds: null });
  });

  it("GET /api/ops/daily serves them to staff only, and refuses bad ranges with a 400", async () => {
    await withDb(({ client }) => rollUpDay(client, DAY));
    const staff = await signUserToken(env, { userId: crypto.randomUUID(), email: "ops@example.com", staff: true });
    const customer = await signUserToken(env, { userId: crypto.randomUUID(), email: "c@example.com" });
    const get = (qs: string, token = staff) => exports.default.fetch(`http://localhost/api/ops/daily${qs}`, { headers: { authorization: `Bearer ${token}` } });
    const res = await get(`?from=${DAY}&to=${DAY}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { days: { day: string; ordersPaid: number }[] };
    expect(body.days).toHaveLength(1);
    expect(body.days[0]).toMatchObject({ day: DAY, ordersPaid: 2 });
    expect((await get(`?from=${DAY}&to=${DAY}`, customer)).status).toBe(403);
    expect((await exports.default.fetch("http://localhost/api/ops/daily")).status).toBe(401);
    for (const qs of ["?from=yesterday", "?from=2024-02-30", "?from=2024-03-02&to=2024-03-01", "?from=2020-01-01&to=2024-01-01", "?day=2024-01-01"]) {
      const bad = await get(qs);
      expect(bad.status, qs).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    }
  });
});
