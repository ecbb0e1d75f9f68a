/**
 * A job's verification mailboxes, in its coordinator's SQLite: the random
 * token of each submission's address (src/mail/links.ts), the mails each
 * mailbox has taken (so a flood is refused before anything is written for
 * it; counted over the last 24 hours, since a listing's address is the
 * customer's for as long as the listing lives and takes their leads, issue
 * 18), and how well the link waiting to be opened was authenticated (so a
 * better-authenticated later mail may replace it).
 */
import { newMailboxToken } from "../../src/mail/links";

/** Mails one submission's mailbox takes in MAIL_WINDOW_MS; a directory sends one or two, a listing gets a few leads a day. */
export const MAILS_PER_MAILBOX = 10;
/** Mails a job takes in MAIL_WINDOW_MS in all (its old shared `job-` address included): three per directory, at least 50. */
export const mailsPerJob = (submissions: number) => Math.max(50, 3 * submissions);
/** The window the caps count over. */
export const MAIL_WINDOW_MS = 24 * 3600_000;

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
        mailbox text not null,
        received_at integer not null default 0
      );
      create index if not exists mailbox_mails_by_mailbox on mailbox_mails (mailbox);
      create table if not exists verification_trust (
        submission_id text primary key,
        trust integer not null,
        mail_key text not null
      );
    `);
    // Objects made before the caps had a window: their mails count as old.
    const columns = sql.exec<{ name: string }>("pragma table_info(mailbox_mails)").toArray();
    if (!columns.some((c) => c.name === "received_at")) sql.exec("alter table mailbox_mails add column received_at integer not null default 0");
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

  /** Counts a mail against its mailbox and the job over the last MAIL_WINDOW_MS; a redelivered mail is admitted again without a write. */
  admit(mailId: string, mailbox: string, jobCap: number, now = Date.now()): Admission {
    if (this.sql.exec("select 1 from mailbox_mails where mail_id = ?", mailId).toArray().length) return { admitted: true, repeated: true };
    const since = now - MAIL_WINDOW_MS;
    const inMailbox = this.sql.exec<{ n: number }>("select count(*) as n from mailbox_mails where mailbox = ? and received_at > ?", mailbox, since).one().n;
    const cap = mailbox === JOB_MAILBOX ? jobCap : MAILS_PER_MAILBOX;
    if (inMailbox >= cap) return { admitted: false, reason: `the mailbox has taken its ${cap} mails in 24 hours` };
    const inJob = this.sql.exec<{ n: number }>("select count(*) as n from mailbox_mails where received_at > ?", since).one().n;
    if (inJob >= jobCap) return { admitted: false, reason: `the job has taken its ${jobCap} mails in 24 hours` };
    this.sql.exec("insert into mailbox_mails (mail_id, mailbox, received_at) values (?, ?, ?)", mailId, mailbox, now);
    return { admitted: true, repeated: false };
  }

  trustOf(submissionId: string): number | null {
    return this.sql.exec<{ trust: number }>("select trust from verification_trust where submission_id = ?", submissionId).toArray()[0]?.trust ?? null;
  }

  setTrust(submissionId: string, trust: number, mailKey: string): void {
    this.sql.exec("insert or replace into verification_trust (submission_id, trust, mail_key) values (?, ?, ?)", submissionId, trust, mailKey);
  }
}
