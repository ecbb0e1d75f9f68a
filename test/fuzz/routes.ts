/**
 * One fuzz generator per route of the app, keyed "METHOD /path" exactly as
 * Hono lists it (app.routes). routes.test.ts fails when the app has a route
 * this table lacks (or the table names one the app no longer has), so a new
 * route arrives with its generator: add one line here, usually built from
 * `jsonPost` (a zod-shaped valid body, mutated) or `bare` (no body).
 */
import fc from "fast-check";
import { BUSINESS_CATEGORIES } from "../../core/catalog/categories";
import { PLAN_IDS } from "../../core/plans";
import { socketProtocols } from "../../core/protocol/socket-ticket";
import { FAILURE_CLASSES } from "../../core/protocol/tasks";
import { WEBHOOK_EVENT_TYPES } from "../../src/webhooks/events";
import { checkoutSession, refundedCharge, signature, stripeEvent } from "../workers/support/purchase";
import type { Actor } from "../workers/support/actors";
import { anyJson, brokenJsonText, wellFormed, contentTypes, headerValue, invalidUtf8, mutated, nastyString, queryString, segment } from "./support/inputs";

export interface Fixtures {
  /** Bearer tokens by actor (null: none). */
  tokens: Record<Actor, string | null>;
  /** Customer A's job, started: worker reports and customer reads aim here. */
  jobId: string;
  submissionIds: string[];
  /** Another started job, for the staff controls (which may cancel it). */
  staffJobId: string;
  staffSubmissionIds: string[];
  /** A started job whose directories refuse automation: its submissions are staff tasks. */
  taskJobId: string;
  taskSubmissionIds: string[];
  /** An open local checkout session. */
  localSessionId: string;
  /** Socket tickets: customer A's for jobId, and staff's for the ops socket. */
  jobTicket: string;
  opsTicket: string;
  /** Mails in the staff inbox (delivered through the email handler). */
  mailIds: string[];
  /** Catalog directories made for the fuzz run (the staff catalog's PATCH aims here). */
  directoryIds: string[];
}

export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export type Generator = (fx: Fixtures) => fc.Arbitrary<FuzzCase>;

// ---------------------------------------------------------------- building blocks

/** Mostly the credential the route wants; otherwise another actor's, none, or junk. */
function authorization(fx: Fixtures, wants: Actor | null): fc.Arbitrary<Record<string, string>> {
  const as = (token: string | null): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  return fc.oneof(
    { weight: wants ? 6 : 1, arbitrary: fc.constant(as(wants ? fx.tokens[wants] : null)) },
    { weight: 2, arbitrary: fc.constantFrom(...Object.values(fx.tokens)).map(as) },
    { weight: 1, arbitrary: headerValue.map((v) => ({ authorization: v })) },
  );
}

/** Extra headers: none usually, else odd ones a proxy or attacker adds. */
const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        "x-socket-role": fc.constantFrom("staff", "customer", "root"),
        "x-forwarded-for": headerValue,
        "cf-ray": headerValue,
        "content-length": fc.constantFrom("0", "-1", "99999999999", "abc"),
        "transfer-encoding": fc.constantFrom("chunked", "gzip, chunked", "identity"),
        "idempotency-key": headerValue,
        "accept-encoding": headerValue,
      },
      { requiredKeys: [] },
    ),
  },
);

