/**
 * The verification mailboxes in workerd: raw RFC 822 mails (rendered the way
 * the farm sends them) through the Worker's real `email` handler, against
 * real Postgres, R2 and JobCoordinators.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { signUserToken } from "../../src/auth/user-token";
import { connectFromWorker } from "../../src/db/worker-database";
import { verificationAddress } from "../../src/mail/links";
import type { TaskMessage } from "../../core/protocol/tasks";
import { rawMail } from "../../tools/farm/mail";
import type { FarmMail } from "../../tools/farm/types";
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import { captureReleases, stubFor } from "./support/coordinator-harness";
import { seedJob } from "./support/seed";
import { deliverMail } from "./support/mail";

interface Dir {
  submissionId: string;
  name: string;
  website: string;
}

async function directoriesOf(jobId: string): Promise<Dir[]> {
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.client.query<{ id: string; name: string; website: string }>(
      "select s.id, d.name, d.website from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1 order by d.name",
      [jobId],
    );
    return rows.map((r) => ({ submissionId: r.id, name: r.name, website: r.website }));
  } finally {
    await conn.close();
  }
}

/** A started job whose tasks were all submitted; `verifying` ones wait for their mail. */
async function submittedJob(verifying: number) {
  const seeded = await seedJob({ directories: 3 });
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  const dirs = await directoriesOf(seeded.jobId);
  for (const m of released.splice(0)) {
    const lease = await stub.lease(m.submissionId, m.attempt, "test-worker");
    // The listing the directory gets carries the job's own mailbox.
    expect(lease?.business?.email).toBe(verificationAddress(seeded.jobId, env.VERIFY_DOMAIN));
    const index = dirs.findIndex((d) => d.submissionId === m.submissionId);
    await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: index < verifying ? "awaiting_verification" : "submitted" });
  }
  return { ...seeded, stub, released, dirs };
}

function mailFrom(dir: Dir, to: string, token: string): string {
  const host = new URL(dir.website).hostname;
  const mail: FarmMail = {
    from: `no-reply@${host}`,
    to,
    subject: `Confirm your listing – ${dir.name}`,
    text: `Please confirm your business listing by opening this link:\n${dir.website}/verify?token=${token}\n`,
    link: `${dir.website}/verify?token=${token}`,
    slug: "x",
    listingId: token.slice(0, 10),
    at: new Date().toISOString(),
  };
  return rawMail(mail, dir.name);
}

async function mailRows(where: string, value: string) {
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.client.query<{ status: string; reason: string | null; job_id: string | null; submission_id: string | null; r2_key: string; verification_link: string | null }>(
      `select status, reason, job_id, submission_id, r2_key, verification_link from inbound_mails where ${where} = $1`,
      [value],
    );
    return rows;
  } finally {
    await conn.close();
  }
}

async function followups(jobId: string) {
  return runInDurableObject(stubFor(jobId), (_: JobCoordinator, state) =>
    state.storage.sql.exec<{ submission_id: string; kind: string; status: string; url: string }>("select submission_id, kind, status, url from followups").toArray(),
  );
}

