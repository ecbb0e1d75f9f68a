import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signUserToken } from "../../src/auth/user-token";
import { connectFromWorker } from "../../src/db/worker-database";
import { listingState, listingSummary } from "../../core/listing-states";
import type { ServerMessage, SubmissionView } from "../../core/protocol/live";
import { socketProtocols } from "../../core/protocol/socket-ticket";
import type { StaffTaskPacket, StaffTaskSummary } from "../../core/protocol/staff";
import type { TaskMessage } from "../../core/protocol/tasks";
import { captureReleases, settled, stubFor } from "./support/coordinator-harness";
import { postgresState, seedJob } from "./support/seed";

const api = (path: string, init?: RequestInit) => exports.default.fetch(`http://localhost${path}`, init);

async function bearer(userId: string, staff = false, email?: string) {
  return { authorization: `Bearer ${await signUserToken(env, { userId, staff, ...(email ? { email } : {}) })}` };
}

const post = (path: string, headers: Record<string, string>, body?: unknown) =>
  api(path, { method: "POST", headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });

async function sql(text: string, values: unknown[] = []) {
  const conn = await connectFromWorker(env);
  try {
    return (await conn.client.query(text, values)).rows;
  } finally {
    await conn.close();
  }
}

/** Marks the directories of these submissions manual, with catalog notes. */
async function makeManual(submissionIds: string[], notes: string | null = null) {
  await sql("update directories set automation = 'manual', notes = $2 where id in (select directory_id from directory_submissions where id = any($1::uuid[]))", [submissionIds, notes]);
}

function listen(res: Response) {
  const ws = res.webSocket!;
  const frames: ServerMessage[] = [];
  ws.accept();
  ws.addEventListener("message", (e) => {
    frames.push(JSON.parse(e.data as string) as ServerMessage);
  });
  return { ws, frames };
}