/** A JSON body: the mutated value as JSON mostly; broken JSON text or invalid UTF-8 sometimes. */
function jsonBody(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string | Uint8Array> {
  const value = mutated(valid);
  return fc.oneof({ weight: 8, arbitrary: value.map((v) => JSON.stringify(v) ?? "null") }, { weight: 2, arbitrary: brokenJsonText(value) }, { weight: 1, arbitrary: invalidUtf8 });
}

/** A route that takes a JSON body. `path` may use generated segments. */
function jsonPost(method: string, path: (fx: Fixtures) => fc.Arbitrary<string>, wants: Actor | null, valid: (fx: Fixtures) => fc.Arbitrary<Record<string, unknown>>): Generator {
  return (fx) =>
    fc
      .record({ path: path(fx), query: queryString, auth: authorization(fx, wants), type: contentTypes, extra: extraHeaders, body: jsonBody(valid(fx)) })
      .map(({ path, query, auth, type, extra, body }) => ({
        method,
        path: path + query,
        headers: { ...extra, ...auth, ...(type === null ? {} : { "content-type": type }) },
        body,
      }));
}

/** A route without a body (GET, or a POST that reads none): path, query, headers fuzzed, sometimes a stray body. */
function bare(method: string, path: (fx: Fixtures) => fc.Arbitrary<string>, wants: Actor | null): Generator {
  return (fx) =>
    fc
      .record({
        path: path(fx),
        query: queryString,
        auth: authorization(fx, wants),
        extra: extraHeaders,
        body:
          method === "GET"
            ? fc.constant(undefined)
            : fc.option(
                anyJson.map((v) => JSON.stringify(v) ?? ""),
                { freq: 4 },
              ),
      })
      .map(({ path, query, auth, extra, body }) => ({
        method,
        path: path + query,
        headers: { ...extra, ...auth, ...(body != null ? { "content-type": "application/json" } : {}) },
        ...(body != null ? { body } : {}),
      }));
}

/**
 * A GET whose query the route parses: each parameter a valid value mostly,
 * else hostile text; sometimes dropped, repeated, or joined by an unknown one.
 */
function queried(path: (fx: Fixtures) => fc.Arbitrary<string>, wants: Actor | null, params: Record<string, fc.Arbitrary<string>>): Generator {
  const value = (valid: fc.Arbitrary<string>) =>
    fc.oneof({ weight: 4, arbitrary: valid }, { weight: 2, arbitrary: nastyString.map(wellFormed) }, { weight: 1, arbitrary: fc.constantFrom("", "-1", "1e9", "0x10", "NaN", " 7 ") });
  const pairs = fc.record(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, value(v)])), { requiredKeys: [] }).map((r) => Object.entries(r) as [string, string][]);
  const extra = fc.oneof(
    { weight: 5, arbitrary: fc.constant([] as [string, string][]) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(params), "unknown", "__proto__"), nastyString.map(wellFormed)).map((p) => [p]) },
  );
  return (fx) =>
    fc.record({ path: path(fx), pairs, extra, auth: authorization(fx, wants), headers: extraHeaders }).map(({ path, pairs, extra, auth, headers }) => {
      const query = new URLSearchParams([...pairs, ...extra]).toString();
      return { method: "GET", path: query ? `${path}?${query}` : path, headers: { ...headers, ...auth } };
    });
}

const fixed = (path: string) => () => fc.constant(path);
/** A staff task's job and submission: mostly a real pair (so actions get applied), else fuzzed segments. */
const taskPath = (fx: Fixtures) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.tuple(fc.constant(fx.taskJobId), ids(fx.taskSubmissionIds)) },
    { weight: 2, arbitrary: fc.tuple(segment(fc.constantFrom(fx.taskJobId, fx.jobId)), segment(ids(fx.taskSubmissionIds))) },
  );
const ids = (list: string[]) => fc.constantFrom(...list);
const jobPath =
  (pick: (fx: Fixtures) => string, rest = "") =>
  (fx: Fixtures) =>
    segment(fc.constant(pick(fx))).map((id) => `/api/jobs/${id}${rest}`);
const staffPath = (rest: string) => (fx: Fixtures) => segment(fc.constant(fx.staffJobId)).map((id) => `/api/staff/jobs/${id}${rest}`);

/**
 * A WebSocket URL: the ticket fuzzed in its subprotocol (percent-encoded, so
 * any string is a header value and a real ticket is unchanged) and sometimes
 * also in the query, where it must open nothing; the Upgrade header present or not.
 */
function socket(path: (fx: Fixtures) => fc.Arbitrary<string>, ticket: (fx: Fixtures) => string): Generator {
  return (fx) =>
    fc
      .record({
        path: path(fx),
        ticket: fc.oneof(
          { weight: 2, arbitrary: fc.constant(ticket(fx)) },
          { weight: 1, arbitrary: fc.constant(fx.jobTicket) },
          { weight: 1, arbitrary: fc.constant(fx.opsTicket) },
          { weight: 1, arbitrary: fc.tuple(fc.constant(ticket(fx)), fc.nat()).map(([t, n]) => t.slice(0, n % t.length) + "x" + t.slice((n % t.length) + 1)) },
          { weight: 2, arbitrary: nastyString.map(wellFormed) },
          { weight: 1, arbitrary: fc.constantFrom(...Object.values(fx.tokens).filter((t): t is string => !!t)) },
        ),
        upgrade: fc.constantFrom("websocket", "WebSocket", "websocket", "h2c", "", null),
        inQuery: fc.boolean(),
        auth: authorization(fx, null),
      })
      .map(({ path, ticket, upgrade, inQuery, auth }) => ({
        method: "GET",
        path: inQuery ? `${path}?ticket=${encodeURIComponent(ticket)}` : path,
        headers: {
          ...auth,
          "sec-websocket-protocol": socketProtocols(encodeURIComponent(ticket)).join(", "),
          ...(upgrade === null ? {} : { upgrade, connection: "Upgrade", "sec-websocket-version": "13" }),
        },
      }));
}

// ---------------------------------------------------------------- valid shapes

const email = fc.oneof(fc.emailAddress(), nastyString);
const uuidOr = (list: string[]) => fc.oneof(ids(list), fc.uuid());
const attemptRef = (fx: Fixtures) => ({ jobId: uuidOr([fx.jobId]), submissionId: uuidOr(fx.submissionIds), attempt: fc.integer({ min: -2, max: 4 }) });

