/**
 * The coordinator's two conversations with Postgres: loading a job once, and
 * writing the outbox. Writes are idempotent (set-to-value updates, events
 * keyed by dedupe_key), so an outbox batch written twice changes nothing.
 */
import { sql } from "drizzle-orm";
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
  }[];
  business: ListingProfile | null;
}

export async function loadJob(db: Database, jobId: string): Promise<LoadedJob | null> {
  const jobs = await db.execute<{ id: string; customer_id: string; plan: string; status: JobStatus; status_reason: string | null }>(
    sql`select id, customer_id, plan, status, status_reason from jobs where id = ${jobId}`,
  );
  const job = jobs.rows[0];
  if (!job) return null;
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
  }>(sql`
    select s.id, s.directory_id, d.name, d.slug, d.submit_url, d.website, d.language, d.requires_captcha, d.listing_search_url,
           s.priority, s.status, s.attempt, s.listing_url, s.evidence_key, s.failure_class, s.failure_reason,
           d.automation, d.notes, d.requires_phone_verification, d.listing_cost
    from directory_submissions s join directories d on d.id = s.directory_id
    where s.job_id = ${jobId}
    order by s.priority, d.da_score desc nulls last, s.created_at, s.id`);
  const profile = await loadProfile(db, job.customer_id);
  return {
    job: { id: job.id, customerId: job.customer_id, plan: job.plan, status: job.status, statusReason: job.status_reason },
    tasks: tasks.rows.map((t) => ({
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
    })),
    business: profile ? profileFromRow(profile) : null,
  };
}

/**
 * Postgres text cannot hold NUL (nor jsonb a \u0000 escape): one in a report's
 * reason or evidence key (page text, a worker's bug) would fail every write
 * of the job's outbox forever. It becomes U+FFFD, as invalid UTF-8 does.
 */
const withoutNul = (_key: string, value: unknown) => (typeof value === "string" ? value.replaceAll("\u0000", "\uFFFD") : value);

/**
 * Writes one outbox batch in one transaction, and counts the batch's attempt
 * outcomes into the directories' statistics in the same transaction (exactly
 * once: a replayed batch finds its outcomes counted).
 */
export async function writeOutbox(db: Database, rows: OutboxRow[], context: { jobId: string; customerId: string; feedback?: FeedbackPolicy }): Promise<void> {
  const byEntity = (entity: OutboxRow["entity"]) => rows.filter((r) => r.entity === entity).map((r) => JSON.parse(r.payload, withoutNul) as Record<string, unknown>);
  const submissions = byEntity("submission");
  const jobs = byEntity("job");
  const events = byEntity("event");
  await db.transaction(async (tx) => {
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
    for (const job of jobs) {
      await tx.execute(sql`
        update jobs set status = ${job.status as string}, status_reason = ${(job.status_reason as string | null) ?? null},
          directories_total = ${job.total as number}, directories_submitted = ${job.submitted as number},
          directories_approved = ${job.approved as number}, directories_failed = ${job.failed as number},
          started_at = ${(job.started_at as string | null) ?? null}, completed_at = ${(job.completed_at as string | null) ?? null}
        where id = ${context.jobId}`);
    }
    if (events.length) {
      await tx.execute(sql`
        insert into job_events (job_id, customer_id, submission_id, kind, message, data, dedupe_key, created_at)
        select ${context.jobId}::uuid, ${context.customerId}::uuid, v.submission_id, v.kind, v.message, coalesce(v.data, '{}'::jsonb), v.dedupe_key, v.created_at
        from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as v(
          submission_id uuid, kind text, message text, data jsonb, dedupe_key text, created_at timestamptz)
        on conflict (dedupe_key) do nothing`);
      await recordOutcomes(tx, outcomesFromEvents(events), context.feedback);
    }
  });
}
