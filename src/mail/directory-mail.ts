/**
 * The listing mailbox is the customer's (issue 18). Every mail received by
 * one of a job's per-submission mailboxes becomes a `directory_mails` row the
 * job's owner reads in the portal, sanitized (src/mail/sanitize.ts). A
 * verification (a confirmation link we open ourselves) is shown as handled by
 * us; anything else (a lead, a directory's question, an approval) is also
 * e-mailed to the customer through the notification outbox: at once (one
 * `directory_mail` notice, enqueued here) or in the daily digest
 * (src/notifications/directory-mail-digest.ts), as the customer chose
 * (`customers.directory_mail_delivery`).
 *
 * One transaction: the row, and for an at-once customer the notice and the
 * row's `notified_by`. A redelivered mail (same bytes, same `mail_id`)
 * inserts nothing, so it is never shown or e-mailed twice.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import type { SanitizedMail } from "./sanitize";

/** What an at-once notice carries of the mail (the e-mail is written from it). */
export const NOTICE_BODY_CHARS = 20_000;

export interface DirectoryMailInput {
  mailId: string;
  jobId: string;
  submissionId: string;
  kind: "verification" | "message";
  fromDirectory: boolean;
  mail: SanitizedMail;
}

export interface RecordedDirectoryMail {
  /** False when the mail was already recorded (a redelivery). */
  recorded: boolean;
  /** An at-once notice was enqueued. */
  notified: boolean;
}

export async function recordDirectoryMail(db: Database, input: DirectoryMailInput): Promise<RecordedDirectoryMail> {
  const { mail } = input;
  return db.transaction(async (tx) => {
    const inserted = await tx.execute<{ id: string; customer_id: string; email: string; delivery: string; directory_name: string | null }>(sql`
      insert into directory_mails (mail_id, job_id, customer_id, submission_id, directory_name, from_address, from_name, subject, body, attachments, kind, from_directory)
      select ${input.mailId}, j.id, j.customer_id, s.id, d.name, ${mail.fromAddress}, ${mail.fromName}, ${mail.subject}, ${mail.body},
             ${JSON.stringify(mail.attachments)}::jsonb, ${input.kind}, ${input.fromDirectory}
        from jobs j
        left join directory_submissions s on s.id = ${input.submissionId}::uuid and s.job_id = j.id
        left join directories d on d.id = s.directory_id
       where j.id = ${input.jobId}::uuid
      on conflict (mail_id) do nothing
      returning id, customer_id, directory_name,
                (select c.email from customers c where c.id = directory_mails.customer_id) as email,
                (select c.directory_mail_delivery from customers c where c.id = directory_mails.customer_id) as delivery`);
    const row = inserted.rows[0];
    if (!row) return { recorded: false, notified: false };
    if (input.kind !== "message" || row.delivery !== "immediate") return { recorded: true, notified: false };
    const data = {
      directoryMailId: row.id,
      directoryName: row.directory_name,
      from: mail.fromName ? `${mail.fromName} <${mail.fromAddress}>` : mail.fromAddress,
      subject: mail.subject,
      body: mail.body.slice(0, NOTICE_BODY_CHARS),
      attachments: mail.attachments,
    };
    await tx.execute(sql`
      insert into notifications (job_id, customer_id, kind, recipient, dedupe_key, data)
      values (${input.jobId}::uuid, ${row.customer_id}::uuid, 'directory_mail', ${row.email}, ${`directory_mail:${input.mailId}`}, ${JSON.stringify(data)}::jsonb)
      on conflict do nothing`);
    await tx.execute(sql`update directory_mails set notified_by = 'immediate', notified_at = now() where id = ${row.id}::uuid`);
    return { recorded: true, notified: true };
  });
}
