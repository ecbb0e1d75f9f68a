/**
 * The figure issue 19 asks for: of a Growth order (100 directories) on the
 * farm, how many listings the update changed by machine and how many went
 * to staff. The whole stack, every sandbox directory in the catalog; the
 * order runs until its submissions are final (or 10 minutes), then a new
 * phone is pushed. Runs only when asked (it takes minutes):
 *
 *   UPDATE_GROWTH=1 npx vitest run --project site test/site/listing-update-growth.test.ts
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListingUpdateView } from "../../core/protocol/site";
import { BAKERY_PROFILE, placeLocalOrder, stackVars } from "../../tools/lib/order";
import { startStack, type Stack } from "../../tools/lib/stack";

const RUN = !!process.env.UPDATE_GROWTH;
const PORT = 8881;
const FARM_PORT = 8883;

let stack: Stack;
let vars: Record<string, string>;
let stateDir: string;

beforeAll(async () => {
  if (!RUN) return;
  vars = { ...(await stackVars(PORT, FARM_PORT)), APPROVAL_SCHEDULE: JSON.stringify({ default: { firstCheckMs: 1_000, everyMs: 3_000, deadlineMs: 300_000 } }) };
  stateDir = await mkdtemp(join(tmpdir(), "directorybolt-update-growth-"));
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, persistTo: stateDir, farm: { publishDelayMs: 500 }, log: (m) => console.log(`[growth] ${m}`) });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

async function sql<R extends Record<string, unknown>>(text: string, params: unknown[]): Promise<R[]> {
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    return (await db.query<R>(text, params)).rows;
  } finally {
    await db.end();
  }
}

describe.runIf(RUN)("update my listings on a Growth order", () => {
  it("counts the listings updated by machine and those left to staff", async () => {
    const order = await placeLocalOrder(stack, vars, "growth", `growth-${Date.now()}@boltbakery.example`);
    const until = Date.now() + 600_000;
    let open = -1;
    while (Date.now() < until) {
      open = Number((await sql<{ n: string }>("select count(*) as n from directory_submissions where job_id = $1 and status not in ('approved', 'failed', 'skipped')", [order.jobId]))[0]!.n);
      if (open === 0) break;
      await new Promise((r) => setTimeout(r, 5000));
    }
    const statuses = await sql<{ status: string; n: string }>("select status, count(*) as n from directory_submissions where job_id = $1 group by status", [order.jobId]);
    console.log(`[growth] ${order.directories} directories: ${statuses.map((s) => `${s.n} ${s.status}`).join(", ")}`);
    const res = await fetch(`${stack.url}/api/business`, {
      method: "PUT",
      headers: { authorization: `Bearer ${order.token}`, "content-type": "application/json" },
      body: JSON.stringify({ ...BAKERY_PROFILE, phone: "+1 415 555 0199" }),
    });
    expect(res.status).toBe(200);
    const started = await fetch(`${stack.url}/api/jobs/${order.jobId}/listing-update`, { method: "POST", headers: { authorization: `Bearer ${order.token}` } });
    expect(started.status).toBe(200);
    let view: ListingUpdateView | null = null;
    for (let i = 0; i < 120; i++) {
      view = ((await (await fetch(`${stack.url}/api/jobs/${order.jobId}/listing-update`, { headers: { authorization: `Bearer ${order.token}` } })).json()) as { update: ListingUpdateView }).update;
      if (view.summary.updating === 0) break;
      await new Promise((r) => setTimeout(r, 3000));
    }
    const s = view!.summary;
    console.log(`[growth] update: ${view!.items.length} live listings; ${s.confirmed} updated by machine and confirmed, ${s.failed} failed, ${s.staff} staff tasks (no login held)`);
    expect(s.updating).toBe(0);
    expect(s.failed).toBe(0);
  }, 1_000_000);
});
