/**
 * A mail delivered the way Email Routing delivers it: through the Worker's
 * real `email` handler (src/mail/inbound.ts), then found again by its
 * subject in `inbound_mails`.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../../src/index";
import { connectFromWorker } from "../../../src/db/worker-database";
import { stubFor } from "./coordinator-harness";
import { seedJob } from "./seed";

/** Delivers a mail; the reason when the handler refused it (`setReject`), else null. */
export async function deliverMail(from: string, to: string, raw: string): Promise<string | null> {
  const bytes = new TextEncoder().encode(raw);
  let rejected: string | null = null;
  const message = {
    from,
    to,
    raw: new Response(bytes).body!,
    rawSize: bytes.byteLength,
    headers: new Headers(),
    setReject: (reason: string) => {
      rejected = reason;
    },
  } as unknown as ForwardableEmailMessage;
  const ctx = createExecutionContext();
  await worker.email(message, env, ctx);
  await waitOnExecutionContext(ctx);
  return rejected;
}

/**
 * Delivers a mail that is kept but never opened (it waits in the staff inbox)
 * and returns its `inbound_mails` id: sent to a running job's old shared
 * address, which anyone can write to.
 */
export async function unmatchedMail(): Promise<string> {
  const seeded = await seedJob({ directories: 1 });
  await stubFor(seeded.jobId).start(seeded.jobId);
  const to = `job-${seeded.jobId}@${env.VERIFY_DOMAIN}`;
  const subject = `Unclaimed ${crypto.randomUUID()}`;
  const raw = [
    "From: Someone <someone@elsewhere.example>",
    `To: ${to}`,
    `Subject: ${subject}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Please confirm: https://elsewhere.example/verify?t=1",
    "",
  ].join("\r\n");
  const rejected = await deliverMail("someone@elsewhere.example", to, raw);
  if (rejected) throw new Error(`the mail "${subject}" was refused: ${rejected}`);
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.client.query<{ id: string }>("select id from inbound_mails where subject = $1", [subject]);
    if (rows.length !== 1) throw new Error(`the mail "${subject}" was not stored`);
    return rows[0]!.id;
  } finally {
    await conn.close();
  }
}
