/**
 * The verification mailboxes in workerd: raw RFC 822 mails (rendered the way
 * the farm sends them) through the Worker's real `email` handler, against
 * real Postgres, R2 and JobCoordinators.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { signUserToken } from "../../src/auth/user-token";
import { connectFromWorker } from "../../src/db/worker-database";
import type { TaskMessage } from "../../core/protocol/tasks";
import { mxAuthenticationResults, rawMail } from "../../tools/farm/mail";
import type { FarmMail } from "../../tools/farm/types";
import type { JobCoordinator } from "../../durable-objects/job-coordinator";
import { MAIL_WINDOW_MS, MAILS_PER_MAILBOX, mailsPerJob } from "../../durable-objects/coordinator/mailboxes";
import { allowFaults, expireTimers, leasedJob, stubFor } from "./support/coordinator-harness";
import { AFTER_SUBMIT_SOON_MS } from "../../durable-objects/coordinator/faults";
import { deliverMail } from "./support/mail";

interface Dir {
  submissionId: string;
  name: string;
  website: string;
  /** The mailbox the directory was given (from the task's lease). */
  mailbox: string;
}

async function directoriesOf(jobId: string, mailboxes: Map<string, string>): Promise<Dir[]> {
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.client.query<{ id: string; name: string; website: string }>(
      "select s.id, d.name, d.website from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1 order by d.name",
      [jobId],
    );
    return rows.map((r) => ({ submissionId: r.id, name: r.name, website: r.website, mailbox: mailboxes.get(r.id) ?? "" }));
  } finally {
    await conn.close();
  }
}

/** A started job whose tasks were all submitted; `verifying` ones wait for their mail. `websites` replace the directories' sites first. */
async function submittedJob(verifying: number, websites: string[] = []) {
  const { mailboxes, ...seeded } = await leasedJob(3, "test-worker", async (job) => {
    if (!websites.length) return;
    const conn = await connectFromWorker(env);
    try {
      for (const [i, website] of websites.entries())
        await conn.client.query("update directories set website = $1 where id = (select directory_id from directory_submissions where id = $2)", [website, job.submissionIds[i]]);
    } finally {
      await conn.close();
    }
  });
  const { stub, released } = seeded;
  const dirs = await directoriesOf(seeded.jobId, mailboxes);
  for (const [index, dir] of dirs.entries()) {
    await stub.report({ jobId: seeded.jobId, submissionId: dir.submissionId, attempt: 1, outcome: index < verifying ? "awaiting_verification" : "submitted" });
  }
  return { ...seeded, stub, released, dirs };
}

const hostOf = (dir: Dir) => new URL(dir.website).hostname;

/** The mail a directory sends (as the farm renders it), with our MX's results for its sender on top. */
function mailFrom(dir: Dir, to: string, token: string, mx: { dkim?: string; spf?: string } | null = { spf: `no-reply@${hostOf(dir)}` }): string {
  const mail: FarmMail = {
    from: `no-reply@${hostOf(dir)}`,
    to,
    subject: `Confirm your listing – ${dir.name}`,
    text: `Please confirm your business listing by opening this link:\n${dir.website}/verify?token=${token}\n`,
    link: `${dir.website}/verify?token=${token}`,
    slug: "x",
    listingId: token.slice(0, 10),
    at: new Date().toISOString(),
  };
  return (mx ? mxAuthenticationResults(mx) : "") + rawMail(mail, dir.name);
}

