/**
 * Regression found by the fuzz project (test/fuzz): a NUL character in a
 * worker's report (reason, evidence key) or a staff cancel reason reached
 * the coordinator's Postgres outbox, which Postgres refused on every retry,
 * so nothing more of that job reached Postgres. Now it is stored as U+FFFD
 * (and a person's request with a NUL is refused with a 400 before it gets there).
 * Likewise a mail to a verification address whose subject decodes to a NUL
 * (`=?UTF-8?B?AA==?=`): the email handler's insert failed, so the handler
 * threw and Email Routing would deliver that mail again forever.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signUserToken } from "../../src/auth/user-token";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, settled, stubFor } from "./support/coordinator-harness";
import { postgresState, seedJob } from "./support/seed";
import { deliverMail } from "./support/mail";
import { query } from "./support/purchase";

const post = (path: string, authorization: string, body: unknown) =>
  exports.default.fetch(`http://localhost${path}`, { method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify(body) });

describe("NUL characters from workers and staff", () => {
  it("reach Postgres as U+FFFD and do not block the job's outbox", async () => {
    const seeded = await seedJob({ directories: 3 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const [first, second] = released;
    await stub.lease(first!.submissionId, first!.attempt, "w");
    await stub.lease(second!.submissionId, second!.attempt, "w");
    const worker = `Bearer ${env.WORKER_API_TOKEN}`;
    const failed = await post("/api/jobs/update", worker, {
      jobId: seeded.jobId,
      submissionId: first!.submissionId,
      attempt: first!.attempt,
      outcome: "failed",
      failureClass: "validation",
      reason: "field\u0000name",
    });
    expect(failed.status).toBe(200);
    const submitted = await post("/api/jobs/update", worker, {
      jobId: seeded.jobId,
      submissionId: second!.submissionId,
      attempt: second!.attempt,
      outcome: "submitted",
      evidenceKey: "jobs/x\u0000.png",
    });
    expect(submitted.status).toBe(200);
    const staff = `Bearer ${await signUserToken(env, { userId: crypto.randomUUID(), staff: true })}`;
    // A person's input with a NUL is refused and changes nothing (src/http/validation.ts); the coordinator still stores one as U+FFFD.
    const refused = await post(`/api/staff/jobs/${seeded.jobId}/cancel`, staff, { reason: "stop\u0000now" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: "validation_failed", details: { fields: { reason: "must not contain a NUL character" } } } });
    expect((await stub.progress()).status).toBe("in_progress");
    await stub.cancel("stop\u0000now");

    await settled(seeded.jobId); // throws "outbox did not drain" without the fix
    const state = await postgresState(seeded.jobId);
    expect(state.job.status).toBe("cancelled");
    const [row] = await query<{ failure_reason: string }>("select failure_reason from directory_submissions where id = $1", [first!.submissionId]);
    expect(row!.failure_reason).toContain("field\uFFFDname");
    const [job] = await query<{ status_reason: string }>("select status_reason from jobs where id = $1", [seeded.jobId]);
    expect(job!.status_reason).toBe("stop\uFFFDnow");
  });

  it("in a mail's subject or sender reach the staff inbox as U+FFFD instead of failing the delivery", async () => {
    const seeded = await seedJob({ directories: 2 });
    await stubFor(seeded.jobId).start(seeded.jobId);
    // The job's old shared address: its mail is kept for staff, as this one must be.
    const to = `job-${seeded.jobId}@${env.VERIFY_DOMAIN}`;
    const marker = crypto.randomUUID();
    const raw = [`From: =?UTF-8?B?${btoa("Eve\u0000")}?= <eve@elsewhere.example>`, `To: ${to}`, `Subject: =?UTF-8?B?${btoa(`${marker}\u0000x`)}?=`, "", "no link here", ""].join("\r\n");
    await deliverMail("eve\u0000@elsewhere.example", to, raw); // threw "invalid byte sequence for encoding UTF8: 0x00" without the fix
    const rows = await query<{ subject: string; envelope_from: string; status: string }>("select subject, envelope_from, status from inbound_mails where subject like $1", [`${marker}%`]);
    expect(rows).toEqual([{ subject: `${marker}\uFFFDx`, envelope_from: "eve\uFFFD@elsewhere.example", status: "unmatched" }]);
    // Delivered again (Email Routing retries on any doubt): the same one row.
    await deliverMail("eve\u0000@elsewhere.example", to, raw);
    expect(await query("select 1 from inbound_mails where subject like $1", [`${marker}%`])).toHaveLength(1);
  });
});
