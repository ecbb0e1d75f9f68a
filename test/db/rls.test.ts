/**
 * The RLS matrix: anon, customer A, customer B, staff and service each try to
 * read and write every table. Reads are counted over this test's own rows;
 * writes must fail with "permission denied" for every client role but
 * service_role. The matrix is printed, and must equal the table in
 * docs/security.md (`npm run security:doc` rewrites it).
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { inArray, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "../../src/db/client";
import { asClient, type ClientRole, type JwtClaims } from "../../src/db/rls";
import * as t from "../../src/db/schema";
import { markdownTable, readSection, writeSection } from "../support/doc-sections";
import { openDatabase, uniq } from "./support";

const SECURITY_DOC = new URL("../../docs/security.md", import.meta.url);

type Actor = "anon" | "customerA" | "customerB" | "staff" | "service";
const ACTORS: Actor[] = ["anon", "customerA", "customerB", "staff", "service"];

const userA = randomUUID();
const userB = randomUUID();
const staffUser = randomUUID();

const actorRole: Record<Actor, { role: ClientRole; claims: JwtClaims | null }> = {
  anon: { role: "anon", claims: null },
  customerA: { role: "authenticated", claims: { sub: userA, role: "authenticated" } },
  customerB: { role: "authenticated", claims: { sub: userB, role: "authenticated" } },
  staff: { role: "authenticated", claims: { sub: staffUser, role: "authenticated", app_metadata: { role: "staff" } } },
  service: { role: "service_role", claims: { role: "service_role" } },
};

/** Every table with the keys of this test's rows in it, and whose rows they are. */
interface Fixture {
  table: PgTable;
  name: string;
  /** The column the rows are picked by, when it is not `id` (one column of a composite key is enough here). */
  key?: { column: PgColumn; name: string };
  rows: { id: string | number; owner: "A" | "B" | "none" }[];
}

const keyOf = (f: Fixture): { column: PgColumn; name: string } => f.key ?? { column: (f.table as unknown as { id: PgColumn }).id, name: "id" };

let conn: Connection;
const fixtures: Fixture[] = [];

