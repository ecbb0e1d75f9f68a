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

  it("carries the logins only when asked: four columns, each login on its directory's row", () => {
    const rows = [row({ status: "approved", failureClass: null, failureReason: null }), row({})];
    expect(Object.keys(parseCsv(submissionsCsv(rows))[0]!.record)).not.toContain("login_password");
    const login = {
      id: crypto.randomUUID(),
      submissionId: rows[0]!.submissionId,
      directoryId: rows[0]!.directoryId,
      directoryName: "Branchenbuch Köln",
      loginUrl: "https://koeln.example/",
      username: "baeckerei0042",
      email: "owner@bakery.example",
      createdAt: new Date().toISOString(),
      reveals: 1,
      lastRevealedAt: new Date().toISOString(),
      password: 'k7#Qw,x"z9!Lm',
    };
    const records = parseCsv(submissionsCsv(rows, [login])).map((r) => r.record);
    expect(records[0]).toMatchObject({ login_url: "https://koeln.example/", login_username: "baeckerei0042", login_email: "owner@bakery.example", login_password: login.password });
    expect(records[1]).toMatchObject({ login_url: "", login_username: "", login_email: "", login_password: "" });
  });
});
