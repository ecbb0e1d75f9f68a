/**
 * The coordinator's two conversations with Postgres: loading a job once, and
 * writing the outbox. Writes are idempotent (set-to-value updates, events
 * keyed by dedupe_key), so an outbox batch written twice changes nothing.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../src/db/client";
import { loadProfile, profileFromRow } from "../../src/profile/store";
import type { ListingProfile } from "../../core/listing/profile";
import type { JobStatus, SubmissionStatus } from "../../core/statuses";
import type { OutboxRow } from "./task-store";
import { recordOutcomes } from "../../src/intelligence/feedback-store";
import type { FeedbackPolicy } from "../../src/intelligence/feedback";
import { outcomesFromEvents } from "./outcome-event";

export interface LoadedJob {
  job: { id: string; customerId: string; plan: string; status: JobStatus; statusReason: string | null };
  tasks: {
    submissionId: string;
    directoryId: string;
    directoryName: string;
    directorySlug: string;
    submitUrl: string | null;
    website: string;
    language: string;
    requiresCaptcha: boolean;
    listingSearchUrl: string | null;
    priority: number;
    status: SubmissionStatus;
    attempt: number;
    listingUrl: string | null;
    evidenceKey: string | null;
    failureClass: string | null;
    failureReason: string | null;
    /** The directory's automation policy and what staff need to know when it is "manual". */
    automation: string;
    notes: string | null;
    requiresPhoneVerification: boolean;
    listingCost: string;
    /** Set on a replacement: the submission it replaces, and why (coordinator/replacements.ts). */
    replacesSubmissionId: string | null;
    replacementReason: string | null;
  }[];
  business: ListingProfile | null;
}

export async function loadJob(db: Database, jobId: string): Promise<LoadedJob | null> {
  const jobs = await db.execute<{ id: string; customer_id: string; plan: string; status: JobStatus; status_reason: string | null }>(
    sql`select id, customer_id, plan, status, status_reason from jobs where id = ${jobId}`,
  );
  const job = jobs.rows[0];
  if (!job) return null;
  const tasks = await loadTasks(db, sql`s.job_id = ${jobId}`);
  const profile = await loadProfile(db, job.customer_id);
  return {
    job: { id: job.id, customerId: job.customer_id, plan: job.plan, status: job.status, statusReason: job.status_reason },
    tasks,
    business: profile ? profileFromRow(profile) : null,
  };
}

/** The job's submissions (those `where` picks) with what the coordinator needs of their directories, in release order. */
export async function loadTasks(db: Pick<Database, "execute">, where: SQL): Promise<LoadedJob["tasks"]> {
  const tasks = await db.execute<{
    id: string;
    directory_id: string;
    name: string;
    slug: string;
    submit_url: string | null;
    website: string;
    language: string;
    requires_captcha: boolean;
    listing_search_url: string | null;
    priority: number;
    status: SubmissionStatus;
    attempt: number;
    listing_url: string | null;
    evidence_key: string | null;
    failure_class: string | null;
    failure_reason: string | null;
    automation: string;
    notes: string | null;
    requires_phone_verification: boolean;
    listing_cost: string;
    replaces_submission_id: string | null;
    replacement_reason: string | null;
  }>(sql`
    select s.id, s.directory_id, d.name, d.slug, d.submit_url, d.website, d.language, d.requires_captcha, d.listing_search_url,
           s.priority, s.status, s.attempt, s.listing_url, s.evidence_key, s.failure_class, s.failure_reason,
           d.automation, d.notes, d.requires_phone_verification, d.listing_cost, s.replaces_submission_id, s.replacement_reason
    from directory_submissions s join directories d on d.id = s.directory_id
    where ${where}
    order by s.priority, d.da_score desc nulls last, s.created_at, s.id`);
  return tasks.rows.map((t) => ({
    submissionId: t.id,
    directoryId: t.directory_id,
    directoryName: t.name,
    directorySlug: t.slug,
    submitUrl: t.submit_url,
    website: t.website,
    language: t.language,
    requiresCaptcha: t.requires_captcha,
    listingSearchUrl: t.listing_search_url,
    priority: t.priority,
    status: t.status,
    attempt: t.attempt,
    listingUrl: t.listing_url,
    evidenceKey: t.evidence_key,
    failureClass: t.failure_class,
    failureReason: t.failure_reason,
    automation: t.automation,
    notes: t.notes,
    requiresPhoneVerification: t.requires_phone_verification,
    listingCost: t.listing_cost,
    replacesSubmissionId: t.replaces_submission_id,
    replacementReason: t.replacement_reason,
  }));
}

