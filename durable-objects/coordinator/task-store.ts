/**
 * The job's live state in the Durable Object's SQLite: tasks (one per
 * submission, with attempt, lease and next attempt time), job metadata, the
 * outbox of changes not yet in Postgres, and recent activity. Every method is
 * synchronous SQL, so a method's reads and writes happen without interleaving.
 */
import type { ListingProfile } from "../../core/listing/profile";
import type { ActivityLine, SubmissionView } from "../../core/protocol/live";
import type { FailureClass } from "../../core/protocol/tasks";
import type { JobStatus, SubmissionStatus } from "../../core/statuses";

/** A submission that ended without our listing (failed, skipped as another job's, found already listed) and has no replacement yet. */
const ENDED_UNREPLACED = `(t.status in ('failed', 'already_listed') or (t.status = 'skipped' and t.failure_class = 'duplicate_listing'))
  and not exists (select 1 from tasks r where r.replaces_submission_id = t.submission_id)`;

export interface TaskRow {
  submission_id: string;
  directory_id: string;
  directory_name: string;
  directory_slug: string;
  submit_url: string | null;
  website: string;
  language: string;
  requires_captcha: number;
  /** The directory's search (`{query}` = the business name), where a retry looks for an earlier attempt's listing. */
  listing_search_url: string | null;
  priority: number;
  status: SubmissionStatus;
  attempt: number;
  lease_expires_at: number | null;
  next_attempt_at: number | null;
  worker_id: string | null;
  listing_url: string | null;
  evidence_key: string | null;
  failure_class: FailureClass | null;
  failure_reason: string | null;
  submitted_at: number | null;
  approved_at: number | null;
  updated_at: number;
  /**
   * When the current attempt told us it was about to press the directory's
   * submit (`JobCoordinator.posting`); null until then. An attempt that ends
   * without an outcome after this may have listed the business already.
   */
  posted_at: number | null;
  /**
   * When any attempt of this submission first announced a post; never reset.
   * Null: nothing of ours can be at the directory, so a listing a retry finds
   * there is the business's own (issue 17 item 2), not an earlier attempt's.
   */
  first_posted_at: number | null;
  /** A replacement: the submission of this job it replaces, and why (coordinator/replacements.ts). */
  replaces_submission_id: string | null;
  replacement_reason: string | null;
  [key: string]: SqlStorageValue;
}

export interface JobMeta {
  jobId: string | null;
  customerId: string | null;
  plan: string | null;
  status: JobStatus;
  statusReason: string | null;
  maxInFlight: number;
  loaded: boolean;
  startedAt: number | null;
  completedAt: number | null;
  business: ListingProfile | null;
  /** When to try loading from Postgres again after a failure. */
  loadRetryAt: number | null;
  outboxFailures: number;
  outboxRetryAt: number | null;
  /** Deliveries refused because the task was no longer waiting for that attempt (redeliveries). */
  refusedLeases: number;
  /** Reports refused as repeated, stale or late (replays). */
  refusedReports: number;
  /** The catalog had no directory left to replace an ended submission with: no more are sought. */
  replacementsExhausted: boolean;
  /** Postgres could not be asked for a replacement: not again before this time. */
  replaceRetryAt: number | null;
}

const DEFAULT_META: JobMeta = {
  jobId: null,
  customerId: null,
  plan: null,
  status: "pending",
  statusReason: null,
  maxInFlight: 4,
  loaded: false,
  startedAt: null,
  completedAt: null,
  business: null,
  loadRetryAt: null,
  outboxFailures: 0,
  outboxRetryAt: null,
  refusedLeases: 0,
  refusedReports: 0,
  replacementsExhausted: false,
  replaceRetryAt: null,
};

/** Statuses in which a task holds a lease (it was released and not reported). */
export const LEASED: SubmissionStatus[] = ["queued", "submitting"];
/** Statuses after which the coordinator has nothing more to do for a task. */
export const DONE: SubmissionStatus[] = ["submitted", "awaiting_verification", "approved", "failed", "skipped", "already_listed"];

/** `login`: a vault entry, its password sealed by the worker (never in clear here). */
export type OutboxEntity = "submission" | "job" | "event" | "login";
export interface OutboxRow {
  entity: OutboxEntity;
  entity_id: string;
  payload: string;
  seq: number;
  [key: string]: SqlStorageValue;
}

