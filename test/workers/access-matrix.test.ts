/**
 * The access matrix: every route of the app and both sockets, tried as each
 * actor (test/workers/support/actors.ts) against customer A's started job,
 * each request well-formed so that only who is asking decides. The answers
 * must match each route's declared audience, and the table of status codes
 * must equal the one in docs/security.md (`npm run security:doc` rewrites
 * it: workerd has no filesystem, so the table goes back through the task
 * meta to test/support/security-doc-reporter.ts).
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, inject, it } from "vitest";
import doc from "../../docs/security.md?raw";
import { app } from "../../src/app";
import { connectFromWorker } from "../../src/db/worker-database";
import { buildProofPack } from "../../src/proof/build";
import { runSurvivalChecks } from "../../src/listings/survival";
import { checkEvidenceKey, evidenceKey } from "../../core/evidence-keys";
import { socketProtocols } from "../../core/protocol/socket-ticket";
import type { TaskMessage } from "../../core/protocol/tasks";
import worker from "../../src/index";
import { markdownTable, readSection } from "../support/doc-sections";
import { ACTORS, bearerOf, newPeople, type Actor, type People } from "./support/actors";
import { captureReleases, settled, stubFor } from "./support/coordinator-harness";
import { loginAad, seal, vaultKeyring } from "../../core/vault";
import { unmatchedMail } from "./support/mail";
import { seedJob, type SeededJob } from "./support/seed";

/** Who a route is for: its answers must be < 400 for exactly these actors. */
type Audience = "public" | "owner" | "own customer" | "profile owner" | "fault injection" | "signed-in" | "staff" | "worker" | "metrics token" | "Stripe signature";
const ALLOWED: Record<Audience, Actor[]> = {
  public: [...ACTORS],
  owner: ["customerA", "staff"],
  // A customer's own settings (webhook endpoints): staff, too, get the stranger's 404.
  "own customer": ["customerA"],
  // The profile's images: a signed-in customer with a saved profile; one without gets 409 profile_missing.
  "profile owner": ["customerA"],
  "signed-in": ["customerA", "customerB", "staff"],
  staff: ["staff"],
  worker: ["worker"],
  // Credentials that are none of the seven actors: nobody in the matrix passes.
  "metrics token": [],
  "Stripe signature": [],
  // Only with DEV_FAULT_INJECTION=1 on a loopback PUBLIC_URL (test:faults); here, as in production, a 404 for all.
  "fault injection": [],
};

interface Ctx {
  job: SeededJob;
  localSessionId: string;
  /** The submission the route's path names (prepare may pick one in a given state). */
  submissionId: string;
  released: TaskMessage[];
  /** What prepare made for the route to act on (a webhook endpoint's id, a directory's id). */
  targetId?: string;
}
interface AccessRequest {
  audience: Audience;
  path: (c: Ctx) => string;
  body?: (c: Ctx) => unknown;
  /** A socket: the actor first asks for a ticket with its credential, then offers it as a subprotocol. */
  ticketFrom?: (c: Ctx) => string;
  form?: boolean;
  /** A raw body (an image's bytes), sent as application/octet-stream. */
  raw?: () => Uint8Array;
  /** Puts the job in the state the route needs to succeed for its audience. */
  prepare?: (c: Ctx) => Promise<void>;
  /** The job's directories refuse automation (set before it starts): its submissions are staff tasks. */
  manual?: boolean;
}

/** Leases the first released task and reports it as `outcome`; the submission's id goes to c.submissionId. */
async function reportFirst(c: Ctx, outcome: "submitted" | "failed"): Promise<void> {
  const task = c.released.shift()!;
  const stub = stubFor(c.job.jobId);
  await stub.lease(task.submissionId, task.attempt, "matrix-worker");
  const key = evidenceKey(c.job.jobId, task.submissionId, task.attempt, "submitted");
  if (outcome === "submitted") await env.EVIDENCE.put(key, "png", { httpMetadata: { contentType: "image/png" } });
  await stub.report({
    jobId: c.job.jobId,
    submissionId: task.submissionId,
    attempt: task.attempt,
    outcome,
    ...(outcome === "failed" ? { failureClass: "site_gone" as const, reason: "matrix" } : { evidenceKey: key }),
  });
  c.submissionId = task.submissionId;
}

