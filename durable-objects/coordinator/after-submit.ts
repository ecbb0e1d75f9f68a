/**
 * What happens to a job's submissions after the submit button
 * (docs/architecture.md, flow), wired into the JobCoordinator by a few calls:
 * - a verification mail (matched by verification.ts) becomes a `verify`
 *   browser task; once its link is opened the submission is `submitted`;
 * - every submitted submission is tracked (approval-tracker.ts) until its
 *   listing is found (a `listing` browser task screenshots it → `approved`
 *   with its live URL) or the deadline passes (`failed`, "not published");
 * - a survival check that found a listing gone or changed gets a `check`
 *   browser task that screenshots the page (check-screens.ts).
 * Its state is in the coordinator's SQLite beside the tasks; everything goes
 * through the coordinator's TaskStore, events and outbox.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client";
import { log } from "../../core/log";
import type { FollowupLease, FollowupReport, TaskMessage } from "../../core/protocol/tasks";
import { ApprovalChecks, lookupListing, parseScheduleConfig, scheduleFor, type ScheduleConfig } from "./approval-tracker";
import { checkEvidenceKey } from "../../core/evidence-keys";
import { CheckScreens } from "./check-screens";
import { Followups, type FollowupOutcome } from "./followups";
import { ListingUpdates } from "./listing-update";
import type { TaskRow, TaskStore } from "./task-store";
import { JOB_MAILBOX, Mailboxes, mailsPerJob } from "./mailboxes";
import { matchMail, type MailFacts, type MailMatch, type MailTrust } from "./verification";

/** Lookups per alarm, a few at a time (a Worker has 6 outgoing connections). */
const CHECKS_PER_ALARM = 24;
const CHECK_PARALLELISM = 4;
/** Retry loading the directories' lookup data after a database failure. */
const DIRECTORY_RETRY_MS = 10_000;
/** Submissions newly submitted are taken into tracking at most this often. */
const TRACK_BATCH_MS = 1_000;
/** A verified submission's listing is looked for within this: the directory publishes after the confirmation. */
const VERIFIED_LOOK_MS = 60_000;

export interface AfterSubmitHost {
  store: TaskStore;
  sql: SqlStorage;
  env: Env;
  event(kind: string, message: string, submissionId?: string, dedupeKey?: string): void;
  changed(): void;
  send(messages: TaskMessage[]): Promise<unknown>;
  database(): Promise<{ db: Database; close(): Promise<void> }>;
}

export type AcceptResult = { accepted: true; detail: string } | { accepted: false; reason: string };

export class AfterSubmit {
  readonly followups: Followups;
  readonly checks: ApprovalChecks;
  readonly checkScreens: CheckScreens;
  /** "Update my listings": its `update` follow-ups run here with the others (listing-update.ts). */
  readonly updates: ListingUpdates;
  private readonly mailboxes: Mailboxes;
  /** Re-check schedules (APPROVAL_SCHEDULE); tests may set their own. */
  schedules: ScheduleConfig;
  private directoriesRetryAt = 0;
  /** How lookups reach the directories; tests may point it elsewhere. */
  fetcher: typeof fetch = (input, init) => fetch(input, init);

  constructor(private readonly host: AfterSubmitHost) {
    this.followups = new Followups(host.sql);
    this.updates = new ListingUpdates(host.sql);
    this.checks = new ApprovalChecks(host.sql);
    this.checkScreens = new CheckScreens(host.sql);
    this.mailboxes = new Mailboxes(host.sql);
    const parsed = parseScheduleConfig(host.env.APPROVAL_SCHEDULE);
    if (parsed.error) log("warn", "APPROVAL_SCHEDULE ignored", { error: parsed.error });
    this.schedules = parsed.config;
  }

  private get active(): boolean {
    const s = this.host.store.job.status;
    return this.host.store.job.loaded && (s === "in_progress" || s === "completed");
  }

  // ---- verification mails ---------------------------------------------------