function taskReport(fx: Fixtures) {
  return fc.record(
    {
      ...attemptRef(fx),
      outcome: fc.constantFrom("submitted", "awaiting_verification", "approved", "failed", "already_listed", "exploded"),
      failureClass: fc.constantFrom(...FAILURE_CLASSES, "other"),
      reason: nastyString,
      listingUrl: fc.oneof(fc.webUrl(), nastyString),
      evidenceKey: fc.oneof(fc.constant(`jobs/${fx.jobId}/${fx.submissionIds[0]}/1-submitted.png`), nastyString),
      retryAfterSeconds: fc.integer({ min: -5, max: 50_000 }),
      workerId: fc.string({ maxLength: 30 }),
      differences: fc.oneof(fc.constant([{ field: "phone", shown: "1", profile: "2" }]), fc.array(fc.record({ field: nastyString, shown: nastyString, profile: nastyString }), { maxLength: 5 })),
    },
    { requiredKeys: ["jobId", "submissionId", "attempt", "outcome"] },
  );
}

function progressEvent(fx: Fixtures) {
  return fc.record(
    {
      event: fc.constantFrom("job_started", "submission_started", "directory_progress", "submission_posting", "submission_succeeded", "submission_failed", "job_completed", "nope"),
      ...attemptRef(fx),
      workerId: fc.string({ maxLength: 30 }),
      step: nastyString,
      listingUrl: fc.webUrl(),
      evidenceKey: nastyString,
      failureClass: fc.constantFrom(...FAILURE_CLASSES),
      reason: nastyString,
      retryAfterSeconds: fc.integer({ min: -5, max: 50_000 }),
    },
    { requiredKeys: ["event", "jobId"] },
  );
}

function businessProfile() {
  return fc.record(
    {
      businessName: fc.string({ minLength: 1, maxLength: 120 }),
      contactName: fc.string({ maxLength: 80 }),
      street: fc.string({ minLength: 1, maxLength: 120 }),
      city: fc.constantFrom("Stuttgart", "Köln", "Austin"),
      region: fc.constantFrom("Texas", "Baden-Württemberg", ""),
      postalCode: fc.constantFrom("70173", "78701", "", "ABC"),
      country: fc.constantFrom("DE", "us", "XX", "GB"),
      phone: fc.constantFrom("0711 123456", "+1 512 555 0100", "12", ""),
      website: fc.oneof(fc.webUrl(), fc.domain()),
      email: fc.emailAddress(),
      shortDescription: fc.string({ minLength: 10, maxLength: 160 }),
      longDescription: fc.string({ maxLength: 2_100 }),
      categories: fc.array(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 12 }),
      hours: fc.dictionary(fc.constantFrom("mon", "tue", "sun", "xyz"), fc.array(fc.tuple(fc.constantFrom("08:00", "25:00", "9:30", "x"), fc.constantFrom("17:00", "07:00")), { maxLength: 3 })),
      socialLinks: fc.dictionary(fc.constantFrom("instagram", "facebook", "myspace"), fc.oneof(fc.webUrl(), nastyString)),
      serviceArea: fc.oneof(fc.boolean(), fc.constant("yes")),
    },
    { requiredKeys: ["businessName", "city", "country", "phone", "email", "shortDescription", "categories"] },
  );
}

/**
 * An image upload (the profile's logo and photos): mostly a PNG, JPEG or WebP
 * header with fuzzed sizes, sometimes cut short, random bytes, text, or
 * nothing; under any content type (the bytes decide).
 */
function imageUpload(method: string, path: string): Generator {
  const header = (kind: "png" | "jpeg" | "webp", w: number, h: number): Uint8Array => {
    if (kind === "png") {
      const b = new Uint8Array(33);
      b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
      new DataView(b.buffer).setUint32(16, w >>> 0);
      new DataView(b.buffer).setUint32(20, h >>> 0);
      return b;
    }
    if (kind === "jpeg") return Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, (h >> 8) & 255, h & 255, (w >> 8) & 255, w & 255, 3, 0, 0, 0, 0, 0, 0]);
    const b = new Uint8Array(30);
    b.set([...new TextEncoder().encode("RIFF"), 22, 0, 0, 0, ...new TextEncoder().encode("WEBPVP8X"), 10, 0, 0, 0]);
    b.set([(w - 1) & 255, ((w - 1) >> 8) & 255, ((w - 1) >> 16) & 255, (h - 1) & 255, ((h - 1) >> 8) & 255, ((h - 1) >> 16) & 255], 24);
    return b;
  };
  const side = fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom(0, 1, 15, 16, 64, 8000, 8001, 0xffffffff));
  const image = fc.tuple(fc.constantFrom("png" as const, "jpeg" as const, "webp" as const), side, side, fc.nat({ max: 40 })).map(([kind, w, h, cut]) => {
    const b = header(kind, w, h);
    return cut > 30 ? b.subarray(0, cut - 30) : b;
  });
  const body = fc.oneof({ weight: 6, arbitrary: image }, { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }) }, { weight: 1, arbitrary: nastyString.map((s) => new TextEncoder().encode(s)) });
  return (fx) =>
    fc
      .record({ auth: authorization(fx, "customerA"), type: fc.oneof(fc.constantFrom("image/png", "application/octet-stream"), contentTypes), extra: extraHeaders, body })
      .map(({ auth, type, extra, body }) => ({
        method,
        path,
        headers: { ...extra, ...auth, ...(type === null ? {} : { "content-type": type }) },
        body,
      }));
}