async function sql<T>(text: string, values: unknown[]): Promise<T[]> {
  const conn = await connectFromWorker(env);
  try {
    return (await conn.client.query(text, values)).rows as T[];
  } finally {
    await conn.close();
  }
}

/** Customer A registers a webhook endpoint through the API; its id goes to c.targetId. */
async function registerEndpoint(c: Ctx): Promise<void> {
  const token = await bearerOf("customerA", newPeople(c.job.userId));
  const res = await call("POST", "/api/webhook-endpoints", { authorization: `Bearer ${token}`, "content-type": "application/json" }, JSON.stringify({ url: "https://hooks.example.com/matrix" }));
  expect(res.status).toBe(201);
  c.targetId = ((await res.json()) as { endpoint: { id: string } }).endpoint.id;
}

/** A mail received for the job's first listing, as the email handler records it (src/mail/directory-mail.ts). */
async function addDirectoryMail(c: Ctx): Promise<void> {
  const conn = await connectFromWorker(env);
  try {
    const { rows } = await conn.client.query<{ id: string }>(
      `insert into directory_mails (mail_id, job_id, customer_id, submission_id, from_address, subject, body, kind)
       select $1, j.id, j.customer_id, s.id, 'visitor@example.com', 'A question', 'Do you deliver?', 'message'
         from jobs j join directory_submissions s on s.job_id = j.id where j.id = $2 limit 1
       returning id`,
      [crypto.randomUUID(), c.job.jobId],
    );
    c.targetId = rows[0]!.id;
  } finally {
    await conn.close();
  }
}

/** A 64×64 PNG header: all the image routes read of an image. */
function matrixPng(): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, 64);
  new DataView(b.buffer).setUint32(20, 64);
  return b;
}

