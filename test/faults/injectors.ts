/**
 * How each fault of the schedule is done to the running stack. Every
 * injector says how many things it hit; the test sums them by kind.
 */
import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import type { Stack } from "../../tools/lib/stack";
import { checkoutSession, stripeEvent, stripeSignature } from "../support/stripe";
import type { ReportResult, TaskReport } from "../../core/protocol/tasks";
import type { Snapshot } from "../../tools/lib/order";

/** The processes under `root` (itself included), from /proc. */
function descendants(root: number): { pid: number; ppid: number; cmd: string }[] {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0")[0] ?? "";
        return [{ pid: Number(d), ppid, cmd }];
      } catch {
        return []; // exited while we looked
      }
    });
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => found.has(p.pid));
}

/** SIGKILLs every Chromium browser local Browser Rendering started (its helpers die with it). Returns how many. */
export function killChromium(stack: Stack): number {
  const tree = descendants(stack.workersPgid);
  const isChromium = (cmd: string) => /chrom/i.test(cmd);
  const pids = new Set(tree.filter((p) => isChromium(p.cmd)).map((p) => p.pid));
  // The browsers themselves: Chromium processes whose parent is not one.
  const browsers = tree.filter((p) => pids.has(p.pid) && !pids.has(p.ppid));
  for (const b of browsers) {
    try {
      process.kill(b.pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
  return browsers.length;
}

async function call<T>(stack: Stack, path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: T }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  const res = await fetch(`${stack.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T };
}

/** Every message the coordinator ever released, to the queue again. Returns how many were sent. */
export async function redeliverMessages(stack: Stack, workerToken: string, jobId: string): Promise<number> {
  const res = await call<{ sent: number }>(stack, `/api/dev/faults/jobs/${jobId}/redeliver`, { method: "POST", token: workerToken });
  if (res.status !== 200) throw new Error(`redeliver: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.sent;
}

export async function evictCoordinator(stack: Stack, workerToken: string, jobId: string): Promise<number> {
  const res = await call(stack, `/api/dev/faults/jobs/${jobId}/evict`, { method: "POST", token: workerToken });
  if (res.status !== 200) throw new Error(`evict: ${res.status} ${JSON.stringify(res.body)}`);
  return 1;
}

/** Every report a worker sends the job's coordinator is lost for a while (LOST_REPORTS_MS). */
export async function loseReports(stack: Stack, workerToken: string, jobId: string): Promise<number> {
  const res = await call(stack, `/api/dev/faults/jobs/${jobId}/lose-reports`, { method: "POST", token: workerToken });
  if (res.status !== 200) throw new Error(`lose-reports: ${res.status} ${JSON.stringify(res.body)}`);
  return 1;
}

export interface FaultCounters {
  refusedLeases: number;
  refusedReports: number;
  pendingWrites: number;
  /** Follow-ups not ended and approval looks due within minutes: work that may still change a submission. */
  afterSubmitDue: number;
}

export async function coordinatorCounters(stack: Stack, workerToken: string, jobId: string): Promise<FaultCounters> {
  const res = await call<FaultCounters>(stack, `/api/dev/faults/jobs/${jobId}/counters`, { token: workerToken });
  if (res.status !== 200) throw new Error(`counters: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

type PaidRow = { id: string; plan: string; email: string; amount_cents: number; currency: string; country: string | null; stripe_customer_id: string | null; stripe_payment_intent_id: string | null };

/** A recorded local checkout as the paid Checkout Session Stripe would send for it. */
const paidSession = (row: PaidRow) =>
  checkoutSession({
    id: row.id,
    plan: row.plan,
    email: row.email,
    amount: row.amount_cents,
    currency: row.currency,
    country: row.country,
    customer: row.stripe_customer_id,
    paymentIntent: row.stripe_payment_intent_id,
  });

/**
 * Every Stripe event the webhook has recorded, re-posted with a valid
 * signature and its own id (a replay), and the paid session once more under
 * a new id (Stripe sending the same session in another event). Returns the
 * webhook's answers.
 */
export async function replayWebhooks(stack: Stack, secret: string): Promise<{ sent: number; duplicates: number; statuses: number[] }> {
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  let events: { id: string; type: string }[];
  let sessions: ReturnType<typeof paidSession>[];
  try {
    events = (await db.query<{ id: string; type: string }>("select id, type from stripe_events order by received_at")).rows;
    sessions = (
      await db.query(
        "select id, plan, email, amount_cents, currency, country, stripe_customer_id, stripe_payment_intent_id from local_checkout_sessions where payment_status = 'paid' order by created_at",
      )
    ).rows.map((row: PaidRow) => paidSession(row));
  } finally {
    await db.end();
  }
  const event = (id: string, session: ReturnType<typeof paidSession>) => stripeEvent("checkout.session.completed", session, id);
  const deliveries = [
    // The local checkout sends one checkout.session.completed per paid session.
    ...events.flatMap((e, i) => (sessions[i] && e.type === "checkout.session.completed" ? [event(e.id, sessions[i]!)] : [])),
    ...sessions.map((s) => event(`evt_replay_${crypto.randomUUID().replace(/-/g, "")}`, s)),
  ];
  let duplicates = 0;
  const statuses: number[] = [];
  for (const e of deliveries) {
    const payload = JSON.stringify(e, null, 2);
    const signature = await stripeSignature(payload, secret);
    const res = await call<{ duplicate?: boolean; outcome?: string }>(stack, "/api/webhooks/stripe", {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature },
      body: payload,
    });
    statuses.push(res.status);
    // Each delivery repeats a paid session: answered, and (checked at the end) nothing new made.
    if (res.status === 200) duplicates++;
  }
  return { sent: deliveries.length, duplicates, statuses };
}

/**
 * Every report the coordinator has applied, sent again through the worker
 * API (as a worker retrying a report it is unsure of would), plus one for
 * each earlier attempt (a late report). Returns how many the coordinator
 * applied (must be 0) and how many it refused.
 */
export async function replayReports(stack: Stack, workerToken: string, snapshot: Snapshot): Promise<{ sent: number; applied: number; refused: number }> {
  let applied = 0;
  let refused = 0;
  let sent = 0;
  const done = snapshot.submissions.filter((s) => ["submitted", "awaiting_verification", "approved", "failed", "skipped", "already_listed"].includes(s.status));
  for (const s of done) {
    const reports: TaskReport[] = [];
    const base = { jobId: snapshot.job.jobId, submissionId: s.submissionId, workerId: "fault-injection-replay" };
    if (s.status === "failed" || s.status === "skipped") {
      reports.push({ ...base, attempt: s.attempt, outcome: "failed", failureClass: s.failureClass ?? "transient", reason: s.failureReason ?? "replayed" });
    } else {
      reports.push({ ...base, attempt: s.attempt, outcome: s.status as TaskReport["outcome"], listingUrl: s.listingUrl ?? undefined, evidenceKey: s.evidenceKey ?? undefined });
    }
    if (s.attempt > 1) reports.push({ ...base, attempt: s.attempt - 1, outcome: "failed", failureClass: "transient", reason: "late report of an earlier attempt" });
    for (const report of reports) {
      const res = await call<ReportResult>(stack, "/api/jobs/update", { method: "POST", token: workerToken, body: JSON.stringify(report) });
      sent++;
      if (res.status !== 200) throw new Error(`report replay: ${res.status} ${JSON.stringify(res.body)}`);
      if (res.body.applied) applied++;
      else refused++;
    }
  }
  return { sent, applied, refused };
}