  /**
   * Which submission a mail is about, and whether it may be opened. Counts the
   * mail against its mailbox and the job first: a mail over the caps, or to a
   * token no submission has, is refused (nothing is written for it anywhere).
   */
  matchMail(mail: MailFacts): MailMatch {
    if (!this.host.store.job.loaded) return { matched: false, reason: "the job is not running here", refused: true };
    const submissionId = "token" in mail.mailbox ? this.mailboxes.submissionOf(mail.mailbox.token) : null;
    if ("token" in mail.mailbox && !submissionId) return { matched: false, reason: "no such mailbox", refused: true };
    const jobCap = mailsPerJob(this.host.store.allTasks().length);
    const admission = this.mailboxes.admit(mail.mailId, submissionId ?? JOB_MAILBOX, jobCap);
    if (!admission.admitted) return { matched: false, reason: admission.reason, refused: true };
    if (!submissionId) return { matched: false, reason: "sent to the job's old shared address, which anyone who knows the job id can write to: kept for staff, never opened" };
    const task = this.host.store.task(submissionId);
    if (!task) return { matched: false, reason: "no such mailbox", refused: true };
    return matchMail(task, mail);
  }

  /** The address a submission gives its directory. */
  mailboxToken(submissionId: string): string {
    return this.mailboxes.tokenFor(submissionId);
  }

  /**
   * Queues the link of a matched mail once. A repeated mail or a verified
   * submission changes nothing; a better-authenticated mail (DKIM over SPF)
   * replaces a link not yet opened.
   */
  acceptMail(submissionId: string, link: string, mailKey: string, trust: MailTrust): AcceptResult {
    const task = this.host.store.task(submissionId);
    if (!task) return { accepted: false, reason: "unknown submission" };
    if (this.host.store.job.status === "cancelled") return { accepted: false, reason: "the job is cancelled" };
    if (task.status === "approved" || task.status === "failed" || task.status === "skipped" || task.status === "already_listed")
      return { accepted: false, reason: `the submission is already ${task.status}` };
    if (!this.followups.add(submissionId, "verify", link)) {
      const before = this.mailboxes.trustOf(submissionId) ?? 0;
      if (trust <= before) return { accepted: false, reason: "a verification link was already taken for this directory" };
      if (!this.followups.replaceUrl(submissionId, "verify", link)) return { accepted: false, reason: "the verification link taken before is already being opened" };
      this.mailboxes.setTrust(submissionId, trust, mailKey);
      this.host.event(
        "verification_mail",
        `A better-authenticated verification mail from ${task.directory_name} replaced the earlier link`,
        submissionId,
        `${submissionId}:verification_mail:${trust}`,
      );
      this.host.changed();
      log("info", "verification link replaced", { jobId: this.host.store.job.jobId, submissionId, mailKey, trust });
      return { accepted: true, detail: "verification link replaced by a better-authenticated mail" };
    }
    this.mailboxes.setTrust(submissionId, trust, mailKey);
    this.host.event("verification_mail", `Verification mail from ${task.directory_name} received`, submissionId, `${submissionId}:verification_mail`);
    if (task.status === "retrying" || task.status === "queued") this.earlierPostArrived(task);
    this.host.changed();
    log("info", "verification mail accepted", { jobId: this.host.store.job.jobId, submissionId, mailKey, trust });
    return { accepted: true, detail: "verification link queued" };
  }

  /** Whether a verification mail of the submission was taken: some attempt's post reached the directory. */
  hasVerificationMail(submissionId: string): boolean {
    return this.followups.get(submissionId, "verify") !== undefined;
  }

  /**
   * A retry was waiting when the directory's verification mail came: an
   * earlier attempt's post arrived after all (its answer was lost with the
   * browser, the worker or the report). Posting again would list the
   * business twice; the listing waits for its verification instead.
   */
  private earlierPostArrived(task: TaskRow): void {
    this.awaitVerification(task, `${task.directory_name} sent its verification mail: an earlier attempt's post arrived, so it is not posted again`, "earlier_post_arrived");
  }

  /**
   * Whether the submission's verification link has been opened. The mail can
   * come, and its link be opened, while the attempt that posted is still
   * running: its report comes later, or its lease runs out.
   */
  linkOpened(submissionId: string): boolean {
    return this.followups.get(submissionId, "verify")?.status === "done";
  }

