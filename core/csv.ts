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
