/**
 * A job's verification mailboxes, in its coordinator's SQLite: the random
 * token of each submission's address (src/mail/links.ts), the mails each
 * mailbox has taken (so a flood is refused before anything is written for
 * it), and how well the link waiting to be opened was authenticated (so a
 * better-authenticated later mail may replace it).
 */
import { newMailboxToken } from "../../src/mail/links";

/** Mails one submission's mailbox takes; a directory sends one or two. */
export const MAILS_PER_MAILBOX = 10;
/** Mails a job takes in all (its old shared `job-` address included): three per directory, at least 50. */
export const mailsPerJob = (submissions: number) => Math.max(50, 3 * submissions);

/** The key under which the job's old shared address counts its mails. */
export const JOB_MAILBOX = "job";

export type Admission = { admitted: true; repeated: boolean } | { admitted: false; reason: string };

export class Mailboxes {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      create table if not exists mailboxes (
        submission_id text primary key,
        token text not null unique
      );
      create table if not exists mailbox_mails (
        mail_id text primary key,
        mailbox text not null
      );
      create index if not exists mailbox_mails_by_mailbox on mailbox_mails (mailbox);
      create table if not exists verification_trust (
        submission_id text primary key,
        trust integer not null,
        mail_key text not null
      );
    `);
  }

  /** The submission's token, made on first use and the same for every later attempt. */
  tokenFor(submissionId: string): string {
    const row = this.sql.exec<{ token: string }>("select token from mailboxes where submission_id = ?", submissionId).toArray()[0];
    if (row) return row.token;
    const token = newMailboxToken();
    this.sql.exec("insert into mailboxes (submission_id, token) values (?, ?)", submissionId, token);
    return token;
  }

  submissionOf(token: string): string | null {
    return this.sql.exec<{ submission_id: string }>("select submission_id from mailboxes where token = ?", token).toArray()[0]?.submission_id ?? null;
  }

  /** Counts a mail against its mailbox and the job; a redelivered mail is admitted again without a write. */
  admit(mailId: string, mailbox: string, jobCap: number): Admission {
    if (this.sql.exec("select 1 from mailbox_mails where mail_id = ?", mailId).toArray().length) return { admitted: true, repeated: true };
    const inMailbox = this.sql.exec<{ n: number }>("select count(*) as n from mailbox_mails where mailbox = ?", mailbox).one().n;
    const cap = mailbox === JOB_MAILBOX ? jobCap : MAILS_PER_MAILBOX;
    if (inMailbox >= cap) return { admitted: false, reason: `the mailbox has taken its ${cap} mails` };
    const inJob = this.sql.exec<{ n: number }>("select count(*) as n from mailbox_mails").one().n;
    if (inJob >= jobCap) return { admitted: false, reason: `the job has taken its ${jobCap} mails` };
    this.sql.exec("insert into mailbox_mails (mail_id, mailbox) values (?, ?)", mailId, mailbox);
    return { admitted: true, repeated: false };
  }

  trustOf(submissionId: string): number | null {
    return this.sql.exec<{ trust: number }>("select trust from verification_trust where submission_id = ?", submissionId).toArray()[0]?.trust ?? null;
  }

  setTrust(submissionId: string, trust: number, mailKey: string): void {
    this.sql.exec("insert or replace into verification_trust (submission_id, trust, mail_key) values (?, ?, ?)", submissionId, trust, mailKey);
  }
}