beforeAll(async () => {
  conn = await openDatabase();
  const { db } = conn;
  const tag = uniq("rls");
  const made = {} as Record<
    "A" | "B",
    {
      customer: string;
      profile: string;
      order: string;
      job: string;
      submission: string;
      event: number;
      endpoint: string;
      delivery: string;
      directoryMail: string;
      login: string;
      access: number;
      shortfall: string;
    }
  >;
  const [dir1, dir2] = await db
    .insert(t.directories)
    .values([
      { slug: `${tag}-one`, name: "One", website: "https://one.example", priorityTier: 1, country: "US" },
      { slug: `${tag}-two`, name: "Two", website: "https://two.example", priorityTier: 2, country: "DE" },
    ])
    .returning({ id: t.directories.id });
  for (const [who, user] of [
    ["A", userA],
    ["B", userB],
  ] as const) {
    const [c] = await db
      .insert(t.customers)
      .values({ email: `${tag}-${who}@example.com`.toLowerCase(), userId: user })
      .returning();
    const [p] = await db
      .insert(t.businessProfiles)
      .values({ customerId: c!.id, businessName: `Biz ${who}` })
      .returning();
    const [o] = await db
      .insert(t.orders)
      .values({ customerId: c!.id, plan: "starter", stripeCheckoutSessionId: `cs_${tag}_${who}`, amountCents: 14900 })
      .returning();
    const [j] = await db.insert(t.jobs).values({ orderId: o!.id, customerId: c!.id, plan: "starter" }).returning();
    const [s] = await db.insert(t.directorySubmissions).values({ jobId: j!.id, directoryId: dir1!.id, customerId: c!.id }).returning();
    const [e] = await db.insert(t.jobEvents).values({ jobId: j!.id, customerId: c!.id, submissionId: s!.id, kind: "created", message: "job created" }).returning();
    const [w] = await db
      .insert(t.webhookEndpoints)
      .values({ customerId: c!.id, url: `https://hooks.example/${tag}/${who}`, secret: `whsec_${tag}_${who}` })
      .returning();
    const [d] = await db.insert(t.webhookDeliveries).values({ endpointId: w!.id, customerId: c!.id, jobEventId: e!.id, eventType: "job.started", body: "{}" }).returning();
    // The mail received for the listing (migration 0018): the customer's own.
    const [m] = await db
      .insert(t.directoryMails)
      .values({ mailId: `${tag}-${who}-listing-mail`, jobId: j!.id, customerId: c!.id, submissionId: s!.id, fromAddress: "visitor@one.example", body: "A question", kind: "message" })
      .returning();
    // The login vault (migration 0017): a sealed login and one recorded reveal.
    const [l] = await db
      .insert(t.vaultLogins)
      .values({
        jobId: j!.id,
        submissionId: s!.id,
        customerId: c!.id,
        directoryId: dir1!.id,
        attempt: 1,
        loginUrl: "https://one.example",
        username: `user${who}`,
        keyId: "k1",
        iv: "AAAAAAAAAAAAAAAA",
        ciphertext: "c2VhbGVkLXBhc3N3b3JkLXN0YW5kLWlu",
      })
      .returning();
    const [a] = await db.insert(t.vaultAccesses).values({ loginId: l!.id, jobId: j!.id, customerId: c!.id, actorUserId: user, actorRole: "customer", purpose: "reveal" }).returning();
    const [sf] = await db
      .insert(t.shortfallRefunds)
      .values({
        jobId: j!.id,
        orderId: o!.id,
        customerId: c!.id,
        promised: 50,
        delivered: 20,
        chargeAmountCents: 14900,
        amountCents: 8940,
        currency: "usd",
        idempotencyKey: `directorybolt-shortfall:${j!.id}`,
      })
      .returning();
    made[who] = {
      customer: c!.id,
      profile: p!.id,
      order: o!.id,
      job: j!.id,
      submission: s!.id,
      event: e!.id,
      endpoint: w!.id,
      delivery: d!.id,
      directoryMail: m!.id,
      login: l!.id,
      access: a!.id,
      shortfall: sf!.jobId,
    };
  }
  const [evt] = await db
    .insert(t.stripeEvents)
    .values({ id: `evt_${tag}`, type: "checkout.session.completed" })
    .returning();
  const [wrk] = await db
    .insert(t.workers)
    .values({ id: `worker-${tag}` })
    .returning();
  const [local] = await db
    .insert(t.localCheckoutSessions)
    .values({ id: `cs_local_${tag}`, plan: "starter", email: `${tag}@example.com`, amountCents: 14900 })
    .returning();
  const [started] = await db
    .insert(t.stripeCheckoutSessions)
    .values({ id: `cs_test_${tag}`, plan: "starter" })
    .returning();
  // The promise stated at checkout and the stand-in's refunds (migration 0019): staff only.
  const [promise] = await db
    .insert(t.checkoutPromises)
    .values({ sessionId: `cs_local_${tag}`, plan: "starter", promised: 50, available: 50 })
    .returning();
  const [localRefund] = await db
    .insert(t.localRefunds)
    .values({ id: `re_local_${tag}`, idempotencyKey: `rls-${tag}`, paymentIntentId: `pi_local_${tag}`, amountCents: 100, currency: "usd" })
    .returning();
  const [note] = await db
    .insert(t.notifications)
    .values({ jobId: made.A.job, customerId: made.A.customer, kind: "job_completed", recipient: `${tag}-a@example.com` })
    .returning();
  // The submission intelligence and the daily roll-ups: staff read them, nobody else (migrations 0009, 0010).
  await db.insert(t.directoryStats).values({ directoryId: dir1!.id, attempts: 1, accepted: 1 });
  await db.insert(t.directoryOutcomes).values({ submissionId: made.A.submission, attempt: 1, directoryId: dir1!.id, accepted: true, occurredAt: new Date() });
  // A day of its own far in the past, so the cron's rows never collide with it.
  const day = `18${String(10 + Math.floor(Math.random() * 90))}-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`;
  await db.insert(t.dailyRollups).values({ day }).onConflictDoNothing();
  // The staff inbox (migration 0011): mails to the verification addresses, a job's included.
  const [mail] = await db
    .insert(t.inboundMails)
    .values({ mailId: `${tag}-mail`, envelopeFrom: "no-reply@one.example", envelopeTo: `job-${made.A.job}@verify.example`, r2Key: `mail/unmatched/${tag}.eml`, status: "unmatched", jobId: made.A.job })
    .returning();

  const owned = (key: keyof (typeof made)["A"]) => [
    { id: made.A[key], owner: "A" as const },
    { id: made.B[key], owner: "B" as const },
  ];
  fixtures.push(
    { table: t.customers, name: "customers", rows: owned("customer") },
    { table: t.businessProfiles, name: "business_profiles", rows: owned("profile") },
    { table: t.orders, name: "orders", rows: owned("order") },
    { table: t.jobs, name: "jobs", rows: owned("job") },
    { table: t.directorySubmissions, name: "directory_submissions", rows: owned("submission") },
    { table: t.jobEvents, name: "job_events", rows: owned("event") },
    {
      table: t.directories,
      name: "directories",
      rows: [
        { id: dir1!.id, owner: "none" },
        { id: dir2!.id, owner: "none" },
      ],
    },
    { table: t.stripeEvents, name: "stripe_events", rows: [{ id: evt!.id, owner: "none" }] },
    { table: t.workers, name: "workers", rows: [{ id: wrk!.id, owner: "none" }] },
    { table: t.localCheckoutSessions, name: "local_checkout_sessions", rows: [{ id: local!.id, owner: "none" }] },
    // The Stripe sessions this deployment created (checkout's "is it ours?"): staff only.
    { table: t.stripeCheckoutSessions, name: "stripe_checkout_sessions", rows: [{ id: started!.id, owner: "none" }] },
    // Staff only: the outbox holds addresses and send state, not the customer's business.
    { table: t.notifications, name: "notifications", rows: [{ id: note!.id, owner: "none" }] },
    { table: t.webhookEndpoints, name: "webhook_endpoints", rows: owned("endpoint") },
    { table: t.webhookDeliveries, name: "webhook_deliveries", rows: owned("delivery") },
    // Statistics over every customer's submissions: staff only.
    { table: t.directoryStats, name: "directory_stats", key: { column: t.directoryStats.directoryId, name: "directory_id" }, rows: [{ id: dir1!.id, owner: "none" }] },
    { table: t.directoryOutcomes, name: "directory_outcomes", key: { column: t.directoryOutcomes.submissionId, name: "submission_id" }, rows: [{ id: made.A.submission, owner: "none" }] },
    // Mails name a customer's job but hold the directory's words: staff only, like the outbox.
    { table: t.inboundMails, name: "inbound_mails", rows: [{ id: mail!.id, owner: "none" }] },
    // Their sanitized copy for the job's owner (issue 18): the customer's, like the job.
    { table: t.directoryMails, name: "directory_mails", rows: owned("directoryMail") },
    { table: t.dailyRollups, name: "daily_rollups", key: { column: t.dailyRollups.day, name: "day" }, rows: [{ id: day, owner: "none" }] },
    // The vault: its owner and staff read a login's metadata (never its sealed password, below) and who revealed it.
    { table: t.vaultLogins, name: "vault_logins", rows: owned("login") },
    { table: t.vaultAccesses, name: "vault_accesses", rows: owned("access") },
    // Issue 17: a job's shortfall refund is its customer's; the promise and the stand-in's refunds are staff's.
    { table: t.shortfallRefunds, name: "shortfall_refunds", key: { column: t.shortfallRefunds.jobId, name: "job_id" }, rows: owned("shortfall") },
    { table: t.checkoutPromises, name: "checkout_promises", key: { column: t.checkoutPromises.sessionId, name: "session_id" }, rows: [{ id: promise!.sessionId, owner: "none" }] },
    { table: t.localRefunds, name: "local_refunds", rows: [{ id: localRefund!.id, owner: "none" }] },
  );
});

