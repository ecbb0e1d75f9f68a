/**
 * A whole order, end to end, on one machine: the stack (PGlite, both Workers
 * under `wrangler dev`, the farm, local Browser Rendering on our
 * Chromium), a Starter order paid through the local checkout, the business
 * profile saved, and the browser worker submitting to 50 farm directories.
 * Every submission is checked against what the farm recorded, and its
 * evidence is fetched from R2 through the API.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../tools/lib/stack";
import { placeLocalOrder, stackVars, waitForJob } from "../../tools/lib/order";

const PORT = Number(process.env.E2E_PORT ?? 8807);
const FARM_PORT = Number(process.env.E2E_FARM_PORT ?? 8797);
let stack: Stack;
let vars: Record<string, string>;

beforeAll(async () => {
  vars = await stackVars(PORT, FARM_PORT);
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, log: (m) => console.log(`[e2e] ${m}`) });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe("a Starter order, end to end", () => {
  it("is paid, submitted to 50 farm directories by real Chromium, and completes with evidence", async () => {
    const order = await placeLocalOrder(stack, vars, "starter", `e2e-${Date.now()}@boltbakery.example`);
    expect(order.directories).toBe(50);
    const snapshot = await waitForJob(stack, order, 480_000);
    expect(snapshot.job.status, JSON.stringify(snapshot.job)).toBe("completed");
    const failures = snapshot.submissions.filter((s) => s.status === "failed").map((s) => `${s.directoryName}: ${s.failureReason}`);
    expect(failures, failures.join("\n")).toEqual([]);
    expect(snapshot.job.submitted).toBe(50);

    // Every submission against the farm's own record: one accepted listing each, ours.
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ id: string; slug: string; status: string }>(
      "select s.id, d.slug, s.status from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1",
      [order.jobId],
    );
    const retries = await db.query<{ message: string }>("select message from job_events where job_id = $1 and kind = 'submission_retrying'", [order.jobId]);
    await db.end();
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      expect(stack.farm.submissions({ slug: row.slug, outcome: "accepted" }), row.slug).toHaveLength(1);
      // Wizards post the business on an earlier step than the accepted one.
      expect(JSON.stringify(stack.farm.submissions({ slug: row.slug }).map((s) => s.fields)), row.slug).toContain("Bolt Bakery");
      expect(["submitted", "awaiting_verification", "approved"]).toContain(row.status);
    }

    // The hours-grid directory refuses an international phone with a message
    // only after the post: the retry analyzer asked for the national format,
    // the coordinator put the fix in the next lease, and the engine applied it.
    const picky = rows.filter((r) => stack.farm.variant(r.slug)?.design.id === "hours-grid");
    expect(picky.length, "the Starter tier includes an hours-grid directory").toBeGreaterThan(0);
    for (const row of picky) {
      const posts = stack.farm.submissions({ slug: row.slug });
      expect(
        posts.map((p) => p.outcome),
        row.slug,
      ).toEqual(["invalid", "accepted"]);
      expect(posts[0]!.errors.map((e) => e.message).join(" "), row.slug).toContain("without the country code");
      expect(Object.values(posts[1]!.fields).flat(), row.slug).toContain("(415) 555-0142");
    }
    expect(retries.rows.filter((r) => r.message.includes("retrying with the phone in national format"))).toHaveLength(picky.length);

    // Evidence: a PNG per submission, served to the job's customer.
    for (const s of snapshot.submissions.slice(0, 10)) {
      expect(s.evidenceKey, s.submissionId).toMatch(new RegExp(`^jobs/${order.jobId}/${s.submissionId}/`));
      const res = await fetch(`${stack.url}/api/jobs/${order.jobId}/submissions/${s.submissionId}/evidence`, { headers: { authorization: `Bearer ${order.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    }
  }, 600_000);
});
