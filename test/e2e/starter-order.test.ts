/**
 * A whole order, end to end, on one machine: the stack (PGlite, both Workers
 * under `wrangler dev`, the farm, local Browser Rendering on the system
 * Chromium), a Starter order paid through the local checkout, the business
 * profile saved, and the browser worker submitting to 50 farm directories.
 * Every submission is checked against what the farm recorded, and its
 * evidence is fetched from R2 through the API.
 */
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readVarsFile, ROOT, startStack, type Stack } from "../../scripts/lib/stack";
import { signUserToken } from "../../src/auth/user-token";

const PORT = Number(process.env.E2E_PORT ?? 8807);
const FARM_PORT = Number(process.env.E2E_FARM_PORT ?? 8797);
let stack: Stack;
let vars: Record<string, string>;

beforeAll(async () => {
  vars = {
    ...(await readVarsFile(join(ROOT, ".dev.vars.example"))),
    ...(await readVarsFile(join(ROOT, "browser-worker/.dev.vars.example"))),
    DIRECTORY_CATALOG: "sandbox",
    PUBLIC_URL: `http://127.0.0.1:${PORT}`,
    CAPTCHA_SOLVER_URL: `http://127.0.0.1:${FARM_PORT}/__solver`,
  };
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, log: (m) => console.log(`[e2e] ${m}`) });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

async function api<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: T }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  const res = await fetch(`${stack.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T };
}

describe("a Starter order, end to end", () => {
  it("is paid, submitted to 50 farm directories by real Chromium, and completes with evidence", async () => {
    const email = `e2e-${Date.now()}@boltbakery.example`;
    const checkout = await api<{ url: string; sessionId: string }>("/api/checkout", { method: "POST", body: JSON.stringify({ plan: "starter", email }) });
    expect(checkout.status).toBe(200);
    expect(checkout.body.url).toContain(`/api/checkout/local/${checkout.body.sessionId}`);
    // The local payment page's form, as the browser would post it.
    const paid = await fetch(`${stack.url}/api/checkout/local/${checkout.body.sessionId}/pay`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ country: "US" }),
    });
    expect(paid.status).toBeLessThan(400);
    const status = await api<{ status: string; jobId: string; directories: number }>(`/api/checkout/${checkout.body.sessionId}`);
    expect(status.body).toMatchObject({ status: "fulfilled", directories: 50 });
    const jobId = status.body.jobId;

    const token = await signUserToken({ SUPABASE_JWT_SECRET: vars.SUPABASE_JWT_SECRET! }, { userId: crypto.randomUUID(), email });
    const profile = await api("/api/business", {
      method: "PUT",
      token,
      body: JSON.stringify({
        businessName: "Bolt Bakery & Café",
        contactName: "Ada Lovelace",
        street: "123 Market Street",
        city: "San Francisco",
        region: "CA",
        postalCode: "94103",
        country: "US",
        phone: "+1 415 555 0142",
        website: "boltbakery.example",
        email: "owner@boltbakery.example",
        shortDescription: "Neighbourhood bakery in San Francisco: sourdough, croissants, seasonal pastries and coffee.",
        longDescription:
          "Bolt Bakery & Café is a neighbourhood bakery in San Francisco baking sourdough, croissants and seasonal pastries every morning. We serve specialty coffee, host weekend brunch and cater office events. Family owned since 2012.",
        categories: ["Bakery", "Food"],
        hours: { mon: [["07:00", "18:00"]], tue: [["07:00", "18:00"]], wed: [["07:00", "18:00"]], thu: [["07:00", "18:00"]], fri: [["07:00", "18:00"]], sat: [["08:00", "15:00"]] },
        socialLinks: { instagram: "https://www.instagram.com/boltbakery" },
        serviceArea: false,
      }),
    });
    expect(profile.status).toBe(200);

    // Watch it run.
    type Snapshot = { job: { status: string; submitted: number; failed: number; total: number }; submissions: { submissionId: string; directoryId: string; status: string; evidenceKey: string | null; failureReason: string | null }[] };
    let snapshot: Snapshot | undefined;
    const deadline = Date.now() + 480_000;
    while (Date.now() < deadline) {
      const res = await api<Snapshot>(`/api/jobs/${jobId}`, { token });
      if (res.status === 200) {
        snapshot = res.body;
        if (["completed", "failed"].includes(snapshot.job.status)) break;
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
    expect(snapshot?.job.status, JSON.stringify(snapshot?.job)).toBe("completed");
    const failures = snapshot!.submissions.filter((s) => s.status === "failed").map((s) => s.failureReason);
    expect(failures, failures.join("\n")).toEqual([]);
    expect(snapshot!.job.submitted).toBe(50);

    // Every submission against the farm's own record: one accepted listing each, ours.
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ id: string; slug: string; status: string }>(
      "select s.id, d.slug, s.status from directory_submissions s join directories d on d.id = s.directory_id where s.job_id = $1",
      [jobId],
    );
    await db.end();
    expect(rows).toHaveLength(50);
    for (const row of rows) {
      const accepted = stack.farm.submissions({ slug: row.slug, outcome: "accepted" });
      expect(accepted, row.slug).toHaveLength(1);
      // Wizards post the business on an earlier step than the accepted one.
      expect(JSON.stringify(stack.farm.submissions({ slug: row.slug }).map((s) => s.fields)), row.slug).toContain("Bolt Bakery");
      expect(["submitted", "awaiting_verification", "approved"]).toContain(row.status);
    }

    // Evidence: a PNG per submission, served to the job's customer.
    for (const s of snapshot!.submissions.slice(0, 10)) {
      expect(s.evidenceKey, s.submissionId).toMatch(new RegExp(`^jobs/${jobId}/${s.submissionId}/`));
      const res = await fetch(`${stack.url}/api/jobs/${jobId}/submissions/${s.submissionId}/evidence`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect([...bytes.slice(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    }
  }, 600_000);
});
