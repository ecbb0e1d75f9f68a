/**
 * Staff tasks: directories whose automation policy is "manual" (they block
 * bots, want a phone call or a postcard, or their terms forbid automation)
 * are never released to the browser queue. Their submissions sit in status
 * `manual`, and a packet (the directory's link and every value to paste)
 * waits for a staff member, who claims it and records the outcome:
 * `submitted` (maybe with something the customer must do), then or instead
 * `approved` with the listing URL, or `failed` with a reason.
 *
 * Each action applies once: a repeat of the same action (a double click, a
 * replayed request) changes nothing; a different one on a closed task, or on
 * a task another staff member claimed, is refused. The coordinator owns job
 * state: this module changes tasks through its TaskStore and tells it what
 * happened through `StaffTaskHost`; the coordinator then pumps as after a
 * worker's report (counts, completion, Postgres outbox, sockets).
 *
 * "Claim and correct" (issue 17 item 2) is a staff task of the same kind: a
 * browser found the business listed at the directory before its first
 * attempt, with details that differ from the profile. Nothing was posted;
 * the packet carries the found listing and each difference, and staff
 * record `approved` with the listing's URL once they claimed and corrected
 * it, or `failed` when the directory would not let them (then replaced).
 */
import type { ListingProfile } from "../../core/listing/profile";
import type { StaffActionResult, StaffOutcome, StaffOutcomeInput, StaffTaskPacket, StaffTaskSummary } from "../../core/protocol/staff";
import type { SubmissionView } from "../../core/protocol/live";
import type { ListingDifference } from "../../core/protocol/tasks";
import { manualReason, packetFields } from "./staff-packet";
import type { TaskRow, TaskStore } from "./task-store";

export interface StaffMember {
  id: string;
  /** Shown to other staff ("claimed by ana@…"); never to the customer. */
  name: string;
}

/** What a staff action needs from the coordinator (its private bookkeeping). */
export interface StaffTaskHost {
  event(kind: string, message: string, submissionId: string, dedupeKey: string): void;
  changed(): void;
  /** A task reached an outcome (feeds the ETA). */
  done(): void;
}

interface StaffRow {
  submission_id: string;
  reason: string;
  notes: string | null;
  claimed_by: string | null;
  claimed_by_name: string | null;
  claimed_at: number | null;
  outcome: StaffOutcome | null;
  outcome_by: string | null;
  outcome_at: number | null;
  customer_action: string | null;
  note: string | null;
  /** Claim and correct: `{ url, differences }` as JSON; null for a manual directory's task. */
  claim: string | null;
  [key: string]: SqlStorageValue;
}

/** A task of a manual directory, as the job loads it from Postgres. */
export interface ManualDirectoryTask {
  submissionId: string;
  automation: string;
  notes: string | null;
  requiresPhoneVerification: boolean;
  listingCost: string;
}

type Failure = Extract<StaffActionResult, { ok: false }>;
const fail = (status: Failure["status"], code: Failure["code"], message: string): Failure => ({ ok: false, status, code, message });
const CLOSED: TaskRow["status"][] = ["approved", "failed", "skipped", "already_listed"];

export class StaffTasks {
  constructor(
    private readonly sql: SqlStorage,
    private readonly store: TaskStore,
    private readonly host: StaffTaskHost,
  ) {
    sql.exec(`
      create table if not exists staff_tasks (
        submission_id text primary key,
        reason text not null,
        notes text,
        claimed_by text,
        claimed_by_name text,
        claimed_at integer,
        outcome text,
        outcome_by text,
        outcome_at integer,
        customer_action text,
        note text
      );
    `);
    // Instances created before claim-and-correct tasks.
    if (
      !sql
        .exec<{ name: string }>("pragma table_info(staff_tasks)")
        .toArray()
        .some((c) => c.name === "claim")
    )
      sql.exec("alter table staff_tasks add column claim text");
  }

  /**
   * A listing found before the first attempt that differs from the profile:
   * the submission becomes staff work (`manual`, never released to the
   * queue again) with the found URL and each difference. Once per
   * submission: a replayed report finds the task there.
   */
  claimAndCorrect(task: TaskRow, url: string, differences: ListingDifference[]): void {
    const fields = differences.map((d) => d.field).join(", ");
    this.sql.exec(
      "insert or ignore into staff_tasks (submission_id, reason, claim) values (?, ?, ?)",
      task.submission_id,
      `Claim and correct: ${task.directory_name} already lists the business at ${url}, with a different ${fields}. Claim the listing there and correct it; nothing was submitted.`,
      JSON.stringify({ url, differences }),
    );
  }

