/**
 * Live rate (issue 17 item 5): the 7/14/28-day figures against the promise,
 * the staff list of jobs under 70% at 28 days, and the cron's replacements
 * for such a job, once per replaced submission under replayed and concurrent
 * runs. Clocks are moved in Postgres (started_at, approved_at, created_at)
 * and handed to the functions as `now`; nothing sleeps.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TaskMessage } from "../../core/protocol/tasks";
import { signUserToken } from "../../src/auth/user-token";
import { coordinatorFor } from "../../src/jobs/coordinator-client";
import { jobLiveRate, jobsUnderLiveTarget, replaceForLiveRate } from "../../src/listings/live-rate";
import { captureReleases, consume, settled, stubFor } from "./support/coordinator-harness";
import { withDb } from "./support/db";
import { query } from "./support/purchase";
import { seedJob, spareDirectories } from "./support/seed";

const DAY = 86_400_000;
const worker = (path: string, token: string) => exports.default.fetch(`http://localhost${path}`, { headers: { authorization: `Bearer ${token}` } });

/** The checkout's promise for the seeded job's order. */
async function promise(jobId: string, promised: number): Promise<void> {
  await query(
    `insert into checkout_promises (session_id, plan, promised, available)
     select o.stripe_checkout_session_id, o.plan, $2, $2 from jobs j join orders o on o.id = j.order_id where j.id = $1`,
    [jobId, promised],
  );
}

/** Approves the submission `days` after the job's start (Postgres only: the figures read Postgres). */
async function wentLive(submissionId: string, days: number): Promise<void> {
  await query(
    `update directory_submissions s set status = 'approved', listing_url = 'https://listing.example/' || s.id, submitted_at = j.started_at,
            approved_at = j.started_at + make_interval(days => $2)
       from jobs j where j.id = s.job_id and s.id = $1`,
    [submissionId, days],
  );
}

async function replacements(jobId: string) {
  return query<{ id: string; replaces_submission_id: string; replacement_reason: string; status: string }>(
    "select id, replaces_submission_id, replacement_reason, status from directory_submissions where job_id = $1 and replaces_submission_id is not null order by created_at, id",
    [jobId],
  );
}

