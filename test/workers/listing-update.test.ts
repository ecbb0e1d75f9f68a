/**
 * "Update my listings" (issue 19 item 2) in workerd against real Postgres:
 * a job with three live listings, two of whose attempts created accounts
 * (sealed by the browser worker's own code), the customer's phone changed;
 * `POST /api/jobs/:id/listing-update` starts one update (two clicks at once
 * start one), the two logins become `update` browser tasks carrying the
 * sealed password and the new profile, the third a staff item with the
 * differences and its URL. The update survives the coordinator's eviction
 * and the queue's redelivery (a stale message leases nothing, a repeated
 * report changes nothing, a failed attempt is tried again); a second update
 * is `update_allowance_used`; the window is 12 months; staff and strangers
 * cannot start one. Each staff item is a staff task (`update_listing`) in
 * /api/staff/tasks with its URL and differences, once through a second start
 * and an eviction; staff record it updated (the view says "updated by
 * staff") or not possible with a reason.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sealedLogin } from "../../browser-worker/src/consumer";
import type { ListingUpdateView } from "../../core/protocol/site";
import type { StaffTaskEntry, UpdateListingTask } from "../../core/protocol/staff";
import type { TaskLease, TaskMessage } from "../../core/protocol/tasks";
import { loginAad, unseal, vaultKeyring } from "../../core/vault";
import { headersOf, newPeople, type People } from "./support/actors";
import { captureReleases, settled, stubFor } from "./support/coordinator-harness";
import { query } from "./support/purchase";
import { seedJob } from "./support/seed";

const PASSWORD = "Update-Test-p4ssw0rd!Zq";
const NEW_PHONE = "+4922199999999";

const call = async (path: string, people: People, actor: "customerA" | "customerB" | "staff", method = "GET") =>
  exports.default.fetch(`http://localhost${path}`, { method, headers: await headersOf(actor, people) });

type Answer = { repeated: boolean; update: ListingUpdateView };
type StaffAnswer = { applied: boolean; task: UpdateListingTask };

const post = async (path: string, people: People, actor: "customerA" | "staff", body: unknown) =>
  exports.default.fetch(`http://localhost${path}`, {
    method: "POST",
    headers: { ...(await headersOf(actor, people)), "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** This job's open update-listing staff tasks, as staff list them. */
async function staffUpdateTasks(jobId: string, people: People): Promise<UpdateListingTask[]> {
  const res = await call("/api/staff/tasks", people, "staff");
  expect(res.status).toBe(200);
  const { tasks } = (await res.json()) as { tasks: StaffTaskEntry[] };
  return tasks.filter((t): t is UpdateListingTask => t.jobId === jobId && t.kind === "update_listing").sort((a, b) => a.directoryName.localeCompare(b.directoryName));
}

/** A started job of three directories, all live; the first `withLogins` created accounts. */
async function liveJob(withLogins = 2) {
  const seeded = await seedJob({ directories: 3 });
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  const leases: TaskLease[] = [];
  for (const m of released.splice(0)) leases.push((await stub.lease(m.submissionId, m.attempt, "w")) as TaskLease);
  expect(leases).toHaveLength(3);
  for (const [i, lease] of leases.entries()) {
    const account =
      i < withLogins
        ? await sealedLogin(lease, { outcome: "approved", finalUrl: lease.directory.website, filled: [], account: { username: `baeckerei${i}`, password: PASSWORD } }, () => {}, env.VAULT_KEYS)
        : undefined;
    const listingUrl = `${lease.directory.website}/listing/${i}`;
    expect(await stub.report({ jobId: seeded.jobId, submissionId: lease.submissionId, attempt: lease.attempt, outcome: "approved", listingUrl, ...(account ? { account } : {}) })).toMatchObject({
      applied: true,
    });
  }
  await settled(seeded.jobId);
  return { ...seeded, stub, released, leases, people: newPeople(seeded.userId) };
}

