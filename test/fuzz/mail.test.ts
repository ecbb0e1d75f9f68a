/**
 * The verification mailboxes' email handler (src/mail/inbound.ts) under
 * generated mail: anyone on the internet can write to a job's address, so
 * headers, bodies and recipients are hostile here. Each delivery must be
 * handled without throwing (a throw makes Email Routing deliver it again,
 * forever, when the mail itself is the cause), must either be refused and
 * leave nothing, or leave exactly one `inbound_mails` row for its bytes, and
 * a redelivery must change nothing.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectFromWorker } from "../../src/db/worker-database";
import { mxAuthenticationResults } from "../../tools/farm/mail";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, stubFor } from "../workers/support/coordinator-harness";
import { deliverMail } from "../workers/support/mail";
import { seedJob, type SeededJob } from "../workers/support/seed";
import { invalidUtf8, nastyString, wellFormed } from "./support/inputs";
import { quietInfoLogs } from "./support/oracle";

const RUNS = inject("fuzzRuns");
let job: SeededJob;
/** The job's directories' sites: mail from their hosts is what the coordinator matches. */
let sites: string[] = [];
/** The mailboxes the directories were given. */
const mailboxes: string[] = [];
const started = performance.now();
const outcomes = new Map<string, number>();

beforeAll(async () => {
  quietInfoLogs();
  job = await seedJob({ directories: 4 });
  const released: TaskMessage[] = [];
  await captureReleases(job.jobId, released);
  const stub = stubFor(job.jobId);
  await stub.start(job.jobId);
  // Every submission waits for its verification mail, so mails from the directories can match.
  for (const m of released.splice(0)) {
    const lease = await stub.lease(m.submissionId, m.attempt, "fuzz-worker");
    mailboxes.push(lease!.business!.email!);
    await stub.report({ jobId: job.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "awaiting_verification" });
  }
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.client.query<{ website: string }>("select d.website from directories d join directory_submissions s on s.directory_id = d.id where s.job_id = $1", [job.jobId]);
    sites = rows.map((r) => r.website);
  } finally {
    await conn.close();
  }
}, 60_000);

afterAll(() => {
  const counts = [...outcomes].map(([k, n]) => `${k} ${n}`).join(", ");
  console.log(`fuzz: mail (FUZZ_RUNS=${RUNS}): ${[...outcomes.values()].reduce((a, b) => a + b, 0)} deliveries in ${((performance.now() - started) / 1000).toFixed(1)} s: ${counts}`);
});

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function rowsFor(mailId: string): Promise<{ status: string; count: number }> {
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.client.query<{ status: string }>("select status from inbound_mails where mail_id = $1", [mailId]);
    return { status: rows[0]?.status ?? "none", count: rows.length };
  } finally {
    await conn.close();
  }
}

/** A header value: ordinary, hostile, or an RFC 2047 encoded word hiding any bytes (NUL included). */
const headerText = () =>
  fc.oneof(
    fc.constantFrom(...sites).map((s) => `Directory <no-reply@${new URL(s).hostname}>`),
    fc.constantFrom("Confirm your listing", "Bestätigen Sie Ihren Eintrag", ""),
    nastyString.map((s) => wellFormed(s).replace(/[\r\n]/g, " ")),
    fc.uint8Array({ maxLength: 40 }).map((b) => `=?UTF-8?B?${btoa(String.fromCharCode(...b))}?=`),
    fc.constantFrom("=?UTF-8?B?AA==?=", "=?UTF-8?Q?a=00b?=", "=?x-unknown?B?////?=", "=?UTF-8?B?@@@?="),
  );

const body = () =>
  fc.oneof(
    fc
      .tuple(
        fc.constantFrom(...sites),
        fc.oneof(
          fc.stringMatching(/^[A-Za-z0-9]{1,20}$/),
          nastyString.map((t) => encodeURIComponent(wellFormed(t))),
        ),
      )
      .map(([site, token]) => `Please confirm your listing:\r\n${site}/verify?token=${token}\r\n`),
    fc.webUrl().map((u) => `Please confirm: ${u}/verify?token=abc\r\n`),
    nastyString.map(wellFormed),
    fc.constantFrom('<a href="javascript:alert(1)">confirm</a>', "\u0000\u0000", "https://" + "a".repeat(5_000) + ".example/"),
  );

function rawMail(fx: { from: string; subject: string; text: string; type: string }): string {
  return [`From: ${fx.from}`, `To: someone`, `Subject: ${fx.subject}`, `Content-Type: ${fx.type}`, "", fx.text, ""].join("\r\n");
}

describe("the email handler under generated mail", () => {
  it("handles every mail without throwing, refuses it or keeps exactly one row for its bytes, and a redelivery changes nothing", async () => {
    const recipient = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...mailboxes) },
      { weight: 1, arbitrary: fc.constant(`job-${job.jobId}@${env.VERIFY_DOMAIN}`) },
      { weight: 1, arbitrary: fc.tuple(fc.uuid(), fc.stringMatching(/^[a-z2-7]{20}$/)).map(([id, token]) => `v-${id.replace(/-/g, "")}-${token}@${env.VERIFY_DOMAIN}`) },
      { weight: 1, arbitrary: nastyString.map((s) => wellFormed(s).slice(0, 200)) },
    );
    const raw = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .record({
            from: headerText(),
            subject: headerText(),
            text: body(),
            type: fc.constantFrom("text/plain; charset=utf-8", "text/html", "multipart/mixed; boundary=x", "text/plain; charset=x-nope"),
          })
          .chain((m) =>
            // Sometimes with our MX's results on top, for a directory's domain or any other.
            fc
              .option(
                fc.record({
                  dkim: fc.option(
                    fc.oneof(
                      fc.constantFrom(...sites).map((s) => new URL(s).hostname),
                      fc.domain(),
                    ),
                    { nil: undefined },
                  ),
                  spf: fc.option(fc.emailAddress(), { nil: undefined }),
                }),
                { nil: null },
              )
              .map((mx) => new TextEncoder().encode((mx ? mxAuthenticationResults(mx) : "") + rawMail(m))),
          ),
      },
      { weight: 1, arbitrary: invalidUtf8 },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    );
    await fc.assert(
      fc.asyncProperty(
        recipient,
        fc.oneof(
          fc.constantFrom(...sites).map((s) => `no-reply@${new URL(s).hostname}`),
          fc.emailAddress(),
          nastyString.map(wellFormed),
        ),
        raw,
        async (to, from, bytes) => {
          const text = new TextDecoder().decode(bytes);
          // Distinct bytes per case, so each case is a new mail (the same bytes are the same mail, by design).
          const unique = new TextEncoder().encode(`X-Case: ${crypto.randomUUID()}\r\n${text}`);
          const mailId = await sha256Hex(unique);
          const refused = await deliverMail(from, to, new TextDecoder().decode(unique));
          const first = await rowsFor(mailId);
          expect(first.count, `${refused ? "no row" : "one row"} for the mail to ${to.slice(0, 80)}`).toBe(refused ? 0 : 1);
          outcomes.set(refused ? "refused" : first.status, (outcomes.get(refused ? "refused" : first.status) ?? 0) + 1);
          expect(await deliverMail(from, to, new TextDecoder().decode(unique))).toBe(refused);
          expect(await rowsFor(mailId)).toEqual(first);
        },
      ),
      { numRuns: Math.max(10, Math.round(RUNS / 3)), endOnFailure: true },
    );
  }, 600_000);
});