async function until(check: () => boolean, what: string, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Answers every released task "submitted" until nothing more is released (manual tasks never are). */
async function submitReleased(jobId: string, released: TaskMessage[]) {
  const stub = stubFor(jobId);
  for (let batch = released.splice(0); batch.length; batch = released.splice(0)) {
    for (const m of batch) {
      if (await stub.lease(m.submissionId, m.attempt, "test-worker")) await stub.report({ jobId, submissionId: m.submissionId, attempt: m.attempt, outcome: "submitted" });
    }
  }
}

const changes = (frames: ServerMessage[]): SubmissionView[] => frames.flatMap((f) => (f.type === "submission" ? f.submissions : []));

/** A started job of `count` directories whose first `manual` are manual; the rest are answered "submitted". */
async function jobWithManual(count: number, manual: number, notes: string | null = null) {
  const seeded = await seedJob({ directories: count });
  const manualIds = seeded.submissionIds.slice(0, manual);
  await makeManual(manualIds, notes);
  const released: TaskMessage[] = [];
  await captureReleases(seeded.jobId, released);
  const stub = stubFor(seeded.jobId);
  await stub.start(seeded.jobId);
  return { seeded, manualIds, released, stub };
}

describe("staff tasks", () => {
  it("a manual directory becomes a staff task, never a queue message, and holds the job open", async () => {
    const { seeded, manualIds, released, stub } = await jobWithManual(6, 2);
    expect(released.map((m) => m.submissionId).filter((id) => manualIds.includes(id))).toEqual([]);
    expect(released.length).toBe(4);
    await submitReleased(seeded.jobId, released);
    const snapshot = await stub.snapshot();
    expect(snapshot.job).toMatchObject({ status: "in_progress", total: 6, submitted: 4, manual: 2, remaining: 2 });
    for (const id of manualIds) {
      expect(snapshot.submissions.find((s) => s.submissionId === id)).toMatchObject({ status: "manual", staffTask: true, attempt: 0 });
    }
    // The automated ones are not staff tasks.
    expect(snapshot.submissions.filter((s) => s.staffTask)).toHaveLength(2);
    await settled(seeded.jobId);
    const pg = await postgresState(seeded.jobId);
    expect(
      pg.submissions
        .filter((s) => s.status === "manual")
        .map((s) => s.id)
        .sort(),
    ).toEqual([...manualIds].sort());

    // Open packets are listed for staff, across jobs.
    const staff = await bearer(crypto.randomUUID(), true, "ops@example.com");
    const list = (await (await api("/api/staff/tasks", { headers: staff })).json()) as { tasks: StaffTaskSummary[] };
    const mine = list.tasks.filter((t) => t.jobId === seeded.jobId);
    expect(mine.map((t) => t.submissionId).sort()).toEqual([...manualIds].sort());
    expect(mine[0]).toMatchObject({ status: "manual", claimedBy: null, outcome: null, businessName: expect.stringContaining("Bäckerei") });
  });

  it("builds a packet: the directory's link, every value to copy, the description fitted to the directory's limit", async () => {
    const seeded = await seedJob({ directories: 2 });
    const short = "Fresh sourdough and pastries, baked daily in Köln.";
    const long =
      "We bake sourdough bread every morning in our wood-fired oven. Our pastries use butter from local farms. We cater weddings and office breakfasts across the city. Orders can be placed by phone.";
    await sql(
      "update business_profiles set short_description = $2, long_description = $3, contact_name = 'Ana Maria Lopez', street = 'Hauptstraße 1, Etage 2', postal_code = '50667', email = 'ana@example.com', hours = $4::jsonb, services = '{Catering,Wedding cakes}', year_established = 1987, price_range = '$$', payment_methods = '{cash,paypal}', latitude = 50.9375, longitude = 6.9603, logo_key = 'profiles/' || $1 || '/logo-packet.png' where customer_id = $1",
      [seeded.customerId, short, long, JSON.stringify({ mon: [["07:00", "18:00"]], tue: [["07:00", "18:00"]] })],
    );
    const manualId = seeded.submissionIds[0]!;
    await makeManual([manualId], "blocks bots; wants a phone call; description maximum 120 characters");
    await captureReleases(seeded.jobId, []);
    await stubFor(seeded.jobId).start(seeded.jobId);
    const res = await api(`/api/staff/tasks/${seeded.jobId}/${manualId}`, { headers: await bearer(crypto.randomUUID(), true) });
    expect(res.status).toBe(200);
    const { packet } = (await res.json()) as { packet: StaffTaskPacket };
    expect(packet.directory.submitUrl).toMatch(/^https:\/\/d0\..+\/add$/);
    expect(packet.reason).toContain("blocks bots");
    expect(packet.actions).toEqual(["claim", "submitted", "approved", "failed"]);
    const value = (key: string) => packet.fields.find((f) => f.key === key)?.value;
    expect(value("organization")).toMatch(/^Bäckerei /);
    expect(value("given-name")).toBe("Ana Maria");
    expect(value("family-name")).toBe("Lopez");
    expect(value("address-line1")).toBe("Hauptstraße 1");
    expect(value("address-line2")).toBe("Etage 2");
    expect(value("country")).toBe("Germany");
    expect(value("tel")).toBe("+49 221 12345678");
    expect(value("hours")).toBe("Mon-Tue 07:00-18:00");
    const description = packet.fields.find((f) => f.key === "description")!;
    expect(description.maxLength).toBe(120);
    expect(description.value.length).toBeLessThanOrEqual(120);
    // Made of the profile's own sentences, nothing invented.
    expect(`${short} ${long}`).toContain(description.value.split(/(?<=\.) /)[0]!);
    expect(value("description-short")).toBe(short);
    // Issue 20's types, as the engine fills them; none listed without a value.
    expect(value("keywords")).toMatch(/Catering, Wedding cakes$/);
    expect(value("tagline")).toBe(short);
    expect(value("year-established")).toBe("1987");
    expect(value("price-range")).toBe("$$");
    expect(value("payment-methods")).toBe("Cash, PayPal");
    expect([value("latitude"), value("longitude")]).toEqual(["50.9375", "6.9603"]);
    expect(value("employees")).toBeUndefined();
    // The logo as a link staff can open (the job's own image route); no photos, no photo links.
    expect(value("logo")).toBe(`/api/jobs/${seeded.jobId}/images/logo`);
    expect(value("photo-1")).toBeUndefined();
    await env.EVIDENCE.put(`profiles/${seeded.customerId}/logo-packet.png`, "png-bytes", { httpMetadata: { contentType: "image/png" } });
    const logo = await api(value("logo")!, { headers: await bearer(crypto.randomUUID(), true) });
    expect(logo.status).toBe(200);
    expect(logo.headers.get("content-type")).toBe("image/png");
    expect(await logo.text()).toBe("png-bytes");
    expect((await api(`/api/jobs/${seeded.jobId}/images/3`, { headers: await bearer(crypto.randomUUID(), true) })).status).toBe(404);
    expect(value("video-url")).toBeUndefined();
  });

  it("records the outcome once: the job, Postgres and the customer's live socket follow; double clicks change nothing", async () => {
    const { seeded, manualIds, released, stub } = await jobWithManual(4, 2);
    await submitReleased(seeded.jobId, released);
    const ticket = (await (await post(`/api/jobs/${seeded.jobId}/ws-ticket`, await bearer(seeded.userId))).json()) as { url: string; ticket: string };
    const { ws, frames } = listen(await api(ticket.url, { headers: { upgrade: "websocket", "sec-websocket-protocol": socketProtocols(ticket.ticket).join(", ") } }));
    await until(() => frames.length > 0, "snapshot");

    const staff = await bearer(crypto.randomUUID(), true, "ana@directorybolt.test");
    const [first, second] = manualIds as [string, string];
    const claim = await post(`/api/staff/tasks/${seeded.jobId}/${first}/claim`, staff);
    expect(claim.status).toBe(200);
    expect(await claim.json()).toMatchObject({ applied: true, packet: { claimedBy: "ana@directorybolt.test", actions: ["submitted", "approved", "failed"] } });
    expect(await (await post(`/api/staff/tasks/${seeded.jobId}/${first}/claim`, staff)).json()).toMatchObject({ applied: false });

    // Submitted by phone; the customer has to answer the directory's verification call.
    const submitted = { outcome: "submitted", customerAction: "Expect a verification call from the directory; confirm the address." };
    expect(await (await post(`/api/staff/tasks/${seeded.jobId}/${first}/outcome`, staff, submitted)).json()).toMatchObject({ applied: true, packet: { status: "submitted" } });
    await until(() => changes(frames).some((s) => s.submissionId === first && s.status === "submitted"), "submitted delta");
    expect(
      changes(frames)
        .filter((s) => s.submissionId === first)
        .at(-1),
    ).toMatchObject({ staffTask: true, customerAction: submitted.customerAction });

    const approved = { outcome: "approved", listingUrl: "https://directory.example/listing/42" };
    const results = await Promise.all([1, 2, 3].map(() => post(`/api/staff/tasks/${seeded.jobId}/${first}/outcome`, staff, approved)));
    const bodies = (await Promise.all(results.map((r) => r.json()))) as { applied: boolean }[];
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(bodies.filter((b) => b.applied)).toHaveLength(1);
    await until(() => changes(frames).some((s) => s.submissionId === first && s.status === "approved"), "approved delta");
    const live = changes(frames)
      .filter((s) => s.submissionId === first)
      .at(-1)!;
    expect(live).toMatchObject({ status: "approved", listingUrl: approved.listingUrl, customerAction: null });
    await until(() => frames.some((f) => f.type === "job" && f.job.approved === 1), "job progress with one approved");
    expect(frames.some((f) => f.type === "activity" && f.lines.some((l) => l.message.includes("is live on")))).toBe(true);
    expect((await stub.progress()).status).toBe("in_progress");

    // The second one fails; the job completes.
    const failed = { outcome: "failed", reason: "The directory only lists businesses with a UK address" };
    expect((await post(`/api/staff/tasks/${seeded.jobId}/${second}/outcome`, staff, failed)).status).toBe(200);
    expect(await (await post(`/api/staff/tasks/${seeded.jobId}/${second}/outcome`, staff, failed)).json()).toMatchObject({ applied: false });
    await until(() => frames.some((f) => f.type === "job" && f.job.status === "completed"), "job completed");
    const progress = await stub.progress();
    expect(progress).toMatchObject({ status: "completed", total: 4, submitted: 3, approved: 1, failed: 1, manual: 0, percent: 100 });

    await settled(seeded.jobId);
    const pg = await postgresState(seeded.jobId);
    expect(pg.submissions.find((s) => s.id === first)).toMatchObject({ status: "approved", attempt: 1, listing_url: approved.listingUrl });
    expect(pg.submissions.find((s) => s.id === second)).toMatchObject({ status: "failed", attempt: 1 });
    expect(pg.job).toMatchObject({ status: "completed", directories_submitted: 3, directories_failed: 1 });
    expect(pg.events).toMatchObject({ submission_approved: 1, submission_failed: 1, staff_task_claimed: 2, job_completed: 1 });
    // 2 automated + the staff-submitted one.
    expect(pg.events.submission_submitted).toBe(3);
    // Closed packets leave the open list.
    const list = (await (await api("/api/staff/tasks", { headers: staff })).json()) as { tasks: StaffTaskSummary[] };
    expect(list.tasks.filter((t) => t.jobId === seeded.jobId)).toEqual([]);
    ws.close(1000, "done");
  });

  it("refuses customers, bad input, a colleague's claimed task and conflicting outcomes, changing nothing", async () => {
    const { seeded, manualIds, stub } = await jobWithManual(3, 1);
    const manualId = manualIds[0]!;
    const automatedId = seeded.submissionIds[2]!;
    const base = `/api/staff/tasks/${seeded.jobId}/${manualId}`;
    const customer = await bearer(seeded.userId);
    const before = await stub.snapshot();

    // Customers (even the job's own) and anonymous callers cannot see or act on packets.
    expect((await api("/api/staff/tasks", { headers: customer })).status).toBe(403);
    expect((await api(base, { headers: customer })).status).toBe(403);
    expect((await post(`${base}/claim`, customer)).status).toBe(403);
    expect((await post(`${base}/outcome`, customer, { outcome: "approved", listingUrl: "https://x.example/l" })).status).toBe(403);
    expect((await api("/api/staff/tasks")).status).toBe(401);
    expect((await post(`${base}/claim`, {})).status).toBe(401);

    const ana = await bearer(crypto.randomUUID(), true, "ana@directorybolt.test");
    const ben = await bearer(crypto.randomUUID(), true, "ben@directorybolt.test");
    const bad: [unknown, number][] = [
      [{ outcome: "approved" }, 400],
      [{ outcome: "approved", listingUrl: "not a url" }, 400],
      [{ outcome: "approved", listingUrl: "ftp://x.example/l" }, 400],
      [{ outcome: "failed" }, 400],
      [{ outcome: "failed", reason: " " }, 400],
      [{ outcome: "live" }, 400],
      [[], 400],
      [{ outcome: "submitted", customerAction: "x".repeat(501) }, 400],
    ];
    for (const [body, status] of bad) {
      const res = await post(`${base}/outcome`, ana, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code: "validation_failed" } });
    }
    expect((await api(`${base}/outcome`, { method: "POST", headers: { ...ana, "content-type": "application/json" }, body: "{" })).status).toBe(400);
    expect((await api(`${base}/outcome`, { method: "POST", headers: ana, body: "outcome=approved" })).status).toBe(415);
    expect((await post(`/api/staff/tasks/not-a-job/${manualId}/claim`, ana)).status).toBe(400);
    expect((await post(`/api/staff/tasks/${seeded.jobId}/${crypto.randomUUID()}/claim`, ana)).status).toBe(404);
    const notStaff = await post(`/api/staff/tasks/${seeded.jobId}/${automatedId}/claim`, ana);
    expect(notStaff.status).toBe(404);
    expect(await notStaff.json()).toMatchObject({ error: { code: "not_a_staff_task" } });
    expect((await stub.snapshot()).submissions).toEqual(before.submissions);

    // Ana claims; Ben can neither claim nor record.
    expect((await post(`${base}/claim`, ana)).status).toBe(200);
    const taken = await post(`${base}/claim`, ben);
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: { code: "claimed_by_other", message: expect.stringContaining("ana@directorybolt.test") } });
    expect((await post(`${base}/outcome`, ben, { outcome: "approved", listingUrl: "https://x.example/l" })).status).toBe(409);

    // Once approved, another URL or another outcome is a conflict, not a change.
    expect((await post(`${base}/outcome`, ana, { outcome: "approved", listingUrl: "https://x.example/l" })).status).toBe(200);
    const after = await stub.snapshot();
    const other = await post(`${base}/outcome`, ana, { outcome: "approved", listingUrl: "https://x.example/other" });
    expect(other.status).toBe(409);
    expect((await post(`${base}/outcome`, ana, { outcome: "failed", reason: "changed my mind" })).status).toBe(409);
    expect((await post(`${base}/claim`, ana)).status).toBe(409);
    expect((await stub.snapshot()).submissions).toEqual(after.submissions);
    expect(after.submissions.find((s) => s.submissionId === manualId)).toMatchObject({ status: "approved", listingUrl: "https://x.example/l" });
  });

  it("a retried staff failure opens the packet again and still never reaches the queue", async () => {
    const { seeded, manualIds, released, stub } = await jobWithManual(2, 1);
    await submitReleased(seeded.jobId, released);
    const staff = await bearer(crypto.randomUUID(), true, "ana@directorybolt.test");
    const manualId = manualIds[0]!;
    await post(`/api/staff/tasks/${seeded.jobId}/${manualId}/outcome`, staff, { outcome: "failed", reason: "Phone line busy for a week" });
    expect((await stub.progress()).status).toBe("completed");
    expect(await stub.retrySubmission(manualId)).toEqual({ applied: true, status: "manual" });
    expect(released).toEqual([]);
    const { packet } = (await (await api(`/api/staff/tasks/${seeded.jobId}/${manualId}`, { headers: staff })).json()) as { packet: StaffTaskPacket };
    expect(packet).toMatchObject({ status: "manual", claimedBy: null, outcome: null, actions: ["claim", "submitted", "approved", "failed"] });
    expect(await stub.progress()).toMatchObject({ status: "in_progress", manual: 1 });
    // A new attempt: the second claim is its own event.
    await post(`/api/staff/tasks/${seeded.jobId}/${manualId}/outcome`, staff, { outcome: "approved", listingUrl: "https://x.example/ok" });
    expect(await stub.progress()).toMatchObject({ status: "completed", approved: 1, failed: 0 });
    await settled(seeded.jobId);
    expect((await postgresState(seeded.jobId)).events).toMatchObject({ staff_task_claimed: 2, submission_approved: 1, submission_failed: 1 });
  });
});