/** Customer A adds a photo to the job's profile, so there is one to delete. */
async function addPhoto(c: Ctx): Promise<void> {
  const token = await bearerOf("customerA", newPeople(c.job.userId));
  const res = await call("POST", "/api/business/photos", { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" }, matrixPng());
  expect(res.status).toBe(200);
}

/** Customer A uploads the job's profile's logo, so there is one to read. */
async function addLogo(c: Ctx): Promise<void> {
  const token = await bearerOf("customerA", newPeople(c.job.userId));
  const res = await call("PUT", "/api/business/logo", { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" }, matrixPng());
  expect(res.status).toBe(200);
}

/** The first released task is reported with a login it created (sealed, as the browser worker does); the vault entry's id goes to c.targetId. */
async function storeLogin(c: Ctx): Promise<void> {
  const task = c.released.shift()!;
  const stub = stubFor(c.job.jobId);
  const lease = await stub.lease(task.submissionId, task.attempt, "matrix-worker");
  const password = await seal(await vaultKeyring(env.VAULT_KEYS), "matrix-password-1", loginAad(c.job.jobId, task.submissionId));
  await stub.report({
    jobId: c.job.jobId,
    submissionId: task.submissionId,
    attempt: task.attempt,
    outcome: "submitted",
    account: { loginUrl: lease!.directory.website, username: "matrix", password },
  });
  await settled(c.job.jobId);
  const [row] = await sql<{ id: string }>("select id from vault_logins where submission_id = $1", [task.submissionId]);
  c.targetId = row!.id;
}

/** The first released task is approved and its 30-day survival check finds it gone; the check's id goes to c.targetId. */
async function flaggedListing(c: Ctx): Promise<void> {
  const task = c.released.shift()!;
  const stub = stubFor(c.job.jobId);
  const lease = await stub.lease(task.submissionId, task.attempt, "matrix-worker");
  await stub.report({ jobId: c.job.jobId, submissionId: task.submissionId, attempt: task.attempt, outcome: "approved", listingUrl: `${lease!.directory.website}listing/1` });
  await settled(c.job.jobId);
  const [row] = await sql<{ approved_at: Date }>("select approved_at from directory_submissions where id = $1", [task.submissionId]);
  const conn = await connectFromWorker(env);
  try {
    await runSurvivalChecks(conn.client, { jobId: c.job.jobId, now: new Date(row!.approved_at.getTime() + 31 * 86_400_000), fetch: async () => new Response("gone", { status: 404 }) });
  } finally {
    await conn.close();
  }
  const [check] = await sql<{ id: string }>("select id from listing_checks where submission_id = $1", [task.submissionId]);
  c.targetId = check!.id;
}

/** A flagged listing (flaggedListing) whose check's screenshot is stored, as the check's browser task stores it. */
async function screenshottedCheck(c: Ctx): Promise<void> {
  await flaggedListing(c);
  const [check] = await sql<{ submission_id: string }>("select submission_id from listing_checks where id = $1", [c.targetId]);
  const key = checkEvidenceKey(c.job.jobId, check!.submission_id, c.targetId!, 1);
  await env.EVIDENCE.put(key, new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  await sql("update listing_checks set evidence_key = $1 where id = $2", [key, c.targetId]);
}

/** One of the job's listings is live and the customer changed the phone since: "update my listings" has work. */
async function changedLiveListing(c: Ctx): Promise<void> {
  const task = c.released.shift()!;
  const stub = stubFor(c.job.jobId);
  const lease = await stub.lease(task.submissionId, task.attempt, "matrix-worker");
  await stub.report({ jobId: c.job.jobId, submissionId: task.submissionId, attempt: task.attempt, outcome: "approved", listingUrl: `${lease!.directory.website}listing/1` });
  await settled(c.job.jobId);
  await sql("update business_profiles set phone = '+4922199999999' where customer_id = $1", [c.job.customerId]);
}

/** Customer A starts "update my listings" on a live listing without a login: it becomes a staff task; its submission goes to c.submissionId. */
async function staffUpdateItem(c: Ctx): Promise<void> {
  await changedLiveListing(c);
  const token = await bearerOf("customerA", newPeople(c.job.userId));
  const res = await call("POST", `/api/jobs/${c.job.jobId}/listing-update`, { authorization: `Bearer ${token}` });
  expect(res.status).toBe(200);
  const { update } = (await res.json()) as { update: { items: { submissionId: string; method: string }[] } };
  c.submissionId = update.items.find((i) => i.method === "staff")!.submissionId;
}

/** The directory of the job's first submission goes to c.targetId. */
async function firstDirectory(c: Ctx): Promise<void> {
  const [row] = await sql<{ directory_id: string }>("select directory_id from directory_submissions where id = $1", [c.job.submissionIds[0]]);
  c.targetId = row!.directory_id;
}

/** One well-formed request per route (add a line with each new route). */
const REQUESTS: Record<string, AccessRequest> = {
  "GET /healthz": { audience: "public", path: () => "/healthz" },
  "GET /readyz": { audience: "public", path: () => "/readyz" },
  "GET /metrics": { audience: "metrics token", path: () => "/metrics" },
  "POST /api/jobs/next": { audience: "worker", path: () => "/api/jobs/next", body: (c) => ({ workerId: "matrix", jobId: c.job.jobId }) },
  "POST /api/jobs/update": {
    audience: "worker",
    path: () => "/api/jobs/update",
    body: (c) => ({ jobId: c.job.jobId, submissionId: c.job.submissionIds[0], attempt: 9, outcome: "submitted" }),
  },
  "POST /api/jobs/complete": { audience: "worker", path: () => "/api/jobs/complete", body: (c) => ({ jobId: c.job.jobId }) },
  "POST /api/jobs/retry": { audience: "staff", path: () => "/api/jobs/retry", body: (c) => ({ jobId: c.job.jobId }) },
  "GET /api/autobolt/status": { audience: "worker", path: () => "/api/autobolt/status" },
  "POST /api/worker/update-progress": { audience: "worker", path: () => "/api/worker/update-progress", body: (c) => ({ event: "job_started", jobId: c.job.jobId }) },
  "POST /api/jobs/:id/ws-ticket": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/ws-ticket` },
  "GET /api/jobs/:id/ws": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/ws`, ticketFrom: (c) => `/api/jobs/${c.job.jobId}/ws-ticket` },
  "GET /api/jobs/:id/submissions/:submissionId/evidence": {
    audience: "owner",
    path: (c) => `/api/jobs/${c.job.jobId}/submissions/${c.submissionId}/evidence`,
    prepare: (c) => reportFirst(c, "submitted"),
  },
  "GET /api/jobs/:id": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}` },
  "GET /api/jobs/:id/mail": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/mail` },
  "GET /api/jobs/:id/mail/:mailId": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/mail/${c.targetId}`, prepare: addDirectoryMail },
  "GET /api/jobs/:id/images/:image": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/images/logo`, prepare: addLogo },
  "POST /api/jobs/:id/proof-pack": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/proof-pack` },
  "GET /api/jobs/:id/proof-pack": {
    audience: "owner",
    path: (c) => `/api/jobs/${c.job.jobId}/proof-pack`,
    prepare: async (c) => {
      await buildProofPack(env, c.job.jobId);
    },
  },
  "GET /.well-known/directorybolt-proof-keys.json": { audience: "public", path: () => "/.well-known/directorybolt-proof-keys.json" },
  "GET /.well-known/directorybolt-proof-key.pem": { audience: "public", path: () => "/.well-known/directorybolt-proof-key.pem" },
  "GET /api/jobs/:id/logins": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/logins` },
  "GET /api/jobs/:id/shortfall": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/shortfall` },
  "GET /api/jobs/:id/live-rate": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/live-rate` },
  "GET /api/staff/live-rate": { audience: "staff", path: () => "/api/staff/live-rate" },
  "POST /api/jobs/:id/logins/:loginId/reveal": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/logins/${c.targetId}/reveal`, prepare: storeLogin },
  "GET /api/jobs/:id/listings": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/listings` },
  "POST /api/jobs/:id/listing-checks/:checkId/resubmit": {
    audience: "owner",
    path: (c) => `/api/jobs/${c.job.jobId}/listing-checks/${c.targetId}/resubmit`,
    prepare: flaggedListing,
  },
  "GET /api/jobs/:id/listing-checks/:checkId/screenshot": {
    audience: "owner",
    path: (c) => `/api/jobs/${c.job.jobId}/listing-checks/${c.targetId}/screenshot`,
    prepare: screenshottedCheck,
  },
  // Staff may watch an update but not start one for the customer (403 owner_only).
  "POST /api/jobs/:id/listing-update": { audience: "own customer", path: (c) => `/api/jobs/${c.job.jobId}/listing-update`, prepare: changedLiveListing },
  "GET /api/jobs/:id/listing-update": { audience: "owner", path: (c) => `/api/jobs/${c.job.jobId}/listing-update` },
  "POST /api/staff/jobs/:id/start": { audience: "staff", path: (c) => `/api/staff/jobs/${c.job.jobId}/start` },
  "POST /api/staff/jobs/:id/pause": { audience: "staff", path: (c) => `/api/staff/jobs/${c.job.jobId}/pause` },
  "POST /api/staff/jobs/:id/resume": { audience: "staff", path: (c) => `/api/staff/jobs/${c.job.jobId}/resume` },
  "POST /api/staff/jobs/:id/cancel": { audience: "staff", path: (c) => `/api/staff/jobs/${c.job.jobId}/cancel`, body: () => ({ reason: "access matrix" }) },
  "POST /api/staff/jobs/:id/directories": {
    audience: "staff",
    // Only a job that has not started takes edits: one of its own, never started.
    prepare: async (c) => {
      c.targetId = (await seedJob({ directories: 2 })).jobId;
    },
    path: (c) => `/api/staff/jobs/${c.targetId}/directories`,
    body: () => ({ remove: [crypto.randomUUID()] }),
  },
  "POST /api/staff/jobs/:id/retry-failed": { audience: "staff", path: (c) => `/api/staff/jobs/${c.job.jobId}/retry-failed` },
  "POST /api/staff/jobs/:id/submissions/:submissionId/retry": {
    audience: "staff",
    path: (c) => `/api/staff/jobs/${c.job.jobId}/submissions/${c.submissionId}/retry`,
    prepare: (c) => reportFirst(c, "failed"),
  },
  "GET /api/staff/jobs/:id/notes": { audience: "staff", path: (c) => `/api/staff/jobs/${c.job.jobId}/notes`, prepare: (c) => reportFirst(c, "failed") },
  "POST /api/ops/ws-ticket": { audience: "staff", path: () => "/api/ops/ws-ticket" },
  "GET /api/ops/ws": { audience: "staff", path: () => "/api/ops/ws", ticketFrom: () => "/api/ops/ws-ticket" },
  "GET /api/ops/overview": { audience: "staff", path: () => "/api/ops/overview" },
  "POST /api/auth/local-sign-in": { audience: "public", path: () => "/api/auth/local-sign-in", body: () => ({ email: "matrix@example.com" }) },
  "GET /api/plans": { audience: "public", path: () => "/api/plans" },
  "GET /api/directories/preview": { audience: "public", path: () => "/api/directories/preview?country=US&category=bakery" },
  "GET /api/openapi.json": { audience: "public", path: () => "/api/openapi.json" },
  "POST /api/checkout": { audience: "public", path: () => "/api/checkout", body: () => ({ plan: "starter", email: "matrix@example.com" }) },
  "GET /api/checkout/:sessionId": { audience: "public", path: (c) => `/api/checkout/${c.localSessionId}` },
  "GET /api/checkout/local/:sessionId": { audience: "public", path: (c) => `/api/checkout/local/${c.localSessionId}` },
  "POST /api/checkout/local/:sessionId/pay": { audience: "public", path: (c) => `/api/checkout/local/${c.localSessionId}/pay`, form: true },
  // Stripe signs its deliveries; no bearer token is ever needed (or enough): unsigned, everyone gets 400.
  "POST /api/webhooks/stripe": { audience: "Stripe signature", path: () => "/api/webhooks/stripe", body: () => ({ id: "evt_matrix", type: "ping", data: { object: {} } }) },
  "GET /api/business": { audience: "signed-in", path: () => "/api/business" },
  "PUT /api/business": {
    audience: "signed-in",
    path: () => "/api/business",
    body: () => ({
      businessName: "Matrix Bakery",
      street: "Königstraße 12",
      city: "Stuttgart",
      postalCode: "70173",
      country: "DE",
      phone: "0711 123456",
      email: "hello@matrix.example",
      shortDescription: "A bakery that tests who may do what.",
      categories: ["Bakery"],
    }),
  },
  "PUT /api/business/logo": { audience: "profile owner", path: () => "/api/business/logo", raw: matrixPng },
  "DELETE /api/business/logo": { audience: "profile owner", path: () => "/api/business/logo" },
  "POST /api/business/photos": { audience: "profile owner", path: () => "/api/business/photos", raw: matrixPng },
  "DELETE /api/business/photos/:index": { audience: "profile owner", path: () => "/api/business/photos/0", prepare: addPhoto },
  "GET /api/webhook-endpoints": { audience: "signed-in", path: () => "/api/webhook-endpoints" },
  "POST /api/webhook-endpoints": { audience: "signed-in", path: () => "/api/webhook-endpoints", body: () => ({ url: "https://hooks.example.com/matrix", events: ["job.completed"] }) },
  "DELETE /api/webhook-endpoints/:id": { audience: "own customer", path: (c) => `/api/webhook-endpoints/${c.targetId}`, prepare: registerEndpoint },
  "GET /api/ops/daily": { audience: "staff", path: () => "/api/ops/daily" },
  "GET /api/staff/tasks": { audience: "staff", path: () => "/api/staff/tasks", manual: true },
  "GET /api/staff/tasks/:jobId/:submissionId": { audience: "staff", path: (c) => `/api/staff/tasks/${c.job.jobId}/${c.submissionId}`, manual: true },
  "POST /api/staff/tasks/:jobId/:submissionId/claim": { audience: "staff", path: (c) => `/api/staff/tasks/${c.job.jobId}/${c.submissionId}/claim`, manual: true },
  "POST /api/staff/tasks/:jobId/:submissionId/outcome": {
    audience: "staff",
    path: (c) => `/api/staff/tasks/${c.job.jobId}/${c.submissionId}/outcome`,
    body: () => ({ outcome: "failed", reason: "access matrix" }),
    manual: true,
  },
  "GET /api/staff/tasks/:jobId/:submissionId/update": {
    audience: "staff",
    path: (c) => `/api/staff/tasks/${c.job.jobId}/${c.submissionId}/update`,
    prepare: staffUpdateItem,
  },
  "POST /api/staff/tasks/:jobId/:submissionId/update/outcome": {
    audience: "staff",
    path: (c) => `/api/staff/tasks/${c.job.jobId}/${c.submissionId}/update/outcome`,
    body: () => ({ outcome: "not_possible", reason: "access matrix" }),
    prepare: staffUpdateItem,
  },
  "GET /api/staff/directories": { audience: "staff", path: () => "/api/staff/directories" },
  "GET /api/staff/directories/success-rates": { audience: "staff", path: () => "/api/staff/directories/success-rates" },
  "PATCH /api/staff/directories/:id": { audience: "staff", path: (c) => `/api/staff/directories/${c.targetId}`, body: () => ({ priorityTier: 2 }), prepare: firstDirectory },
  "POST /api/staff/directories/import": {
    audience: "staff",
    path: () => "/api/staff/directories/import",
    // A dry run: checked in full, nothing written.
    body: () => ({ csv: "slug,name,website,priority_tier,country\nmatrix-dir,Matrix,https://matrix.example,3,INT", dryRun: true }),
  },
  "GET /api/staff/mail": { audience: "staff", path: () => "/api/staff/mail" },
  "GET /api/staff/mail/:id/raw": {
    audience: "staff",
    path: (c) => `/api/staff/mail/${c.targetId}/raw`,
    prepare: async (c) => {
      c.targetId = await unmatchedMail();
    },
  },
  "POST /api/dev/faults/jobs/:jobId/redeliver": { audience: "fault injection", path: (c) => `/api/dev/faults/jobs/${c.job.jobId}/redeliver` },
  "POST /api/dev/faults/jobs/:jobId/evict": { audience: "fault injection", path: (c) => `/api/dev/faults/jobs/${c.job.jobId}/evict` },
  "GET /api/dev/faults/jobs/:jobId/counters": { audience: "fault injection", path: (c) => `/api/dev/faults/jobs/${c.job.jobId}/counters` },
  "POST /api/dev/faults/jobs/:jobId/lose-reports": { audience: "fault injection", path: (c) => `/api/dev/faults/jobs/${c.job.jobId}/lose-reports` },
  "GET /api/config": { audience: "public", path: () => "/api/config" },
  "GET /api/me/jobs": { audience: "signed-in", path: () => "/api/me/jobs" },
  "GET /api/me/directory-mail": { audience: "signed-in", path: () => "/api/me/directory-mail" },
  // A choice about the customer's own purchases: staff, like customer B, have none here (404).
  "PUT /api/me/directory-mail": { audience: "own customer", path: () => "/api/me/directory-mail", body: () => ({ delivery: "daily" }) },
};

