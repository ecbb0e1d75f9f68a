/**
 * "Update my listings" (issue 19 item 2) in the job's coordinator: one
 * update per job, its listings and how each ends. The coordinator holds the
 * profile the listings were submitted with, so the differences are computed
 * here against the profile the customer saved since. A live listing whose
 * directory holds a vault login becomes an `update` follow-up (followups.ts:
 * released to the queue, leased by attempt, retried 3 times, leases that run
 * out count as failed attempts), so eviction and redelivery are handled by the
 * machinery the verification links already use; a listing without a login
 * becomes a staff task (`update_listing`, listed in /staff/tasks beside the
 * submission packets) carrying the differences and the listing URL; staff
 * record it `updated` (by hand) or `not_possible` with a reason, once.
 *
 * Everything is in the coordinator's SQLite; a start repeated with the same
 * update id (a retried RPC, a replayed click that the API let through)
 * answers the same view and adds nothing.
 */
import { oneLineAddress } from "../../core/listing/address";
import { hoursLine } from "../../core/listing/hours";
import type { ListingProfile } from "../../core/listing/profile";
import type { ListingUpdateChange, ListingUpdateItem, ListingUpdateStatus, ListingUpdateView, LoginForUpdate, StartUpdateResult, UpdateField } from "../../core/protocol/site";

export type { LoginForUpdate, StartUpdateResult };
import type { UpdateLeaseDetails } from "../../core/protocol/tasks";
import type { FollowupOutcome } from "./followups";
import type { UpdateListingActionResult, UpdateListingOutcomeInput, UpdateListingTask } from "../../core/protocol/staff";
import type { TaskRow } from "./task-store";

interface ItemRow {
  submission_id: string;
  method: "machine" | "staff";
  status: ListingUpdateStatus;
  listing_url: string;
  directory_name: string;
  login_url: string | null;
  login: string | null;
  key_id: string | null;
  iv: string | null;
  ciphertext: string | null;
  reason: string | null;
  attempts: number;
  updated_at: number;
  /** Staff items: who recorded the outcome, and their note. */
  outcome_by: string | null;
  note: string | null;
  [key: string]: SqlStorageValue;
}

/** The details a listing shows, as text, for comparing and for the staff item. */
function detailsOf(p: ListingProfile): Record<UpdateField, string | null> {
  return {
    name: p.businessName || null,
    address: oneLineAddress(p) || null,
    phone: p.phone,
    website: p.website,
    hours: hoursLine(p.hours, "en", "; ") || null,
  };
}

export function changesBetween(before: ListingProfile, after: ListingProfile): ListingUpdateChange[] {
  const [a, b] = [detailsOf(before), detailsOf(after)];
  return (Object.keys(a) as UpdateField[]).filter((f) => (a[f] ?? "") !== (b[f] ?? "")).map((field) => ({ field, before: a[field], after: b[field] }));
}