  /**
   * At load: every task of a manual directory gets a packet, and one that
   * has not started becomes `manual` (so it is never released to the queue).
   */
  register(tasks: ManualDirectoryTask[]): void {
    for (const t of tasks) {
      if (t.automation !== "manual") continue;
      this.sql.exec("insert or ignore into staff_tasks (submission_id, reason, notes) values (?, ?, ?)", t.submissionId, manualReason(t), t.notes);
      const task = this.store.task(t.submissionId);
      if (task?.status === "pending") this.store.updateTask(t.submissionId, { status: "manual" });
    }
  }

  private row(submissionId: string): StaffRow | undefined {
    return this.sql.exec<StaffRow>("select * from staff_tasks where submission_id = ?", submissionId).toArray()[0];
  }

  private update(submissionId: string, patch: Partial<StaffRow>): void {
    const keys = Object.keys(patch);
    this.sql.exec(`update staff_tasks set ${keys.map((k) => `${k} = ?`).join(", ")} where submission_id = ?`, ...keys.map((k) => patch[k] ?? null), submissionId);
  }

  has(submissionId: string): boolean {
    return this.row(submissionId) !== undefined;
  }

  /** A staff task retried by staff: open again, unclaimed, for a fresh attempt. */
  reopen(submissionId: string): boolean {
    if (!this.has(submissionId)) return false;
    this.update(submissionId, { claimed_by: null, claimed_by_name: null, claimed_at: null, outcome: null, outcome_by: null, outcome_at: null, customer_action: null });
    return true;
  }

  /** The views the sockets send, marked as staff work, with what the customer must do. */
  decorate(views: SubmissionView[]): SubmissionView[] {
    const rows = new Map(
      this.sql
        .exec<StaffRow>("select * from staff_tasks")
        .toArray()
        .map((r) => [r.submission_id, r]),
    );
    if (rows.size === 0) return views;
    return views.map((v) => {
      const r = rows.get(v.submissionId);
      return r ? { ...v, staffTask: true, customerAction: r.customer_action, ...(r.claim ? { claimAndCorrect: true } : {}) } : v;
    });
  }

  // ---- reading ---------------------------------------------------------------

  /** Open packets: not yet done, or submitted and waiting for staff to record the result. */
  list(jobId: string, business: ListingProfile | null): StaffTaskSummary[] {
    const rows = this.sql.exec<StaffRow>("select * from staff_tasks").toArray();
    return rows
      .map((r) => ({ r, task: this.store.task(r.submission_id) }))
      .filter((x): x is { r: StaffRow; task: TaskRow } => !!x.task && (x.task.status === "manual" || x.task.status === "submitted"))
      .map(({ r, task }) => this.summary(jobId, business, r, task))
      .sort((a, b) => a.updatedAt - b.updatedAt);
  }

  packet(jobId: string, business: ListingProfile | null, submissionId: string): StaffActionResult {
    const found = this.find(submissionId);
    if (!found.ok) return found;
    return { ok: true, applied: false, packet: this.toPacket(jobId, business, found.row, found.task) };
  }

  private find(submissionId: string): { ok: true; row: StaffRow; task: TaskRow } | Failure {
    const task = this.store.task(submissionId);
    if (!task) return fail(404, "not_found", "No such submission in this job");
    const row = this.row(submissionId);
    if (!row) return fail(404, "not_a_staff_task", "This directory is submitted by the browser workers, not by staff");
    return { ok: true, row, task };
  }

  private summary(jobId: string, business: ListingProfile | null, r: StaffRow, task: TaskRow): StaffTaskSummary {
    return {
      kind: "submission",
      jobId,
      submissionId: r.submission_id,
      directoryName: task.directory_name,
      businessName: business?.businessName ?? null,
      status: task.status,
      claimedBy: r.claimed_by_name,
      claimedAt: r.claimed_at,
      outcome: r.outcome,
      updatedAt: task.updated_at,
    };
  }

  private toPacket(jobId: string, business: ListingProfile | null, r: StaffRow, task: TaskRow): StaffTaskPacket {
    const closed = CLOSED.includes(task.status);
    const actions: StaffTaskPacket["actions"] = [];
    if (!closed) {
      if (!r.claimed_by) actions.push("claim");
      if (task.status === "manual") actions.push("submitted", "approved", "failed");
      else if (task.status === "submitted") actions.push("approved", "failed");
    }
    return {
      ...this.summary(jobId, business, r, task),
      directory: { id: task.directory_id, name: task.directory_name, website: task.website, submitUrl: task.submit_url, language: task.language, notes: r.notes },
      reason: r.reason,
      fields: packetFields(business, { id: task.directory_id, language: task.language, notes: r.notes }, jobId),
      listingUrl: task.listing_url,
      failureReason: task.failure_reason,
      customerAction: r.customer_action,
      note: r.note,
      claim: r.claim ? (JSON.parse(r.claim) as StaffTaskPacket["claim"]) : null,
      actions,
    };
  }