const ROUTE_KEYS = () => [...new Set(app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`))];

async function call(method: string, path: string, headers: Record<string, string>, body?: string | Uint8Array): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://localhost${path}`, { method, headers, body: body ?? null, redirect: "manual" }), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** What `actor` gets from the route: the status code (sockets: 101 when it opened). */
async function attempt(key: string, spec: AccessRequest, actor: Actor, people: People, c: Ctx): Promise<number> {
  const [method] = key.split(" ") as [string];
  const token = await bearerOf(actor, people);
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  if (spec.ticketFrom) {
    // The ticket this actor can get (none: it tries its bearer token as the ticket).
    const res = await call("POST", spec.ticketFrom(c), auth);
    const ticket = res.ok ? ((await res.json()) as { ticket: string }).ticket : (token ?? "");
    if (!res.ok) await res.body?.cancel();
    const ws = await call("GET", spec.path(c), { upgrade: "websocket", "sec-websocket-protocol": socketProtocols(ticket).join(", ") });
    if (ws.webSocket) {
      ws.webSocket.accept();
      ws.webSocket.close(1000, "matrix");
    } else await ws.body?.cancel();
    return ws.status;
  }
  const headers = { ...auth } as Record<string, string>;
  let body: string | Uint8Array | undefined;
  if (spec.raw) {
    headers["content-type"] = "application/octet-stream";
    body = spec.raw();
  } else if (spec.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = "country=DE";
  } else if (spec.body) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(spec.body(c));
  }
  const res = await call(method, spec.path(c), headers, body);
  await res.body?.cancel();
  return res.status;
}