  /**
   * The submission's post arrived (its verification mail says so): no retry,
   * no lease; it waits for its link to be opened, or, when the link was
   * opened already, it is submitted and its listing looked for soon.
   */
  awaitVerification(task: TaskRow, message: string, why: string): void {
    const opened = this.linkOpened(task.submission_id);
    this.host.store.updateTask(task.submission_id, {
      status: opened ? "submitted" : "awaiting_verification",
      lease_expires_at: null,
      next_attempt_at: null,
      failure_class: null,
      failure_reason: null,
      submitted_at: task.submitted_at ?? Date.now(),
    });
    if (!opened) {
      this.host.event("submission_awaiting_verification", message, task.submission_id, `${task.submission_id}:${task.attempt}:${why}`);
      return;
    }
    this.host.event(
      "submission_submitted",
      `${task.directory_name}: its post arrived (its verification mail came) and the link was already opened`,
      task.submission_id,
      `${task.submission_id}:${task.attempt}:${why}:verified`,
    );
    this.lookSoonVerified(task.submission_id, this.checkEvery(task));
  }

  /** A verified submission's next look, within a minute: the directory publishes after the confirmation. */
  private lookSoonVerified(submissionId: string, everyMs: number, now = Date.now()): void {
    this.checks.lookSoon(submissionId, now + Math.min(everyMs, VERIFIED_LOOK_MS));
  }

  // ---- the browser's side -----------------------------------------------------

  leaseFollowup(submissionId: string, kind: FollowupLease["kind"], attempt: number): FollowupLease | null {
    if (!this.active) return null;
    // A `check` follow-up is keyed by the check's id; its listing is the submission the check is about.
    const listingId = kind === "check" ? this.checkScreens.get(submissionId)?.submission_id : submissionId;
    const task = listingId ? this.host.store.task(listingId) : undefined;
    const row = task ? this.followups.lease(submissionId, kind, attempt) : null;
    if (!row || !task) return null;
    const lease = this.followups.toLease(
      this.host.store.job.jobId!,
      row,
      { id: task.directory_id, slug: task.directory_slug, name: task.directory_name, website: task.website },
      this.host.store.job.business?.businessName ?? null,
    );
    if (kind === "check") return { ...lease, evidenceKey: checkEvidenceKey(lease.jobId, task.submission_id, submissionId, row.attempt) };
    if (kind !== "update") return lease;
    const update = this.updates.leaseDetails(submissionId);
    return update ? { ...lease, update: { ...update, language: task.language } } : null;
  }

  /**
   * A survival check found the listing gone or changed: one browser task
   * screenshots its page (`repeated` when this check asked before: a
   * replayed cron adds nothing).
   */
  screenshotCheck(checkId: string, submissionId: string, url: string): { accepted: true; repeated: boolean } | { accepted: false; reason: "unknown_submission" | "job_not_running" } {
    if (!this.active) return { accepted: false, reason: "job_not_running" };
    if (!this.host.store.task(submissionId)) return { accepted: false, reason: "unknown_submission" };
    if (!this.checkScreens.add(checkId, submissionId)) return { accepted: true, repeated: true };
    this.followups.add(checkId, "check", url);
    log("info", "check screenshot asked", { jobId: this.host.store.job.jobId, checkId, submissionId });
    return { accepted: true, repeated: false };
  }

  reportFollowup(report: FollowupReport): boolean {
    if (report.jobId !== this.host.store.job.jobId) return false;
    const leased = this.followups.get(report.submissionId, report.kind);
    const outcome = this.followups.report(report);
    // An update attempt that failed and will be tried again: its reason is shown meanwhile.
    if (report.kind === "update" && !report.ok && leased?.status === "leased" && leased.attempt === report.attempt) {
      this.updates.note(report.submissionId, report.reason ?? "the update failed");
      this.host.changed();
    }
    if (!outcome) return report.kind === "update" && leased?.status === "leased" && leased.attempt === report.attempt;
    this.settle(outcome);
    return true;
  }

