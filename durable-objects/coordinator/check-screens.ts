/**
 * Screenshots of listings a survival check found gone or changed (issue 19),
 * in the coordinator's SQLite: one row per check. The cron asks for one
 * (src/listings/survival.ts `requestCheckScreenshots`); the browser task is a
 * `check` follow-up keyed by the check's id (followups.ts), so a replayed
 * cron, or two at once, add one task and one screenshot. Its outcome waits
 * here until it is written to the check's row in Postgres (`evidence_key`,
 * `screenshot_note`), retried from the alarm while Postgres is away.
 */

/** A write to Postgres that failed is tried again after this. */
const SYNC_RETRY_MS = 30_000;

export interface CheckScreenRow {
  check_id: string;
  submission_id: string;
  evidence_key: string | null;
  note: string | null;
  /** Set when the follow-up ended: the outcome is to be written to Postgres at this time. */
  sync_at: number | null;
  [key: string]: SqlStorageValue;
}

export class CheckScreens {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      create table if not exists check_screens (
        check_id text primary key,
        submission_id text not null,
        evidence_key text,
        note text,
        sync_at integer
      );
    `);
  }

  get(checkId: string): CheckScreenRow | undefined {
    return this.sql.exec<CheckScreenRow>("select * from check_screens where check_id = ?", checkId).toArray()[0];
  }

  /** False when the check was asked for already (a replayed cron). */
  add(checkId: string, submissionId: string): boolean {
    if (this.get(checkId)) return false;
    this.sql.exec("insert into check_screens (check_id, submission_id) values (?, ?)", checkId, submissionId);
    return true;
  }

  /** The follow-up ended: its screenshot (or why there is none) is to be written to Postgres now. */
  finish(checkId: string, evidenceKey: string | null, note: string | null, now = Date.now()): void {
    this.sql.exec("update check_screens set evidence_key = ?, note = ?, sync_at = ? where check_id = ?", evidenceKey, note, now, checkId);
  }

  due(now = Date.now()): CheckScreenRow[] {
    return this.sql.exec<CheckScreenRow>("select * from check_screens where sync_at is not null and sync_at <= ?", now).toArray();
  }

  synced(checkId: string): void {
    this.sql.exec("update check_screens set sync_at = null where check_id = ?", checkId);
  }

  retryLater(checkId: string, now = Date.now()): void {
    this.sql.exec("update check_screens set sync_at = ? where check_id = ?", now + SYNC_RETRY_MS, checkId);
  }

  nextDueAt(): number | null {
    return this.sql.exec<{ at: number | null }>("select min(sync_at) as at from check_screens").one().at;
  }
}
