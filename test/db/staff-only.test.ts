/**
 * What customers must not read though the rows are theirs or the catalog's
 * (issue 22): the retry analyzer's words for staff and the staff member who
 * acted live in `job_event_staff_notes`, not in the job event customers
 * read; the catalog's notes are readable by staff only.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "../../src/db/client";
import { asClient, type JwtClaims } from "../../src/db/rls";
import * as t from "../../src/db/schema";
import { openDatabase, uniq } from "./support";

let conn: Connection;
const userA = randomUUID();
const customerA: JwtClaims = { sub: userA, role: "authenticated" };
const otherCustomer: JwtClaims = { sub: randomUUID(), role: "authenticated" };
const staff: JwtClaims = { sub: randomUUID(), role: "authenticated", app_metadata: { role: "staff" } };
let jobId: string;
let customerId: string;
let submissionId: string;
let directoryId: string;

beforeAll(async () => {
  conn = await openDatabase();
  const { db } = conn;
  const tag = uniq("staff-only");
  const [d] = await db
    .insert(t.directories)
    .values({ slug: tag, name: "Notes", website: "https://notes.example", priorityTier: 1, country: "US", notes: "Owner answers only by phone; ask for Dana" })
    .returning();
  const [c] = await db
    .insert(t.customers)
    .values({ email: `${tag}@example.com`, userId: userA })
    .returning();
  const [o] = await db
    .insert(t.orders)
    .values({ customerId: c!.id, plan: "starter", stripeCheckoutSessionId: `cs_${tag}`, amountCents: 14900 })
    .returning();
  const [j] = await db.insert(t.jobs).values({ orderId: o!.id, customerId: c!.id, plan: "starter" }).returning();
  const [s] = await db.insert(t.directorySubmissions).values({ jobId: j!.id, directoryId: d!.id, customerId: c!.id }).returning();
  jobId = j!.id;
  customerId = c!.id;
  submissionId = s!.id;
  directoryId = d!.id;
});

afterAll(async () => {
  await conn?.close();
});

const denied = (err: { cause?: { code?: string }; code?: string }) => ((err.cause?.code ?? err.code) === "42501" ? "denied" : String(err));

describe("staff-only data", () => {
  it("a job event's staff reason and staff member are read by staff, not by the customer whose event it is", async () => {
    // As the coordinator's outbox writes them (durable-objects/coordinator/postgres-sync.ts, exercised in workerd by test/workers/staff-notes.test.ts).
    const [event] = await conn.db
      .insert(t.jobEvents)
      .values({ jobId, customerId, submissionId, kind: "submission_failed", message: "Notes: the directory refused the phone number", data: { outcome: { attempt: 1, accepted: false } } })
      .returning();
    await conn.db.insert(t.jobEventStaffNotes).values({ jobEventId: event!.id, jobId, data: { staffReason: "Refused +1 555; check the profile or submit by hand.", staffBy: "dana@staff.example" } });
    for (const claims of [customerA, otherCustomer]) {
      const notes = await asClient(conn.db, "authenticated", claims, (tx) => tx.execute(sql`select data from job_event_staff_notes where job_id = ${jobId}`));
      expect(notes.rows).toEqual([]);
    }
    const asCustomer = await asClient(conn.db, "authenticated", customerA, (tx) => tx.execute(sql`select data from job_events where id = ${event!.id}`));
    expect(asCustomer.rows).toEqual([{ data: { outcome: { attempt: 1, accepted: false } } }]);
    const asStaff = await asClient(conn.db, "authenticated", staff, (tx) =>
      tx.execute<{ data: Record<string, unknown> }>(sql`select data from job_event_staff_notes where job_event_id = ${event!.id}`),
    );
    expect(asStaff.rows).toEqual([{ data: { staffReason: "Refused +1 555; check the profile or submit by hand.", staffBy: "dana@staff.example" } }]);
    // Only the API writes it.
    for (const claims of [customerA, staff]) {
      const write = await asClient(conn.db, "authenticated", claims, (tx) => tx.execute(sql`delete from job_event_staff_notes where false`)).then(() => "allowed", denied);
      expect(write).toBe("denied");
    }
  });

  it("the catalog's notes are read by staff only; every signed-in user still reads the catalog", async () => {
    for (const claims of [customerA, otherCustomer]) {
      const notes = await asClient(conn.db, "authenticated", claims, (tx) => tx.execute(sql`select notes from directories where id = ${directoryId}`)).then(() => "read", denied);
      expect(notes).toBe("denied");
      const viaView = await asClient(conn.db, "authenticated", claims, (tx) => tx.execute(sql`select notes from directory_notes where directory_id = ${directoryId}`));
      expect(viaView.rows).toEqual([]);
      const catalog = await asClient(conn.db, "authenticated", claims, (tx) => tx.execute<{ name: string }>(sql`select id, name, website, is_active from directories where id = ${directoryId}`));
      expect(catalog.rows).toMatchObject([{ name: "Notes" }]);
    }
    const anon = await asClient(conn.db, "anon", null, (tx) => tx.execute(sql`select notes from directory_notes`)).then(() => "read", denied);
    expect(anon).toBe("denied");
    const asStaff = await asClient(conn.db, "authenticated", staff, (tx) => tx.execute<{ notes: string }>(sql`select notes from directory_notes where directory_id = ${directoryId}`));
    expect(asStaff.rows).toEqual([{ notes: "Owner answers only by phone; ask for Dana" }]);
  });
});