const matrix: Record<string, Record<Actor, number>> = {};

beforeAll(async () => {
  for (const key of Object.keys(REQUESTS)) {
    // Each route against its own fresh job (and checkout), so no route's effect shows in another's row.
    const job = await seedJob({ directories: 2 });
    if (REQUESTS[key]!.manual) {
      await sql("update directories set automation = 'manual' where id in (select directory_id from directory_submissions where job_id = $1)", [job.jobId]);
    }
    const released: TaskMessage[] = [];
    await captureReleases(job.jobId, released);
    await stubFor(job.jobId).start(job.jobId);
    const checkout = await call("POST", "/api/checkout", { "content-type": "application/json" }, JSON.stringify({ plan: "starter", email: "matrix@example.com" }));
    const c: Ctx = { job, localSessionId: ((await checkout.json()) as { sessionId: string }).sessionId, submissionId: job.submissionIds[0]!, released };
    await REQUESTS[key]!.prepare?.(c);
    const people = newPeople(job.userId);
    matrix[key] = {} as Record<Actor, number>;
    // Staff last: a staff control (cancel, pay) must not change what the others were answered.
    for (const actor of [...ACTORS.filter((a) => a !== "staff"), "staff" as const]) matrix[key]![actor] = await attempt(key, REQUESTS[key]!, actor, people, c);
  }
}, 240_000);