export class ListingUpdates {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      create table if not exists listing_update (
        id text primary key,
        started_at integer not null,
        changes text not null,
        business text not null
      );
      create table if not exists listing_update_items (
        submission_id text primary key,
        method text not null,
        status text not null,
        listing_url text not null,
        directory_name text not null,
        login_url text,
        login text,
        key_id text,
        iv text,
        ciphertext text,
        reason text,
        attempts integer not null default 0,
        updated_at integer not null
      );
    `);
    // Instances whose update started before staff could record an outcome.
    const columns = sql
      .exec<{ name: string }>("pragma table_info(listing_update_items)")
      .toArray()
      .map((c) => c.name);
    if (!columns.includes("outcome_by")) sql.exec("alter table listing_update_items add column outcome_by text");
    if (!columns.includes("note")) sql.exec("alter table listing_update_items add column note text");
  }

  private run(): { id: string; started_at: number; changes: string; business: string } | undefined {
    return this.sql.exec<{ id: string; started_at: number; changes: string; business: string }>("select * from listing_update").toArray()[0];
  }

  /**
   * Starts the job's one update: `before` is the profile the listings carry,
   * `after` the saved one; `live` the job's live listings. The caller adds an
   * `update` follow-up for each machine item it returns.
   */
  start(updateId: string, before: ListingProfile | null, after: ListingProfile, live: TaskRow[], logins: LoginForUpdate[], now = Date.now()): StartUpdateResult & { machine?: ItemRow[] } {
    const existing = this.run();
    if (existing) return existing.id === updateId ? { applied: true, view: this.view()!, repeated: true } : { applied: false, reason: "another_update" };
    const changes = before ? changesBetween(before, after) : [];
    if (!changes.length) return { applied: false, reason: "nothing_changed" };
    const listings = live.filter((t) => t.status === "approved" && t.listing_url);
    if (!listings.length) return { applied: false, reason: "no_live_listings" };
    const bySubmission = new Map(logins.map((l) => [l.submissionId, l]));
    this.sql.exec("insert into listing_update (id, started_at, changes, business) values (?, ?, ?, ?)", updateId, now, JSON.stringify(changes), JSON.stringify(after));
    for (const t of listings) {
      const login = bySubmission.get(t.submission_id);
      this.sql.exec(
        `insert into listing_update_items (submission_id, method, status, listing_url, directory_name, login_url, login, key_id, iv, ciphertext, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        t.submission_id,
        login ? "machine" : "staff",
        login ? "updating" : "staff_task",
        t.listing_url!,
        t.directory_name,
        login?.loginUrl ?? null,
        login?.login ?? null,
        login?.password.keyId ?? null,
        login?.password.iv ?? null,
        login?.password.ciphertext ?? null,
        now,
      );
    }
    const machine = this.sql.exec<ItemRow>("select * from listing_update_items where method = 'machine'").toArray();
    return { applied: true, view: this.view()!, repeated: false, machine };
  }

  /** What an `update` lease carries for this submission; null when it has no machine item. */
  leaseDetails(submissionId: string): Omit<UpdateLeaseDetails, "language"> | null {
    const run = this.run();
    const row = this.sql.exec<ItemRow>("select * from listing_update_items where submission_id = ? and method = 'machine'", submissionId).toArray()[0];
    if (!run || !row || !row.login_url || !row.login || !row.key_id || !row.iv || !row.ciphertext) return null;
    this.sql.exec("update listing_update_items set attempts = attempts + 1, updated_at = ? where submission_id = ?", Date.now(), submissionId);
    return { loginUrl: row.login_url, login: row.login, password: { keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext }, business: JSON.parse(run.business) as ListingProfile };
  }

  /** An `update` follow-up ended: confirmed on the public page, or given up after its attempts. */
  settle(outcome: FollowupOutcome, now = Date.now()): ItemRow | undefined {
    const status: ListingUpdateStatus = outcome.kind === "done" ? "confirmed" : "failed";
    const reason = outcome.kind === "done" ? null : outcome.reason;
    this.sql.exec("update listing_update_items set status = ?, reason = ?, updated_at = ? where submission_id = ? and status = 'updating'", status, reason, now, outcome.row.submission_id);
    return this.sql.exec<ItemRow>("select * from listing_update_items where submission_id = ?", outcome.row.submission_id).toArray()[0];
  }

  /** A machine attempt failed and will be tried again: the reason is shown meanwhile. */
  note(submissionId: string, reason: string, now = Date.now()): void {
    this.sql.exec("update listing_update_items set reason = ?, updated_at = ? where submission_id = ? and status = 'updating'", reason, now, submissionId);
  }

  view(): ListingUpdateView | null {
    const run = this.run();
    if (!run) return null;
    const rows = this.sql.exec<ItemRow>("select * from listing_update_items order by directory_name, submission_id").toArray();
    const items: ListingUpdateItem[] = rows.map((r) => ({
      submissionId: r.submission_id,
      directoryName: r.directory_name,
      listingUrl: r.listing_url,
      method: r.method,
      status: r.status,
      reason: r.reason,
      attempts: r.attempts,
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
    const count = (s: ListingUpdateStatus) => items.filter((i) => i.status === s).length;
    return {
      updateId: run.id,
      startedAt: new Date(run.started_at).toISOString(),
      changes: JSON.parse(run.changes) as ListingUpdateChange[],
      items,
      summary: {
        machine: items.filter((i) => i.method === "machine").length,
        confirmed: count("confirmed"),
        failed: count("failed"),
        updating: count("updating"),
        staff: count("staff_task"),
        byStaff: count("updated_by_staff"),
        notPossible: count("not_possible"),
      },
    };
  }

  // ---- staff tasks (`update_listing`) ----------------------------------------

  private staffRow(submissionId: string): ItemRow | undefined {
    return this.sql.exec<ItemRow>("select * from listing_update_items where submission_id = ? and method = 'staff'", submissionId).toArray()[0];
  }

  private toStaffTask(jobId: string, businessName: string | null, r: ItemRow): UpdateListingTask {
    const run = this.run()!;
    const open = r.status === "staff_task";
    return {
      kind: "update_listing",
      jobId,
      submissionId: r.submission_id,
      directoryName: r.directory_name,
      businessName,
      listingUrl: r.listing_url,
      differences: JSON.parse(run.changes) as ListingUpdateChange[],
      status: r.status as UpdateListingTask["status"],
      outcomeBy: r.outcome_by,
      reason: r.reason,
      note: r.note,
      updatedAt: r.updated_at,
      actions: open ? ["updated", "not_possible"] : [],
    };
  }

  /** The open staff items, for /staff/tasks. */
  openStaffTasks(jobId: string, businessName: string | null): UpdateListingTask[] {
    if (!this.run()) return [];
    return this.sql
      .exec<ItemRow>("select * from listing_update_items where method = 'staff' and status = 'staff_task' order by updated_at, submission_id")
      .toArray()
      .map((r) => this.toStaffTask(jobId, businessName, r));
  }

  staffTask(jobId: string, businessName: string | null, submissionId: string): UpdateListingActionResult {
    const row = this.run() ? this.staffRow(submissionId) : undefined;
    if (!row) return { ok: false, status: 404, code: "not_found", message: "No listing of this job waits for staff to update it" };
    return { ok: true, applied: false, task: this.toStaffTask(jobId, businessName, row) };
  }

  /**
   * Staff record how a staff item ended, once: the same outcome again (a
   * double click, a replay) changes nothing; another one is refused.
   */
  recordStaff(jobId: string, businessName: string | null, submissionId: string, staffName: string, input: UpdateListingOutcomeInput, now = Date.now()): UpdateListingActionResult {
    const found = this.staffTask(jobId, businessName, submissionId);
    if (!found.ok) return found;
    const row = this.staffRow(submissionId)!;
    const status = input.outcome === "updated" ? "updated_by_staff" : "not_possible";
    const reason = input.outcome === "not_possible" ? input.reason : null;
    if (row.status !== "staff_task") {
      if (row.status === status && row.reason === reason) return found;
      return { ok: false, status: 409, code: "conflict", message: `Already recorded as ${row.status.replace(/_/g, " ")}${row.outcome_by ? ` by ${row.outcome_by}` : ""}` };
    }
    this.sql.exec(
      "update listing_update_items set status = ?, reason = ?, outcome_by = ?, note = ?, updated_at = ? where submission_id = ? and status = 'staff_task'",
      status,
      reason,
      staffName,
      input.note ?? null,
      now,
      submissionId,
    );
    return { ok: true, applied: true, task: this.toStaffTask(jobId, businessName, this.staffRow(submissionId)!) };
  }
}
