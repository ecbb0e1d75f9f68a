/**
 * The daily digest of directory mails (issue 18), for customers who chose
 * `daily` over `immediate`: from the cron (src/scheduled.ts), every
 * non-verification mail received before today (UTC) that no e-mail has told
 * the customer about yet goes into one `directory_mail_digest` notice per
 * customer and day (dedupe key `directory_mail_digest:<customer>:<day>`).
 * One statement: the notice and the mails' `notified_by`, so a second run the
 * same day (or a concurrent one) finds nothing left to digest and inserts
 * nothing, and no mail is in two digests. A mail that arrives today waits for
 * tomorrow's digest. A customer who switched to `immediate` still gets the
 * mails that were waiting, in one last digest.
 */
import type pg from "pg";
import { utcDay } from "../observability/daily-rollup";

/** What a digest shows of each mail's body. */
export const DIGEST_EXCERPT_CHARS = 600;

/** Enqueues today's digests; returns how many notices were enqueued. */
export async function enqueueDirectoryMailDigests(client: pg.Client, now = new Date()): Promise<number> {
  const day = utcDay(now);
  const res = await client.query(
    `with due as (
       select m.id, m.customer_id, m.job_id, m.directory_name, m.from_address, m.from_name, m.subject, m.body, m.created_at
         from directory_mails m
        where m.kind = 'message' and m.notified_by is null and m.created_at < $3::timestamptz
          and not exists (select 1 from notifications n where n.dedupe_key = 'directory_mail_digest:' || m.customer_id || ':' || $1::text)
        for update of m skip locked
     ), per_customer as (
       select customer_id, array_agg(id) as ids,
              jsonb_agg(jsonb_build_object(
                'jobId', job_id, 'directoryName', directory_name,
                'from', case when from_name is null then from_address else from_name || ' <' || from_address || '>' end,
                'subject', subject, 'excerpt', left(body, $2::int), 'receivedAt', created_at) order by created_at) as mails
         from due group by customer_id
     ), enqueued as (
       insert into notifications (customer_id, kind, recipient, dedupe_key, data)
       select p.customer_id, 'directory_mail_digest', c.email, 'directory_mail_digest:' || p.customer_id || ':' || $1::text,
              jsonb_build_object('day', $1::text, 'mails', p.mails)
         from per_customer p join customers c on c.id = p.customer_id
       on conflict do nothing
       returning customer_id
     )
     update directory_mails m set notified_by = 'digest', notified_at = now()
       from per_customer p join enqueued e on e.customer_id = p.customer_id
      where m.id = any(p.ids)
     returning m.customer_id`,
    [day, DIGEST_EXCERPT_CHARS, `${day}T00:00:00Z`],
  );
  return new Set(res.rows.map((r: { customer_id: string }) => r.customer_id)).size;
}