const changePhone = (customerId: string, phone = NEW_PHONE) => query("update business_profiles set phone = $1 where customer_id = $2", [phone, customerId]);

describe("update my listings", () => {
  it("pushes a changed phone by browser where a login is held and to staff elsewhere, once, through eviction and redelivery", async () => {
    const job = await liveJob(2);
    await changePhone(job.customerId);
    const path = `/api/jobs/${job.jobId}/listing-update`;

    // Staff and strangers cannot start it; nothing is taken.
    expect((await call(path, job.people, "staff", "POST")).status).toBe(403);
    expect((await call(path, job.people, "customerB", "POST")).status).toBe(404);
    expect(await query("select 1 from listing_updates where job_id = $1", [job.jobId])).toHaveLength(0);

    // Two clicks at once: one update.
    const [a, b] = await Promise.all([call(path, job.people, "customerA", "POST"), call(path, job.people, "customerA", "POST")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const answers = [(await a.json()) as Answer, (await b.json()) as Answer];
    expect(answers.map((x) => x.repeated).sort()).toEqual([false, true]);
    expect(answers[0]!.update.updateId).toBe(answers[1]!.update.updateId);
    const view = answers[0]!.update;
    expect(view.changes).toEqual([{ field: "phone", before: "+4922112345678", after: NEW_PHONE }]);
    expect(view.summary).toEqual({ machine: 2, confirmed: 0, failed: 0, updating: 2, staff: 1, byStaff: 0, notPossible: 0 });
    const staffItem = view.items.find((i) => i.method === "staff")!;
    expect(staffItem).toMatchObject({ status: "staff_task", listingUrl: `${job.leases[2]!.directory.website}/listing/2` });

    // Two browser tasks, released once.
    const updates = job.released.splice(0).filter((m) => m.kind === "update");
    expect(updates.map((m) => m.submissionId).sort()).toEqual([job.leases[0]!.submissionId, job.leases[1]!.submissionId].sort());

    // The coordinator is evicted; the queue redelivers both messages.
    await evictDurableObject(stubFor(job.jobId));
    const stub = stubFor(job.jobId);
    await captureReleases(job.jobId, job.released);
    const [first, second] = updates;
    const lease = (await stub.leaseFollowup(first!.submissionId, "update", first!.attempt, "w"))!;
    expect(lease.update).toMatchObject({ login: "baeckerei0", business: { phone: NEW_PHONE } });
    // The sealed password opens only with the job's and submission's context, in the worker.
    expect(JSON.stringify(lease)).not.toContain(PASSWORD);
    expect(await unseal(await vaultKeyring(env.VAULT_KEYS), lease.update!.password, loginAad(job.jobId, first!.submissionId))).toBe(PASSWORD);
    // A second delivery of the same message leases nothing.
    expect(await stub.leaseFollowup(first!.submissionId, "update", first!.attempt, "w2")).toBeNull();
    const done = { jobId: job.jobId, submissionId: first!.submissionId, kind: "update" as const, attempt: first!.attempt, ok: true };
    expect(await stub.reportFollowup(done)).toEqual({ applied: true });
    expect(await stub.reportFollowup(done)).toEqual({ applied: false });

    // The second fails once (the directory was down), is released again, then confirmed.
    expect(await stub.leaseFollowup(second!.submissionId, "update", second!.attempt, "w")).not.toBeNull();
    await stub.reportFollowup({ jobId: job.jobId, submissionId: second!.submissionId, kind: "update", attempt: second!.attempt, ok: false, reason: "the sign-in page: 503" });
    const midway = (await (await call(path, job.people, "customerA")).json()) as { update: ListingUpdateView };
    expect(midway.update.items.find((i) => i.submissionId === second!.submissionId)).toMatchObject({ status: "updating", reason: "the sign-in page: 503" });
    // Its retry is due now (followups.ts waits 5 s first).
    await runInDurableObject(stub, (_i, state) => void state.storage.sql.exec("update followups set next_at = 0 where status = 'pending'"));
    await runDurableObjectAlarm(stub);
    const again = job.released.splice(0).find((m) => m.kind === "update" && m.submissionId === second!.submissionId)!;
    expect(again.attempt).toBe(second!.attempt + 1);
    expect(await stub.leaseFollowup(again.submissionId, "update", again.attempt, "w")).not.toBeNull();
    expect(await stub.reportFollowup({ jobId: job.jobId, submissionId: again.submissionId, kind: "update", attempt: again.attempt, ok: true })).toEqual({ applied: true });

    const final = (await (await call(path, job.people, "customerA")).json()) as { update: ListingUpdateView };
    expect(final.update.summary).toEqual({ machine: 2, confirmed: 2, failed: 0, updating: 0, staff: 1, byStaff: 0, notPossible: 0 });
    // Staff see it too.
    expect((await call(path, job.people, "staff")).status).toBe(200);
    await settled(job.jobId);
    expect(await query("select 1 from job_events where job_id = $1 and kind = 'listing_updated'", [job.jobId])).toHaveLength(2);

    // A later change is a second update: refused, nothing started.
    await changePhone(job.customerId, "+4922177777777");
    const second2 = await call(path, job.people, "customerA", "POST");
    expect(second2.status).toBe(409);
    expect(((await second2.json()) as { error: { code: string } }).error.code).toBe("update_allowance_used");
    expect(job.released.filter((m) => m.kind === "update")).toHaveLength(0);
  });

  it("nothing changed gives the allowance back; the window closes 12 months after the order", async () => {
    const job = await liveJob(0);
    const path = `/api/jobs/${job.jobId}/listing-update`;
    const same = await call(path, job.people, "customerA", "POST");
    expect(same.status).toBe(409);
    expect(((await same.json()) as { error: { code: string } }).error.code).toBe("nothing_changed");
    expect(await query("select 1 from listing_updates where job_id = $1", [job.jobId])).toHaveLength(0);
    expect(((await (await call(path, job.people, "customerA")).json()) as { update: unknown }).update).toBeNull();

    await query("update orders set created_at = now() - interval '13 months' where id = (select order_id from jobs where id = $1)", [job.jobId]);
    await changePhone(job.customerId);
    const late = await call(path, job.people, "customerA", "POST");
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { code: string } }).error.code).toBe("update_window_closed");

    await query("update orders set created_at = now() - interval '11 months' where id = (select order_id from jobs where id = $1)", [job.jobId]);
    const ok = await call(path, job.people, "customerA", "POST");
    expect(ok.status).toBe(200);
    // No login held anywhere: every listing is a staff item.
    expect(((await ok.json()) as Answer).update.summary).toEqual({ machine: 0, confirmed: 0, failed: 0, updating: 0, staff: 3, byStaff: 0, notPossible: 0 });
    expect((await call(`/api/jobs/not-a-uuid/listing-update`, job.people, "customerA", "POST")).status).toBe(400);
  });

  it("makes each listing without a login a staff task with its URL and differences, once; staff record it updated or not possible", async () => {
    const job = await liveJob(1);
    await changePhone(job.customerId);
    const path = `/api/jobs/${job.jobId}/listing-update`;
    const started = (await (await call(path, job.people, "customerA", "POST")).json()) as Answer;
    expect(started.update.summary).toMatchObject({ machine: 1, staff: 2 });
    const difference = { field: "phone", before: "+4922112345678", after: NEW_PHONE };

    // Both listings without a login are staff tasks, with the listing's URL and each difference.
    const tasks = await staffUpdateTasks(job.jobId, job.people);
    const expected = job.leases.slice(1).map((l, i) => ({ submissionId: l.submissionId, listingUrl: `${l.directory.website}/listing/${i + 1}` }));
    expect(tasks.map((t) => ({ submissionId: t.submissionId, listingUrl: t.listingUrl })).sort((a, b) => a.submissionId.localeCompare(b.submissionId))).toEqual(
      expected.sort((a, b) => a.submissionId.localeCompare(b.submissionId)),
    );
    for (const t of tasks) expect(t).toMatchObject({ kind: "update_listing", status: "staff_task", differences: [difference], actions: ["updated", "not_possible"] });
    // The machine item is not staff work.
    expect(tasks.map((t) => t.submissionId)).not.toContain(job.leases[0]!.submissionId);

    // A second start of the same update, then an eviction: still the same two tasks.
    expect(((await (await call(path, job.people, "customerA", "POST")).json()) as Answer).repeated).toBe(true);
    await evictDurableObject(stubFor(job.jobId));
    expect((await staffUpdateTasks(job.jobId, job.people)).map((t) => t.submissionId).sort()).toEqual(tasks.map((t) => t.submissionId).sort());
    const [one, two] = tasks;

    // Its page; customers are refused, and a listing that is no staff item is 404.
    const taskPath = (id: string) => `/api/staff/tasks/${job.jobId}/${id}/update`;
    expect(((await (await call(taskPath(one!.submissionId), job.people, "staff")).json()) as StaffAnswer).task).toMatchObject({ listingUrl: one!.listingUrl, differences: [difference] });
    expect((await call(taskPath(one!.submissionId), job.people, "customerA")).status).toBe(403);
    expect((await call(taskPath(job.leases[0]!.submissionId), job.people, "staff")).status).toBe(404);
    expect((await post(`${taskPath(one!.submissionId)}/outcome`, job.people, "customerA", { outcome: "updated" })).status).toBe(403);
    // Bad bodies change nothing.
    expect((await post(`${taskPath(one!.submissionId)}/outcome`, job.people, "staff", { outcome: "not_possible" })).status).toBe(400);
    expect((await post(`${taskPath(one!.submissionId)}/outcome`, job.people, "staff", { outcome: "done" })).status).toBe(400);
    expect(await staffUpdateTasks(job.jobId, job.people)).toHaveLength(2);

    // Staff updated the first by hand: a double click applies once; another outcome is refused.
    const results = await Promise.all([1, 2].map(() => post(`${taskPath(one!.submissionId)}/outcome`, job.people, "staff", { outcome: "updated", note: "changed by phone" })));
    const answers = (await Promise.all(results.map((r) => r.json()))) as StaffAnswer[];
    expect(answers.map((a) => a.applied).sort()).toEqual([false, true]);
    expect(answers[0]!.task).toMatchObject({ status: "updated_by_staff", actions: [] });
    expect((await post(`${taskPath(one!.submissionId)}/outcome`, job.people, "staff", { outcome: "not_possible", reason: "changed my mind" })).status).toBe(409);
    // The second was not possible, with the reason the customer sees.
    const notPossible = await post(`${taskPath(two!.submissionId)}/outcome`, job.people, "staff", { outcome: "not_possible", reason: "the directory wants a letter from the owner" });
    expect(((await notPossible.json()) as StaffAnswer).applied).toBe(true);

    // The customer's view moved; the staff queue is empty for this job.
    const view = ((await (await call(path, job.people, "customerA")).json()) as { update: ListingUpdateView }).update;
    expect(view.items.find((i) => i.submissionId === one!.submissionId)).toMatchObject({ method: "staff", status: "updated_by_staff" });
    expect(view.items.find((i) => i.submissionId === two!.submissionId)).toMatchObject({ status: "not_possible", reason: "the directory wants a letter from the owner" });
    expect(view.summary).toMatchObject({ staff: 0, byStaff: 1, notPossible: 1 });
    expect(await staffUpdateTasks(job.jobId, job.people)).toEqual([]);
    await settled(job.jobId);
    expect(await query("select 1 from job_events where job_id = $1 and kind = 'listing_updated_by_staff'", [job.jobId])).toHaveLength(1);
    expect(await query("select 1 from job_events where job_id = $1 and kind = 'listing_update_not_possible'", [job.jobId])).toHaveLength(1);
  });
});
