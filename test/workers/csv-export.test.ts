/**
 * The CSV exports: a cell a spreadsheet would take for a formula is
 * neutralised (a leading apostrophe), everything else is exported as it is,
 * and the file still parses back cell for cell.
 */
import { describe, expect, it } from "vitest";
import type { SubmissionView } from "../../core/protocol/live";
import { parseCsv } from "../../src/catalog/csv";
import { submissionsCsv } from "../../core/csv";

const row = (o: Partial<SubmissionView>): SubmissionView => ({
  submissionId: crypto.randomUUID(),
  directoryId: crypto.randomUUID(),
  directoryName: "Branchenbuch Köln",
  status: "failed",
  attempt: 1,
  listingUrl: null,
  evidenceKey: null,
  failureClass: "validation",
  failureReason: 'Phone rejected, "try again"',
  updatedAt: Date.UTC(2026, 11, 6),
  ...o,
});

describe("the portal's submissions CSV", () => {
  it("neutralises every cell starting with = + - @ tab or CR, and keeps the rest exactly", () => {
    const dangerous = ['=HYPERLINK("https://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tfoo", "\r=1+1"];
    const rows = dangerous.map((text) => row({ directoryName: text, failureReason: text }));
    rows.push(row({ directoryName: "Café, Müller & Söhne", status: "approved", failureClass: null, failureReason: null, listingUrl: "https://x.example/l?a=1" }));
    const records = parseCsv(submissionsCsv(rows)).map((r) => r.record);
    expect(records).toHaveLength(rows.length);
    dangerous.forEach((text, i) => {
      expect(records[i]!.directory).toBe(`'${text}`);
      expect(records[i]!.failure_reason).toBe(`'${text}`);
    });
    expect(records.at(-1)).toMatchObject({ directory: "Café, Müller & Söhne", listing_url: "https://x.example/l?a=1", failure_reason: "" });
    for (const record of records) {
      for (const value of Object.values(record)) expect(value, value).not.toMatch(/^[=+\-@\t\r]/);
    }
  });
});