  // ---- acting ----------------------------------------------------------------

  /** Takes the task; a second claim by the same person changes nothing. */
  claim(jobId: string, business: ListingProfile | null, submissionId: string, staff: StaffMember): StaffActionResult {
    const found = this.find(submissionId);
    if (!found.ok) return found;
    const { row, task } = found;
    if (CLOSED.includes(task.status)) return fail(409, "closed", `This task is closed (${task.status.replace(/_/g, " ")})`);
    if (row.claimed_by === staff.id) return { ok: true, applied: false, packet: this.toPacket(jobId, business, row, task) };
    if (row.claimed_by) return fail(409, "claimed_by_other", `${row.claimed_by_name ?? "Someone else"} has claimed this task`);
    this.takeClaim(row, task, staff);
    return { ok: true, applied: true, packet: this.toPacket(jobId, business, this.row(submissionId)!, this.store.task(submissionId)!) };
  }

  private takeClaim(row: StaffRow, task: TaskRow, staff: StaffMember): void {
    const now = Date.now();
    this.update(row.submission_id, { claimed_by: staff.id, claimed_by_name: staff.name, claimed_at: now });
    // A claim starts an attempt, as a lease does for a browser.
    const attempt = task.attempt + 1;
    this.store.updateTask(task.submission_id, { attempt, worker_id: `staff:${staff.id}` });
    this.host.event("staff_task_claimed", `Our staff is submitting your listing to ${task.directory_name}`, task.submission_id, `${task.submission_id}:${attempt}:staff-claimed`);
    this.host.changed();
  }

  /** Records what happened at the directory, once. */
  record(jobId: string, business: ListingProfile | null, submissionId: string, staff: StaffMember, input: StaffOutcomeInput): StaffActionResult {
    const found = this.find(submissionId);
    if (!found.ok) return found;
    let { row, task } = found;
    if (task.status === "skipped") return fail(409, "closed", "The job was cancelled; this task is closed");
    if (row.claimed_by && row.claimed_by !== staff.id) return fail(409, "claimed_by_other", `${row.claimed_by_name ?? "Someone else"} has claimed this task`);

    if (row.outcome === input.outcome) {
      const same =
        input.outcome === "approved"
          ? task.listing_url === input.listingUrl
          : input.outcome === "failed"
            ? task.failure_reason === input.reason
            : (row.customer_action ?? undefined) === input.customerAction;
      if (same) return { ok: true, applied: false, packet: this.toPacket(jobId, business, row, task) };
      return fail(409, "conflict", `Already recorded as ${row.outcome} with other details`);
    }
    if (row.outcome === "approved" || row.outcome === "failed") return fail(409, "closed", `Already recorded as ${row.outcome}; retry the submission to reopen it`);
    if (task.status !== "manual" && task.status !== "submitted") return fail(409, "closed", `This task is ${task.status.replace(/_/g, " ")}`);

    if (!row.claimed_by) {
      this.takeClaim(row, task, staff);
      row = this.row(submissionId)!;
      task = this.store.task(submissionId)!;
    }
    const now = Date.now();
    const note = input.note ?? row.note;
    const key = (what: string) => `${task.submission_id}:${task.attempt}:${what}`;
    if (input.outcome === "submitted") {
      this.store.updateTask(submissionId, { status: "submitted", lease_expires_at: null, failure_class: null, failure_reason: null, submitted_at: task.submitted_at ?? now });
      this.update(submissionId, { outcome: "submitted", outcome_by: staff.id, outcome_at: now, customer_action: input.customerAction ?? null, note });
      this.host.event("submission_submitted", `Listing was submitted to ${task.directory_name} by our staff`, submissionId, key("submitted"));
    } else if (input.outcome === "approved") {
      this.store.updateTask(submissionId, {
        status: "approved",
        lease_expires_at: null,
        listing_url: input.listingUrl,
        failure_class: null,
        failure_reason: null,
        submitted_at: task.submitted_at ?? now,
        approved_at: now,
      });
      this.update(submissionId, { outcome: "approved", outcome_by: staff.id, outcome_at: now, customer_action: null, note });
      this.host.event("submission_approved", `Listing is live on ${task.directory_name}`, submissionId, key("approved"));
    } else {
      this.store.updateTask(submissionId, { status: "failed", lease_expires_at: null, failure_class: null, failure_reason: input.reason });
      this.update(submissionId, { outcome: "failed", outcome_by: staff.id, outcome_at: now, customer_action: null, note });
      this.host.event("submission_failed", `${task.directory_name}: ${input.reason}`, submissionId, key("failed"));
    }
    this.host.done();
    this.host.changed();
    return { ok: true, applied: true, packet: this.toPacket(jobId, business, this.row(submissionId)!, this.store.task(submissionId)!) };
  }
}
