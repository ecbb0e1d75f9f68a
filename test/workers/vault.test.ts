/**
 * The login vault in workerd against real Postgres: a login the browser
 * worker sealed (its own sealing code, browser-worker/src/consumer.ts) goes
 * through the coordinator's report and outbox to `vault_logins` with no clear
 * password anywhere on the way; it opens with its key id, also after a key
 * rotation; the job's customer and staff reveal it, each reveal recorded;
 * another customer gets the stranger's 404; erasing the job erases it.
 */
import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sealedLogin } from "../../browser-worker/src/consumer";
import type { TaskLease } from "../../core/protocol/tasks";
import { loginAad, seal, toBase64, unseal, vaultKeyring } from "../../core/vault";
import { app } from "../../src/app";
import { headersOf, newPeople, type People } from "./support/actors";
import { settled, startOneTask, stubFor } from "./support/coordinator-harness";
import { query } from "./support/purchase";

const PASSWORD = "Vault-Test-p4ssw0rd!Zq";

type Login = { id: string; username: string | null; email: string | null; loginUrl: string; directoryName: string; reveals: number; password?: string };

/** Every line the Worker logs in this test (core/log writes console lines). */
let logged: string[] = [];
beforeEach(() => {
  logged = [];
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(" "));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

/** A started one-directory job whose attempt created an account, reported as the browser worker reports it. */
async function jobWithLogin(password = PASSWORD) {
  const job = await startOneTask();
  const lease = (await job.next()) as TaskLease;
  const account = await sealedLogin(
    lease,
    { outcome: "submitted", finalUrl: lease.directory.website, filled: [], account: { username: "baeckerei0042", email: "owner@bakery.example", password } },
    () => {},
    env.VAULT_KEYS,
  );
  expect(account).toBeDefined();
  expect(JSON.stringify(account)).not.toContain(password);
  const report = { jobId: job.jobId, submissionId: lease.submissionId, attempt: lease.attempt, outcome: "submitted" as const, account };
  expect(await job.stub.report(report)).toEqual({ applied: true, status: "submitted" });
  return { ...job, lease, report };
}

const call = async (path: string, people: People, actor: "customerA" | "customerB" | "staff" | "anonymous", method = "GET") =>
  exports.default.fetch(`http://localhost${path}`, { method, headers: await headersOf(actor, people) });

describe("the login vault", () => {
  it("stores the login sealed: no clear password in the coordinator's storage, the row, or a log line; it opens with its key id", async () => {
    const job = await jobWithLogin();
    // The coordinator's SQLite (its outbox) before the write to Postgres.
    const stored = await runInDurableObject(stubFor(job.jobId), (_instance, state) => JSON.stringify(state.storage.sql.exec("select * from outbox").toArray()));
    expect(stored).toContain("ciphertext");
    expect(stored).not.toContain(PASSWORD);
    await settled(job.jobId);

    const [row] = await query<Record<string, unknown>>("select * from vault_logins where submission_id = $1", [job.submissionId]);
    expect(row).toMatchObject({ job_id: job.jobId, customer_id: job.customerId, username: "baeckerei0042", email: "owner@bakery.example", key_id: "local", attempt: 1 });
    // The stored bytes: the whole row as Postgres renders it, the ciphertext's bytes decoded too.
    const [text] = await query<{ t: string }>("select row_to_json(l)::text as t from vault_logins l where submission_id = $1", [job.submissionId]);
    for (const needle of [PASSWORD, toBase64(new TextEncoder().encode(PASSWORD)), PASSWORD.slice(0, 8)]) expect(text!.t).not.toContain(needle);
    const cipherBytes = new TextDecoder("latin1").decode(Uint8Array.from(atob(row!.ciphertext as string), (ch) => ch.charCodeAt(0)));
    expect(cipherBytes).not.toContain(PASSWORD.slice(0, 8));

    const ring = await vaultKeyring(env.VAULT_KEYS);
    const sealed = { keyId: row!.key_id as string, iv: row!.iv as string, ciphertext: row!.ciphertext as string };
    expect(await unseal(ring, sealed, loginAad(job.jobId, job.submissionId))).toBe(PASSWORD);
    // Bound to its record: the same ciphertext does not open as another submission's.
    await expect(unseal(ring, sealed, loginAad(job.jobId, crypto.randomUUID()))).rejects.toThrow();
    expect(logged.join("\n")).not.toContain(PASSWORD);
  });

  it("the owner lists (no passwords) and reveals; another customer gets 404; each reveal is recorded, staff's as staff", async () => {
    const job = await jobWithLogin();
    await settled(job.jobId);
    const people = newPeople(job.userId);
    const base = `/api/jobs/${job.jobId}/logins`;

    const listed = await call(base, people, "customerA");
    expect(listed.status).toBe(200);
    const { logins } = (await listed.json()) as { logins: Login[] };
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ username: "baeckerei0042", email: "owner@bakery.example", loginUrl: job.lease.directory.website, reveals: 0 });
    expect(logins[0]).not.toHaveProperty("password");
    const loginId = logins[0]!.id;

    // Not the owner: the stranger's 404, and nothing recorded.
    expect((await call(base, people, "customerB")).status).toBe(404);
    expect((await call(`${base}/${loginId}/reveal`, people, "customerB", "POST")).status).toBe(404);
    expect((await call(`${base}/${loginId}/reveal`, people, "anonymous", "POST")).status).toBe(401);
    expect((await call(`${base}/${crypto.randomUUID()}/reveal`, people, "customerA", "POST")).status).toBe(404);
    expect((await call(`${base}/not-a-uuid/reveal`, people, "customerA", "POST")).status).toBe(400);
    expect(await query("select * from vault_accesses where login_id = $1", [loginId])).toEqual([]);

    const revealed = await call(`${base}/${loginId}/reveal`, people, "customerA", "POST");
    expect(revealed.status).toBe(200);
    expect(revealed.headers.get("cache-control")).toBe("no-store");
    expect(await revealed.json()).toMatchObject({ loginId, password: PASSWORD });
    const staff = await call(`${base}/${loginId}/reveal`, people, "staff", "POST");
    expect(staff.status).toBe(200);
    expect(((await staff.json()) as { password: string }).password).toBe(PASSWORD);

    const accesses = await query<{ actor_user_id: string; actor_role: string; purpose: string; job_id: string }>(
      "select actor_user_id, actor_role, purpose, job_id from vault_accesses where login_id = $1 order by id",
      [loginId],
    );
    expect(accesses).toEqual([
      { actor_user_id: people.userA, actor_role: "customer", purpose: "reveal", job_id: job.jobId },
      { actor_user_id: people.staffUser, actor_role: "staff", purpose: "reveal", job_id: job.jobId },
    ]);
    const after = (await (await call(base, people, "customerA")).json()) as { logins: Login[] };
    expect(after.logins[0]!.reveals).toBe(2);
    expect(logged.join("\n")).not.toContain(PASSWORD);
  });

  it("the export's opt-in flag includes the passwords, each recorded as an export; a bad flag is a 400 that records nothing", async () => {
    const job = await jobWithLogin();
    await settled(job.jobId);
    const people = newPeople(job.userId);
    const base = `/api/jobs/${job.jobId}/logins`;
    expect((await call(`${base}?passwords=yes`, people, "customerA")).status).toBe(400);
    expect((await call(`${base}?passwords=include`, people, "customerB")).status).toBe(404);
    expect(await query("select * from vault_accesses where job_id = $1", [job.jobId])).toEqual([]);
    const res = await call(`${base}?passwords=include`, people, "customerA");
    expect(res.status).toBe(200);
    const { logins } = (await res.json()) as { logins: Login[] };
    expect(logins.map((l) => l.password)).toEqual([PASSWORD]);
    expect(await query("select actor_role, purpose from vault_accesses where job_id = $1", [job.jobId])).toEqual([{ actor_role: "customer", purpose: "export" }]);
  });

  it("after a key rotation old logins open with their key id and new ones are sealed with the new key; without the key, a 503", async () => {
    const job = await jobWithLogin();
    await settled(job.jobId);
    const people = newPeople(job.userId);
    const newKey = toBase64(crypto.getRandomValues(new Uint8Array(32)));
    const rotated = { ...env, VAULT_KEYS: `k2:${newKey},${env.VAULT_KEYS}` } as Env;
    const [{ id: loginId }] = (await query<{ id: string }>("select id from vault_logins where job_id = $1", [job.jobId])) as [{ id: string }];
    const reveal = async (e: Env) =>
      app.fetch(new Request(`http://localhost/api/jobs/${job.jobId}/logins/${loginId}/reveal`, { method: "POST", headers: await headersOf("customerA", people) }), e, createExecutionContext());

    const old = await reveal(rotated);
    expect(old.status).toBe(200);
    expect(((await old.json()) as { password: string }).password).toBe(PASSWORD);
    const sealedNow = await seal(await vaultKeyring(rotated.VAULT_KEYS), "another", loginAad(job.jobId, job.submissionId));
    expect(sealedNow.keyId).toBe("k2");

    // The old key removed: the login cannot be opened, a 503 that shows nothing and records nothing.
    const before = (await query("select * from vault_accesses where login_id = $1", [loginId])).length;
    const gone = await reveal({ ...env, VAULT_KEYS: `k2:${newKey}` } as Env);
    expect(gone.status).toBe(503);
    expect(JSON.stringify(await gone.json())).not.toContain(PASSWORD);
    expect((await query("select * from vault_accesses where login_id = $1", [loginId])).length).toBe(before);
    const broken = await reveal({ ...env, VAULT_KEYS: "" } as Env);
    expect(broken.status).toBe(503);
  });

  it("a later attempt's login replaces the earlier one; erasing the job erases its vault entries and their records", async () => {
    const job = await jobWithLogin();
    await settled(job.jobId);
    const people = newPeople(job.userId);
    // The same report again (a replay): one row, unchanged.
    await job.stub.report(job.report);
    await settled(job.jobId);
    expect(await query("select attempt from vault_logins where job_id = $1", [job.jobId])).toEqual([{ attempt: 1 }]);
    const [{ id: loginId }] = (await query<{ id: string }>("select id from vault_logins where job_id = $1", [job.jobId])) as [{ id: string }];
    expect((await call(`/api/jobs/${job.jobId}/logins/${loginId}/reveal`, people, "customerA", "POST")).status).toBe(200);

    await query("delete from job_event_staff_notes where job_id = $1", [job.jobId]);
    await query("delete from jobs where id = $1", [job.jobId]);
    expect(await query("select * from vault_logins where job_id = $1", [job.jobId])).toEqual([]);
    expect(await query("select * from vault_accesses where login_id = $1", [loginId])).toEqual([]);
  });

  it("an external worker reports a sealed login through the worker API the same way; a clear password there is a 400", async () => {
    const job = await startOneTask();
    const lease = (await job.next()) as TaskLease;
    const post = (body: unknown) =>
      exports.default.fetch("http://localhost/api/jobs/update", {
        method: "POST",
        headers: { authorization: `Bearer ${env.WORKER_API_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const base = { jobId: job.jobId, submissionId: lease.submissionId, attempt: lease.attempt, outcome: "submitted", workerId: "fleet-1" };
    const clear = await post({ ...base, account: { loginUrl: lease.directory.website, username: "baeckerei0042", password: PASSWORD } });
    expect(clear.status).toBe(400);
    expect(JSON.stringify(await clear.json())).not.toContain(PASSWORD);
    const account = await sealedLogin(lease, { outcome: "submitted", finalUrl: "", filled: [], account: { username: "baeckerei0042", password: PASSWORD } }, () => {}, env.VAULT_KEYS);
    expect(await (await post({ ...base, account })).json()).toEqual({ applied: true, status: "submitted" });
    await settled(job.jobId);
    const people = newPeople(job.userId);
    const { logins } = (await (await call(`/api/jobs/${job.jobId}/logins?passwords=include`, people, "customerA")).json()) as { logins: Login[] };
    expect(logins.map((l) => [l.username, l.password])).toEqual([["baeckerei0042", PASSWORD]]);
    expect(logged.join("\n")).not.toContain(PASSWORD);
  });

  it("a login sealed with a key this deployment does not hold is dropped (it could never be opened)", async () => {
    const job = await startOneTask();
    const lease = (await job.next()) as TaskLease;
    const foreign = `elsewhere:${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
    const account = await sealedLogin(lease, { outcome: "submitted", finalUrl: "", filled: [], account: { username: "x", password: PASSWORD } }, () => {}, foreign);
    expect(account?.password.keyId).toBe("elsewhere");
    expect(await job.stub.report({ jobId: job.jobId, submissionId: lease.submissionId, attempt: lease.attempt, outcome: "submitted", account })).toEqual({
      applied: true,
      status: "submitted",
    });
    await settled(job.jobId);
    expect(await query("select * from vault_logins where job_id = $1", [job.jobId])).toEqual([]);
    expect(logged.join("\n")).toContain("sealed with a key this deployment does not hold");
  });

  it("a login in a malformed report (the RPC is typed, not validated) is dropped, the outcome still applied", async () => {
    const job = await startOneTask();
    const lease = await job.next();
    const report = {
      jobId: job.jobId,
      submissionId: lease.submissionId,
      attempt: lease.attempt,
      outcome: "submitted" as const,
      account: { loginUrl: "javascript:alert(1)", password: { keyId: "local", iv: "x", ciphertext: PASSWORD } },
    };
    expect(await job.stub.report(report as never)).toEqual({ applied: true, status: "submitted" });
    await settled(job.jobId);
    expect(await query("select * from vault_logins where job_id = $1", [job.jobId])).toEqual([]);
    // Said so (the spy sees the Worker's lines), without the values.
    expect(logged.join("\n")).toContain("reported login dropped");
    expect(logged.join("\n")).not.toContain(PASSWORD);
  });
});