describe("live rate", () => {
  it("counts listings live 7, 14 and 28 days after the job started against the promise, and lists the job under 70% for staff", async () => {
    const seeded = await seedJob({ directories: 10 });
    await promise(seeded.jobId, 10);
    const start = Date.now() - 30 * DAY;
    await query("update jobs set status = 'completed', started_at = $2 where id = $1", [seeded.jobId, new Date(start)]);
    await query("update directory_submissions set status = 'submitted' where job_id = $1", [seeded.jobId]);
    const s = seeded.submissionIds;
    // 2 live by day 7, 4 by day 14, 5 by day 28, one more on day 29.
    for (const [i, day] of [
      [0, 3],
      [1, 6],
      [2, 9],
      [3, 13],
      [4, 27],
      [5, 29],
    ] as const)
      await wentLive(s[i]!, day);

    await withDb(async ({ client }) => {
      const at = (days: number) => new Date(start + days * DAY);
      // Day 10: the 7-day figure is in, the others are the count so far.
      expect(await jobLiveRate(client, seeded.jobId, at(10))).toMatchObject({
        promised: 10,
        target: 7,
        liveNow: 3,
        underTarget: false,
        milestones: [
          { day: 7, reached: true, live: 2, percent: 20 },
          { day: 14, reached: false, live: 3, percent: 30 },
          { day: 28, reached: false, live: 3, percent: 30 },
        ],
      });
      // Day 30: all three are in; 6 live now, under the 7 of 70%.
      const now = await jobLiveRate(client, seeded.jobId, at(30));
      expect(now).toMatchObject({ liveNow: 6, underTarget: true, milestones: [{ live: 2 }, { live: 4 }, { live: 5, percent: 50 }] });
      expect(now!.milestones[2]!.at).toBe(new Date(start + 28 * DAY).toISOString());
      expect((await jobsUnderLiveTarget(client, at(30), seeded.jobId)).map((j) => j.jobId)).toEqual([seeded.jobId]);
      // The cron's sweep looks back a bounded time only (a job started 30 days ago is outside a 20-day window).
      expect(await jobsUnderLiveTarget(client, at(30), seeded.jobId, 20)).toEqual([]);
      // Before day 28 a job is not listed, however few are live.
      expect(await jobsUnderLiveTarget(client, at(27), seeded.jobId)).toEqual([]);
    });

    // One more live: 7 of 10, the job leaves the list.
    await wentLive(s[6]!, 29);
    await withDb(async ({ client }) => {
      expect(await jobsUnderLiveTarget(client, new Date(start + 30 * DAY), seeded.jobId)).toEqual([]);
      expect(await jobLiveRate(client, seeded.jobId, new Date(start + 30 * DAY))).toMatchObject({ liveNow: 7, underTarget: false });
    });
    await query("update directory_submissions set status = 'submitted', approved_at = null where id = $1", [s[6]]);

    // Through the API: the job's customer and staff read the figures; another customer gets 404; the list is staff's.
    const owner = await signUserToken(env, { userId: seeded.userId, email: `${seeded.userId}@example.com` });
    const stranger = await signUserToken(env, { userId: crypto.randomUUID(), email: `${crypto.randomUUID()}@example.com` });
    const staff = await signUserToken(env, { userId: crypto.randomUUID(), email: `staff-${crypto.randomUUID()}@example.com`, staff: true });
    const shown = await worker(`/api/jobs/${seeded.jobId}/live-rate`, owner);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({
      jobId: seeded.jobId,
      promised: 10,
      target: 7,
      liveNow: 6,
      underTarget: true,
      milestones: [
        { day: 7, live: 2 },
        { day: 14, live: 4 },
        { day: 28, live: 5 },
      ],
    });
    expect((await worker(`/api/jobs/${seeded.jobId}/live-rate`, staff)).status).toBe(200);
    expect((await worker(`/api/jobs/${seeded.jobId}/live-rate`, stranger)).status).toBe(404);
    const list = await worker("/api/staff/live-rate", staff);
    expect(list.status).toBe(200);
    const { jobs } = (await list.json()) as { jobs: { jobId: string; liveNow: number; target: number }[] };
    expect(jobs.find((j) => j.jobId === seeded.jobId)).toMatchObject({ liveNow: 6, target: 7 });
    expect((await worker("/api/staff/live-rate", owner)).status).toBe(403);
  });

  it("gives a job under 70% at day 28 replacements for what never published, once under replayed and concurrent cron runs, then again for replacements still not live 28 days on", async () => {
    await spareDirectories(4);
    const seeded = await seedJob({ directories: 4 });
    await promise(seeded.jobId, 4);
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    await consume(seeded.jobId, released, (m) => ({ outcome: "submitted" as const, listingUrl: `https://listing.example/${m.submissionId}` }));
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 4, total: 4 });
    await settled(seeded.jobId);

    // 29 days on, one of the four went live: 1 of the 3 needed (70% of 4).
    const start = Date.now() - 29 * DAY;
    await query("update jobs set started_at = $2 where id = $1", [seeded.jobId, new Date(start)]);
    await query("update directory_submissions set created_at = $2 where job_id = $1", [seeded.jobId, new Date(start)]);
    const [live, ...unpublished] = seeded.submissionIds;
    await wentLive(live!, 12);

    const now = new Date();
    const sweep = () => withDb(({ client }) => replaceForLiveRate(client, (id) => coordinatorFor(env, id), now, seeded.jobId));
    const [a, b] = await Promise.all([sweep(), sweep()]);
    const again = await sweep();
    // Another test file's cron may run the same sweep meanwhile (one database): the rows are the proof.
    expect(a.replaced + b.replaced + again.replaced).toBeLessThanOrEqual(2);
    let rows = await replacements(seeded.jobId);
    expect(rows).toHaveLength(2);
    // The oldest unpublished first, each once, with the reason.
    expect(new Set(rows.map((r) => r.replaces_submission_id)).size).toBe(2);
    for (const r of rows) {
      expect(unpublished).toContain(r.replaces_submission_id);
      expect(r.replacement_reason).toBe("not live 28 days after it was sent (submitted)");
    }

    // The completed job took the new tasks; the replaced ones leave the counts.
    expect(await stub.progress()).toMatchObject({ status: "in_progress", replaced: 2, total: 4 });
    await consume(seeded.jobId, released, (m) => ({ outcome: "submitted" as const, listingUrl: `https://listing.example/${m.submissionId}` }));
    expect(await stub.progress()).toMatchObject({ status: "completed", submitted: 4, replaced: 2, total: 4 });
    await settled(seeded.jobId);
    const feed = await query<{ n: number }>("select count(*)::int as n from job_events where job_id = $1 and kind = 'submission_replacement'", [seeded.jobId]);
    expect(feed[0]!.n).toBe(2);

    // The replacements are on their way (within their own 28 days): a later run asks for nothing.
    expect(await sweep()).toMatchObject({ replaced: 0 });
    expect(await replacements(seeded.jobId)).toHaveLength(2);

    // 29 days later still only one live: the last original and one replacement are replaced, oldest first.
    const later = new Date(now.getTime() + 29 * DAY);
    const laterSweep = () => withDb(({ client }) => replaceForLiveRate(client, (id) => coordinatorFor(env, id), later, seeded.jobId));
    await Promise.all([laterSweep(), laterSweep()]);
    await laterSweep();
    rows = await replacements(seeded.jobId);
    expect(rows).toHaveLength(4);
    const firstRound = new Set(rows.slice(0, 2).map((r) => r.replaces_submission_id));
    const lastOriginal = unpublished.find((id) => !firstRound.has(id));
    expect(rows.slice(2).map((r) => r.replaces_submission_id)).toContain(lastOriginal);
    expect(await stub.progress()).toMatchObject({ status: "in_progress", replaced: 4, total: 4 });
  });
});