afterAll(async () => {
  await conn?.close();
});

/** What each actor should see of a table's fixture rows. */
function expectedVisible(actor: Actor, f: Fixture): number {
  if (actor === "staff" || actor === "service") return f.rows.length;
  if (actor === "anon") return 0;
  if (f.name === "directories") return f.rows.length; // the catalog is for every signed-in user
  const mine = actor === "customerA" ? "A" : "B";
  return f.rows.filter((r) => r.owner === mine).length;
}

async function visibleCount(actor: Actor, f: Fixture): Promise<number> {
  const { role, claims } = actorRole[actor];
  return asClient(conn.db, role, claims, async (tx) => {
    const ids = f.rows.map((r) => r.id);
    const { column } = keyOf(f);
    const rows = await tx
      .select({ id: column })
      .from(f.table)
      .where(inArray(column, ids as unknown[]));
    return rows.length;
  });
}

/** Attempts a write; resolves to "allowed" or "denied" (rolled back either way). */
async function tryWrite(actor: Actor, f: Fixture, op: "insert" | "update" | "delete"): Promise<"allowed" | "denied"> {
  const { role, claims } = actorRole[actor];
  const target = f.rows[0]!.id;
  const rollback = new Error("rollback");
  try {
    await asClient(conn.db, role, claims, async (tx) => {
      const table = sql.raw(`public.${f.name}`);
      if (op === "insert") {
        // Privileges are checked when the statement starts, whatever it
        // would insert, so an insert of no rows asks exactly the question.
        await tx.execute(sql`insert into ${table} select * from ${table} where false`);
      } else if (op === "update") {
        const key = sql.raw(keyOf(f).name);
        const res = await tx.execute(sql`update ${table} set ${key} = ${key} where ${key} = ${target}`);
        if (res.rowCount !== 1) throw new Error(`update touched ${res.rowCount} rows`);
      } else {
        // Foreign keys would refuse deleting a parent row; the privilege is
        // checked for the statement, so deleting nothing asks the question.
        await tx.execute(sql`delete from ${table} where false`);
      }
      throw rollback;
    });
  } catch (err) {
    if (err === rollback) return "allowed";
    const code = (err as { cause?: { code?: string }; code?: string }).cause?.code ?? (err as { code?: string }).code;
    if (code === "42501") return "denied"; // insufficient_privilege
    throw err;
  }
  return "allowed";
}