  private settle(outcome: FollowupOutcome): void {
    if (outcome.row.kind === "check") {
      // Nothing about the submission changes: the screenshot is the check's, written to its row in Postgres.
      if (outcome.kind === "done") this.checkScreens.finish(outcome.row.submission_id, outcome.report.evidenceKey ?? null, outcome.report.evidenceKey ? null : "the screenshot could not be stored");
      else this.checkScreens.finish(outcome.row.submission_id, null, `no screenshot: ${outcome.reason}`.slice(0, 500));
      return;
    }
    if (outcome.row.kind === "update") {
      const item = this.updates.settle(outcome);
      if (item) {
        const message =
          item.status === "confirmed"
            ? `${item.directory_name}: listing updated and confirmed on its public page`
            : `${item.directory_name}: the listing could not be updated (${outcome.kind === "gave_up" ? outcome.reason : ""})`;
        this.host.event(item.status === "confirmed" ? "listing_updated" : "listing_update_failed", message, item.submission_id, `${item.submission_id}:update:${item.status}`);
      }
      this.host.changed();
      return;
    }
    const task = this.host.store.task(outcome.row.submission_id);
    if (!task || task.status === "approved" || task.status === "failed" || task.status === "skipped" || task.status === "already_listed") return;
    if (outcome.row.kind === "verify") {
      if (outcome.kind === "done") {
        if (task.status === "awaiting_verification") this.host.store.updateTask(task.submission_id, { status: "submitted" });
        this.host.event("submission_verified", `${task.directory_name}: verification link opened`, task.submission_id, `${task.submission_id}:verified`);
        this.lookSoonVerified(task.submission_id, this.checkEvery(task));
      } else {
        this.host.event("verification_failed", `${task.directory_name}: the verification link did not open (${outcome.reason})`, task.submission_id, `${task.submission_id}:verify_gave_up`);
      }
    } else {
      const url = outcome.row.url;
      const evidence = outcome.kind === "done" ? (outcome.report.evidenceKey ?? null) : null;
      this.approve(task, url, evidence, outcome.kind === "done" ? undefined : `screenshot failed: ${outcome.reason}`);
    }
    this.host.changed();
  }

  private approve(task: TaskRow, url: string, evidenceKey: string | null, note?: string): void {
    this.host.store.updateTask(task.submission_id, {
      status: "approved",
      listing_url: url,
      evidence_key: evidenceKey ?? task.evidence_key,
      failure_class: null,
      failure_reason: null,
      approved_at: Date.now(),
    });
    this.checks.set(task.submission_id, "done", note ?? "live");
    this.host.event("submission_approved", `Listing is live on ${task.directory_name}`, task.submission_id, `${task.submission_id}:approved`);
  }

  /** A live listing is submitted again (a survival check's "submit again"): its follow-ups and approval tracking start over. */
  forget(submissionId: string): void {
    this.host.sql.exec("delete from followups where submission_id = ?", submissionId);
    this.host.sql.exec("delete from approval_checks where submission_id = ?", submissionId);
  }

  private checkEvery(task: TaskRow): number {
    return this.checks.get(task.submission_id)?.every_ms ?? 60_000;
  }

  /**
   * After-submit work that can still change a submission soon: follow-ups not
   * ended, and approval looks due within `withinMs` (a verified submission is
   * looked up within a minute). The fault harness waits for none before it
   * takes the snapshot its replays must not change.
   */
  dueSoon(withinMs: number, now = Date.now()): number {
    if (!this.active) return 0;
    return this.followups.openCount() + this.checks.dueBy(now + withinMs);
  }

  // ---- timers -------------------------------------------------------------------

  nextDueAt(): number | null {
    if (!this.active) return null;
    // New submissions are taken on in batches, not by an alarm per report.
    const due = [
      this.followups.nextDueAt(),
      this.checks.nextDueAt(),
      this.checkScreens.nextDueAt(),
      this.checks.hasUntracked() ? Math.max(Date.now() + TRACK_BATCH_MS, this.directoriesRetryAt) : null,
    ];
    const times = due.filter((v): v is number => v !== null);
    return times.length ? Math.min(...times) : null;
  }

  /** Called from the coordinator's alarm: expire leases, start tracking, look up due listings, release browser tasks. */
  async tick(now = Date.now()): Promise<void> {
    if (!this.active) return;
    for (const outcome of this.followups.expire(now)) this.settle(outcome);
    await this.track(now);
    await this.runChecks(now);
    await this.release();
    await this.syncCheckScreens(now);
  }

  /** Writes ended check screenshots to their checks' rows; a failed write waits for a later alarm. */
  private async syncCheckScreens(now: number): Promise<void> {
    const due = this.checkScreens.due(now);
    if (!due.length) return;
    let conn: Awaited<ReturnType<AfterSubmitHost["database"]>> | undefined;
    try {
      conn = await this.host.database();
      for (const row of due) {
        // The first outcome stays: a check has one screenshot.
        await conn.db.execute(
          sql`update listing_checks set evidence_key = ${row.evidence_key}, screenshot_note = ${row.note} where id = ${row.check_id} and evidence_key is null and screenshot_note is null`,
        );
        this.checkScreens.synced(row.check_id);
      }
    } catch (err) {
      for (const row of due) if (this.checkScreens.get(row.check_id)?.sync_at !== null) this.checkScreens.retryLater(row.check_id, now);
      log("warn", "check screenshots not written", { jobId: this.host.store.job.jobId, error: err });
    } finally {
      await conn?.close();
    }
  }