function renderMatrix(m: Record<string, Record<Actor, number>>): string {
  const mark = (status: number) => (status < 400 ? `✅ ${status}` : `${status}`);
  return markdownTable(
    ["route", "audience", ...ACTORS],
    Object.keys(REQUESTS).map((key) => [`\`${key}\``, REQUESTS[key]!.audience, ...ACTORS.map((a) => mark(m[key]![a]))]),
  );
}

describe("access matrix", () => {
  it("has a request for every route of the app", () => {
    expect(
      ROUTE_KEYS().filter((k) => !(k in REQUESTS)),
      "routes missing from REQUESTS",
    ).toEqual([]);
    expect(
      Object.keys(REQUESTS).filter((k) => !ROUTE_KEYS().includes(k)),
      "REQUESTS for routes the app lacks",
    ).toEqual([]);
  });

  it("lets exactly each route's audience through", () => {
    for (const [key, row] of Object.entries(matrix)) {
      const allowed = ACTORS.filter((a) => row[a] < 400);
      expect(allowed, `${key}: ${JSON.stringify(row)}`).toEqual(ALLOWED[REQUESTS[key]!.audience]);
      // No refusal is a server error, and wrong or expired credentials never get further than no credentials.
      for (const a of ACTORS) expect(row[a], `${key} as ${a}`).toBeLessThan(500);
    }
    // Customer B learns nothing of A's job: the same answer as for a job that does not exist.
    expect(matrix["GET /api/jobs/:id"]!.customerB).toBe(404);
  });

  it("equals the table in docs/security.md (npm run security:doc rewrites it)", (ctx) => {
    const table = renderMatrix(matrix);
    ctx.task.meta.securityDocSection = { name: "access-matrix", text: table };
    if (inject("updateSecurityDoc")) return;
    expect(readSection(doc, "access-matrix"), "docs/security.md is stale: run `npm run security:doc`").toBe(table);
  });
});

declare module "vitest" {
  interface TaskMeta {
    securityDocSection?: { name: string; text: string };
  }
  interface ProvidedContext {
    updateSecurityDoc: boolean;
  }
}