describe("row-level security matrix", () => {
  it("every actor reads exactly what the policy allows, and only service writes", async () => {
    const matrix: Record<string, Record<Actor, string>> = {};
    for (const f of fixtures) {
      matrix[f.name] = {} as Record<Actor, string>;
      for (const actor of ACTORS) {
        const seen = await visibleCount(actor, f);
        expect(seen, `${actor} reading ${f.name}`).toBe(expectedVisible(actor, f));
        const writes: string[] = [];
        for (const op of ["insert", "update", "delete"] as const) {
          const result = await tryWrite(actor, f, op);
          expect(result, `${actor} ${op} on ${f.name}`).toBe(actor === "service" ? "allowed" : "denied");
          if (result === "allowed") writes.push(op[0]!.toUpperCase());
        }
        matrix[f.name]![actor] = `R${seen}/${f.rows.length}${writes.length ? " " + writes.join("") : ""}`;
      }
    }
    console.log("RLS matrix (R visible/total, I/U/D writes allowed):");
    console.table(matrix);
    // docs/security.md keeps this table; UPDATE_SECURITY_DOC=1 (npm run security:doc) rewrites it.
    const table = markdownTable(
      ["table", ...ACTORS],
      Object.entries(matrix).map(([name, row]) => [`\`${name}\``, ...ACTORS.map((a) => row[a])]),
    );
    const doc = readFileSync(SECURITY_DOC, "utf8");
    if (process.env.UPDATE_SECURITY_DOC === "1") writeFileSync(SECURITY_DOC, writeSection(doc, "rls-matrix", table));
    else expect(readSection(doc, "rls-matrix"), "docs/security.md is stale: run `npm run security:doc`").toBe(table);
  });

  it("customer B reads none of customer A's rows in any table", async () => {
    for (const f of fixtures.filter((x) => x.rows.some((r) => r.owner === "A"))) {
      const aIds = f.rows.filter((r) => r.owner === "A").map((r) => r.id);
      const { role, claims } = actorRole.customerB;
      const leaked = await asClient(conn.db, role, claims, (tx) =>
        tx
          .select({ id: keyOf(f).column })
          .from(f.table)
          .where(inArray(keyOf(f).column, aIds as unknown[])),
      );
      expect(leaked, f.name).toEqual([]);
    }
  });

  it("nobody but the API reads a webhook endpoint's signing secret, not even its owner", async () => {
    const secretOf = (actor: Actor) =>
      asClient(conn.db, actorRole[actor].role, actorRole[actor].claims, (tx) => tx.select({ secret: t.webhookEndpoints.secret }).from(t.webhookEndpoints).limit(1)).then(
        () => "read",
        (err: { cause?: { code?: string }; code?: string }) => ((err.cause?.code ?? err.code) === "42501" ? "denied" : String(err)),
      );
    for (const actor of ["anon", "customerA", "staff"] as const) expect(await secretOf(actor), actor).toBe("denied");
    expect(await secretOf("service")).toBe("read");
  });

  it("nobody but the API reads a vault login's sealed password (key id, IV, ciphertext), not even its owner or staff", async () => {
    for (const column of [t.vaultLogins.keyId, t.vaultLogins.iv, t.vaultLogins.ciphertext]) {
      const readBy = (actor: Actor) =>
        asClient(conn.db, actorRole[actor].role, actorRole[actor].claims, (tx) => tx.select({ v: column }).from(t.vaultLogins).limit(1)).then(
          () => "read",
          (err: { cause?: { code?: string }; code?: string }) => ((err.cause?.code ?? err.code) === "42501" ? "denied" : String(err)),
        );
      for (const actor of ["anon", "customerA", "staff"] as const) expect(await readBy(actor), `${actor} ${column.name}`).toBe("denied");
      expect(await readBy("service")).toBe("read");
    }
  });

  it("daily roll-ups: staff and service read them, customers and anon see none, only service writes", async () => {
    const day = `19${String(10 + Math.floor(Math.random() * 80))}-0${1 + Math.floor(Math.random() * 9)}-1${Math.floor(Math.random() * 9)}`;
    await conn.db.insert(t.dailyRollups).values({ day }).onConflictDoNothing();
    for (const actor of ACTORS) {
      const { role, claims } = actorRole[actor];
      const rows = await asClient(conn.db, role, claims, (tx) => tx.execute(sql`select day from public.daily_rollups where day = ${day}::date`));
      expect(rows.rows.length, actor).toBe(actor === "staff" || actor === "service" ? 1 : 0);
      const write = await asClient(conn.db, role, claims, (tx) => tx.execute(sql`delete from public.daily_rollups where false`)).then(
        () => "allowed",
        (err: { cause?: { code?: string }; code?: string }) => ((err.cause?.code ?? err.code) === "42501" ? "denied" : String(err)),
      );
      expect(write, actor).toBe(actor === "service" ? "allowed" : "denied");
    }
  });

  it("a forged claim without app_metadata.role = staff is not staff", async () => {
    const forged: JwtClaims = { sub: randomUUID(), role: "staff", user_metadata: { role: "staff" } };
    const seen = await asClient(conn.db, "authenticated", forged, (tx) => tx.select({ id: t.stripeEvents.id }).from(t.stripeEvents).limit(5));
    expect(seen).toEqual([]);
  });
});
