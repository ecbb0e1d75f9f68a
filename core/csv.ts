import { listingState } from "./listing-states";
import type { SubmissionView } from "./protocol/live";
import type { ListingCare, VaultLogin } from "./protocol/site";

/**
 * One cell of a CSV the app exports (RFC 4180 quoting). A cell a spreadsheet
 * would read as a formula (= + - @, or a leading tab or carriage return) gets
 * a leading apostrophe, so a directory name or failure reason written by a
 * directory's page cannot run in the reader's spreadsheet (OWASP, CSV
 * injection).
 */
export function csvExportCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The portal's "download CSV": one row per directory, as the customer sees it.
 * With `logins` (the customer opted in; each password was recorded as an
 * export), four more columns: the directory's login. A replacement names the
 * directory it replaces and why that one ended. `care` (GET
 * /api/jobs/:id/listings): each live listing's latest survival check, when,
 * at which milestone, its verdict and the fields that differ (issue 19).
 */
export function submissionsCsv(rows: SubmissionView[], logins?: VaultLogin[], care: ListingCare[] = []): string {
  const head = [
    "directory",
    "state",
    "state_detail",
    "status",
    "attempt",
    "updated_at",
    "listing_url",
    "failure_class",
    "failure_reason",
    "submission_id",
    "replaces_directory",
    "replaces_submission_id",
    "replacement_reason",
    "last_checked_at",
    "check_milestone_days",
    "check_verdict",
    "check_differences",
  ];
  if (logins) head.push("login_url", "login_username", "login_email", "login_password");
  const bySubmission = new Map((logins ?? []).map((l) => [l.submissionId, l]));
  const names = new Map(rows.map((r) => [r.submissionId, r.directoryName]));
  const checks = new Map(care.map((l) => [l.submissionId, l]));
  const lines = rows.map((r) => {
    const state = listingState(r);
    const login = bySubmission.get(r.submissionId);
    const cells: unknown[] = [r.directoryName, state.label, state.detail, r.status, r.attempt, new Date(r.updatedAt).toISOString(), r.listingUrl, r.failureClass, r.failureReason, r.submissionId];
    // A replacement says what it replaces and why (issue 17).
    cells.push(r.replaces ? names.get(r.replaces.submissionId) : null, r.replaces?.submissionId, r.replaces?.reason);
    const listing = checks.get(r.submissionId);
    cells.push(listing?.lastCheckedAt, listing?.check?.milestoneDays, listing?.check?.verdict, listing?.check?.differences.join(";"));
    if (logins) cells.push(login?.loginUrl, login?.username, login?.email, login?.password);
    return cells.map(csvExportCell).join(",");
  });
  return [head.join(","), ...lines].join("\r\n") + "\r\n";
}
