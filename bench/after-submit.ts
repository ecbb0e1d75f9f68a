/**
 * `npm run bench:after-submit [-- <plan>]`: an order (default Professional)
 * on the farm's default mix of directories through the whole stack, followed
 * past the submit button until every submission is final: prints how many
 * listings are live (approved, with URL and screenshot), how many needed an
 * e-mail verification, how many failed and why, and the times.
 * Schedules are short (the farm publishes 5 s after acceptance or
 * confirmation): look after 2 s, every 3 s, give up after 5 min.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStack } from "../tools/lib/stack";
import type { PlanId } from "../core/plans";
import { placeLocalOrder, stackVars, type Snapshot } from "../tools/lib/order";

const PORT = Number(process.env.BENCH_PORT ?? 8847);
const FARM_PORT = Number(process.env.BENCH_FARM_PORT ?? 8849);
const plan = (process.argv[2] ?? "professional") as PlanId;

const vars = {
  ...(await stackVars(PORT, FARM_PORT)),
  APPROVAL_SCHEDULE: JSON.stringify({ default: { firstCheckMs: 2_000, everyMs: 3_000, deadlineMs: 300_000 } }),
};
// Fresh wrangler state: no coordinator of an earlier run resumes against this farm.
const stateDir = await mkdtemp(join(tmpdir(), "directorybolt-bench-after-"));
const stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, persistTo: stateDir, farm: { publishDelayMs: 5_000 } });
try {
  const order = await placeLocalOrder(stack, vars, plan, `bench-after-${Date.now()}@boltbakery.example`);
  let last: Snapshot | undefined;
  let submittedAt: number | null = null;
  for (;;) {
    const res = await fetch(`${stack.url}/api/jobs/${order.jobId}`, { headers: { authorization: `Bearer ${order.token}` } });
    last = (await res.json()) as Snapshot;
    // Before the job is loaded its snapshot has no submissions and nothing "remaining".
    if (submittedAt === null && last.submissions.length > 0 && last.job.remaining === 0) submittedAt = Date.now();
    if (last.submissions.length && last.submissions.every((s) => ["approved", "failed", "skipped"].includes(s.status))) break;
    if (Date.now() - order.paidAt > 45 * 60_000) throw new Error("not settled in 45 min");
    await new Promise((r) => setTimeout(r, 2_000));
  }
  const count = (st: string) => last.submissions.filter((s) => s.status === st).length;
  const reasons = new Map<string, number>();
  for (const s of last.submissions.filter((s) => s.status === "failed")) reasons.set(s.failureReason ?? "?", (reasons.get(s.failureReason ?? "?") ?? 0) + 1);
  const mails = stack.farm.mails();
  console.log(`plan ${plan}: ${last.submissions.length} directories`);
  console.log(`live at the end: ${count("approved")} of ${last.submissions.length} (${((100 * count("approved")) / last.submissions.length).toFixed(1)}%)`);
  console.log(`verification mails sent by the farm: ${mails.length}, delivered to the Worker: ${mails.filter((m) => m.delivered === 200).length}`);
  console.log(`failed: ${count("failed")} ${JSON.stringify(Object.fromEntries(reasons))}; skipped: ${count("skipped")}`);
  console.log(`order → all submitted: ${(((submittedAt ?? Date.now()) - order.paidAt) / 1000).toFixed(0)} s; → all final: ${((Date.now() - order.paidAt) / 1000).toFixed(0)} s`);
} finally {
  await stack.stop();
  await rm(stateDir, { recursive: true, force: true });
}
