/**
 * POST /api/staff/jobs/:id/directories: staff add or remove directories of a
 * job before it starts. Duplicates change nothing, a directory that cannot be
 * added is a 400 that changes nothing, and once the job is ready or started
 * the answer is 409 and nothing changes.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { signUserToken } from "../../src/auth/user-token";
import { connectFromWorker } from "../../src/db/worker-database";
import { seedJob } from "./support/seed";

const staffToken = () => signUserToken(env, { userId: crypto.randomUUID(), email: "ops@directorybolt.example", staff: true });

async function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  const conn = await connectFromWorker(env);
  try {
    return (await conn.client.query(text, params)).rows as T[];
  } finally {
    await conn.close();
  }
}

async function edit(jobId: string, body: unknown, token?: string) {
  const res = await app.request(
    `/api/staff/jobs/${jobId}/directories`,
    { method: "POST", headers: { authorization: `Bearer ${token ?? (await staffToken())}`, "content-type": "application/json" }, body: JSON.stringify(body) },
    env,
  );
  return {
    status: res.status,
    body: (await res.json()) as { jobId?: string; added?: number; removed?: number; total?: number; error?: { code: string; details?: { refused?: Record<string, string> } } },
  };
}

async function newDirectory(tag: string, extra = ""): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into directories (slug, name, website, priority_tier, country, sandbox${extra ? ", is_active" : ""})
     values ($1, $2, $3, 2, 'INT', true${extra ? `, ${extra}` : ""}) returning id`,
    [`${tag}-extra-${crypto.randomUUID().slice(0, 6)}`, `Extra ${tag}`, `https://extra.${tag}.example`],
  );
  return row!.id;
}

const state = async (jobId: string) => ({
  dirs: (await sql<{ directory_id: string }>("select directory_id from directory_submissions where job_id = $1 order by priority, directory_id", [jobId])).map((r) => r.directory_id),
  total: (await sql<{ directories_total: number }>("select directories_total from jobs where id = $1", [jobId]))[0]!.directories_total,
});

describe("staff add and remove a job's directories before it starts", () => {
  it("removes and adds; the same edit again changes nothing; the total follows", async () => {
    const { jobId } = await seedJob({ directories: 3 });
    const before = await state(jobId);
    const extra = await newDirectory(jobId.slice(0, 8));
    const first = await edit(jobId, { add: [extra], remove: [before.dirs[0]] });
    expect(first).toMatchObject({ status: 200, body: { jobId, added: 1, removed: 1, total: 3 } });
    const after = await state(jobId);
    expect(after.dirs).not.toContain(before.dirs[0]);
    expect(after.dirs[after.dirs.length - 1]).toBe(extra);
    expect(after.total).toBe(3);
    const again = await edit(jobId, { add: [extra], remove: [before.dirs[0]] });
    expect(again).toMatchObject({ status: 200, body: { added: 0, removed: 0, total: 3 } });
    expect(await state(jobId)).toEqual(after);
    const events = await sql<{ n: number }>("select count(*)::int as n from job_events where job_id = $1 and kind = 'directories_edited'", [jobId]);
    expect(events[0]!.n).toBe(1);
  });

  it("refuses, changing nothing, a directory that is unknown, inactive, or already the business's elsewhere", async () => {
    const { jobId, customerId } = await seedJob({ directories: 2 });
    const tag = jobId.slice(0, 8);
    const inactive = await newDirectory(tag, "false");
    const heldElsewhere = await newDirectory(tag);
    const [other] = await sql<{ id: string }>(
      `with o as (insert into orders (customer_id, plan, status, stripe_checkout_session_id, amount_cents) values ($1, 'starter', 'paid', $2, 14900) returning id)
       insert into jobs (order_id, customer_id, plan) select id, $1, 'starter' from o returning id`,
      [customerId, `cs_test_other_${tag}`],
    );
    await sql("insert into directory_submissions (job_id, directory_id, customer_id, status) values ($1, $2, $3, 'submitted')", [other!.id, heldElsewhere, customerId]);
    const before = await state(jobId);
    const unknown = crypto.randomUUID();
    const res = await edit(jobId, { add: [unknown, inactive, heldElsewhere], remove: [before.dirs[0]] });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe("directories_refused");
    expect(Object.keys(res.body.error!.details!.refused!).sort()).toEqual([unknown, inactive, heldElsewhere].sort());
    expect(await state(jobId)).toEqual(before);
    for (const body of [{}, { add: [] }, { add: ["nope"] }, { add: [unknown], extra: 1 }, { remove: "x" }]) {
      const bad = await edit(jobId, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    expect(await state(jobId)).toEqual(before);
  });

  it("is 409 once the job is ready, and 403 for a customer; 404 for no such job", async () => {
    const { jobId, customerId, userId } = await seedJob({ directories: 2 });
    const before = await state(jobId);
    const customer = await signUserToken(env, { userId, email: "someone@example.com" });
    expect((await edit(jobId, { remove: [before.dirs[0]] }, customer)).status).toBe(403);
    await sql("insert into job_events (job_id, customer_id, kind, message, dedupe_key) values ($1, $2, 'job_ready', 'ready', $3)", [jobId, customerId, `job_ready:${jobId}`]);
    const late = await edit(jobId, { remove: [before.dirs[0]] });
    expect(late.status).toBe(409);
    expect(late.body.error?.code).toBe("job_started");
    expect(await state(jobId)).toEqual(before);
    expect((await edit(crypto.randomUUID(), { remove: [before.dirs[0]] })).status).toBe(404);
  });
});