async function mailRows(where: string, value: string) {
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.client.query<{ status: string; reason: string | null; job_id: string | null; submission_id: string | null; r2_key: string; verification_link: string | null }>(
      `select status, reason, job_id, submission_id, r2_key, verification_link from inbound_mails where ${where} = $1 order by created_at`,
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

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Nothing at all was kept of a mail: no row, no raw object. */
async function nothingKept(raw: string) {
  const mailId = await sha256Hex(raw);
  expect(await mailRows("mail_id", mailId)).toEqual([]);
  expect(await env.EVIDENCE.list({ prefix: "mail/" }).then((l) => l.objects.filter((o) => o.key.endsWith(`${mailId}.eml`)))).toEqual([]);
}

const newToken = () => crypto.randomUUID().replace(/-/g, "");

describe("verification mailboxes", () => {
  it("a directory's mail queues its link once; the opened link makes the submission submitted", async () => {
    const job = await submittedJob(1);
    const dir = job.dirs[0]!;
    // Each submission has its own unguessable mailbox.
    expect(job.dirs.map((d) => d.mailbox)).toEqual(job.dirs.map(() => expect.stringMatching(new RegExp(`^v-${job.jobId.replace(/-/g, "")}-[a-z2-7]{20}@${env.VERIFY_DOMAIN}$`))));
    expect(new Set(job.dirs.map((d) => d.mailbox)).size).toBe(3);
    const to = dir.mailbox;
    const token = newToken();
    const raw = mailFrom(dir, to, token);
    expect(await deliverMail(`no-reply@${hostOf(dir)}`, to, raw)).toBeNull();

    expect(job.released).toEqual([{ jobId: job.jobId, submissionId: dir.submissionId, attempt: 1, kind: "verify" }]);
    const [row] = await mailRows("envelope_to", to);
    expect(row).toMatchObject({ status: "matched", job_id: job.jobId, submission_id: dir.submissionId, verification_link: `${dir.website}/verify?token=${token}` });
    expect(row!.r2_key).toMatch(new RegExp(`^mail/jobs/${job.jobId}/[^/]+/[0-9a-f]{64}\\.eml$`));
    expect(await (await env.EVIDENCE.get(row!.r2_key))!.text()).toBe(raw);

    // Redelivered: nothing new is queued, one row.
    await deliverMail(`no-reply@${hostOf(dir)}`, to, raw);
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

  it("counts after-submit work due soon for the fault harness: the open link, then the look a verified listing gets within a minute", async () => {
    const job = await submittedJob(1);
    const dir = job.dirs[0]!;
    await allowFaults(job.jobId);
    const due = async () => (await (await job.stub.faults()).counters()).afterSubmitDue;
    // Tracking starts on the alarm; every first look is further off than the window.
    await runDurableObjectAlarm(job.stub);
    const tracked = await runInDurableObject(job.stub, (_: JobCoordinator, state) => state.storage.sql.exec("select count(*) as n from approval_checks").one().n);
    expect(tracked).toBe(3);
    expect(await due()).toBe(0);

    await deliverMail(`no-reply@${hostOf(dir)}`, dir.mailbox, mailFrom(dir, dir.mailbox, newToken()));
    expect(await due()).toBe(1);
    expect(await job.stub.leaseFollowup(dir.submissionId, "verify", 1, "test-worker")).not.toBeNull();
    expect(await due()).toBe(1);
    await job.stub.reportFollowup({ jobId: job.jobId, submissionId: dir.submissionId, kind: "verify", attempt: 1, ok: true, httpStatus: 200 });
    // The link is done; the listing's look moved to within a minute.
    expect(await due()).toBe(1);
    const look = await runInDurableObject(
      job.stub,
      (_: JobCoordinator, state) => state.storage.sql.exec<{ next_check_at: number }>("select next_check_at from approval_checks where submission_id = ?", dir.submissionId).one().next_check_at,
    );
    expect(look - Date.now()).toBeLessThanOrEqual(AFTER_SUBMIT_SOON_MS);
  });

  it("a link opened while the attempt that posted still runs: its late report, or its lease running out, leaves it submitted, not waiting for a link", async () => {
    const { stub, mailboxes, ...seeded } = await leasedJob(2);
    const [reporting, cutOff] = await directoriesOf(seeded.jobId, mailboxes);
    // Each directory mails its link right after the post; the link is opened before the attempt ends.
    for (const dir of [reporting!, cutOff!]) {
      await deliverMail(`no-reply@${hostOf(dir)}`, dir.mailbox, mailFrom(dir, dir.mailbox, newToken()));
      expect(await stub.leaseFollowup(dir.submissionId, "verify", 1, "test-worker")).not.toBeNull();
      expect(await stub.reportFollowup({ jobId: seeded.jobId, submissionId: dir.submissionId, kind: "verify", attempt: 1, ok: true, httpStatus: 200 })).toEqual({ applied: true });
    }
    const statusOf = async (dir: Dir) => (await stub.snapshot()).submissions.find((s) => s.submissionId === dir.submissionId)?.status;
    expect(await statusOf(reporting!)).toBe("submitting");

    // The attempt's own report, late: the link it would wait for is open already.
    expect(await stub.report({ jobId: seeded.jobId, submissionId: reporting!.submissionId, attempt: 1, outcome: "awaiting_verification" })).toMatchObject({ applied: true, status: "submitted" });
    // The other attempt never reports: its lease runs out, and it is not posted again.
    await runInDurableObject(stub, (_: JobCoordinator, state) => {
      state.storage.sql.exec("update tasks set lease_expires_at = 0 where submission_id = ?", cutOff!.submissionId);
    });
    await runDurableObjectAlarm(stub);
    const snapshot = await stub.snapshot();
    expect(snapshot.submissions.map((s) => [s.submissionId, s.status, s.attempt]).sort()).toEqual(
      [
        [reporting!.submissionId, "submitted", 1],
        [cutOff!.submissionId, "submitted", 1],
      ].sort(),
    );
    expect(snapshot.activity.map((a) => a.message)).toContain(`${cutOff!.name}: its post arrived (its verification mail came) and the link was already opened`);
    // Both are tracked with their first look within a minute, as any verified listing.
    await runDurableObjectAlarm(stub);
    const looks = await runInDurableObject(stub, (_: JobCoordinator, state) =>
      state.storage.sql.exec<{ next_check_at: number }>("select next_check_at from approval_checks where state = 'tracking'").toArray(),
    );
    expect(looks).toHaveLength(2);
    for (const look of looks) expect(look.next_check_at - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it("a verification mail proves an earlier attempt's post arrived: a waiting retry, or an attempt cut off after the mail, is not posted again", async () => {
    const { stub, released, mailboxes, ...seeded } = await leasedJob(2, "w");
    const [retried, cutOff] = await directoriesOf(seeded.jobId, mailboxes);
    const statusOf = async (id: string) => (await stub.snapshot()).submissions.find((s) => s.submissionId === id)!;
    // Both posted; the browser died before either answer was read.
    for (const dir of [retried!, cutOff!]) expect(await stub.posting(dir.submissionId, 1, "w")).toBe(true);
    await stub.report({
      jobId: seeded.jobId,
      submissionId: retried!.submissionId,
      attempt: 1,
      outcome: "failed",
      failureClass: "transient",
      reason: "the browser session was lost",
      infrastructure: true,
    });
    // Its retry is held for the post to settle (released with a queue delay, or still waiting).
    expect(["retrying", "queued"]).toContain((await statusOf(retried!.submissionId)).status);
    // The first one's mail comes while its retry waits: the retry is called off.
    expect(await deliverMail(`no-reply@${hostOf(retried!)}`, retried!.mailbox, mailFrom(retried!, retried!.mailbox, newToken()))).toBeNull();
    expect(await statusOf(retried!.submissionId)).toMatchObject({ status: "awaiting_verification", failureClass: null });
    // The second one's mail comes before its attempt's (failed) report: no retry is made.
    expect(await deliverMail(`no-reply@${hostOf(cutOff!)}`, cutOff!.mailbox, mailFrom(cutOff!, cutOff!.mailbox, newToken()))).toBeNull();
    await stub.report({
      jobId: seeded.jobId,
      submissionId: cutOff!.submissionId,
      attempt: 1,
      outcome: "failed",
      failureClass: "transient",
      reason: "the browser session was lost",
      infrastructure: true,
    });
    expect(await statusOf(cutOff!.submissionId)).toMatchObject({ status: "awaiting_verification", attempt: 1 });
    // The two verification links go out; a retry message already on the queue finds nothing to lease, and none comes after.
    const kindOf = (m: TaskMessage) => m.kind ?? "submit";
    expect(
      released
        .filter((m) => kindOf(m) === "verify")
        .map((m) => m.submissionId)
        .sort(),
    ).toEqual([retried!.submissionId, cutOff!.submissionId].sort());
    await expireTimers(seeded.jobId);
    const submits = released.filter((m) => kindOf(m) === "submit");
    expect(submits.every((m) => m.submissionId === retried!.submissionId && m.attempt === 2)).toBe(true);
    for (const m of submits) expect(await stub.lease(m.submissionId, m.attempt, "w")).toBeNull();
    expect((await stub.snapshot()).submissions.map((s) => s.status)).toEqual(["awaiting_verification", "awaiting_verification"]);
  });

  it("a mail for another job never touches this one; a mail to no mailbox of ours is refused and nothing is kept", async () => {
    const a = await submittedJob(3);
    const b = await submittedJob(3);
    const aDir = a.dirs[1]!;
    const before = await a.stub.snapshot();

    // Job A's directory, but addressed to a mailbox of job B: not B's directory's mail.
    const toB = b.dirs[1]!.mailbox;
    await deliverMail(`no-reply@${hostOf(aDir)}`, toB, mailFrom(aDir, toB, "a".repeat(32)));
    const [wrongJob] = await mailRows("envelope_to", toB);
    expect(wrongJob).toMatchObject({ status: "unmatched", job_id: b.jobId, submission_id: b.dirs[1]!.submissionId });
    expect(wrongJob!.reason).toMatch(/^not authenticated as Directory 1: neither DKIM nor SPF passed/);
    expect(wrongJob!.r2_key).toMatch(/^mail\/unmatched\//);
    expect(a.released).toEqual([]);
    expect(b.released).toEqual([]);
    expect(await followups(a.jobId)).toEqual([]);
    expect(await followups(b.jobId)).toEqual([]);
    const after = await a.stub.snapshot();
    expect(after.submissions.map((s) => [s.submissionId, s.status, s.updatedAt])).toEqual(before.submissions.map((s) => [s.submissionId, s.status, s.updatedAt]));

    // No job's mailbox at all, a guessed token of a real job, a job we do not have: refused, nothing kept.
    const guessed = `v-${a.jobId.replace(/-/g, "")}-${"a".repeat(20)}@${env.VERIFY_DOMAIN}`;
    const noJob = `v-${crypto.randomUUID().replace(/-/g, "")}-${"b".repeat(20)}@${env.VERIFY_DOMAIN}`;
    for (const stranger of [`hello-${crypto.randomUUID()}@${env.VERIFY_DOMAIN}`, guessed, noJob, `job-${crypto.randomUUID()}@${env.VERIFY_DOMAIN}`]) {
      const raw = mailFrom(aDir, stranger, newToken());
      expect(await deliverMail(`no-reply@${hostOf(aDir)}`, stranger, raw)).toBe("no such mailbox");
      await nothingKept(raw);
    }
    expect(a.released).toEqual([]);

    // Staff see the kept one in the inbox; a customer may not.
    const staff = await signUserToken(env, { userId: crypto.randomUUID(), staff: true });
    const res = await worker.fetch(new Request("http://x/api/staff/mail?status=unmatched&limit=500", { headers: { authorization: `Bearer ${staff}` } }), env, createExecutionContext());
    expect(res.status).toBe(200);
    const inbox = (await res.json()) as { mails: { to: string; status: string; rawUrl: string }[] };
    expect(inbox.mails.map((m) => m.to)).toContain(toB);
    const rawRes = await worker.fetch(new Request(`http://x${inbox.mails.find((m) => m.to === toB)!.rawUrl}`, { headers: { authorization: `Bearer ${staff}` } }), env, createExecutionContext());
    expect(rawRes.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await rawRes.text()).toContain(`To: <${toB}>`);
    const customer = await signUserToken(env, { userId: a.userId });
    const denied = await worker.fetch(new Request("http://x/api/staff/mail", { headers: { authorization: `Bearer ${customer}` } }), env, createExecutionContext());
    expect(denied.status).toBe(403);
    const bad = await worker.fetch(new Request("http://x/api/staff/mail?status=everything", { headers: { authorization: `Bearer ${staff}` } }), env, createExecutionContext());
    expect(bad.status).toBe(400);
  });

  it("a raw mail is served as a plain-text attachment that no browser renders or sniffs", async () => {
    const subject = `Looks like a page ${crypto.randomUUID()}`;
    const job = await submittedJob(0);
    const to = `job-${job.jobId}@${env.VERIFY_DOMAIN}`;
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

describe("forged and flooded verification mail", () => {
  it("opens nothing unless our MX's DKIM or SPF result is aligned with the directory's domain", async () => {
    const job = await submittedJob(1);
    const dir = job.dirs[0]!;
    const forged = (mx: Parameters<typeof mailFrom>[3]) => mailFrom(dir, dir.mailbox, newToken(), mx);
    const cases: { name: string; raw: string; reason: RegExp }[] = [
      { name: "no results at all", raw: forged(null), reason: /no Authentication-Results from our mail server/ },
      // The sender wrote the MX's name into its own header; our MX's real results (for the sender's own domain) sit on top.
      {
        name: "a forged header below the MX's",
        raw: mxAuthenticationResults({ spf: "eve@attacker.example" }) + `Authentication-Results: mx.cloudflare.net; dkim=pass header.d=${hostOf(dir)}\r\n` + forged(null),
        reason: /neither DKIM nor SPF passed/,
      },
      {
        name: "a forged header and no MX",
        raw: `Authentication-Results: mx.cloudflare.net; dkim=pass header.d=${hostOf(dir)}\r\n`.replace("mx.cloudflare.net", "mx.attacker.example") + forged(null),
        reason: /not from mx\.cloudflare\.net/,
      },
      { name: "DKIM passed for another domain", raw: forged({ dkim: "attacker.example" }), reason: /neither DKIM nor SPF passed/ },
    ];
    for (const c of cases) {
      expect(await deliverMail(`no-reply@${hostOf(dir)}`, dir.mailbox, c.raw), c.name).toBeNull();
      const [row] = await mailRows("mail_id", await sha256Hex(c.raw));
      expect(row, c.name).toMatchObject({ status: "unmatched", submission_id: dir.submissionId, verification_link: null });
      expect(row!.reason, c.name).toMatch(c.reason);
    }
    expect(job.released).toEqual([]);
    expect(await followups(job.jobId)).toEqual([]);
  });

  it("on a multi-label suffix only the directory's registrable domain counts, for the sender and for the link", async () => {
    const job = await submittedJob(1, ["https://www.harbourdirectory.com.au"]);
    const dir = job.dirs.find((d) => d.website === "https://www.harbourdirectory.com.au")!;
    // DKIM of another .com.au site: not the directory.
    const other = mailFrom(dir, dir.mailbox, newToken(), { dkim: "evil.com.au" });
    await deliverMail("no-reply@evil.com.au", dir.mailbox, other);
    expect((await mailRows("mail_id", await sha256Hex(other)))[0]).toMatchObject({ status: "unmatched" });
    expect(job.released).toEqual([]);
    // Signed by the directory, with an attacker's .com.au link first: only the directory's own link is taken.
    const token = newToken();
    const raw =
      mxAuthenticationResults({ dkim: "harbourdirectory.com.au" }) +
      [
        "From: Harbour Directory <no-reply@mail.harbourdirectory.com.au>",
        `To: <${dir.mailbox}>`,
        "Subject: Confirm your listing",
        "Content-Type: text/html; charset=utf-8",
        "",
        `<p><a href="https://confirm.evil.com.au/verify?token=x">Confirm your listing</a></p><p><a href="https://www.harbourdirectory.com.au/verify?token=${token}">Confirm</a></p>`,
        "",
      ].join("\r\n");
    await deliverMail("no-reply@mail.harbourdirectory.com.au", dir.mailbox, raw);
    expect((await mailRows("mail_id", await sha256Hex(raw)))[0]).toMatchObject({ status: "matched", verification_link: `https://www.harbourdirectory.com.au/verify?token=${token}` });
    expect(await followups(job.jobId)).toEqual([{ submission_id: dir.submissionId, kind: "verify", status: "queued", url: `https://www.harbourdirectory.com.au/verify?token=${token}` }]);
  });

  it("a better-authenticated later mail replaces a link not yet opened; a weaker one or a late one does not", async () => {
    const job = await submittedJob(1);
    const dir = job.dirs[0]!;
    const host = hostOf(dir);
    const spfOnly = newToken();
    await deliverMail(`no-reply@${host}`, dir.mailbox, mailFrom(dir, dir.mailbox, spfOnly, { spf: `no-reply@${host}` }));
    expect((await followups(job.jobId))[0]?.url).toBe(`${dir.website}/verify?token=${spfOnly}`);
    const signed = newToken();
    await deliverMail(`no-reply@${host}`, dir.mailbox, mailFrom(dir, dir.mailbox, signed, { dkim: host, spf: `no-reply@${host}` }));
    expect((await followups(job.jobId))[0]?.url).toBe(`${dir.website}/verify?token=${signed}`);
    // An SPF-only mail after the signed one changes nothing.
    await deliverMail(`no-reply@${host}`, dir.mailbox, mailFrom(dir, dir.mailbox, newToken(), { spf: `no-reply@${host}` }));
    // The worker opens what is there now; once it has it, nothing replaces it.
    expect(await job.stub.leaseFollowup(dir.submissionId, "verify", 1, "test-worker")).toMatchObject({ url: `${dir.website}/verify?token=${signed}` });
    expect(job.released).toEqual([{ jobId: job.jobId, submissionId: dir.submissionId, attempt: 1, kind: "verify" }]);
  });

  it("a mailbox takes at most its cap of mails; more are refused and nothing is written for them", async () => {
    const job = await submittedJob(1);
    const dir = job.dirs[0]!;
    const raws = Array.from({ length: MAILS_PER_MAILBOX + 2 }, () => mailFrom(dir, dir.mailbox, newToken(), null));
    const refusals: (string | null)[] = [];
    for (const raw of raws) refusals.push(await deliverMail(`no-reply@${hostOf(dir)}`, dir.mailbox, raw));
    expect(refusals.slice(0, MAILS_PER_MAILBOX)).toEqual(Array(MAILS_PER_MAILBOX).fill(null));
    expect(refusals.slice(MAILS_PER_MAILBOX)).toEqual([`the mailbox has taken its ${MAILS_PER_MAILBOX} mails in 24 hours`, `the mailbox has taken its ${MAILS_PER_MAILBOX} mails in 24 hours`]);
    for (const raw of raws.slice(MAILS_PER_MAILBOX)) await nothingKept(raw);
    expect(await mailRows("envelope_to", dir.mailbox)).toHaveLength(MAILS_PER_MAILBOX);
    // A mail already taken, delivered again, is still taken (the same row).
    expect(await deliverMail(`no-reply@${hostOf(dir)}`, dir.mailbox, raws[0]!)).toBeNull();
    expect(await mailRows("envelope_to", dir.mailbox)).toHaveLength(MAILS_PER_MAILBOX);
    // The job's other mailboxes still take mail.
    const other = job.dirs[1]!;
    expect(await deliverMail(`no-reply@${hostOf(other)}`, other.mailbox, mailFrom(other, other.mailbox, newToken(), null))).toBeNull();
    // A day later the mailbox takes mail again: the listing's address lives as long as the listing (its leads, issue 18).
    await runInDurableObject(job.stub, (_: JobCoordinator, state) => {
      state.storage.sql.exec("update mailbox_mails set received_at = received_at - ?", MAIL_WINDOW_MS);
    });
    const later = mailFrom(dir, dir.mailbox, newToken(), null);
    expect(await deliverMail(`no-reply@${hostOf(dir)}`, dir.mailbox, later)).toBeNull();
    expect(await mailRows("envelope_to", dir.mailbox)).toHaveLength(MAILS_PER_MAILBOX + 1);
  });

  it("a job takes at most its cap of mails in all, its old shared address included", async () => {
    const job = await submittedJob(0);
    const legacy = `job-${job.jobId}@${env.VERIFY_DOMAIN}`;
    const cap = mailsPerJob(3);
    const dir = job.dirs[0]!;
    for (let i = 0; i < cap; i++) expect(await deliverMail("x@elsewhere.example", legacy, mailFrom(dir, legacy, newToken(), null))).toBeNull();
    const rows = await mailRows("envelope_to", legacy);
    expect(rows).toHaveLength(cap);
    expect(rows[0]!.reason).toMatch(/old shared address.*never opened/);
    const over = mailFrom(dir, dir.mailbox, newToken());
    expect(await deliverMail(`no-reply@${hostOf(dir)}`, dir.mailbox, over)).toBe(`the job has taken its ${cap} mails in 24 hours`);
    await nothingKept(over);
  });
});
