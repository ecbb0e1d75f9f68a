/**
 * PerformanceFeedbackLoop, in Postgres: counts attempt outcomes into
 * `directory_stats` inside the caller's transaction (the coordinator's
 * outbox write, durable-objects/coordinator/postgres-sync.ts), so a
 * directory's statistics change exactly when the result is persisted, and
 * once: `directory_outcomes` keeps every `(submission_id, attempt)` counted,
 * and a replayed batch meets its rows and changes nothing. Directories are
 * locked in id order while their rows are updated, so two jobs reporting on
 * the same directory serialise instead of losing an update.
 *
 * Also reads what the models need when a job starts: the directories'
 * catalog facts and statistics, and the pooled history of similar
 * directories for the probability prior.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import type { FailureClass } from "../../core/protocol/tasks";
import { applyOutcome, DEFAULT_FEEDBACK_POLICY, type AttemptOutcome, type FeedbackPolicy } from "./feedback";
import { fitLogOdds, type GroupHistory } from "./success-probability";
import { hostOf } from "../../core/url";
import { emptyStats, type DirectoryFacts, type DirectoryStats, type RecentFailure } from "./types";

/** Anything that runs SQL: a connection's `db` or a transaction. */
export type Executor = Pick<Database, "execute">;

type StatsRow = {
  directory_id: string;
  attempts: number;
  accepted: number;
  consecutive_failures: number;
  failures_by_class: Partial<Record<FailureClass, number>>;
  mean_duration_ms: number | null;
  duration_samples: number;
  hour_attempts: number[];
  hour_accepted: number[];
  weekday_attempts: number[];
  weekday_accepted: number[];
  last_rate_limited_at: Date | string | null;
  last_retry_after_seconds: number | null;
  last_failures: RecentFailure[];
  field_mappings: Record<string, number>;
  flagged_at: Date | string | null;
  flag_reason: string | null;
};

const time = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());
const sized = (values: unknown, n: number) => Array.from({ length: n }, (_, i) => (Array.isArray(values) ? Number(values[i] ?? 0) : 0));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function statsFromRow(id: string, r: Partial<StatsRow> | undefined): DirectoryStats {
  if (!r || r.attempts === null || r.attempts === undefined) return emptyStats(id);
  return {
    directoryId: id,
    attempts: r.attempts,
    accepted: r.accepted ?? 0,
    failuresByClass: r.failures_by_class ?? {},
    consecutiveFailures: r.consecutive_failures ?? 0,
    meanDurationMs: r.mean_duration_ms ?? null,
    durationSamples: r.duration_samples ?? 0,
    hourAttempts: sized(r.hour_attempts, 24),
    hourAccepted: sized(r.hour_accepted, 24),
    weekdayAttempts: sized(r.weekday_attempts, 7),
    weekdayAccepted: sized(r.weekday_accepted, 7),
    lastRateLimitedAt: time(r.last_rate_limited_at ?? null),
    lastRetryAfterSeconds: r.last_retry_after_seconds ?? null,
    lastFailures: r.last_failures ?? [],
    fieldMappings: r.field_mappings ?? {},
    flaggedAt: time(r.flagged_at ?? null),
    flagReason: r.flag_reason ?? null,
  };
}

export interface FeedbackOutcome {
  /** Outcomes counted now (new); the rest were counted before. */
  counted: number;
  flagged: { directoryId: string; reason: string }[];
  deactivated: { directoryId: string; reason: string }[];
}

/**
 * Counts outcomes not counted before. The directory of each outcome is read
 * from its submission, so a caller cannot misattribute one.
 */