describe("verification mailboxes", () => {
  it("a directory's mail queues its link once; the opened link makes the submission submitted", async () => {
    const job = await submittedJob(1);
    const dir = job.dirs[0]!;
    const to = verificationAddress(job.jobId, env.VERIFY_DOMAIN);
    const token = crypto.randomUUID().replace(/-/g, "");
    const raw = mailFrom(dir, to, token);
    await deliverMail(`no-reply@${new URL(dir.website).hostname}`, to, raw);

    expect(job.released).toEqual([{ jobId: job.jobId, submissionId: dir.submissionId, attempt: 1, kind: "verify" }]);
    const [row] = await mailRows("envelope_to", to);
    expect(row).toMatchObject({ status: "matched", job_id: job.jobId, submission_id: dir.submissionId, verification_link: `${dir.website}/verify?token=${token}` });
    expect(row!.r2_key).toMatch(new RegExp(`^mail/jobs/${job.jobId}/[^/]+/[0-9a-f]{64}\\.eml$`));
    expect(await (await env.EVIDENCE.get(row!.r2_key))!.text()).toBe(raw);

    // Redelivered: nothing new is queued, one row.
    await deliverMail(`no-reply@${new URL(dir.website).hostname}`, to, raw);
    expect(job.released).toHaveLength(1);
    expect(await mailRows("envelope_to", to)).toHaveLength(1);

    // The browser worker's side: lease, open, report.
    const lease = await job.stub.leaseFollowup(dir.submissionId, "verify", 1, "test-worker");
    expect(lease).toMatchObject({ url: `${dir.website}/verify?token=${token}`, kind: "verify" });
    expect(await job.stub.leaseFollowup(dir.submissionId, "verify", 1, "test-worker")).toBeNull();
    const report = { jobId: job.jobId, submissionId: dir.submissionId, kind: "verify" as const, attempt: 1, ok: true, httpStatus: 200 };
    expect(await job.stub.reportFollowup(report)).toEqual({ applied: true });
    expect(await job.stub.reportFollowup(report)).toEqual({ applied: false });
    const snapshot = await job.stub.snapshot();
    expect(snapshot.submissions.find((s) => s.submissionId === dir.submissionId)?.status).toBe("submitted");
    expect(snapshot.activity.map((a) => a.kind)).toContain("submission_verified");
  });

  it("a mail for another job never touches this one; a mail nobody claims waits in the staff inbox", async () => {
    const a = await submittedJob(3);
    const b = await submittedJob(3);
    const aDir = a.dirs[1]!;
    const before = await a.stub.snapshot();

    // Job A's directory, but addressed to job B's mailbox.
    const toB = verificationAddress(b.jobId, env.VERIFY_DOMAIN);
    await deliverMail(`no-reply@${new URL(aDir.website).hostname}`, toB, mailFrom(aDir, toB, "a".repeat(32)));
    const [wrongJob] = await mailRows("envelope_to", toB);
    expect(wrongJob).toMatchObject({ status: "unmatched", job_id: b.jobId, submission_id: null });
    expect(wrongJob!.reason).toMatch(/no directory of this job/);
    expect(wrongJob!.r2_key).toMatch(/^mail\/unmatched\//);
    expect(a.released).toEqual([]);
    expect(b.released).toEqual([]);
    expect(await followups(a.jobId)).toEqual([]);
    expect(await followups(b.jobId)).toEqual([]);
    const after = await a.stub.snapshot();
    expect(after.submissions.map((s) => [s.submissionId, s.status, s.updatedAt])).toEqual(before.submissions.map((s) => [s.submissionId, s.status, s.updatedAt]));

    // An address that is no job's at all.
    const stranger = `hello-${crypto.randomUUID()}@${env.VERIFY_DOMAIN}`;
    await deliverMail("news@shop.example", stranger, mailFrom({ submissionId: "", name: "Some Shop", website: "https://shop.example" }, stranger, "b".repeat(32)));
    expect(await mailRows("envelope_to", stranger)).toMatchObject([{ status: "unmatched", job_id: null, reason: "the recipient is not a job's verification address" }]);

    // Staff see both in the inbox; a customer may not.
    const staff = await signUserToken(env, { userId: crypto.randomUUID(), staff: true });
    const res = await worker.fetch(new Request("http://x/api/staff/mail?status=unmatched&limit=500", { headers: { authorization: `Bearer ${staff}` } }), env, createExecutionContext());
    expect(res.status).toBe(200);
    const inbox = (await res.json()) as { mails: { to: string; status: string; rawUrl: string }[] };
    expect(inbox.mails.map((m) => m.to)).toEqual(expect.arrayContaining([toB, stranger]));
    const rawRes = await worker.fetch(new Request(`http://x${inbox.mails.find((m) => m.to === stranger)!.rawUrl}`, { headers: { authorization: `Bearer ${staff}` } }), env, createExecutionContext());
    expect(rawRes.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await rawRes.text()).toContain(`To: <${stranger}>`);
    const customer = await signUserToken(env, { userId: a.userId });
    const denied = await worker.fetch(new Request("http://x/api/staff/mail", { headers: { authorization: `Bearer ${customer}` } }), env, createExecutionContext());
    expect(denied.status).toBe(403);
    const bad = await worker.fetch(new Request("http://x/api/staff/mail?status=everything", { headers: { authorization: `Bearer ${staff}` } }), env, createExecutionContext());
    expect(bad.status).toBe(400);
  });

  it("a raw mail is served as a plain-text attachment that no browser renders or sniffs", async () => {
    const subject = `Looks like a page ${crypto.randomUUID()}`;
    const to = `nobody-${crypto.randomUUID()}@${env.VERIFY_DOMAIN}`;
    const raw = ["From: <a@elsewhere.example>", `To: <${to}>`, `Subject: ${subject}`, "Content-Type: text/html; charset=utf-8", "", "<script>alert(document.cookie)</script>", ""].join("\r\n");
    await deliverMail("a@elsewhere.example", to, raw);
    const staff = await signUserToken(env, { userId: crypto.randomUUID(), staff: true });
    const list = await worker.fetch(new Request("http://x/api/staff/mail?status=unmatched&limit=500", { headers: { authorization: `Bearer ${staff}` } }), env, createExecutionContext());
    const mail = ((await list.json()) as { mails: { id: string; subject: string; rawUrl: string }[] }).mails.find((m) => m.subject === subject)!;
    const res = await worker.fetch(new Request(`http://x${mail.rawUrl}`, { headers: { authorization: `Bearer ${staff}` } }), env, createExecutionContext());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="mail-${mail.id}.eml"`);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(await res.text()).toBe(raw);
  });
});
