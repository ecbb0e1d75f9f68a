import { afterEach, describe, expect, it, vi } from "vitest";
import { formatLog, log, redactString } from "../../core/log";

const SECRETS = {
  bearer: "Bearer abc.DEF-ghi_123~",
  stripeKey: "sk_live_51HxQz9Lk3jPq7RsTuv",
  restrictedKey: "rk_test_9ZyXwVuTsRqP",
  webhookSecret: "whsec_4eC39HqLyjWDarjtT1zdp7dc",
  jwt: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  card: "4242 4242 4242 4242",
  cardDashed: "5555-5555-5555-4444",
  dbUrl: "postgres://app:s3cretpass@db.example.supabase.co:5432/postgres",
  email: "jane.doe@example.com",
};

describe("structured logs", () => {
  afterEach(() => vi.restoreAllMocks());

  it("write one JSON line with level, msg, time and the ids", () => {
    const line = JSON.parse(formatLog("info", "job started", { requestId: "8f2a-LHR", jobId: "j1", submissionId: "s1", count: 3 }));
    expect(line).toMatchObject({ level: "info", msg: "job started", requestId: "8f2a-LHR", jobId: "j1", submissionId: "s1", count: 3 });
    expect(new Date(line.time).getTime()).toBeGreaterThan(0);
  });

  it("never carry a token, key, JWT, credential, card number or e-mail local part, wherever it hides", () => {
    const line = formatLog("error", `failed for ${SECRETS.email} with ${SECRETS.stripeKey}`, {
      jobId: "j1",
      authorization: SECRETS.bearer,
      headers: { Authorization: SECRETS.bearer, "stripe-signature": "t=1,v1=abcdef", cookie: "sb=xyz" },
      body: `{"card":"${SECRETS.card}","other":"${SECRETS.cardDashed}","key":"${SECRETS.restrictedKey}"}`,
      nested: { deeper: [{ note: `secret ${SECRETS.webhookSecret} and token ${SECRETS.jwt}` }] },
      apiKey: "anything",
      error: new Error(`connect ${SECRETS.dbUrl} failed; sent ${SECRETS.bearer}`),
    });
    for (const [name, secret] of Object.entries(SECRETS)) {
      const needle = name === "bearer" ? "abc.DEF-ghi_123" : name === "dbUrl" ? "s3cretpass" : name === "email" ? "jane.doe" : secret;
      expect(line, name).not.toContain(needle);
    }
    expect(line).not.toContain("v1=abcdef");
    expect(line).not.toContain("sb=xyz");
    expect(line).not.toMatch(/4242\s?4242\s?4242/);
    // What stays is what an operator needs.
    const parsed = JSON.parse(line);
    expect(parsed.jobId).toBe("j1");
    expect(parsed.msg).toContain("***@example.com");
    expect(parsed.body).toContain("[card ****4242]");
    expect(parsed.body).toContain("[card ****4444]");
    expect(parsed.error).toContain("db.example.supabase.co");
  });

  it("leave ids and ordinary numbers alone", () => {
    expect(redactString("job 3f1c2a9e-1b2c-4d5e-8f90-123456789abc took 1234567890123 ms")).toBe("job 3f1c2a9e-1b2c-4d5e-8f90-123456789abc took 1234567890123 ms");
    expect(redactString("phone +4922112345678")).toBe("phone +4922112345678");
  });

  it("go to stderr for warn and error, stdout otherwise, already redacted", () => {
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    const out = vi.spyOn(console, "log").mockImplementation(() => {});
    log("warn", "outbox write failed", { jobId: "j2", error: `token ${SECRETS.jwt}` });
    log("info", "batch done", { submitted: 3 });
    expect(err).toHaveBeenCalledTimes(1);
    expect(out).toHaveBeenCalledTimes(1);
    expect(String(err.mock.calls[0]![0])).not.toContain(SECRETS.jwt);
    expect(JSON.parse(String(out.mock.calls[0]![0]))).toMatchObject({ level: "info", msg: "batch done", submitted: 3 });
  });
});
