import { listingState } from "./listing-states";
import type { SubmissionView } from "./protocol/live";

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

/** The portal's "download CSV": one row per directory, as the customer sees it. */
export function submissionsCsv(rows: SubmissionView[]): string {
  const head = ["directory", "state", "state_detail", "status", "attempt", "updated_at", "listing_url", "failure_class", "failure_reason", "submission_id"];
  const lines = rows.map((r) => {
    const state = listingState(r);
    return [r.directoryName, state.label, state.detail, r.status, r.attempt, new Date(r.updatedAt).toISOString(), r.listingUrl, r.failureClass, r.failureReason, r.submissionId]
      .map(csvExportCell)
      .join(",");
  });
  return [head.join(","), ...lines].join("\r\n") + "\r\n";
}
