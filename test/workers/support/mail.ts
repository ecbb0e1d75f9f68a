/**
 * A mail delivered the way Email Routing delivers it: through the Worker's
 * real `email` handler (src/mail/inbound.ts), then found again by its
 * subject in `inbound_mails`.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../../src/index";
import { connectFromWorker } from "../../../src/db/worker-database";

export async function deliverMail(from: string, to: string, raw: string): Promise<void> {
  const bytes = new TextEncoder().encode(raw);
  const message = {
    from,
    to,
    raw: new Response(bytes).body!,
    rawSize: bytes.byteLength,
    headers: new Headers(),
    setReject: (reason: string) => {
      throw new Error(`rejected: ${reason}`);
    },
  } as unknown as ForwardableEmailMessage;
  const ctx = createExecutionContext();
  await worker.email(message, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Delivers a mail no job claims (it waits in the staff inbox) and returns its `inbound_mails` id. */
export async function unmatchedMail(): Promise<string> {
  const subject = `Unclaimed ${crypto.randomUUID()}`;
  const raw = [
    "From: Someone <someone@elsewhere.example>",
    "To: nobody@verify.example",
    `Subject: ${subject}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    "Please confirm: https://elsewhere.example/verify?t=1",
    "",
  ].join("\r\n");
  await deliverMail("someone@elsewhere.example", "nobody@verify.example", raw);
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.client.query<{ id: string }>("select id from inbound_mails where subject = $1", [subject]);
    if (rows.length !== 1) throw new Error(`the mail "${subject}" was not stored`);
    return rows[0]!.id;
  } finally {
    await conn.close();
  }
}