/**
 * Postgres text cannot hold NUL (nor jsonb a \u0000 escape): one in a report's
 * reason or evidence key (page text, a worker's bug) would fail every write
 * of the job's outbox forever. It becomes U+FFFD, as invalid UTF-8 does.
 */
const withoutNul = (_key: string, value: unknown) => (typeof value === "string" ? value.replaceAll("\u0000", "\uFFFD") : value);

/** Statuses in which another submission of the customer holds the listing at a directory. */
const HOLDING = ["submitting", "submitted", "awaiting_verification", "approved", "already_listed"];

/** The reason a submission is skipped when `jobId` holds the customer's listing at its directory. */
export const listedBy = (jobId: string) => `listed by job ${jobId}`;

/**
 * For each of these submissions whose directory another submission of the
 * same customer holds (being submitted, submitted or live): that one's job.
 */
export async function listingHolders(db: Database, submissionIds: string[]): Promise<Map<string, string>> {
  if (submissionIds.length === 0) return new Map();
  const rows = await db.execute<{ id: string; job_id: string }>(sql`
    select distinct on (s.id) s.id, o.job_id from directory_submissions s
    join directory_submissions o on o.customer_id = s.customer_id and o.directory_id = s.directory_id and o.id <> s.id
    where s.id = any(${`{${submissionIds.join(",")}}`}::uuid[]) and o.status = any(${`{${HOLDING.join(",")}}`}::text[])
    order by s.id, (o.status = 'approved') desc, o.updated_at desc`);
  return new Map(rows.rows.map((r) => [r.id, r.job_id]));
}

/** A submission of the batch Postgres would refuse as approved: another job of the customer holds that live listing. */
export interface ListingConflict {
  submissionId: string;
  heldByJob: string;
}

/**
 * Keys of an event's data that only staff may read: the retry analyzer's
 * words for staff and the staff member who acted. Customers read their
 * job_events rows whole (RLS chooses rows, not keys), so these go to
 * job_event_staff_notes, which only staff read (migration 0013).
 */
export const STAFF_ONLY_EVENT_KEYS = ["staffReason", "staffBy"] as const;

function splitStaffOnly(events: Record<string, unknown>[]): { shared: Record<string, unknown>[]; staff: { dedupe_key: unknown; data: Record<string, unknown> }[] } {
  const staff: { dedupe_key: unknown; data: Record<string, unknown> }[] = [];
  const shared = events.map((e) => {
    const data = e.data as Record<string, unknown> | null | undefined;
    if (!data || !STAFF_ONLY_EVENT_KEYS.some((k) => data[k] !== undefined)) return e;
    const rest = { ...data };
    const only: Record<string, unknown> = {};
    for (const k of STAFF_ONLY_EVENT_KEYS) {
      if (rest[k] !== undefined) only[k] = rest[k];
      delete rest[k];
    }
    staff.push({ dedupe_key: e.dedupe_key, data: only });
    return { ...e, data: rest };
  });
  return { shared, staff };
}

/**
 * Writes one outbox batch in one transaction, and counts the batch's attempt
 * outcomes into the directories' statistics in the same transaction (exactly
 * once: a replayed batch finds its outcomes counted).
 *
 * One customer has at most one live (approved) listing per directory (a
 * partial unique index). A row that would break it must not roll back the
 * whole batch, or every later batch of the job, for ever: it is written as
 * `skipped` ("listed by job N") instead, and returned, so the coordinator
 * takes the same state.
 */