export async function recordOutcomes(tx: Executor, outcomes: readonly AttemptOutcome[], policy: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY): Promise<FeedbackOutcome> {
  const none: FeedbackOutcome = { counted: 0, flagged: [], deactivated: [] };
  if (outcomes.length === 0) return none;
  const rows = outcomes.map((o) => ({
    submission_id: o.submissionId,
    attempt: o.attempt,
    accepted: o.accepted,
    failure_class: o.failureClass ?? null,
    duration_ms: o.durationMs == null ? null : Math.max(0, Math.min(2_000_000_000, Math.round(o.durationMs))),
    occurred_at: new Date(o.at).toISOString(),
  }));
  // Lock the outcomes' directories first, in id order. The ledger insert below
  // takes a key-share lock on them (its foreign key); asking for the row lock
  // only after that deadlocks two jobs reporting on one directory. Holding it
  // from here, each later statement reads the stats another job committed.
  const submissionIds = [...new Set(outcomes.map((o) => o.submissionId))];
  await tx.execute(sql`
    select d.id from directories d
    where d.id in (select s.directory_id from directory_submissions s
                   where s.id in (select (jsonb_array_elements_text(${JSON.stringify(submissionIds)}::jsonb))::uuid))
    order by d.id
    for no key update`);
  const inserted = await tx.execute<{ submission_id: string; attempt: number; directory_id: string }>(sql`
    insert into directory_outcomes (submission_id, attempt, directory_id, accepted, failure_class, duration_ms, occurred_at)
    select v.submission_id, v.attempt, s.directory_id, v.accepted, v.failure_class, v.duration_ms, v.occurred_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
      submission_id uuid, attempt int, accepted boolean, failure_class text, duration_ms int, occurred_at timestamptz)
    join directory_submissions s on s.id = v.submission_id
    on conflict (submission_id, attempt) do nothing
    returning submission_id, attempt, directory_id`);
  if (inserted.rows.length === 0) return none;

  const directoryOf = new Map(inserted.rows.map((r) => [`${r.submission_id}:${r.attempt}`, r.directory_id]));
  const fresh = outcomes
    .filter((o) => directoryOf.has(`${o.submissionId}:${o.attempt}`))
    .map((o) => ({ ...o, directoryId: directoryOf.get(`${o.submissionId}:${o.attempt}`)! }))
    .sort((a, b) => a.at - b.at);
  const ids = [...new Set(fresh.map((o) => o.directoryId))].sort();

  // The business of each outcome, to tell a misfit from a refusal.
  const businesses = await tx.execute<{ id: string; country: string | null; categories: string[] | null }>(sql`
    select s.id, bp.country, bp.categories
    from directory_submissions s left join business_profiles bp on bp.customer_id = s.customer_id
    where s.id in (select (jsonb_array_elements_text(${JSON.stringify([...new Set(fresh.map((o) => o.submissionId))])}::jsonb))::uuid)`);
  const businessOf = new Map(businesses.rows.map((b) => [b.id, b.country || b.categories?.length ? { country: b.country, categories: b.categories ?? [] } : null]));

  const current = await tx.execute<StatsRow & { id: string; country: string; category: string; is_active: boolean }>(sql`
    select d.id, d.country, d.category, d.is_active, s.*
    from directories d left join directory_stats s on s.directory_id = d.id
    where d.id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)
    order by d.id
    for no key update of d`);
  const byId = new Map(current.rows.map((r) => [r.id, { country: r.country, category: r.category, active: r.is_active, stats: statsFromRow(r.id, r) }]));

  const result: FeedbackOutcome = { counted: fresh.length, flagged: [], deactivated: [] };
  const deactivate = new Map<string, string>();
  for (const o of fresh) {
    const entry = byId.get(o.directoryId);
    if (!entry) continue;
    const fits = fitLogOdds(entry, businessOf.get(o.submissionId)) >= 0;
    const applied = applyOutcome(entry.stats, { ...o, fits }, entry.country, policy);
    entry.stats = applied.stats;
    if (applied.flagged) result.flagged.push({ directoryId: o.directoryId, reason: applied.flagged });
    if (applied.deactivate && entry.active && !deactivate.has(o.directoryId)) deactivate.set(o.directoryId, applied.deactivate);
  }

  const upserts = [...byId.values()].map(({ stats: s }) => ({
    directory_id: s.directoryId,
    attempts: s.attempts,
    accepted: s.accepted,
    consecutive_failures: s.consecutiveFailures,
    failures_by_class: s.failuresByClass,
    mean_duration_ms: s.meanDurationMs,
    duration_samples: s.durationSamples,
    hour_attempts: s.hourAttempts,
    hour_accepted: s.hourAccepted,
    weekday_attempts: s.weekdayAttempts,
    weekday_accepted: s.weekdayAccepted,
    last_rate_limited_at: iso(s.lastRateLimitedAt),
    last_retry_after_seconds: s.lastRetryAfterSeconds,
    last_failures: s.lastFailures,
    field_mappings: s.fieldMappings,
    flagged_at: iso(s.flaggedAt),
    flag_reason: s.flagReason,
  }));
  await tx.execute(sql`
    insert into directory_stats (directory_id, attempts, accepted, consecutive_failures, failures_by_class, mean_duration_ms,
      duration_samples, hour_attempts, hour_accepted, weekday_attempts, weekday_accepted, last_rate_limited_at,
      last_retry_after_seconds, last_failures, field_mappings, flagged_at, flag_reason)
    select v.directory_id, v.attempts, v.accepted, v.consecutive_failures, coalesce(v.failures_by_class, '{}'), v.mean_duration_ms,
      v.duration_samples, v.hour_attempts, v.hour_accepted, v.weekday_attempts, v.weekday_accepted, v.last_rate_limited_at,
      v.last_retry_after_seconds, coalesce(v.last_failures, '[]'), coalesce(v.field_mappings, '{}'), v.flagged_at, v.flag_reason
    from jsonb_to_recordset(${JSON.stringify(upserts)}::jsonb) as v(
      directory_id uuid, attempts int, accepted int, consecutive_failures int, failures_by_class jsonb, mean_duration_ms int,
      duration_samples int, hour_attempts jsonb, hour_accepted jsonb, weekday_attempts jsonb, weekday_accepted jsonb,
      last_rate_limited_at timestamptz, last_retry_after_seconds int, last_failures jsonb, field_mappings jsonb,
      flagged_at timestamptz, flag_reason text)
    on conflict (directory_id) do update set
      attempts = excluded.attempts, accepted = excluded.accepted, consecutive_failures = excluded.consecutive_failures,
      failures_by_class = excluded.failures_by_class, mean_duration_ms = excluded.mean_duration_ms,
      duration_samples = excluded.duration_samples, hour_attempts = excluded.hour_attempts, hour_accepted = excluded.hour_accepted,
      weekday_attempts = excluded.weekday_attempts, weekday_accepted = excluded.weekday_accepted,
      last_rate_limited_at = excluded.last_rate_limited_at, last_retry_after_seconds = excluded.last_retry_after_seconds,
      last_failures = excluded.last_failures, field_mappings = excluded.field_mappings,
      flagged_at = excluded.flagged_at, flag_reason = excluded.flag_reason`);

  if (deactivate.size) {
    const off = [...deactivate.entries()].map(([id, reason]) => ({ id, reason }));
    await tx.execute(sql`
      with v as (select * from jsonb_to_recordset(${JSON.stringify(off)}::jsonb) as v(id uuid, reason text)),
      d as (update directories set is_active = false from v where directories.id = v.id and directories.is_active returning directories.id)
      update directory_stats s set deactivated_at = now() from d where s.directory_id = d.id`);
    result.deactivated = off.map((o) => ({ directoryId: o.id, reason: o.reason }));
  }
  return result;
}