/**
 * What choosing a task to release reads of each candidate. A release looks at
 * more candidates than it takes (the host gap's lookahead, 17 rows for one
 * slot), and whole rows cost their every column in each report's commit.
 */
export type ReleaseCandidate = Pick<TaskRow, "submission_id" | "status" | "attempt" | "next_attempt_at" | "submit_url" | "website"> & { [key: string]: SqlStorageValue };
const CANDIDATE_COLUMNS = "submission_id, status, attempt, next_attempt_at, submit_url, website";

/** The activity lines kept in SQLite (the sockets' snapshot shows the last 50), and how often the older ones are trimmed. */
const ACTIVITY_KEPT = 200;
const ACTIVITY_TRIM_EVERY = 50;

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(", ");

export class TaskStore {
  private meta: JobMeta;
  /**
   * Tasks by status, read once from SQLite and then kept in step by every
   * write of a task (only this class writes `tasks.status`): progress, the
   * in-flight cap and completion are read on every report, and a count over
   * the job's tasks each time was most of a report's SQL.
   */
  private statusCounts: Map<SubmissionStatus, number> | null = null;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      create table if not exists meta (key text primary key, value text not null);
      create table if not exists tasks (
        submission_id text primary key,
        directory_id text not null,
        directory_name text not null,
        directory_slug text not null,
        submit_url text,
        website text not null,
        language text not null,
        requires_captcha integer not null default 0,
        priority integer not null,
        status text not null,
        attempt integer not null default 0,
        lease_expires_at integer,
        next_attempt_at integer,
        worker_id text,
        listing_url text,
        evidence_key text,
        failure_class text,
        failure_reason text,
        submitted_at integer,
        approved_at integer,
        updated_at integer not null
      );
      create index if not exists tasks_by_status on tasks (status, priority);
      -- The alarm's due times (nextDueAt), expired leases and retries due:
      -- these make each a seek, not a scan of the job's tasks. Partial: only
      -- tasks with such a time are in them (a finished task leaves both), so
      -- a report's commit writes fewer index pages (issue 21: with the full
      -- indexes a report took a tenth longer). Every query on them
      -- implies the index's condition (a comparison, or "is not null" said).
      drop index if exists tasks_by_due;
      drop index if exists tasks_by_lease;
      create index if not exists tasks_due on tasks (status, next_attempt_at) where next_attempt_at is not null;
      create index if not exists tasks_leased on tasks (status, lease_expires_at) where lease_expires_at is not null;
      create table if not exists outbox (
        entity text not null,
        entity_id text not null,
        payload text not null,
        seq integer not null,
        primary key (entity, entity_id)
      );
      create table if not exists activity (
        seq integer primary key,
        at integer not null,
        kind text not null,
        message text not null,
        submission_id text
      );
    `);
    // Columns added after the table was first made: an object created before them gets them here.
    const columns = new Set(
      sql
        .exec<{ name: string }>("select name from pragma_table_info('tasks')")
        .toArray()
        .map((c) => c.name),
    );
    if (!columns.has("listing_search_url")) sql.exec("alter table tasks add column listing_search_url text");
    if (!columns.has("posted_at")) sql.exec("alter table tasks add column posted_at integer");
    if (!columns.has("first_posted_at")) sql.exec("alter table tasks add column first_posted_at integer");
    if (!columns.has("replaces_submission_id")) sql.exec("alter table tasks add column replaces_submission_id text; alter table tasks add column replacement_reason text");
    // Looked up for every ended submission (hasEndedUnreplaced): a seek, not a scan.
    sql.exec("create index if not exists tasks_by_replaces on tasks (replaces_submission_id)");
    // AUTOINCREMENT wrote its counter row (sqlite_sequence) in every commit that added a line; the
    // trim never deletes the newest line, so a plain rowid key counts up all the same. An object made
    // before gets the plain table, its lines kept.
    const activity = sql.exec<{ sql: string }>("select sql from sqlite_master where type = 'table' and name = 'activity'").one().sql;
    if (/autoincrement/i.test(activity)) {
      sql.exec(`
        create table activity_plain (seq integer primary key, at integer not null, kind text not null, message text not null, submission_id text);
        insert into activity_plain (seq, at, kind, message, submission_id) select seq, at, kind, message, submission_id from activity;
        drop table activity;
        alter table activity_plain rename to activity;
      `);
    }
    this.meta = this.readMeta();
  }

  // ---- job metadata ------------------------------------------------------

  get job(): Readonly<JobMeta> {
    return this.meta;
  }

  /**
   * Runs `fn` as one SQLite transaction (all its writes or none). After a
   * rollback the in-memory copies (job metadata, counts, the rows the
   * sockets are told next) are read again from SQLite, so they never keep
   * what was rolled back.
   */
  transaction<T>(storage: Pick<DurableObjectStorage, "transactionSync">, fn: () => T): T {
    try {
      return storage.transactionSync(fn);
    } catch (err) {
      this.statusCounts = null;
      this.outboxKnownWaiting = false;
      this.meta = this.readMeta();
      for (const id of [...this.changed.keys()]) {
        const row = this.task(id);
        if (row) this.changed.set(id, row);
        else this.changed.delete(id);
      }
      throw err;
    }
  }

  private readMeta(): JobMeta {
    const stored = this.sql.exec<{ value: string }>("select value from meta where key = 'job'").toArray()[0];
    return stored ? { ...DEFAULT_META, ...(JSON.parse(stored.value) as Partial<JobMeta>) } : { ...DEFAULT_META };
  }

  updateJob(patch: Partial<JobMeta>): void {
    this.meta = { ...this.meta, ...patch };
    this.sql.exec("insert or replace into meta (key, value) values ('job', ?)", JSON.stringify(this.meta));
  }

  // ---- tasks ---------------------------------------------------------------

  /** `next_attempt_at` on a pending task: not released before then (the timing optimizer's delay). */
  insertTask(row: Omit<TaskRow, "lease_expires_at" | "next_attempt_at" | "worker_id" | "submitted_at" | "approved_at" | "posted_at" | "first_posted_at"> & { next_attempt_at?: number | null }): void {
    const cursor = this.sql.exec(
      `insert or ignore into tasks (submission_id, directory_id, directory_name, directory_slug, submit_url, website, language,
         requires_captcha, priority, status, attempt, listing_url, evidence_key, failure_class, failure_reason, updated_at, next_attempt_at, listing_search_url,
         replaces_submission_id, replacement_reason)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      row.submission_id,
      row.directory_id,
      row.directory_name,
      row.directory_slug,
      row.submit_url,
      row.website,
      row.language,
      row.requires_captcha,
      row.priority,
      row.status,
      row.attempt,
      row.listing_url,
      row.evidence_key,
      row.failure_class,
      row.failure_reason,
      row.updated_at,
      row.status === "pending" ? (row.next_attempt_at ?? null) : null,
      row.listing_search_url,
      row.replaces_submission_id,
      row.replacement_reason,
    );
    // `insert or ignore`: only a row actually written is counted.
    if (cursor.rowsWritten > 0) this.bump(row.status as SubmissionStatus, 1);
  }

  private counted(): Map<SubmissionStatus, number> {
    if (!this.statusCounts) {
      this.statusCounts = new Map();
      for (const row of this.sql.exec<{ status: SubmissionStatus; n: number }>("select status, count(*) as n from tasks group by status")) this.statusCounts.set(row.status, row.n);
    }
    return this.statusCounts;
  }

  private bump(status: SubmissionStatus, by: number): void {
    // Not loaded yet: the first read counts from SQLite, this write included.
    if (!this.statusCounts) return;
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + by);
  }

  task(submissionId: string): TaskRow | undefined {
    return this.sql.exec<TaskRow>("select * from tasks where submission_id = ?", submissionId).toArray()[0];
  }

  allTasks(): TaskRow[] {
    return this.sql.exec<TaskRow>("select * from tasks order by priority, rowid").toArray();
  }

  /** Rows changed since the last takeChanged(): what the sockets are told next. */
  private readonly changed = new Map<string, TaskRow>();

  takeChanged(): TaskRow[] {
    const rows = [...this.changed.values()];
    this.changed.clear();
    return rows;
  }

  /**
   * `read`: the row as the caller read it in this same synchronous stretch
   * (no await since), so its status is the one being replaced; saves reading
   * it again on the report path.
   */
  updateTask(submissionId: string, patch: Partial<TaskRow>, read?: Pick<TaskRow, "status">): TaskRow {
    const keys = Object.keys(patch).filter((k) => k !== "submission_id");
    const sets = [...keys.map((k) => `${k} = ?`), "updated_at = ?"].join(", ");
    const now = Date.now();
    const before = read ?? this.sql.exec<{ status: SubmissionStatus }>("select status from tasks where submission_id = ?", submissionId).toArray()[0];
    // The written row comes back from the same statement (no second read).
    const row = this.sql.exec<TaskRow>(`update tasks set ${sets} where submission_id = ? returning *`, ...keys.map((k) => patch[k] ?? null), now, submissionId).toArray()[0]!;
    if (before && before.status !== row.status) {
      this.bump(before.status, -1);
      this.bump(row.status, 1);
    }
    this.enqueueSubmission(row);
    this.changed.set(submissionId, row);
    return row;
  }

  /** The leased attempt is about to post: its lease moves on and the time is kept; nothing Postgres or the sockets keep changes. */
  markPosting(submissionId: string, leaseExpiresAt: number, at: number): void {
    this.sql.exec("update tasks set lease_expires_at = ?, posted_at = ?, first_posted_at = coalesce(first_posted_at, ?) where submission_id = ?", leaseExpiresAt, at, at, submissionId);
  }

  /** The best released task whose queue delay has ended (its queued lease less `queuedLeaseMs` has passed). */
  firstReleasedDue(now: number, queuedLeaseMs: number): TaskRow | undefined {
    return this.sql.exec<TaskRow>("select * from tasks where status = 'queued' and lease_expires_at - ? <= ? order by priority, rowid limit 1", queuedLeaseMs, now).toArray()[0];
  }

  /** Moves a lease's expiry; nothing Postgres or the sockets keep changes. */
  extendLease(submissionId: string, leaseExpiresAt: number): void {
    this.sql.exec("update tasks set lease_expires_at = ? where submission_id = ?", leaseExpiresAt, submissionId);
  }

  /** When the oldest released, unleased task became deliverable (its queued lease less `queuedLeaseMs`). */
  oldestQueuedAt(queuedLeaseMs: number): number | null {
    return this.sql.exec<{ at: number | null }>("select min(lease_expires_at) - ? as at from tasks where status = 'queued' and lease_expires_at is not null", queuedLeaseMs).one().at;
  }

  countInFlight(): number {
    const counts = this.counted();
    return LEASED.reduce((n, status) => n + (counts.get(status) ?? 0), 0);
  }

  /**
   * Tasks that may be released now, best first: pending ones, and retrying
   * ones due within `lookaheadMs` (they go with a queue delay). A pending
   * task with a later `next_attempt_at` (a chosen submission time) waits.
   */
  releasable(limit: number, now: number, lookaheadMs: number): ReleaseCandidate[] {
    if (limit <= 0) return [];
    // Two statements, retries first: each reads its index in order and stops at the limit. One statement
    // with an OR sorted every pending task on every report (0.2 ms at 1,000 pending, issue 21).
    const retrying = this.sql
      .exec<ReleaseCandidate>(`select ${CANDIDATE_COLUMNS} from tasks where status = 'retrying' and next_attempt_at <= ? order by priority, rowid limit ?`, now + lookaheadMs, limit)
      .toArray();
    if (retrying.length >= limit) return retrying;
    const pending = this.sql
      .exec<ReleaseCandidate>(
        `select ${CANDIDATE_COLUMNS} from tasks where status = 'pending' and (next_attempt_at is null or next_attempt_at <= ?) order by priority, rowid limit ?`,
        now + lookaheadMs,
        limit - retrying.length,
      )
      .toArray();
    return [...retrying, ...pending];
  }

  /** Pending tasks the release plan holds for a better hour (`next_attempt_at` still ahead), the soonest first. */
  heldForBetterHour(limit: number, now: number): ReleaseCandidate[] {
    if (limit <= 0) return [];
    return this.sql
      .exec<ReleaseCandidate>(`select ${CANDIDATE_COLUMNS} from tasks where status = 'pending' and next_attempt_at > ? order by next_attempt_at, priority, rowid limit ?`, now, limit)
      .toArray();
  }

  expiredLeases(now: number): TaskRow[] {
    return this.sql.exec<TaskRow>(`select * from tasks where status in (${list(LEASED)}) and lease_expires_at <= ?`, now).toArray();
  }

  counts(): Record<SubmissionStatus, number> {
    const counts = {} as Record<SubmissionStatus, number>;
    for (const [status, n] of this.counted()) if (n > 0) counts[status] = n;
    return counts;
  }

  total(): number {
    let n = 0;
    for (const count of this.counted().values()) n += count;
    return n;
  }

  /**
   * Submissions that ended for good without a listing and have no
   * replacement yet, oldest first: failed after the retry desk gave up, or
   * skipped because another job of the customer holds the directory
   * (a cancelled job's skips are not replaced).
   */
  /**
   * Whether an ended submission waits for its replacement. Asked after every
   * report: the in-memory counts answer "none ended" without SQL.
   */
  hasEndedUnreplaced(): boolean {
    const counts = this.counted();
    if ((counts.get("failed") ?? 0) + (counts.get("skipped") ?? 0) + (counts.get("already_listed") ?? 0) === 0) return false;
    return this.sql.exec<{ n: number }>(`select exists (select 1 from tasks t where ${ENDED_UNREPLACED}) as n`).one().n === 1;
  }

  endedUnreplaced(): TaskRow[] {
    return this.sql.exec<TaskRow>(`select t.* from tasks t where ${ENDED_UNREPLACED} order by t.updated_at, t.submission_id`).toArray();
  }

  /** Whether a replacement of this submission is in the job (then it is not retried: both would be delivered). */
  isReplaced(submissionId: string): boolean {
    return this.sql.exec<{ n: number }>("select exists (select 1 from tasks where replaces_submission_id = ?) as n", submissionId).one().n === 1;
  }

  /**
   * Replaced tasks by status, those live all the same left out (approved
   * after all, or the business's own listing found there: the job then
   * covers one directory more): the progress leaves the others out, as
   * their replacement stands in for them
   * (a seek on tasks_by_replaces; nothing to read in a job without one).
   */
  replacedCounts(): Partial<Record<SubmissionStatus, number>> {
    const counts: Partial<Record<SubmissionStatus, number>> = {};
    for (const row of this.sql.exec<{ status: SubmissionStatus; n: number }>(
      // `cross join`: SQLite then reads the replacements first (a seek on tasks_by_replaces); with a plain join it
      // chose to scan every task and probe the index for each (0.3 ms a progress at 3,000 tasks, issue 21).
      `select t.status, count(*) as n from tasks r cross join tasks t on t.submission_id = r.replaces_submission_id
        where r.replaces_submission_id is not null and t.status not in ('approved', 'already_listed') group by t.status`,
    ))
      counts[row.status] = row.n;
    return counts;
  }

  /** The highest release priority of the job's tasks (0 for none). */
  maxPriority(): number {
    return this.sql.exec<{ p: number | null }>("select max(priority) as p from tasks").one().p ?? 0;
  }

  allDone(): boolean {
    for (const [status, n] of this.counted()) if (n > 0 && !(DONE as string[]).includes(status)) return false;
    return true;
  }

  /** The earliest moment a timer is due: a lease, a retry, a reload, an outbox retry. */
  nextDueAt(): number | null {
    const row = this.sql
      .exec<{ queued: number | null; submitting: number | null; retry: number | null; planned: number | null }>(
        // One min per leased status: each is then a seek in tasks_leased (a min over an IN list is a scan).
        `select
           (select min(lease_expires_at) from tasks where status = 'queued' and lease_expires_at is not null) as queued,
           (select min(lease_expires_at) from tasks where status = 'submitting' and lease_expires_at is not null) as submitting,
           (select min(next_attempt_at) from tasks where status = 'retrying' and next_attempt_at is not null) as retry,
           (select min(next_attempt_at) from tasks where status = 'pending' and next_attempt_at > ?) as planned`,
        Date.now(),
      )
      .one();
    const outboxDue = this.outboxWaiting() ? (this.meta.outboxRetryAt ?? Date.now() + 1_000) : null;
    // A planned (delayed) pending task wakes the alarm once, when it comes due;
    // once due it is released by the next pump that has room, like any pending task.
    const candidates = [row.queued, row.submitting, row.retry, row.planned, this.meta.loadRetryAt, outboxDue].filter((v): v is number => v !== null);
    return candidates.length ? Math.min(...candidates) : null;
  }

  // ---- outbox --------------------------------------------------------------

  /**
   * Outbox order. It only has to grow while rows wait in the outbox, and no
   * write is in progress across a restart, so the largest waiting row's seq
   * is a safe place to continue from.
   */
  private seq = -1;
  private nextSeq(): number {
    if (this.seq < 0) this.seq = this.sql.exec<{ s: number | null }>("select max(seq) as s from outbox").one().s ?? 0;
    return ++this.seq;
  }

  /** The latest state of an entity replaces any older pending write of it. */
  /** `payload` as an object, or already serialised (a caller that compared the text first). */
  enqueue(entity: OutboxEntity, entityId: string, payload: unknown): void {
    const text = typeof payload === "string" ? payload : JSON.stringify(payload);
    this.sql.exec("insert or replace into outbox (entity, entity_id, payload, seq) values (?, ?, ?, ?)", entity, entityId, text, this.nextSeq());
    this.outboxKnownWaiting = true;
  }

  /**
   * True once this instance put a row in the outbox and none was removed
   * since: outboxWaiting() is asked several times per report (the drain's
   * schedule, the alarm's due time) and then needs no SQL. False means
   * "ask SQLite" (after a write to Postgres, a rollback, a restart).
   */
  private outboxKnownWaiting = false;

  private enqueueSubmission(row: TaskRow): void {
    this.enqueue("submission", row.submission_id, {
      id: row.submission_id,
      status: row.status,
      attempt: row.attempt,
      listing_url: row.listing_url,
      evidence_key: row.evidence_key,
      failure_class: row.failure_class,
      failure_reason: row.failure_reason,
      submitted_at: row.submitted_at ? new Date(row.submitted_at).toISOString() : null,
      approved_at: row.approved_at ? new Date(row.approved_at).toISOString() : null,
    });
  }

  outboxBatch(limit: number): OutboxRow[] {
    const rows = this.sql.exec<OutboxRow>("select * from outbox order by seq limit ?", limit).toArray();
    if (rows.length === 0) this.outboxKnownWaiting = false;
    return rows;
  }

  /** Whether any row waits (a seek; outboxSize counts them all). */
  outboxWaiting(): boolean {
    if (this.outboxKnownWaiting) return true;
    return (this.outboxKnownWaiting = this.sql.exec("select 1 from outbox limit 1").toArray().length > 0);
  }

  outboxSize(): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from outbox").one().n;
  }

  /** Removes written rows, unless the entity changed again while they were written. */
  markWritten(rows: OutboxRow[]): void {
    // One statement per batch, not one per row. `seq` is unique among waiting
    // rows (nextSeq), and a row rewritten meanwhile has a new one, so it stays.
    this.sql.exec("delete from outbox where seq in (select value from json_each(?))", JSON.stringify(rows.map((r) => r.seq)));
    this.outboxKnownWaiting = false;
  }

  // ---- activity --------------------------------------------------------------

  addActivity(line: Omit<ActivityLine, "jobId">): void {
    const { seq } = this.sql
      .exec<{ seq: number }>("insert into activity (at, kind, message, submission_id) values (?, ?, ?, ?) returning seq", line.at, line.kind, line.message, line.submissionId ?? null)
      .one();
    // Keep the recent tail only (200 to 250 lines; Postgres keeps the whole
    // history), trimmed every 50 lines rather than on every one.
    if (seq % ACTIVITY_TRIM_EVERY === 0) this.sql.exec("delete from activity where seq <= ?", seq - ACTIVITY_KEPT);
  }

  recentActivity(limit = 50): ActivityLine[] {
    return this.sql
      .exec<{ at: number; kind: string; message: string; submission_id: string | null }>("select at, kind, message, submission_id from activity order by seq desc limit ?", limit)
      .toArray()
      .reverse()
      .map((r) => ({
        at: r.at,
        jobId: this.meta.jobId ?? "",
        kind: r.kind,
        message: r.message,
        ...(r.submission_id ? { submissionId: r.submission_id } : {}),
      }));
  }
}

export function toSubmissionView(row: TaskRow): SubmissionView {
  return {
    submissionId: row.submission_id,
    directoryId: row.directory_id,
    directoryName: row.directory_name,
    status: row.status,
    attempt: row.attempt,
    listingUrl: row.listing_url,
    evidenceKey: row.evidence_key,
    failureClass: row.failure_class,
    failureReason: row.failure_reason,
    updatedAt: row.updated_at,
    ...(row.replaces_submission_id ? { replaces: { submissionId: row.replaces_submission_id, reason: row.replacement_reason } } : {}),
  };
}
