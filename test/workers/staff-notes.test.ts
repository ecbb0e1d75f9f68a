/**
 * `GET /api/staff/jobs/:id/notes` in workerd against real Postgres: staff
 * only, and what it answers is what the coordinator's retry analyzer wrote
 * into `job_events` for a job driven through real attempts.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StaffJobNotes } from "../../core/protocol/staff";
import { headersOf, newPeople } from "./support/actors";
import { expireTimers, settled, startOneTask, stubFor } from "./support/coordinator-harness";
import { query } from "./support/purchase";
import { seedJob } from "./support/seed";

const PHONE_REFUSED = 'the directory refused a field: Phone (tel) — "Phone: enter the number without the country code (national format)."';

const get = (path: string, headers: Record<string, string> = {}) => exports.default.fetch(`http://localhost${path}`, { headers });

async function staffHeaders() {
  return headersOf("staff", newPeople());
}

describe("GET /api/staff/jobs/:id/notes", () => {
  it("is for staff only: anonymous 401, the job's own customer 403, staff 200", async () => {
    const job = await seedJob({ directories: 1 });
    const people = newPeople(job.userId);
    const path = `/api/staff/jobs/${job.jobId}/notes`;
    expect((await get(path, await headersOf("anonymous", people))).status).toBe(401);
    const customer = await get(path, await headersOf("customerA", people));
    expect(customer.status).toBe(403);
    expect(JSON.stringify(await customer.json())).not.toContain("staffReason");
    const staff = await get(path, await headersOf("staff", people));
    expect(staff.status).toBe(200);
    // Nothing has failed yet: no notes.
    expect(await staff.json()).toEqual({ jobId: job.jobId, submissions: [] });
  });

  it("a staff pause tells the customer 'paused by staff', never the staff member's e-mail; staff read who it was", async () => {
    const job = await startOneTask();
    const people = newPeople(job.userId);
    const res = await exports.default.fetch(`http://localhost/api/staff/jobs/${job.jobId}/pause`, { method: "POST", headers: await headersOf("staff", people) });
    expect(res.status).toBe(200);
    const staffEmail = `staff-${people.staffUser}@example.com`;
    expect(await stubFor(job.jobId).progress()).toMatchObject({ status: "paused", statusReason: "paused by staff" });
    expect(JSON.stringify((await stubFor(job.jobId).snapshot()).activity)).not.toContain(staffEmail);
    await settled(job.jobId);
    // Everything the customer's rows hold in Postgres.
    const rows = await query("select j.status_reason, e.message, e.data from jobs j join job_events e on e.job_id = j.id where j.id = $1", [job.jobId]);
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(staffEmail);
    const staffOnly = await query<{ data: { staffBy?: string } }>(
      "select n.data from job_event_staff_notes n join job_events e on e.id = n.job_event_id where e.job_id = $1 and e.kind = 'job_paused'",
      [job.jobId],
    );
    expect(staffOnly.map((r) => r.data.staffBy)).toEqual([staffEmail]);
  });

  it("answers 400 for a bad id and 404 for a job that does not exist", async () => {
    const headers = await staffHeaders();
    const bad = await get("/api/staff/jobs/not-a-uuid/notes", headers);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("validation_failed");
    const unknown = await get(`/api/staff/jobs/${crypto.randomUUID()}/notes`, headers);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("gives the analyzer's reason for staff and every retry, fix included, after a validation stop", async () => {
    const { jobId, submissionId, stub, next } = await startOneTask();
    // Attempt 1: the lease expires (a worker problem): a plain retry, with no report behind it.
    await next();
    await expireTimers(jobId);
    // Attempt 2: the directory refuses the phone: retried once in national format.
    expect((await next()).attempt).toBe(2);
    await stub.report({ jobId, submissionId, attempt: 2, outcome: "failed", failureClass: "validation", reason: PHONE_REFUSED, httpStatus: 422 });
    const third = await next();
    expect(third.retryHints).toEqual({ fixes: [{ field: "tel", want: "national" }] });
    // Attempt 3: the same refusal: the analyzer stops with a reason for staff.
    await stub.report({ jobId, submissionId, attempt: 3, outcome: "failed", failureClass: "validation", reason: PHONE_REFUSED });
    expect((await stub.snapshot()).submissions[0]).toMatchObject({ status: "failed" });
    await settled(jobId);

    const res = await get(`/api/staff/jobs/${jobId}/notes`, await staffHeaders());
    expect(res.status).toBe(200);
    const notes = (await res.json()) as StaffJobNotes;
    expect(notes.jobId).toBe(jobId);
    expect(notes.submissions).toHaveLength(1);
    const [sub] = notes.submissions;
    expect(sub!.submissionId).toBe(submissionId);
    // The longer sentence staff get: what happened and the directory's own words.
    expect(sub!.stop).toMatchObject({ status: "failed", attempt: 3 });
    expect(sub!.stop!.staffReason).toContain("even after sending the tel national");
    expect(sub!.stop!.staffReason).toContain("without the country code");
    expect(Date.parse(sub!.stop!.at)).not.toBeNaN();
    expect(sub!.retries.map(({ attempt, why, fixes }) => ({ attempt, why, fixes }))).toEqual([
      { attempt: 1, why: "retry", fixes: [] },
      { attempt: 2, why: "fix", fixes: [{ field: "tel", want: "national" }] },
    ]);
    expect(Date.parse(sub!.retries[0]!.at)).toBeLessThanOrEqual(Date.parse(sub!.retries[1]!.at));
    // The customer's own event rows never hold it: it lives in the staff-only notes (migration 0013).
    const customerRows = await query<{ data: object }>("select data from job_events where job_id = $1", [jobId]);
    expect(JSON.stringify(customerRows)).not.toContain("staffReason");
    expect(await query("select 1 from job_event_staff_notes where job_id = $1", [jobId])).toHaveLength(1);
  });

  it("keeps the latest stop when staff retry a stopped submission and it stops again", async () => {
    const { jobId, submissionId, stub, next } = await startOneTask();
    await next();
    await stub.report({ jobId, submissionId, attempt: 1, outcome: "failed", failureClass: "site_gone", reason: "HTTP 404", httpStatus: 404 });
    expect((await stub.snapshot()).submissions[0]).toMatchObject({ status: "failed" });
    const headers = await staffHeaders();
    const retried = await exports.default.fetch(`http://localhost/api/staff/jobs/${jobId}/submissions/${submissionId}/retry`, { method: "POST", headers });
    expect(retried.status).toBe(200);
    const again = await next();
    expect(again.attempt).toBe(2);
    await stub.report({ jobId, submissionId, attempt: 2, outcome: "failed", failureClass: "blocked", reason: "Access denied: automated traffic", httpStatus: 403 });
    expect((await stub.snapshot()).submissions[0]).toMatchObject({ status: "failed", attempt: 2 });
    await settled(jobId);

    const notes = (await (await get(`/api/staff/jobs/${jobId}/notes`, headers)).json()) as StaffJobNotes;
    expect(notes.submissions).toHaveLength(1);
    const [sub] = notes.submissions;
    expect(sub!.stop).toMatchObject({ status: "failed", attempt: 2 });
    expect(sub!.stop!.staffReason).toContain("blocks automated submissions");
    expect(sub!.stop!.staffReason).not.toContain("form is gone");
    // Neither stop was a retry the coordinator decided (staff asked for the second attempt).
    expect(sub!.retries).toEqual([]);
  });
});