/** An ISO day near today, or one that is not a day. */
const isoDay = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -400, max: 30 }).map((d) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10)) },
  { weight: 1, arbitrary: fc.constantFrom("2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "2026-1-1", "2026-01-01T00:00:00Z") },
);

/** A staff task's outcome (staffOutcomeSchema): each variant with its own fields, mostly within their limits. */
function staffOutcome() {
  const line = (max: number) => fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 3, maxLength: max }) }, { weight: 1, arbitrary: fc.string({ maxLength: max + 100 }) });
  const note = line(1_000);
  return fc.oneof(
    fc.record({ outcome: fc.constant("submitted"), customerAction: line(500), note }, { requiredKeys: ["outcome"] }),
    fc.record(
      { outcome: fc.constant("approved"), listingUrl: fc.oneof(fc.webUrl(), fc.constantFrom("ftp://x.example/a", "javascript:alert(1)"), nastyString), note },
      { requiredKeys: ["outcome", "listingUrl"] },
    ),
    fc.record({ outcome: fc.constantFrom("failed", "failed", "approved", "nope"), reason: line(500), note }, { requiredKeys: ["outcome", "reason"] }),
  );
}

/** An "update my listings" staff task's outcome (updateListingOutcomeSchema). */
function updateListingOutcome() {
  const line = (max: number) => fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 3, maxLength: max }) }, { weight: 1, arbitrary: fc.string({ maxLength: max + 100 }) });
  return fc.oneof(
    fc.record({ outcome: fc.constant("updated"), note: line(1_000) }, { requiredKeys: ["outcome"] }),
    fc.record({ outcome: fc.constantFrom("not_possible", "not_possible", "updated", "nope"), reason: line(500), note: line(1_000) }, { requiredKeys: ["outcome", "reason"] }),
  );
}

/** A catalog CSV (src/catalog/directory-input.ts): a header, then rows valid mostly, each cell sometimes hostile. */
function catalogCsv() {
  const cell = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: nastyString.map((s) => `"${wellFormed(s).replace(/"/g, '""')}"`) });
  const row = fc
    .tuple(
      cell(fc.stringMatching(/^[a-z0-9]{1,12}(-[a-z0-9]{1,8})?$/).map((s) => `fuzz-${s}`)),
      cell(fc.constantFrom("Fuzz Directory", "Ünïcode Verzeichnis", "A, with comma")).map((s) => (s.includes(",") && !s.startsWith('"') ? `"${s}"` : s)),
      cell(fc.webUrl({ validSchemes: ["https"] })),
      cell(fc.constantFrom("1", "3", "5", "0", "9")),
      cell(fc.constantFrom("DE", "us", "INT", "XX1")),
      cell(fc.constantFrom("automated", "manual", "disabled", "never", "")),
      cell(fc.constantFrom("true", "false", "", "maybe")),
    )
    .map((cells) => cells.join(","));
  return fc
    .tuple(fc.constantFrom("slug,name,website,priority_tier,country,automation,sandbox", "slug,name", ""), fc.array(row, { maxLength: 6 }), fc.constantFrom("\n", "\r\n"))
    .map(([header, rows, eol]) => [header, ...rows].join(eol));
}

