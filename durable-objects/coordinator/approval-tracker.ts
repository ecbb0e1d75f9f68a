/**
 * Approval tracking: submissions that are `submitted` (or wait for their
 * verification mail) are looked up at their directory on a schedule fitted to
 * the directory (its approval type, or its own entry in APPROVAL_SCHEDULE)
 * until the listing is found or the deadline passes. A lookup is a plain
 * fetch: the listing URL the directory showed, else the directory's search
 * (`listing_search_url`, `{query}` = the business name); a browser task then
 * screenshots what was found. Each page is read through boundedGet (bytes and
 * redirects capped) and at most MAX_RESULTS_OPENED results, on the search's
 * own registrable domain, are opened a look.
 */
import { z } from "zod";
import { isHttpUrl } from "../../core/url";
import { anchorsIn } from "../../core/anchors";
import { decodeEntities } from "../../core/text";
import { httpHost, sameSite } from "../../core/domains";
import { boundedGet } from "../../core/bounded-fetch";

export interface Schedule {
  /** First look after tracking starts. */
  firstCheckMs: number;
  /** Then every. */
  everyMs: number;
  /** Give up ("not published") this long after tracking started. */
  deadlineMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Defaults by the catalog's approval type: instant listings show up within minutes, reviewed ones within weeks. */
export const DEFAULT_SCHEDULES: Record<string, Schedule> = {
  instant: { firstCheckMs: 5 * 60_000, everyMs: HOUR, deadlineMs: 3 * DAY },
  email: { firstCheckMs: 30 * 60_000, everyMs: 6 * HOUR, deadlineMs: 14 * DAY },
  review: { firstCheckMs: 12 * HOUR, everyMs: DAY, deadlineMs: 28 * DAY },
  unknown: { firstCheckMs: 2 * HOUR, everyMs: 12 * HOUR, deadlineMs: 28 * DAY },
};

const scheduleSchema = z.object({
  firstCheckMs: z.number().int().min(0),
  everyMs: z.number().int().min(100),
  deadlineMs: z.number().int().min(0),
});
const configSchema = z.object({
  /** Overrides every approval type not named. */
  default: scheduleSchema.optional(),
  byApprovalType: z.record(z.string(), scheduleSchema).optional(),
  /** Per directory, by slug. */
  byDirectory: z.record(z.string(), scheduleSchema).optional(),
});
export type ScheduleConfig = z.infer<typeof configSchema>;

/** APPROVAL_SCHEDULE (JSON) → config; empty or invalid → the defaults (invalid is logged by the caller). */
export function parseScheduleConfig(raw: string | undefined): { config: ScheduleConfig; error?: string } {
  if (!raw?.trim()) return { config: {} };
  try {
    const parsed = configSchema.safeParse(JSON.parse(raw));
    return parsed.success ? { config: parsed.data } : { config: {}, error: parsed.error.message };
  } catch (err) {
    return { config: {}, error: String(err) };
  }
}

export function scheduleFor(config: ScheduleConfig, directory: { slug: string; approvalType: string }): Schedule {
  return config.byDirectory?.[directory.slug] ?? config.byApprovalType?.[directory.approvalType] ?? config.default ?? DEFAULT_SCHEDULES[directory.approvalType] ?? DEFAULT_SCHEDULES.unknown!;
}

export type LookupResult = { found: true; url: string } | { found: false; detail: string };

const textOf = (html: string) =>
  decodeEntities(html.replace(/<[^>]*>/g, " "))
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();

async function pageShowsName(fetcher: typeof fetch, url: string, name: string): Promise<{ ok: boolean; status: number }> {
  const page = await boundedGet(fetcher, url);
  return { ok: page.status >= 200 && page.status < 300 && textOf(page.body).includes(name.toLowerCase()), status: page.status };
}

/**
 * Result pages opened per look: a search page may hold any number of links
 * named like the business, and each one is a fetch from the job's coordinator.
 */
export const MAX_RESULTS_OPENED = 5;

/** Looks the listing up once. Network errors and 5xx are "not yet", never a verdict. */
export async function lookupListing(fetcher: typeof fetch, target: { listingUrl: string | null; searchUrl: string | null; businessName: string }): Promise<LookupResult> {
  try {
    if (target.listingUrl) {
      const page = await pageShowsName(fetcher, target.listingUrl, target.businessName);
      if (page.ok) return { found: true, url: target.listingUrl };
      if (!target.searchUrl) return { found: false, detail: `listing page answered ${page.status}` };
    }
    if (!target.searchUrl) return { found: false, detail: "the directory has no search to look in" };
    const searchUrl = target.searchUrl.replace("{query}", encodeURIComponent(target.businessName));
    const search = await boundedGet(fetcher, searchUrl);
    if (search.status < 200 || search.status >= 300) return { found: false, detail: `search answered ${search.status}` };
    const name = target.businessName.toLowerCase();
    let opened = 0;
    for (const a of anchorsIn(search.body, search.url)) {
      if (textOf(a.text) !== name) continue;
      const url = a.href;
      if (!isHttpUrl(url)) continue;
      // A result elsewhere (anyone's page naming the business) is not the directory's listing.
      if (!sameSite(httpHost(url), httpHost(search.url))) continue;
      if (opened >= MAX_RESULTS_OPENED) return { found: false, detail: `more than ${MAX_RESULTS_OPENED} results named like the business, none live` };
      opened++;
      // The result must lead to a live page that shows the business.
      if ((await pageShowsName(fetcher, url, target.businessName)).ok) return { found: true, url };
    }
    return { found: false, detail: "not in the directory's search yet" };
  } catch (err) {
    return { found: false, detail: `directory unreachable: ${String(err).slice(0, 200)}` };
  }
}

export type CheckState = "tracking" | "found" | "done";

export interface CheckRow {
  submission_id: string;
  state: CheckState;
  checks: number;
  next_check_at: number | null;
  deadline_at: number;
  every_ms: number;
  search_url: string | null;
  last_detail: string | null;
  [key: string]: SqlStorageValue;
}

/** The tracker's rows in the coordinator's SQLite. */
export class ApprovalChecks {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      create table if not exists approval_checks (
        submission_id text primary key,
        state text not null,
        checks integer not null default 0,
        next_check_at integer,
        deadline_at integer not null,
        every_ms integer not null,
        search_url text,
        last_detail text
      );
      create table if not exists approval_directories (
        submission_id text primary key,
        slug text not null,
        approval_type text not null,
        search_url text
      );
    `);
  }

  get(submissionId: string): CheckRow | undefined {
    return this.sql.exec<CheckRow>("select * from approval_checks where submission_id = ?", submissionId).toArray()[0];
  }

  /** Submissions that should be tracked and are not yet. */
  untracked(): { submission_id: string; slug: string | null; approval_type: string | null; search_url: string | null }[] {
    return this.sql
      .exec<{ submission_id: string; slug: string | null; approval_type: string | null; search_url: string | null }>(
        `select t.submission_id, d.slug, d.approval_type, d.search_url from tasks t
         left join approval_directories d on d.submission_id = t.submission_id
         where t.status in ('submitted', 'awaiting_verification')
           and t.submission_id not in (select submission_id from approval_checks)`,
      )
      .toArray();
  }

  /** Cheap test for the alarm: is any submission waiting to be tracked? */
  hasUntracked(): boolean {
    return (
      this.sql
        .exec(
          `select 1 from tasks t where t.status in ('submitted', 'awaiting_verification')
             and not exists (select 1 from approval_checks c where c.submission_id = t.submission_id) limit 1`,
        )
        .toArray().length > 0
    );
  }

  saveDirectories(rows: { submissionId: string; slug: string; approvalType: string; searchUrl: string | null }[]): void {
    for (const r of rows) {
      this.sql.exec("insert or replace into approval_directories (submission_id, slug, approval_type, search_url) values (?, ?, ?, ?)", r.submissionId, r.slug, r.approvalType, r.searchUrl);
    }
  }

  start(submissionId: string, schedule: Schedule, searchUrl: string | null, now = Date.now()): void {
    this.sql.exec(
      "insert or ignore into approval_checks (submission_id, state, next_check_at, deadline_at, every_ms, search_url) values (?, 'tracking', ?, ?, ?, ?)",
      submissionId,
      now + schedule.firstCheckMs,
      now + schedule.deadlineMs,
      schedule.everyMs,
      searchUrl,
    );
  }

  due(now: number, limit: number): CheckRow[] {
    return this.sql.exec<CheckRow>("select * from approval_checks where state = 'tracking' and next_check_at <= ? order by next_check_at limit ?", now, limit).toArray();
  }

  /** One more look that found nothing: next one on schedule, but never after the deadline. */
  checked(row: CheckRow, detail: string, now = Date.now()): void {
    const next = Math.min(now + row.every_ms, row.deadline_at);
    this.sql.exec("update approval_checks set checks = checks + 1, next_check_at = ?, last_detail = ? where submission_id = ?", next, detail, row.submission_id);
  }

  set(submissionId: string, state: CheckState, detail: string | null): void {
    this.sql.exec(
      "update approval_checks set state = ?, next_check_at = null, checks = checks + (case when ? = 'found' then 1 else 0 end), last_detail = coalesce(?, last_detail) where submission_id = ?",
      state,
      state,
      detail,
      submissionId,
    );
  }

  /** A verified submission restarts its first look (the directory publishes after the confirmation). */
  lookSoon(submissionId: string, at: number): void {
    this.sql.exec("update approval_checks set next_check_at = min(coalesce(next_check_at, ?), ?) where submission_id = ? and state = 'tracking'", at, at, submissionId);
  }

  /** Tracked submissions whose next look is due by `at`. */
  dueBy(at: number): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from approval_checks where state = 'tracking' and next_check_at <= ?", at).one().n;
  }

  nextDueAt(): number | null {
    return this.sql.exec<{ at: number | null }>("select min(next_check_at) as at from approval_checks where state = 'tracking'").one().at;
  }
}
