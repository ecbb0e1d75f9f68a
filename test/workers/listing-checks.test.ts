/**
 * The customer's side of the survival checks (issue 19): a listing approved
 * in a real JobCoordinator, its 30-day check run by src/listings/survival.ts
 * at a simulated time against a directory that answers 404, then the
 * portal's view (`GET /api/jobs/:id/listings`) and its one-click "submit
 * again" (`POST …/listing-checks/:checkId/resubmit`): the submission goes
 * back to the queue once, a double click is answered `repeated` and changes
 * nothing, a stranger gets 404.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { connectFromWorker } from "../../src/db/worker-database";
import { runSurvivalChecks } from "../../src/listings/survival";
import { drainNotifications } from "../../src/notifications/outbox";
import { headersOf, newPeople, type People } from "./support/actors";
import { settled, startOneTask } from "./support/coordinator-harness";
import { query } from "./support/purchase";

const DAY = 86_400_000;

const call = async (path: string, people: People, actor: "customerA" | "customerB" | "staff", method = "GET") =>
  exports.default.fetch(`http://localhost${path}`, { method, headers: await headersOf(actor, people) });

/** One approved listing, checked 31 days after going live by a directory answering `status`. */
async function checkedListing(status: number) {
  const job = await startOneTask();
  const lease = await job.next();
  const listingUrl = `${lease.directory.website.replace(/\/$/, "")}/listing/42`;
  expect(await job.stub.report({ jobId: job.jobId, submissionId: job.submissionId, attempt: lease.attempt, outcome: "approved", listingUrl })).toMatchObject({ applied: true });
  await settled(job.jobId);
  const [row] = await query<{ approved_at: Date }>("select approved_at from directory_submissions where id = $1", [job.submissionId]);
  const conn = await connectFromWorker(env);
  try {
    const page = status === 200 ? "<html><body><h1>placeholder</h1></body></html>" : "gone";
    const result = await runSurvivalChecks(conn.client, { jobId: job.jobId, now: new Date(row!.approved_at.getTime() + 31 * DAY), fetch: async () => new Response(page, { status }) });
    expect(result.checked).toBe(1);
  } finally {
    await conn.close();
  }
  return { ...job, people: newPeople(job.userId) };
}

describe("listing care in the portal", () => {
  it("shows a gone listing with its check, and 'submit again' puts it back in the queue exactly once", async () => {
    const job = await checkedListing(404);
    const res = await call(`/api/jobs/${job.jobId}/listings`, job.people, "customerA");
    expect(res.status).toBe(200);
    const view = (await res.json()) as {
      listings: { liveSince: string | null; lastCheckedAt: string | null; nextCheckAt: string | null; check: { id: string; verdict: string; canResubmit: boolean } }[];
      summary: Record<string, number>;
    };
    expect(view.listings).toHaveLength(1);
    const [listing] = view.listings;
    expect(listing!.check).toMatchObject({ verdict: "gone", canResubmit: true });
    expect(listing!.liveSince).not.toBeNull();
    expect(listing!.lastCheckedAt).not.toBeNull();
    expect(Date.parse(listing!.nextCheckAt!) - Date.parse(listing!.liveSince!)).toBe(90 * DAY);
    expect(view.summary).toEqual({ live: 0, checked: 1, flagged: 1 });

    const checkId = listing!.check.id;
    // A stranger sees neither the listings nor the button.
    expect((await call(`/api/jobs/${job.jobId}/listings`, job.people, "customerB")).status).toBe(404);
    expect((await call(`/api/jobs/${job.jobId}/listing-checks/${checkId}/resubmit`, job.people, "customerB", "POST")).status).toBe(404);
    expect((await query("select 1 from listing_checks where id = $1 and resubmitted_at is not null", [checkId])).length).toBe(0);

    // Two clicks at once: one resubmission.
    const [a, b] = await Promise.all([
      call(`/api/jobs/${job.jobId}/listing-checks/${checkId}/resubmit`, job.people, "customerA", "POST"),
      call(`/api/jobs/${job.jobId}/listing-checks/${checkId}/resubmit`, job.people, "customerA", "POST"),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const answers = [(await a.json()) as { repeated: boolean }, (await b.json()) as { repeated: boolean }];
    expect(answers.map((x) => x.repeated).sort()).toEqual([false, true]);
    const snapshot = await job.stub.snapshot();
    const task = snapshot.submissions.find((s) => s.submissionId === job.submissionId)!;
    expect(["pending", "queued"]).toContain(task.status);
    expect(task.listingUrl ?? null).toBeNull();
    await settled(job.jobId);
    expect((await query("select 1 from job_events where submission_id = $1 and kind = 'submission_requeued'", [job.submissionId])).length).toBe(1);
  });

  it("the flag's e-mail goes out once, in the provider's wire format, naming the directory and linking 'submit again' in the portal", async () => {
    const job = await checkedListing(404);
    const [customer] = await query<{ email: string }>("select email from customers where id = $1", [job.customerId]);
    const sent: { to: string[]; subject: string; text: string }[] = [];
    const provider = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      sent.push((await req.json()) as { to: string[]; subject: string; text: string });
      return Response.json({ id: `email_${crypto.randomUUID()}` });
    }) as typeof fetch;
    const config = { apiKey: "re_test_key", from: "DirectoryBolt <reports@directorybolt.test>", apiUrl: "https://email.test", publicUrl: "https://app.test", fetch: provider };
    const conn = await connectFromWorker(env);
    try {
      await drainNotifications(conn.client, config, 1000);
      await drainNotifications(conn.client, config, 1000);
    } finally {
      await conn.close();
    }
    const mine = sent.filter((m) => m.to[0] === customer!.email);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toMatch(/your listing is gone$/);
    expect(mine[0]!.text).toContain("is no longer online (checked 30 days after it went live)");
    expect(mine[0]!.text).toContain(`https://app.test/portal/jobs/${job.jobId}#listing-checks`);
  });

  it("a listing as in the profile offers no 'submit again'; bad ids are 400", async () => {
    const job = await checkedListing(200);
    const view = (await (await call(`/api/jobs/${job.jobId}/listings`, job.people, "customerA")).json()) as { listings: { check: { id: string; verdict: string; canResubmit: boolean } }[] };
    const check = view.listings[0]!.check;
    // The stand-in page names no business: the check reports a changed name, and the button is offered.
    expect(check.verdict).toBe("changed");
    const [live] = await query<{ id: string }>("update listing_checks set verdict = 'live', differences = '{}' where id = $1 returning id", [check.id]);
    const res = await call(`/api/jobs/${job.jobId}/listing-checks/${live!.id}/resubmit`, job.people, "customerA", "POST");
    expect(res.status).toBe(409);
    expect(JSON.stringify(await res.json())).toContain("not_flagged");
    expect((await call(`/api/jobs/${job.jobId}/listing-checks/not-a-uuid/resubmit`, job.people, "customerA", "POST")).status).toBe(400);
    expect((await call(`/api/jobs/${job.jobId}/listing-checks/${crypto.randomUUID()}/resubmit`, job.people, "customerA", "POST")).status).toBe(404);
    const snapshot = await job.stub.snapshot();
    expect(snapshot.submissions[0]!.status).toBe("approved");
  });
});