/** A Stripe webhook delivery: usually correctly signed (so the event handling itself is fuzzed), else a bad signature. */
function stripeDelivery(): Generator {
  const session = fc.record({
    plan: fc.oneof(fc.constantFrom(...PLAN_IDS), nastyString, fc.constant(null)),
    status: fc.constantFrom("open", "complete", "expired"),
    paymentStatus: fc.constantFrom("paid", "unpaid", "no_payment_required"),
    country: fc.oneof(fc.constantFrom("DE", "US", null), nastyString),
    email: fc.emailAddress(),
    mode: fc.constantFrom("payment", "subscription"),
  });
  const event = fc.oneof(
    session.map((s) => stripeEvent("checkout.session.completed", checkoutSession(s as never))),
    session.map((s) => stripeEvent("checkout.session.async_payment_failed", checkoutSession(s as never))),
    fc
      .tuple(fc.string({ maxLength: 20 }), fc.integer({ min: -1, max: 20_000 }))
      .map(([pi, amount]) => stripeEvent("charge.refunded", refundedCharge(`pi_${pi}`, { amount: Math.max(1, amount), refunded: amount }))),
    fc.tuple(fc.constantFrom("customer.created", "invoice.paid", "nope"), anyJson).map(([type, object]) => stripeEvent(type, object)),
  ) as unknown as fc.Arbitrary<Record<string, unknown>>;
  const badSignature = fc.oneof(headerValue, fc.constantFrom("t=,v1=", "t=1,v1=00", "v1=abc", "t=9999999999,v1=" + "0".repeat(64), "t=abc,v1=abc,v0=abc", ","));
  return () =>
    fc
      .record({
        body: fc.oneof({ weight: 6, arbitrary: mutated(event).map((v) => JSON.stringify(v, null, 2) ?? "null") }, { weight: 1, arbitrary: brokenJsonText(event) }),
        mode: fc.constantFrom("signed", "signed", "signed", "stale", "wrong-secret", "bad", "none"),
        bad: badSignature,
        type: fc.oneof({ weight: 6, arbitrary: fc.constant("application/json; charset=utf-8") }, { weight: 1, arbitrary: contentTypes }),
      })
      .map(({ body, mode, bad, type }) => ({
        method: "POST",
        path: "/api/webhooks/stripe",
        headers: { ...(type === null ? {} : { "content-type": type }), ...(mode === "none" ? {} : { "x-signature-mode": mode, "stripe-signature": bad }) },
        body,
      }));
}

/** Signs webhook cases just before sending (signing is async; fast-check generation is not). */
export async function finishCase(c: FuzzCase): Promise<FuzzCase> {
  const mode = c.headers["x-signature-mode"];
  if (!mode) return c;
  const { "x-signature-mode": _, ...headers } = c.headers;
  const payload = typeof c.body === "string" ? c.body : "";
  if (mode === "signed") headers["stripe-signature"] = await signature(payload);
  if (mode === "stale") headers["stripe-signature"] = await signature(payload, { timestamp: Math.floor(Date.now() / 1000) - 3_600 });
  if (mode === "wrong-secret") headers["stripe-signature"] = await signature(payload, { secret: "whsec_not_the_right_one" });
  return { ...c, headers };
}

// ---------------------------------------------------------------- the table