export async function writeOutbox(
  db: Database,
  rows: OutboxRow[],
  context: { jobId: string; customerId: string; feedback?: FeedbackPolicy },
): Promise<{ conflicts: ListingConflict[]; cancelledBecause: string | null }> {
  const byEntity = (entity: OutboxRow["entity"]) => rows.filter((r) => r.entity === entity).map((r) => JSON.parse(r.payload, withoutNul) as Record<string, unknown>);
  const submissions = byEntity("submission");
  const jobs = byEntity("job");
  const events = byEntity("event");
  const logins = byEntity("login");
  return db.transaction(async (tx) => {
    const conflicts: ListingConflict[] = [];
    // A job cancelled in Postgres (a refund, whose call to the coordinator
    // may have failed) is never written back to another status: the row is
    // locked, so a refund cannot slip in between this read and the write.
    const [current] = (await tx.execute<{ status: string; status_reason: string | null }>(sql`select status, status_reason from jobs where id = ${context.jobId} for update`)).rows;
    const cancelledBecause = current?.status === "cancelled" ? (current.status_reason ?? "cancelled") : null;
    const approved = submissions.filter((s) => s.status === "approved").map((s) => s.id as string);
    if (approved.length) {
      const held = await tx.execute<{ id: string; job_id: string }>(sql`
        select distinct on (s.id) s.id, o.job_id from directory_submissions s
        join directory_submissions o on o.customer_id = s.customer_id and o.directory_id = s.directory_id and o.id <> s.id and o.status = 'approved'
        where s.job_id = ${context.jobId} and s.id = any(${`{${approved.join(",")}}`}::uuid[])
        order by s.id, o.updated_at desc`);
      for (const h of held.rows) {
        conflicts.push({ submissionId: h.id, heldByJob: h.job_id });
        const row = submissions.find((s) => s.id === h.id)!;
        Object.assign(row, { status: "skipped", failure_class: "duplicate_listing", failure_reason: listedBy(h.job_id), approved_at: null });
      }
    }
    if (submissions.length) {
      await tx.execute(sql`
        update directory_submissions s set
          status = v.status, attempt = v.attempt, listing_url = v.listing_url, evidence_key = v.evidence_key,
          failure_class = v.failure_class, failure_reason = v.failure_reason,
          submitted_at = v.submitted_at, approved_at = v.approved_at
        from jsonb_to_recordset(${JSON.stringify(submissions)}::jsonb) as v(
          id uuid, status text, attempt int, listing_url text, evidence_key text, failure_class text,
          failure_reason text, submitted_at timestamptz, approved_at timestamptz)
        where s.id = v.id and s.job_id = ${context.jobId}`);
    }
    if (logins.length) {
      // The vault (migration 0017): one login per submission, the latest
      // attempt's replacing an earlier one; only sealed passwords come here.
      await tx.execute(sql`
        insert into vault_logins (job_id, submission_id, customer_id, directory_id, attempt, login_url, username, email, key_id, iv, ciphertext)
        select ${context.jobId}::uuid, v.submission_id, ${context.customerId}::uuid, v.directory_id, v.attempt, v.login_url, v.username, v.email, v.key_id, v.iv, v.ciphertext
        from jsonb_to_recordset(${JSON.stringify(logins)}::jsonb) as v(
          submission_id uuid, directory_id uuid, attempt int, login_url text, username text, email text, key_id text, iv text, ciphertext text)
        join directory_submissions s on s.id = v.submission_id and s.job_id = ${context.jobId}
        on conflict (submission_id) do update set
          attempt = excluded.attempt, login_url = excluded.login_url, username = excluded.username, email = excluded.email,
          key_id = excluded.key_id, iv = excluded.iv, ciphertext = excluded.ciphertext
        where vault_logins.attempt <= excluded.attempt`);
    }
    for (const job of cancelledBecause ? jobs.filter((j) => j.status === "cancelled") : jobs) {
      await tx.execute(sql`
        update jobs set status = ${job.status as string}, status_reason = ${(job.status_reason as string | null) ?? null},
          directories_total = ${job.total as number}, directories_submitted = ${job.submitted as number},
          directories_approved = ${job.approved as number}, directories_failed = ${job.failed as number},
          started_at = ${(job.started_at as string | null) ?? null}, completed_at = ${(job.completed_at as string | null) ?? null}
        where id = ${context.jobId}`);
    }
    if (events.length) {
      const { shared, staff } = splitStaffOnly(events);
      await tx.execute(sql`
        insert into job_events (job_id, customer_id, submission_id, kind, message, data, dedupe_key, created_at)
        select ${context.jobId}::uuid, ${context.customerId}::uuid, v.submission_id, v.kind, v.message, coalesce(v.data, '{}'::jsonb), v.dedupe_key, v.created_at
        from jsonb_to_recordset(${JSON.stringify(shared)}::jsonb) as v(
          submission_id uuid, kind text, message text, data jsonb, dedupe_key text, created_at timestamptz)
        on conflict (dedupe_key) do nothing`);
      if (staff.length) {
        await tx.execute(sql`
          insert into job_event_staff_notes (job_event_id, job_id, data)
          select e.id, e.job_id, v.data
          from jsonb_to_recordset(${JSON.stringify(staff)}::jsonb) as v(dedupe_key text, data jsonb)
          join job_events e on e.dedupe_key = v.dedupe_key
          on conflict (job_event_id) do nothing`);
      }
      await recordOutcomes(tx, outcomesFromEvents(events), context.feedback);
    }
    return { conflicts, cancelledBecause };
  });
}