/** What the models read when a job starts. */
export interface IntelligenceSnapshot {
  facts: DirectoryFacts[];
  stats: Map<string, DirectoryStats>;
  groups: GroupHistory[];
}

export async function loadIntelligence(db: Executor, directoryIds: readonly string[]): Promise<IntelligenceSnapshot> {
  const rows = await db.execute<StatsRow & { id: string; category: string; country: string; requires_captcha: boolean; approval_type: string; da_score: number | null; url: string }>(sql`
    select d.id, d.category, d.country, d.requires_captcha, d.approval_type, d.da_score, coalesce(d.submit_url, d.website) as url, s.*
    from directories d left join directory_stats s on s.directory_id = d.id
    where d.id in (select (jsonb_array_elements_text(${JSON.stringify([...new Set(directoryIds)])}::jsonb))::uuid)`);
  const groups = await db.execute<{ category: string; country: string; requires_captcha: boolean; approval_type: string; attempts: number; accepted: number }>(sql`
    select d.category, d.country, d.requires_captcha, d.approval_type, sum(s.attempts)::int as attempts, sum(s.accepted)::int as accepted
    from directory_stats s join directories d on d.id = s.directory_id
    where s.attempts > 0
    group by d.category, d.country, d.requires_captcha, d.approval_type`);
  return {
    facts: rows.rows.map((r) => ({
      id: r.id,
      category: r.category,
      country: r.country,
      requiresCaptcha: r.requires_captcha,
      approvalType: r.approval_type,
      daScore: r.da_score,
      host: hostOf(r.url),
    })),
    stats: new Map(rows.rows.map((r) => [r.id, statsFromRow(r.id, r)])),
    groups: groups.rows.map((g) => ({
      category: g.category,
      country: g.country,
      requiresCaptcha: g.requires_captcha,
      approvalType: g.approval_type,
      attempts: g.attempts,
      accepted: g.accepted,
    })),
  };
}
