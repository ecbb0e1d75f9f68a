import { env, exports } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signUserToken } from "../../src/auth/user-token";
import { signTicket } from "../../src/auth/ws-ticket";
import type { ServerMessage } from "../../core/protocol/live";
import { SOCKET_PROTOCOL, socketProtocols } from "../../core/protocol/socket-ticket";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, stubFor } from "./support/coordinator-harness";
import { seedJob } from "./support/seed";

const api = (path: string, init?: RequestInit) => exports.default.fetch(`http://localhost${path}`, init);

async function bearer(userId: string, staff = false) {
  return { authorization: `Bearer ${await signUserToken(env, { userId, staff })}` };
}

async function ticketFor(jobId: string, headers: Record<string, string>) {
  const res = await api(`/api/jobs/${jobId}/ws-ticket`, { method: "POST", headers });
  return { status: res.status, body: (await res.json()) as { ticket: string; url: string } };
}

/** Opens a socket as a browser does: the ticket offered as a subprotocol, never in the URL. */
function open(path: string, ticket?: string) {
  return api(path, { headers: { upgrade: "websocket", ...(ticket === undefined ? {} : { "sec-websocket-protocol": socketProtocols(ticket).join(", ") }) } });
}

/** Accepts a socket and records its frames. */
function listen(res: Response) {
  const ws = res.webSocket!;
  const frames: ServerMessage[] = [];
  ws.accept();
  ws.addEventListener("message", (e) => frames.push(JSON.parse(e.data as string) as ServerMessage));
  return { ws, frames };
}