export const FUZZ_ROUTES: Record<string, Generator> = {
  "GET /healthz": bare("GET", fixed("/healthz"), null),
  "GET /readyz": bare("GET", fixed("/readyz"), null),
  "GET /metrics": bare("GET", fixed("/metrics"), null),

  "POST /api/jobs/next": jsonPost("POST", fixed("/api/jobs/next"), "worker", (fx) => fc.record({ workerId: fc.string({ maxLength: 40 }), jobId: uuidOr([fx.jobId]) }, { requiredKeys: ["workerId"] })),
  "POST /api/jobs/update": jsonPost("POST", fixed("/api/jobs/update"), "worker", taskReport),
  "POST /api/jobs/complete": jsonPost("POST", fixed("/api/jobs/complete"), "worker", (fx) => fc.record({ jobId: uuidOr([fx.jobId]) })),
  "POST /api/jobs/retry": jsonPost("POST", fixed("/api/jobs/retry"), "staff", (fx) =>
    fc.record({ jobId: uuidOr([fx.staffJobId]), submissionId: uuidOr(fx.staffSubmissionIds) }, { requiredKeys: ["jobId"] }),
  ),
  "GET /api/autobolt/status": bare("GET", fixed("/api/autobolt/status"), "worker"),
  "POST /api/worker/update-progress": jsonPost("POST", fixed("/api/worker/update-progress"), "worker", progressEvent),

  "POST /api/jobs/:id/ws-ticket": bare(
    "POST",
    jobPath((fx) => fx.jobId, "/ws-ticket"),
    "customerA",
  ),
  "GET /api/jobs/:id/ws": socket(
    jobPath((fx) => fx.jobId, "/ws"),
    (fx) => fx.jobTicket,
  ),
  "GET /api/jobs/:id/submissions/:submissionId/evidence": (fx) =>
    fc.tuple(segment(fc.constant(fx.jobId)), segment(ids(fx.submissionIds))).chain(([job, sub]) => bare("GET", fixed(`/api/jobs/${job}/submissions/${sub}/evidence`), "customerA")(fx)),
  "GET /api/jobs/:id": bare(
    "GET",
    jobPath((fx) => fx.jobId),
    "customerA",
  ),
  // The mails received for the job's listings (src/routes/directory-mail.ts).
  "GET /api/jobs/:id/mail": bare(
    "GET",
    jobPath((fx) => fx.jobId, "/mail"),
    "customerA",
  ),
  "GET /api/jobs/:id/mail/:mailId": (fx) =>
    fc.tuple(segment(fc.constant(fx.jobId)), segment(fc.oneof(fc.uuid(), nastyString))).chain(([job, mail]) => bare("GET", fixed(`/api/jobs/${job}/mail/${mail}`), "customerA")(fx)),
  "GET /api/jobs/:id/images/:image": (fx) =>
    fc
      .tuple(segment(fc.constant(fx.jobId)), segment(fc.oneof(fc.constantFrom("logo", "0", "9", "10", "-1", "999"), nastyString)))
      .chain(([job, image]) => bare("GET", fixed(`/api/jobs/${job}/images/${image}`), "customerA")(fx)),
  "POST /api/jobs/:id/proof-pack": bare(
    "POST",
    jobPath((fx) => fx.jobId, "/proof-pack"),
    "customerA",
  ),
  "GET /api/jobs/:id/proof-pack": bare(
    "GET",
    jobPath((fx) => fx.jobId, "/proof-pack"),
    "customerA",
  ),
  "GET /.well-known/directorybolt-proof-keys.json": bare("GET", fixed("/.well-known/directorybolt-proof-keys.json"), null),
  "GET /.well-known/directorybolt-proof-key.pem": bare("GET", fixed("/.well-known/directorybolt-proof-key.pem"), null),
  "GET /api/jobs/:id/shortfall": bare(
    "GET",
    jobPath((fx) => fx.jobId, "/shortfall"),
    "customerA",
  ),
  "GET /api/jobs/:id/live-rate": bare(
    "GET",
    jobPath((fx) => fx.jobId, "/live-rate"),
    "customerA",
  ),
  "GET /api/jobs/:id/logins": queried(
    jobPath((fx) => fx.jobId, "/logins"),
    "customerA",
    { passwords: fc.constant("include") },
  ),
  "POST /api/jobs/:id/logins/:loginId/reveal": (fx) =>
    fc.tuple(segment(fc.constant(fx.jobId)), segment(fc.uuid())).chain(([job, login]) => bare("POST", fixed(`/api/jobs/${job}/logins/${login}/reveal`), "customerA")(fx)),
  "GET /api/jobs/:id/listings": bare(
    "GET",
    jobPath((fx) => fx.jobId, "/listings"),
    "customerA",
  ),
  "GET /api/jobs/:id/listing-checks/:checkId/screenshot": (fx) =>
    fc.tuple(segment(fc.constant(fx.jobId)), segment(fc.uuid())).chain(([job, check]) => bare("GET", fixed(`/api/jobs/${job}/listing-checks/${check}/screenshot`), "customerA")(fx)),
  "POST /api/jobs/:id/listing-checks/:checkId/resubmit": (fx) =>
    fc.tuple(segment(fc.constant(fx.jobId)), segment(fc.uuid())).chain(([job, check]) => bare("POST", fixed(`/api/jobs/${job}/listing-checks/${check}/resubmit`), "customerA")(fx)),
  "POST /api/jobs/:id/listing-update": bare(
    "POST",
    jobPath((fx) => fx.jobId, "/listing-update"),
    "customerA",
  ),
  "GET /api/jobs/:id/listing-update": bare(
    "GET",
    jobPath((fx) => fx.jobId, "/listing-update"),
    "customerA",
  ),

  "POST /api/staff/jobs/:id/start": bare("POST", staffPath("/start"), "staff"),
  "POST /api/staff/jobs/:id/pause": bare("POST", staffPath("/pause"), "staff"),
  "POST /api/staff/jobs/:id/resume": bare("POST", staffPath("/resume"), "staff"),
  "POST /api/staff/jobs/:id/cancel": jsonPost("POST", staffPath("/cancel"), "staff", () => fc.record({ reason: fc.string({ maxLength: 600 }) })),
  "POST /api/staff/jobs/:id/directories": jsonPost("POST", staffPath("/directories"), "staff", (fx) =>
    fc.record({ add: fc.array(fc.oneof(ids(fx.directoryIds), fc.uuid()), { maxLength: 3 }), remove: fc.array(fc.oneof(ids(fx.directoryIds), fc.uuid()), { maxLength: 3 }) }, { requiredKeys: [] }),
  ),
  "POST /api/staff/jobs/:id/retry-failed": bare("POST", staffPath("/retry-failed"), "staff"),
  "POST /api/staff/jobs/:id/submissions/:submissionId/retry": (fx) =>
    fc.tuple(segment(fc.constant(fx.staffJobId)), segment(ids(fx.staffSubmissionIds))).chain(([job, sub]) => bare("POST", fixed(`/api/staff/jobs/${job}/submissions/${sub}/retry`), "staff")(fx)),
  "GET /api/staff/jobs/:id/notes": bare("GET", staffPath("/notes"), "staff"),

  "POST /api/ops/ws-ticket": bare("POST", fixed("/api/ops/ws-ticket"), "staff"),
  "GET /api/ops/ws": socket(fixed("/api/ops/ws"), (fx) => fx.opsTicket),
  "GET /api/ops/overview": bare("GET", fixed("/api/ops/overview"), "staff"),

  "POST /api/auth/local-sign-in": jsonPost("POST", fixed("/api/auth/local-sign-in"), null, () => fc.record({ email, staff: fc.oneof(fc.boolean(), fc.constant("true")) }, { requiredKeys: ["email"] })),

  "GET /api/plans": bare("GET", fixed("/api/plans"), null),
  "GET /api/directories/preview": queried(fixed("/api/directories/preview"), null, {
    country: fc.constantFrom("US", "gb", "CA", "ZZ", "INT"),
    category: fc.constantFrom(...BUSINESS_CATEGORIES.map((c) => c.slug), "bakeries"),
    region: fc.constantFrom("QC", "OH", ""),
  }),
  "GET /api/openapi.json": bare("GET", fixed("/api/openapi.json"), null),
  "POST /api/checkout": jsonPost("POST", fixed("/api/checkout"), null, () => fc.record({ plan: fc.oneof(fc.constantFrom(...PLAN_IDS), nastyString), email })),
  "GET /api/checkout/:sessionId": bare("GET", (fx) => segment(fc.constantFrom(fx.localSessionId, "cs_test_unknown")).map((s) => `/api/checkout/${s}`), null),
  "GET /api/checkout/local/:sessionId": bare("GET", (fx) => segment(fc.constant(fx.localSessionId)).map((s) => `/api/checkout/local/${s}`), null),
  "POST /api/checkout/local/:sessionId/pay": (fx) =>
    fc
      .record({
        session: segment(fc.constantFrom(fx.localSessionId, "cs_local_unknown")),
        country: fc.oneof(fc.constantFrom("DE", "us", " gb "), nastyString),
        type: fc.oneof({ weight: 4, arbitrary: fc.constant("application/x-www-form-urlencoded") }, { weight: 1, arbitrary: contentTypes }),
        raw: fc.option(fc.oneof(nastyString, invalidUtf8), { freq: 4 }),
      })
      .map(({ session, country, type, raw }) => ({
        method: "POST",
        path: `/api/checkout/local/${session}/pay`,
        headers: (type === null ? {} : { "content-type": type }) as Record<string, string>,
        body: raw ?? new URLSearchParams({ country }).toString(),
      })),
  "POST /api/webhooks/stripe": stripeDelivery(),
  "GET /api/business": bare("GET", fixed("/api/business"), "customerA"),
  "PUT /api/business": jsonPost("PUT", fixed("/api/business"), "customerA", businessProfile),
  "PUT /api/business/logo": imageUpload("PUT", "/api/business/logo"),
  "DELETE /api/business/logo": bare("DELETE", fixed("/api/business/logo"), "customerA"),
  "POST /api/business/photos": imageUpload("POST", "/api/business/photos"),
  "DELETE /api/business/photos/:index": bare("DELETE", () => segment(fc.oneof(fc.nat({ max: 12 }).map(String), nastyString)).map((s) => `/api/business/photos/${s}`), "customerA"),

  // Agencies' webhook endpoints (src/routes/webhook-endpoints.ts).
  "GET /api/webhook-endpoints": bare("GET", fixed("/api/webhook-endpoints"), "customerA"),
  "POST /api/webhook-endpoints": jsonPost("POST", fixed("/api/webhook-endpoints"), "customerA", () =>
    fc.record(
      {
        url: fc.oneof(
          fc.webUrl({ validSchemes: ["https"] }),
          fc.constantFrom(
            "http://127.0.0.1:9180/hook",
            "https://10.0.0.1/x",
            "https://[::1]/x",
            "https://localhost/x",
            "file:///etc/passwd",
            "https://user:pw@example.com/",
            "https://169.254.169.254/latest",
          ),
          nastyString,
        ),
        events: fc.array(fc.constantFrom(...WEBHOOK_EVENT_TYPES, "job.exploded"), { maxLength: 20 }),
        description: fc.string({ maxLength: 240 }),
      },
      { requiredKeys: ["url"] },
    ),
  ),
  "DELETE /api/webhook-endpoints/:id": bare("DELETE", () => segment(fc.uuid()).map((id) => `/api/webhook-endpoints/${id}`), "customerA"),

  // Staff: daily roll-ups, tasks for directories that refuse automation, the catalog.
  "GET /api/ops/daily": queried(fixed("/api/ops/daily"), "staff", { from: isoDay, to: isoDay }),
  "GET /api/staff/tasks": bare("GET", fixed("/api/staff/tasks"), "staff"),
  "GET /api/staff/live-rate": bare("GET", fixed("/api/staff/live-rate"), "staff"),
  "GET /api/staff/tasks/:jobId/:submissionId": (fx) => taskPath(fx).chain(([job, sub]) => bare("GET", fixed(`/api/staff/tasks/${job}/${sub}`), "staff")(fx)),
  "POST /api/staff/tasks/:jobId/:submissionId/claim": (fx) => taskPath(fx).chain(([job, sub]) => bare("POST", fixed(`/api/staff/tasks/${job}/${sub}/claim`), "staff")(fx)),
  "POST /api/staff/tasks/:jobId/:submissionId/outcome": (fx) => taskPath(fx).chain(([job, sub]) => jsonPost("POST", fixed(`/api/staff/tasks/${job}/${sub}/outcome`), "staff", staffOutcome)(fx)),
  "GET /api/staff/tasks/:jobId/:submissionId/update": (fx) => taskPath(fx).chain(([job, sub]) => bare("GET", fixed(`/api/staff/tasks/${job}/${sub}/update`), "staff")(fx)),
  "POST /api/staff/tasks/:jobId/:submissionId/update/outcome": (fx) =>
    taskPath(fx).chain(([job, sub]) => jsonPost("POST", fixed(`/api/staff/tasks/${job}/${sub}/update/outcome`), "staff", updateListingOutcome)(fx)),
  "GET /api/staff/directories": queried(fixed("/api/staff/directories"), "staff", {
    q: fc.constantFrom("fuzz", "Directory", "%", "_", "'; drop table directories; --", ""),
    status: fc.constantFrom("all", "active", "inactive"),
    limit: fc.integer({ min: -1, max: 250 }).map(String),
    offset: fc.integer({ min: -1, max: 2_000_000 }).map(String),
  }),
  "GET /api/staff/directories/success-rates": (fx) =>
    queried(fixed("/api/staff/directories/success-rates"), "staff", {
      bucket: fc.constantFrom("day", "week", "month"),
      count: fc.integer({ min: -1, max: 120 }).map(String),
      directoryId: fc.oneof(ids(fx.directoryIds), fc.uuid()),
    })(fx),
  "PATCH /api/staff/directories/:id": (fx) =>
    jsonPost(
      "PATCH",
      () => segment(ids(fx.directoryIds)).map((id) => `/api/staff/directories/${id}`),
      "staff",
      () => fc.record({ isActive: fc.oneof(fc.boolean(), fc.constant("true")), priorityTier: fc.integer({ min: -1, max: 7 }) }, { requiredKeys: [] }),
    )(fx),
  "POST /api/staff/directories/import": jsonPost("POST", fixed("/api/staff/directories/import"), "staff", () =>
    fc.record({ csv: catalogCsv(), dryRun: fc.oneof(fc.boolean(), fc.constant("no")) }, { requiredKeys: ["csv"] }),
  ),

  // The staff inbox of the verification mailboxes (src/routes/staff-mail.ts).
  "GET /api/staff/mail": queried(fixed("/api/staff/mail"), "staff", {
    status: fc.constantFrom("unmatched", "matched", "rejected"),
    limit: fc.integer({ min: -1, max: 600 }).map(String),
  }),
  "GET /api/staff/mail/:id/raw": (fx) => bare("GET", () => segment(ids(fx.mailIds)).map((id) => `/api/staff/mail/${id}/raw`), "staff")(fx),

  // Fault injection for test:faults: off here (no DEV_FAULT_INJECTION, PUBLIC_URL not loopback), so every case must be a 404 or refused earlier.
  "POST /api/dev/faults/jobs/:jobId/redeliver": bare("POST", (fx) => segment(fc.constant(fx.jobId)).map((id) => `/api/dev/faults/jobs/${id}/redeliver`), "worker"),
  "POST /api/dev/faults/jobs/:jobId/evict": bare("POST", (fx) => segment(fc.constant(fx.jobId)).map((id) => `/api/dev/faults/jobs/${id}/evict`), "worker"),
  "GET /api/dev/faults/jobs/:jobId/counters": bare("GET", (fx) => segment(fc.constant(fx.jobId)).map((id) => `/api/dev/faults/jobs/${id}/counters`), "worker"),
  "POST /api/dev/faults/jobs/:jobId/lose-reports": bare("POST", (fx) => segment(fc.constant(fx.jobId)).map((id) => `/api/dev/faults/jobs/${id}/lose-reports`), "worker"),

  // The site: public config, the customer's own jobs.
  "GET /api/config": bare("GET", fixed("/api/config"), null),
  "GET /api/me/jobs": bare("GET", fixed("/api/me/jobs"), "customerA"),
  "GET /api/me/directory-mail": bare("GET", fixed("/api/me/directory-mail"), "customerA"),
  "PUT /api/me/directory-mail": jsonPost("PUT", fixed("/api/me/directory-mail"), "customerA", () => fc.record({ delivery: fc.oneof(fc.constantFrom("immediate", "daily"), nastyString) })),
};