  /** Sends due follow-ups to the queue; a failed send is retried when the lease expires. */
  async release(): Promise<void> {
    if (!this.active) return;
    const messages = this.followups.release(this.host.store.job.jobId!);
    if (!messages.length) return;
    try {
      await this.host.send(messages);
    } catch (err) {
      log("warn", "follow-up send failed", { jobId: this.host.store.job.jobId, error: err });
    }
  }

  private async track(now: number): Promise<void> {
    let untracked = this.checks.untracked();
    if (!untracked.length) return;
    if (untracked.some((u) => u.slug === null)) {
      if (now < this.directoriesRetryAt) return;
      if (!(await this.loadDirectories(now))) return;
      untracked = this.checks.untracked();
    }
    for (const u of untracked) {
      // A submission Postgres did not list gets the defaults and no search.
      const schedule = scheduleFor(this.schedules, { slug: u.slug ?? "", approvalType: u.approval_type ?? "unknown" });
      this.checks.start(u.submission_id, schedule, u.search_url, now);
      // Verified before it was tracked (its link opened while the attempt that posted still ran): looked for soon, as any verified one.
      if (this.linkOpened(u.submission_id)) this.lookSoonVerified(u.submission_id, schedule.everyMs, now);
    }
  }

  /** The directories' lookup data (search URL, approval type), once per job, from Postgres. */
  private async loadDirectories(now: number): Promise<boolean> {
    let conn: Awaited<ReturnType<AfterSubmitHost["database"]>> | undefined;
    try {
      conn = await this.host.database();
      const rows = await conn.db.execute<{ id: string; slug: string; approval_type: string; listing_search_url: string | null }>(
        sql`select s.id, d.slug, d.approval_type, d.listing_search_url from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = ${this.host.store.job.jobId}`,
      );
      this.checks.saveDirectories(rows.rows.map((r) => ({ submissionId: r.id, slug: r.slug, approvalType: r.approval_type, searchUrl: r.listing_search_url })));
      return true;
    } catch (err) {
      this.directoriesRetryAt = now + DIRECTORY_RETRY_MS;
      log("warn", "approval tracking: directories not loaded", { jobId: this.host.store.job.jobId, error: err });
      return false;
    } finally {
      await conn?.close();
    }
  }

  private async runChecks(now: number): Promise<void> {
    const due = this.checks.due(now, CHECKS_PER_ALARM);
    const businessName = this.host.store.job.business?.businessName ?? null;
    for (let i = 0; i < due.length; i += CHECK_PARALLELISM) {
      await Promise.all(
        due.slice(i, i + CHECK_PARALLELISM).map(async (row) => {
          const before = this.host.store.task(row.submission_id);
          if (!before) return;
          if (!businessName) return this.checks.checked(row, "no business name to look for");
          const result = await lookupListing(this.fetcher, { listingUrl: before.listing_url, searchUrl: row.search_url, businessName });
          // Re-read after the await: a report or staff action may have moved it.
          const task = this.host.store.task(row.submission_id);
          const current = this.checks.get(row.submission_id);
          if (!task || current?.state !== "tracking" || (task.status !== "submitted" && task.status !== "awaiting_verification")) return;
          const at = Date.now();
          if (result.found) {
            this.checks.set(task.submission_id, "found", `found at ${result.url}`);
            this.host.store.updateTask(task.submission_id, { listing_url: result.url });
            this.followups.add(task.submission_id, "listing", result.url);
            this.host.event("listing_found", `${task.directory_name}: listing found at ${result.url}`, task.submission_id, `${task.submission_id}:listing_found`);
          } else if (at >= current.deadline_at) {
            this.followups.close(task.submission_id);
            this.host.store.updateTask(task.submission_id, { status: "failed", failure_class: null, failure_reason: "not published" });
            this.checks.set(task.submission_id, "done", `deadline passed: ${result.detail}`);
            this.host.event("submission_failed", `${task.directory_name}: not published (after ${current.checks + 1} checks)`, task.submission_id, `${task.submission_id}:not_published`);
          } else {
            this.checks.checked(current, result.detail, at);
            return;
          }
          this.host.changed();
        }),
      );
    }
  }
}