async function until(check: () => boolean, what: string, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("job sockets", () => {
  it("gives the job's customer a snapshot first, then batched deltas", async () => {
    const seeded = await seedJob({ directories: 30 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    await stubFor(seeded.jobId).start(seeded.jobId);
    const { status, body } = await ticketFor(seeded.jobId, await bearer(seeded.userId));
    expect(status).toBe(200);
    const res = await open(body.url, body.ticket);
    expect(res.status).toBe(101);
    const { ws, frames } = listen(res);
    await until(() => frames.length > 0, "snapshot");
    expect(frames[0]).toMatchObject({ type: "snapshot", job: { jobId: seeded.jobId, total: 30, inFlight: 4 } });
    expect((frames[0] as Extract<ServerMessage, { type: "snapshot" }>).submissions).toHaveLength(30);

    // A burst of reports arrives as a handful of frames, not one per change.
    const stub = stubFor(seeded.jobId);
    for (let round = 0; round < 3; round++) {
      for (const m of released.splice(0)) {
        await stub.lease(m.submissionId, m.attempt, "w1");
        await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" });
      }
    }
    await until(() => frames.some((f) => f.type === "job" && f.job.submitted === 12), "progress of 12");
    const deltas = frames.slice(1);
    const changes = deltas.filter((f) => f.type === "submission").flatMap((f) => (f.type === "submission" ? f.submissions : []));
    expect(changes.filter((s) => s.status === "submitted").length).toBeGreaterThanOrEqual(12);
    expect(deltas.length).toBeLessThan(60); // 12 tasks × (lease + report + release) would be 100+ unbatched
    const last = deltas.filter((f) => f.type === "job").at(-1);
    expect(last).toMatchObject({ type: "job", job: { submitted: 12, percent: 40, remaining: 18 } });
    ws.close(1000, "done");
  });

  it("keeps delivering to hibernated sockets after the object is evicted", async () => {
    const seeded = await seedJob({ directories: 5 });
    const released: TaskMessage[] = [];
    await captureReleases(seeded.jobId, released);
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const { body } = await ticketFor(seeded.jobId, await bearer(seeded.userId));
    const { frames } = listen(await open(body.url, body.ticket));
    await until(() => frames.length > 0, "snapshot");
    await evictDurableObject(stub);
    const m = released[0]!;
    await stub.lease(m.submissionId, m.attempt, "w1");
    await stub.report({ jobId: seeded.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "approved", listingUrl: "https://x.example/l" });
    await until(() => frames.some((f) => f.type === "submission" && f.submissions.some((s) => s.submissionId === m.submissionId && s.status === "approved")), "delta after eviction");
    expect(frames.some((f) => f.type === "activity" && f.lines.some((l) => l.message.includes("is live on")))).toBe(true);
  });

  it("refuses sockets without a ticket, with an expired one, or one for another job", async () => {
    const a = await seedJob({ directories: 2 });
    const b = await seedJob({ directories: 2 });
    await stubFor(a.jobId).start(a.jobId);
    expect((await open(`/api/jobs/${a.jobId}/ws`)).status).toBe(401);
    const expired = await signTicket(env.WS_TICKET_SECRET, { target: a.jobId, role: "customer", userId: a.userId }, -30);
    expect((await open(`/api/jobs/${a.jobId}/ws`, expired)).status).toBe(401);
    const forB = await signTicket(env.WS_TICKET_SECRET, { target: b.jobId, role: "customer", userId: b.userId });
    const crossed = await open(`/api/jobs/${a.jobId}/ws`, forB);
    expect(crossed.status).toBe(401);
    expect(await crossed.json()).toMatchObject({ error: { code: "invalid_ticket" } });
    const forged = await open(`/api/jobs/${a.jobId}/ws`, `${forB.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    // Without the upgrade header it is a clear 426, not a hang.
    expect((await api(`/api/jobs/${a.jobId}/ws`, { headers: { "sec-websocket-protocol": socketProtocols(forB).join(", ") } })).status).toBe(426);
  });

  it("takes the ticket as a subprotocol and selects ours; a ticket in the URL opens nothing", async () => {
    const seeded = await seedJob({ directories: 2 });
    await stubFor(seeded.jobId).start(seeded.jobId);
    const first = await ticketFor(seeded.jobId, await bearer(seeded.userId));
    // The socket's URL carries no ticket: URLs end up in logs and history.
    expect(first.body.url).toBe(`/api/jobs/${seeded.jobId}/ws`);
    const inQuery = await open(`${first.body.url}?ticket=${encodeURIComponent(first.body.ticket)}`);
    expect(inQuery.status).toBe(401);
    expect(await inQuery.json()).toMatchObject({ error: { code: "invalid_ticket" } });
    const res = await open(first.body.url, first.body.ticket);
    expect(res.status).toBe(101);
    // Browsers drop a socket that offered subprotocols and got none back; the ticket is not echoed.
    expect(res.headers.get("sec-websocket-protocol")).toBe(SOCKET_PROTOCOL);
    const { frames } = listen(res);
    await until(() => frames.length > 0, "snapshot");
    expect(frames[0]!.type).toBe("snapshot");
  });

  it("lets a ticket open one socket: a replay is a 401, even after the object is evicted", async () => {
    const seeded = await seedJob({ directories: 2 });
    const stub = stubFor(seeded.jobId);
    await stub.start(seeded.jobId);
    const { body } = await ticketFor(seeded.jobId, await bearer(seeded.userId));
    const { frames } = listen(await open(body.url, body.ticket));
    await until(() => frames.length > 0, "snapshot");
    const replay = await open(body.url, body.ticket);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: "invalid_ticket" } });
    await evictDurableObject(stub);
    expect((await open(body.url, body.ticket)).status).toBe(401);
    // A fresh ticket still opens the job's socket.
    const fresh = await ticketFor(seeded.jobId, await bearer(seeded.userId));
    expect((await open(fresh.body.url, fresh.body.ticket)).status).toBe(101);
  });

  it("gives tickets only to the job's customer and to staff", async () => {
    const a = await seedJob({ directories: 2 });
    const b = await seedJob({ directories: 2 });
    expect((await ticketFor(a.jobId, {})).status).toBe(401);
    expect((await ticketFor(a.jobId, { authorization: "Bearer nonsense" })).status).toBe(401);
    // B asking for A's job learns nothing: 404, as for a job that does not exist.
    expect((await ticketFor(a.jobId, await bearer(b.userId))).status).toBe(404);
    expect((await ticketFor(crypto.randomUUID(), await bearer(b.userId))).status).toBe(404);
    expect((await ticketFor("not-a-uuid", await bearer(b.userId))).status).toBe(400);
    const staff = await ticketFor(a.jobId, await bearer(crypto.randomUUID(), true));
    expect(staff.status).toBe(200);
    await stubFor(a.jobId).start(a.jobId);
    const { frames } = listen(await open(staff.body.url, staff.body.ticket));
    await until(() => frames.length > 0, "staff snapshot");
    expect(frames[0]!.type).toBe("snapshot");
  });
});

describe("ops overview socket", () => {
  it("shows staff every active job and the throughput, live", async () => {
    const staffHeaders = await bearer(crypto.randomUUID(), true);
    const customer = await seedJob({ directories: 3 });
    const denied = await api("/api/ops/ws-ticket", { method: "POST", headers: await bearer(customer.userId) });
    expect(denied.status).toBe(403);
    const res = await api("/api/ops/ws-ticket", { method: "POST", headers: staffHeaders });
    const { url, ticket } = (await res.json()) as { url: string; ticket: string };
    const { frames } = listen(await open(url, ticket));
    // The ops ticket opens one socket too.
    const replay = await open(url, ticket);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: "invalid_ticket" } });
    await until(() => frames.length > 0, "ops snapshot");
    const released: TaskMessage[] = [];
    await captureReleases(customer.jobId, released);
    const stub = stubFor(customer.jobId);
    await stub.start(customer.jobId);
    for (const m of released.splice(0)) {
      await stub.lease(m.submissionId, m.attempt, "ops-test-worker");
      await stub.report({ jobId: customer.jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" });
    }
    await until(() => frames.some((f) => f.type === "ops" && f.overview.jobs.some((j) => j.jobId === customer.jobId && j.status === "completed")), "the job completed on the board");
    const last = frames.filter((f) => f.type === "ops").at(-1) as Extract<ServerMessage, { type: "ops" }>;
    expect(last.overview.throughputPerMinute).toHaveLength(60);
    expect(last.overview.throughputPerMinute.at(-1)).toBeGreaterThanOrEqual(3);
    expect(last.overview.workers.map((w) => w.workerId)).toContain("ops-test-worker");
  });
});