describe("the customer's words for each directory", () => {
  const view = (status: SubmissionView["status"], extra: Partial<SubmissionView> = {}) => ({ status, listingUrl: null, failureReason: null, ...extra });

  it("says where each listing is, with the link when live and the reason when failed", () => {
    expect(listingState(view("queued"))).toMatchObject({ state: "queued", label: "Waiting its turn" });
    expect(listingState(view("submitting")).state).toBe("working");
    expect(listingState(view("manual", { staffTask: true }))).toMatchObject({ state: "staff", label: "Being done by our staff" });
    expect(listingState(view("submitted"))).toMatchObject({ state: "submitted", label: "Submitted" });
    expect(listingState(view("awaiting_verification")).label).toBe("Waiting for the directory's approval");
    expect(listingState(view("approved", { listingUrl: "https://d.example/l/1" }))).toMatchObject({ state: "live", label: "Live", listingUrl: "https://d.example/l/1" });
    expect(listingState(view("failed", { failureReason: "only UK businesses", listingUrl: "https://d.example/x" }))).toMatchObject({
      state: "failed",
      detail: "Not listed: only UK businesses",
      listingUrl: null,
    });
    // Something the customer must do wins while the listing is not final, and is gone once it is.
    const action = "Answer the directory's verification call";
    expect(listingState(view("submitted", { staffTask: true, customerAction: action }))).toMatchObject({ state: "needs_action", label: "Needs your action", detail: action });
    expect(listingState(view("approved", { customerAction: action })).state).toBe("live");
  });

  it("counts live listings and each state", () => {
    const summary = listingSummary([view("approved"), view("approved", { listingUrl: "https://a.example" }), view("manual"), view("failed"), view("pending")]);
    expect(summary.live).toBe(2);
    expect(summary.byState).toMatchObject({ live: 2, staff: 1, failed: 1, queued: 1, submitted: 0 });
  });
});
