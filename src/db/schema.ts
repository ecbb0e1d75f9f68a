/**
 * The system of record (docs/architecture.md, state), as a drizzle schema. drizzle-kit
 * generates migrations/ from this file; what drizzle cannot say (the staff
 * helper function, grants) is in hand-written migrations beside them.
 *
 * Row-level security: every table has RLS on. Customers read only their own
 * rows, staff (app_metadata.role = 'staff' in the JWT) read everything, and
 * nobody but the API's own connection (the table owner, or service_role)
 * writes: there are no insert/update/delete policies at all, and anon has no
 * policy, so it reads nothing.
 */
import { sql, type SQL } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { authenticatedRole } from "drizzle-orm/supabase";
import {
  APPROVAL_TYPES,
  AUTOMATION_POLICIES,
  DIRECTORY_SCOPES,
  JOB_STATUSES,
  LISTING_COSTS,
  ORDER_STATUSES,
  RELEASED_SUBMISSION_STATUSES,
  SUBMISSION_STATUSES,
  WORKER_KINDS,
  WORKER_TOKEN_SCOPES,
} from "../../core/statuses";
import { PLAN_IDS } from "../../core/plans";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true }).notNull().defaultNow();

/** `column in ('a','b')` as a literal list, for check constraints. */
function oneOf(column: SQL | string, values: readonly string[]): SQL {
  const list = sql.raw(values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", "));
  const col = typeof column === "string" ? sql.raw(`"${column}"`) : column;
  return sql`${col} in (${list})`;
}

// `(select ...)` wrappers let Postgres evaluate the claim once per statement
// instead of once per row (Supabase's RLS performance advice).
const isStaff = sql`(select public.is_staff())`;
const ownCustomerIds = sql`(select c.id from public.customers c where c.user_id = (select auth.uid()))`;

/** Customers read their own rows (by customer_id); staff read all. */
function customerReadPolicy(name: string) {
  return pgPolicy(`${name}_read_own_or_staff`, {
    for: "select",
    to: authenticatedRole,
    using: sql`customer_id in ${ownCustomerIds} or ${isStaff}`,
  });
}

/** Only staff may read (internal tables). */
function staffReadPolicy(name: string) {
  return pgPolicy(`${name}_read_staff`, { for: "select", to: authenticatedRole, using: isStaff });
}

export const DIRECTORY_MAIL_DELIVERIES = ["immediate", "daily"] as const;
export type DirectoryMailDelivery = (typeof DIRECTORY_MAIL_DELIVERIES)[number];

export const customers = pgTable(
  "customers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** The Supabase Auth user, linked when the buyer first signs in. */
    userId: uuid("user_id"),
    /** Stored lower-cased: one customer per address. */
    email: text("email").notNull(),
    name: text("name"),
    stripeCustomerId: text("stripe_customer_id"),
    /** How mails from directories reach the customer by e-mail: `immediate` (one each) or `daily` (a digest); issue 18. */
    directoryMailDelivery: text("directory_mail_delivery").notNull().default("immediate"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("customers_email_key").on(t.email),
    check("customers_directory_mail_delivery_valid", oneOf("directory_mail_delivery", DIRECTORY_MAIL_DELIVERIES)),
    uniqueIndex("customers_user_id_key").on(t.userId),
    uniqueIndex("customers_stripe_customer_id_key").on(t.stripeCustomerId),
    check("customers_email_lower", sql`${t.email} = lower(${t.email})`),
    pgPolicy("customers_read_own_or_staff", {
      for: "select",
      to: authenticatedRole,
      using: sql`${t.userId} = (select auth.uid()) or ${isStaff}`,
    }),
  ],
).enableRLS();

/** One business per customer account; the listing every directory receives. */
export const businessProfiles = pgTable(
  "business_profiles",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    businessName: text("business_name").notNull(),
    /** The person directories ask for ("your name", first/last name fields). */
    contactName: text("contact_name"),
    street: text("street"),
    city: text("city"),
    region: text("region"),
    postalCode: text("postal_code"),
    /** ISO 3166-1 alpha-2. */
    country: text("country"),
    /** E.164. */
    phone: text("phone"),
    website: text("website"),
    email: text("email"),
    shortDescription: text("short_description"),
    longDescription: text("long_description"),
    categories: text("categories").array().notNull().default(sql`'{}'::text[]`),
    /** { mon: [["09:00","17:00"]], ... }; empty days are closed. */
    hours: jsonb("hours").notNull().default(sql`'{}'::jsonb`),
    /** { facebook: url, instagram: url, ... } */
    socialLinks: jsonb("social_links").notNull().default(sql`'{}'::jsonb`),
    /** A service-area business hides its street address on listings. */
    serviceArea: boolean("service_area").notNull().default(false),
    // Issue 20: what directory forms carry beyond the listing (all optional).
    services: text("services").array().notNull().default(sql`'{}'::text[]`),
    tagline: text("tagline"),
    yearEstablished: integer("year_established"),
    /** "$" to "$$$$". */
    priceRange: text("price_range"),
    /** Names from core/listing/rules.ts PAYMENT_METHODS. */
    paymentMethods: text("payment_methods").array().notNull().default(sql`'{}'::text[]`),
    employees: integer("employees"),
    videoUrl: text("video_url"),
    latitude: doublePrecision("latitude"),
    longitude: doublePrecision("longitude"),
    /** R2 key of the logo (EVIDENCE bucket, under profiles/<customer id>/), checked by its bytes at upload. */
    logoKey: text("logo_key"),
    /** R2 keys of the photos, in the customer's order. */
    photoKeys: text("photo_keys").array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("business_profiles_customer_id_key").on(t.customerId),
    check("business_profiles_country_iso2", sql`${t.country} is null or ${t.country} ~ '^[A-Z]{2}$'`),
    check("business_profiles_phone_e164", sql`${t.phone} is null or ${t.phone} ~ '^\\+[1-9][0-9]{6,14}$'`),
    check("business_profiles_price_range", sql`${t.priceRange} is null or ${t.priceRange} ~ '^[$]{1,4}$'`),
    check(
      "business_profiles_coordinates",
      sql`(${t.latitude} is null) = (${t.longitude} is null) and (${t.latitude} is null or (${t.latitude} between -90 and 90 and ${t.longitude} between -180 and 180))`,
    ),
    customerReadPolicy("business_profiles"),
  ],
).enableRLS();

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "restrict" }),
    plan: text("plan").notNull(),
    status: text("status").notNull().default("pending"),
    stripeCheckoutSessionId: text("stripe_checkout_session_id").notNull(),
    stripePaymentIntentId: text("stripe_payment_intent_id"),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull().default("usd"),
    createdAt: createdAt(),
    paidAt: timestamp("paid_at", { withTimezone: true }),
    refundedAt: timestamp("refunded_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("orders_stripe_checkout_session_id_key").on(t.stripeCheckoutSessionId),
    index("orders_stripe_payment_intent_id_idx").on(t.stripePaymentIntentId),
    index("orders_customer_id_idx").on(t.customerId),
    check("orders_plan_valid", oneOf("plan", PLAN_IDS)),
    check("orders_status_valid", oneOf("status", ORDER_STATUSES)),
    check("orders_amount_nonnegative", sql`${t.amountCents} >= 0`),
    customerReadPolicy("orders"),
  ],
).enableRLS();

/** Every Stripe event id seen, once: a replayed delivery finds its row. */
export const stripeEvents = pgTable(
  "stripe_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    /**
     * Why a verified event was recorded and not acted on (a paid session whose
     * amount, currency or mode does not match the plan): for staff to look
     * at. Stripe got its 200, so it does not retry for ever.
     */
    refusal: text("refusal"),
  },
  () => [staffReadPolicy("stripe_events")],
).enableRLS();

/**
 * Checkout Sessions of the local stand-in for Stripe (no STRIPE_SECRET_KEY:
 * development and tests). Its "Pay" button marks a row paid and posts a
 * signed `checkout.session.completed` to the real webhook; the success page
 * reads the row as it would retrieve a session from Stripe.
 */
/**
 * The Checkout Sessions this deployment created on Stripe. The success
 * page's poll asks Stripe only about these: an id anyone can make up would
 * otherwise spend our Stripe rate limit.
 */
export const stripeCheckoutSessions = pgTable(
  "stripe_checkout_sessions",
  {
    id: text("id").primaryKey(),
    plan: text("plan").notNull(),
    createdAt: createdAt(),
  },
  () => [staffReadPolicy("stripe_checkout_sessions")],
).enableRLS();

export const localCheckoutSessions = pgTable(
  "local_checkout_sessions",
  {
    id: text("id").primaryKey(),
    plan: text("plan").notNull(),
    email: text("email").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull().default("usd"),
    /** Stripe's session status and payment_status, as Stripe spells them. */
    status: text("status").notNull().default("open"),
    paymentStatus: text("payment_status").notNull().default("unpaid"),
    /** Billing country chosen on the local page (ISO 3166-1 alpha-2). */
    country: text("country"),
    idempotencyKey: text("idempotency_key"),
    stripeCustomerId: text("stripe_customer_id"),
    stripePaymentIntentId: text("stripe_payment_intent_id"),
    createdAt: createdAt(),
    completedAt: timestamp("completed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("local_checkout_sessions_idempotency_key_key").on(t.idempotencyKey),
    check("local_checkout_sessions_plan_valid", oneOf("plan", PLAN_IDS)),
    check("local_checkout_sessions_status_valid", oneOf("status", ["open", "complete", "expired"])),
    check("local_checkout_sessions_payment_status_valid", oneOf("payment_status", ["unpaid", "paid"])),
    staffReadPolicy("local_checkout_sessions"),
  ],
).enableRLS();

export const directories = pgTable(
  "directories",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    website: text("website").notNull(),
    submitUrl: text("submit_url"),
    /**
     * Where a published listing can be looked up, with `{query}` for the
     * business name (e.g. https://example.com/search?q={query}); the approval
     * tracker re-checks submissions there. Null: only a listing URL the
     * directory showed can be checked.
     */
    listingSearchUrl: text("listing_search_url"),
    /** Domain Authority as a source states it (0-100); null when unknown. */
    daScore: smallint("da_score"),
    /** 1 = most valuable; plans draw from tiers up to their limit. */
    priorityTier: smallint("priority_tier").notNull(),
    category: text("category").notNull().default("general"),
    scope: text("scope").notNull().default("general"),
    /** ISO 3166-1 alpha-2, or INT for international. */
    country: text("country").notNull(),
    /** ISO 639-1 of the submission form. */
    language: text("language").notNull().default("en"),
    requiresCaptcha: boolean("requires_captcha").notNull().default(false),
    requiresEmailVerification: boolean("requires_email_verification").notNull().default(false),
    requiresPhoneVerification: boolean("requires_phone_verification").notNull().default(false),
    requiresAccount: boolean("requires_account").notNull().default(false),
    approvalType: text("approval_type").notNull().default("unknown"),
    automation: text("automation").notNull().default("automated"),
    listingCost: text("listing_cost").notNull().default("unknown"),
    /** False until someone checked the facts live (sources disagree and age). */
    factsVerified: boolean("facts_verified").notNull().default(false),
    /** A directory of the local farm: only the sandbox catalog selects these. */
    sandbox: boolean("sandbox").notNull().default(false),
    source: text("source"),
    notes: text("notes"),
    isActive: boolean("is_active").notNull().default(true),
    /** When `npm run directories:check` last visited it (tools/directories-check.ts). */
    checkedAt: timestamp("checked_at", { withTimezone: true }),
    /** The last check's verdict: alive, redirected, gone, blocked or unreachable. */
    checkStatus: text("check_status"),
    /** The last check's findings (status codes, form found, robots and terms stance). */
    checkResult: jsonb("check_result"),
    /** Set when a check found it gone or blocked: not selected until staff clear it. */
    checkHold: boolean("check_hold").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("directories_slug_key").on(t.slug),
    // Tier selection: active rows of one catalog, best DA first.
    index("directories_selection_idx").on(t.sandbox, t.daScore.desc().nullsLast(), t.priorityTier, t.id).where(sql`${t.isActive} and ${t.automation} <> 'disabled'`),
    check("directories_priority_tier_range", sql`${t.priorityTier} between 1 and 5`),
    check("directories_da_score_range", sql`${t.daScore} is null or ${t.daScore} between 0 and 100`),
    check("directories_approval_type_valid", oneOf("approval_type", APPROVAL_TYPES)),
    check("directories_automation_valid", oneOf("automation", AUTOMATION_POLICIES)),
    check("directories_listing_cost_valid", oneOf("listing_cost", LISTING_COSTS)),
    check("directories_scope_valid", oneOf("scope", DIRECTORY_SCOPES)),
    check("directories_country_code", sql`${t.country} ~ '^([A-Z]{2}|INT)$'`),
    check("directories_check_status_valid", sql`${t.checkStatus} is null or ${t.checkStatus} in ('alive', 'redirected', 'gone', 'blocked', 'unreachable')`),
    // The catalog is product information: any signed-in user may read it.
    pgPolicy("directories_read_signed_in", { for: "select", to: authenticatedRole, using: sql`true` }),
  ],
).enableRLS();

export const jobs = pgTable(
  "jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "restrict" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "restrict" }),
    plan: text("plan").notNull(),
    status: text("status").notNull().default("pending"),
    directoriesTotal: integer("directories_total").notNull().default(0),
    directoriesSubmitted: integer("directories_submitted").notNull().default(0),
    directoriesApproved: integer("directories_approved").notNull().default(0),
    directoriesFailed: integer("directories_failed").notNull().default(0),
    statusReason: text("status_reason"),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One job per order: concurrent fulfilment attempts meet here.
    uniqueIndex("jobs_order_id_key").on(t.orderId),
    index("jobs_customer_id_idx").on(t.customerId),
    index("jobs_active_idx").on(t.status).where(sql`${t.status} in ('pending', 'in_progress', 'paused')`),
    check("jobs_plan_valid", oneOf("plan", PLAN_IDS)),
    check("jobs_status_valid", oneOf("status", JOB_STATUSES)),
    customerReadPolicy("jobs"),
  ],
).enableRLS();

export const directorySubmissions = pgTable(
  "directory_submissions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    directoryId: uuid("directory_id")
      .notNull()
      .references(() => directories.id, { onDelete: "restrict" }),
    /** Denormalised from the job: RLS and the live-listing guard filter on it. */
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "restrict" }),
    status: text("status").notNull().default("pending"),
    /** Lower runs first; set from the directory's tier and DA at selection. */
    priority: integer("priority").notNull().default(0),
    attempt: integer("attempt").notNull().default(0),
    listingUrl: text("listing_url"),
    evidenceKey: text("evidence_key"),
    failureClass: text("failure_class"),
    failureReason: text("failure_reason"),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    /**
     * The submission of this job this one replaces (it ended without a
     * listing), and why. Unique: a submission is replaced at most once, so a
     * coordinator choosing again after a replay or an eviction gets the
     * same row back (durable-objects/coordinator/replacements.ts).
     */
    replacesSubmissionId: uuid("replaces_submission_id").references((): AnyPgColumn => directorySubmissions.id, { onDelete: "cascade" }),
    replacementReason: text("replacement_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("directory_submissions_job_directory_key").on(t.jobId, t.directoryId),
    uniqueIndex("directory_submissions_replaces_key").on(t.replacesSubmissionId),
    // A business is never live at the same directory twice, across all jobs.
    uniqueIndex("directory_submissions_one_live_listing_key").on(t.customerId, t.directoryId).where(sql`${t.status} = 'approved'`),
    // Tier selection excludes directories the business holds (RLS uses customer_id too).
    index("directory_submissions_customer_directory_idx")
      .on(t.customerId, t.directoryId)
      .where(sql.raw(`status not in (${RELEASED_SUBMISSION_STATUSES.map((s) => `'${s}'`).join(", ")})`)),
    index("directory_submissions_customer_id_idx").on(t.customerId),
    index("directory_submissions_job_status_idx").on(t.jobId, t.status),
    index("directory_submissions_directory_id_idx").on(t.directoryId),
    check("directory_submissions_status_valid", oneOf("status", SUBMISSION_STATUSES)),
    check("directory_submissions_attempt_nonnegative", sql`${t.attempt} >= 0`),
    customerReadPolicy("directory_submissions"),
  ],
).enableRLS();

/** The activity feed and audit trail of every job. */
export const jobEvents = pgTable(
  "job_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    submissionId: uuid("submission_id").references(() => directorySubmissions.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "restrict" }),
    kind: text("kind").notNull(),
    message: text("message").notNull(),
    data: jsonb("data").notNull().default(sql`'{}'::jsonb`),
    /**
     * Set by writers that may deliver an event more than once (the job
     * coordinator's outbox): a repeat meets this key and is dropped.
     */
    dedupeKey: text("dedupe_key"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("job_events_dedupe_key_key").on(t.dedupeKey),
    index("job_events_job_id_created_at_idx").on(t.jobId, t.createdAt),
    index("job_events_customer_id_idx").on(t.customerId),
    index("job_events_submission_id_idx").on(t.submissionId),
    // The daily roll-up reads one day of events at a time.
    index("job_events_created_at_idx").on(t.createdAt),
    customerReadPolicy("job_events"),
  ],
).enableRLS();

/**
 * Browser workers, ours and external fleets, with their heartbeats. An
 * external worker's id is the name of its bearer token (src/auth/worker-tokens.ts):
 * one token each, scoped, revocable.
 */
export const workers = pgTable(
  "workers",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull().default("cloudflare"),
    /** SHA-256 (hex) of an external worker's bearer token; never the token itself. */
    tokenHash: text("token_hash"),
    /** What the token may do (WORKER_TOKEN_SCOPES). */
    scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
    /** Set when the token was revoked: it is refused from then on. */
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastHeartbeatAt: timestamp("last_heartbeat_at", { withTimezone: true }),
    metadata: jsonb("metadata").notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    check("workers_kind_valid", oneOf("kind", WORKER_KINDS)),
    check("workers_scopes_valid", sql`${t.scopes} <@ array[${sql.raw(WORKER_TOKEN_SCOPES.map((s) => `'${s}'`).join(", "))}]::text[]`),
    uniqueIndex("workers_token_hash_key").on(t.tokenHash),
    staffReadPolicy("workers"),
  ],
).enableRLS();

export const NOTIFICATION_KINDS = ["job_completed", "payment_failed", "payment_disputed", "payment_refunded", "directory_mail", "directory_mail_digest", "listing_flagged"] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const NOTIFICATION_STATUSES = ["pending", "sent", "failed"] as const;

/**
 * Customer e-mails, sent from this outbox by the cron drain
 * (src/notifications/outbox.ts): one row per (job, kind) for completions and
 * one per `dedupe_key` for payment notices (written in the Stripe event's own
 * transaction), so enqueueing twice is a no-op and a sent notification is
 * never sent again; a failed send waits until `next_attempt_at` and is
 * retried, up to a limit.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Null for payment notices of an order that has no job (yet). */
    jobId: uuid("job_id").references(() => jobs.id, { onDelete: "cascade" }),
    orderId: uuid("order_id").references(() => orders.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "restrict" }),
    kind: text("kind").notNull(),
    recipient: text("recipient").notNull(),
    /** What the notice is about, e.g. `refund:<charge>:<amount>`; unique when set. */
    dedupeKey: text("dedupe_key"),
    /** Facts for the template, fixed when enqueued (amounts, reasons). */
    data: jsonb("data").notNull().default(sql`'{}'::jsonb`),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    providerMessageId: text("provider_message_id"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One completion notice per job; a job has any number of directory mails.
    uniqueIndex("notifications_job_id_kind_key").on(t.jobId, t.kind).where(sql`${t.kind} = 'job_completed'`),
    uniqueIndex("notifications_dedupe_key_key").on(t.dedupeKey),
    index("notifications_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    check("notifications_kind_valid", oneOf("kind", NOTIFICATION_KINDS)),
    check("notifications_status_valid", oneOf("status", NOTIFICATION_STATUSES)),
    // A daily digest of directory mails is about the customer, across jobs.
    check("notifications_subject_present", sql`${t.jobId} is not null or ${t.orderId} is not null or ${t.kind} = 'directory_mail_digest'`),
    staffReadPolicy("notifications"),
  ],
).enableRLS();

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;

/**
 * Agencies' own HTTPS endpoints for job events (docs/webhooks.md). The
 * signing secret is shown once, at creation; client roles cannot read the
 * column (0010's column grants), only the API's own connection signs with it.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    secret: text("secret").notNull(),
    /** Event types sent; empty: all of them. */
    events: text("events").array().notNull().default(sql`'{}'::text[]`),
    description: text("description"),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("webhook_endpoints_customer_url_key").on(t.customerId, t.url), customerReadPolicy("webhook_endpoints")],
).enableRLS();

/**
 * The outgoing-webhook outbox: one row per (endpoint, job event), written by
 * a trigger on job_events in the event's own transaction; the body is fixed
 * then, so every retry sends the same bytes. A delivered row is never sent again.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    jobEventId: bigint("job_event_id", { mode: "number" })
      .notNull()
      .references(() => jobEvents.id, { onDelete: "cascade" }),
    eventType: text("event_type").notNull(),
    body: text("body").notNull(),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_endpoint_event_key").on(t.endpointId, t.jobEventId),
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_customer_id_idx").on(t.customerId),
    check("webhook_deliveries_status_valid", oneOf("status", WEBHOOK_DELIVERY_STATUSES)),
    customerReadPolicy("webhook_deliveries"),
  ],
).enableRLS();

/**
 * One row per UTC day of business figures, upserted by the cron
 * (src/observability/daily-rollup.ts): re-running a day rewrites the same row.
 */
export const dailyRollups = pgTable(
  "daily_rollups",
  {
    day: date("day", { mode: "string" }).primaryKey(),
    ordersPaid: integer("orders_paid").notNull().default(0),
    ordersRefunded: integer("orders_refunded").notNull().default(0),
    /** Paid order amounts by currency, in minor units: { "usd": 14900 }. */
    revenueCents: jsonb("revenue_cents").notNull().default(sql`'{}'::jsonb`),
    jobsCompleted: integer("jobs_completed").notNull().default(0),
    /** Submission status changes that day, by the status reached. */
    submissions: jsonb("submissions").notNull().default(sql`'{}'::jsonb`),
    /** approved / (submitted + awaiting_verification + approved + failed) changes; null when none. */
    approvalRate: doublePrecision("approval_rate"),
    /** Mean lease-to-report seconds of that day's reports; null when none carried one. */
    meanSubmissionSeconds: doublePrecision("mean_submission_seconds"),
    computedAt: timestamp("computed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  () => [staffReadPolicy("daily_rollups")],
).enableRLS();

/**
 * The submission intelligence's statistics, one row per directory
 * (src/intelligence/): written by the feedback loop in the transaction that
 * persists each result, read by the coordinator when a job starts. Staff read
 * it; it holds no customer data.
 */
export const directoryStats = pgTable(
  "directory_stats",
  {
    directoryId: uuid("directory_id")
      .primaryKey()
      .references(() => directories.id, { onDelete: "cascade" }),
    attempts: integer("attempts").notNull().default(0),
    accepted: integer("accepted").notNull().default(0),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    /** { validation: 3, transient: 1, ... } */
    failuresByClass: jsonb("failures_by_class").notNull().default(sql`'{}'::jsonb`),
    meanDurationMs: integer("mean_duration_ms"),
    durationSamples: integer("duration_samples").notNull().default(0),
    /** 24 counts by local hour, 7 by local weekday (0 = Sunday). */
    hourAttempts: jsonb("hour_attempts").notNull().default(sql`'[]'::jsonb`),
    hourAccepted: jsonb("hour_accepted").notNull().default(sql`'[]'::jsonb`),
    weekdayAttempts: jsonb("weekday_attempts").notNull().default(sql`'[]'::jsonb`),
    weekdayAccepted: jsonb("weekday_accepted").notNull().default(sql`'[]'::jsonb`),
    lastRateLimitedAt: timestamp("last_rate_limited_at", { withTimezone: true }),
    lastRetryAfterSeconds: integer("last_retry_after_seconds"),
    /** The last failures, newest first: [{ at, failureClass, reason }]. */
    lastFailures: jsonb("last_failures").notNull().default(sql`'[]'::jsonb`),
    /** Field type → accepted submissions that filled it. */
    fieldMappings: jsonb("field_mappings").notNull().default(sql`'{}'::jsonb`),
    /** Set when the directory keeps failing: staff should look. */
    flaggedAt: timestamp("flagged_at", { withTimezone: true }),
    flagReason: text("flag_reason"),
    /** When the feedback loop switched the directory off (directories.is_active = false). */
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("directory_stats_flagged_idx").on(t.flaggedAt).where(sql`${t.flaggedAt} is not null`),
    check("directory_stats_counts_valid", sql`${t.accepted} between 0 and ${t.attempts}`),
    staffReadPolicy("directory_stats"),
  ],
).enableRLS();

/**
 * Every attempt outcome the feedback loop has counted, once: its primary key
 * `(submission_id, attempt)` is what makes a replayed result change nothing.
 */
export const directoryOutcomes = pgTable(
  "directory_outcomes",
  {
    submissionId: uuid("submission_id")
      .notNull()
      .references(() => directorySubmissions.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    directoryId: uuid("directory_id")
      .notNull()
      .references(() => directories.id, { onDelete: "cascade" }),
    accepted: boolean("accepted").notNull(),
    failureClass: text("failure_class"),
    durationMs: integer("duration_ms"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.submissionId, t.attempt] }), index("directory_outcomes_directory_id_idx").on(t.directoryId, t.occurredAt), staffReadPolicy("directory_outcomes")],
).enableRLS();

/**
 * The staff-only part of a job event (migration 0013): the retry analyzer's
 * words for staff (`staffReason`) and which staff member acted (`staffBy`).
 * Customers read their job_events rows whole, so these never go in
 * `job_events.data`; the coordinator's outbox writes them here.
 */
export const jobEventStaffNotes = pgTable(
  "job_event_staff_notes",
  {
    jobEventId: bigint("job_event_id", { mode: "number" })
      .primaryKey()
      .references(() => jobEvents.id, { onDelete: "cascade" }),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    data: jsonb("data").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("job_event_staff_notes_job_id_idx").on(t.jobId), staffReadPolicy("job_event_staff_notes")],
).enableRLS();

export const INBOUND_MAIL_STATUSES = ["matched", "unmatched"] as const;

/**
 * Every mail the verification mailboxes received (the Worker's `email`
 * handler): the raw message is in R2 (`r2_key`); matched mails name their job
 * and submission, unmatched ones wait in the staff inbox. `mail_id` is the
 * SHA-256 of the raw message, so a redelivery is one row.
 */
export const inboundMails = pgTable(
  "inbound_mails",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    mailId: text("mail_id").notNull(),
    envelopeFrom: text("envelope_from").notNull(),
    envelopeTo: text("envelope_to").notNull(),
    subject: text("subject"),
    r2Key: text("r2_key").notNull(),
    status: text("status").notNull(),
    /** Why it matched nothing (unmatched), or which link was taken (matched). */
    reason: text("reason"),
    verificationLink: text("verification_link"),
    jobId: uuid("job_id").references(() => jobs.id, { onDelete: "set null" }),
    submissionId: uuid("submission_id").references(() => directorySubmissions.id, { onDelete: "set null" }),
    receivedAt: createdAt(),
  },
  (t) => [
    uniqueIndex("inbound_mails_mail_id_key").on(t.mailId),
    index("inbound_mails_unmatched_idx").on(t.receivedAt).where(sql`${t.status} = 'unmatched'`),
    check("inbound_mails_status_valid", oneOf("status", INBOUND_MAIL_STATUSES)),
    staffReadPolicy("inbound_mails"),
  ],
).enableRLS();

export const DIRECTORY_MAIL_KINDS = ["verification", "message"] as const;
export const DIRECTORY_MAIL_NOTICES = ["immediate", "digest"] as const;

/**
 * The customer's view of the mails received for their job's listings (issue
 * 18): every mail to one of the job's per-submission mailboxes, sanitized when
 * received (src/mail/directory-mail.ts): the body as plain text (HTML reduced
 * to its text, scripts, styles and images dropped, links written out inert),
 * attachments listed, never served. The raw message stays in R2 for staff
 * (`inbound_mails`). `kind` verification: a confirmation link we open
 * ourselves; message: anything else (a lead, a question, an approval), which
 * reaches the customer by e-mail, at once or in the daily digest
 * (`notified_by`).
 */
export const directoryMails = pgTable(
  "directory_mails",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** SHA-256 of the raw message, as in `inbound_mails`: a redelivery is the same row. */
    mailId: text("mail_id").notNull(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    submissionId: uuid("submission_id").references(() => directorySubmissions.id, { onDelete: "set null" }),
    directoryName: text("directory_name"),
    fromAddress: text("from_address").notNull(),
    fromName: text("from_name"),
    subject: text("subject"),
    /** Sanitized plain text. */
    body: text("body").notNull(),
    /** [{ filename, mimeType, size }]: listed, never served. */
    attachments: jsonb("attachments").notNull().default(sql`'[]'::jsonb`),
    kind: text("kind").notNull(),
    /** Our MX authenticated the sender as the submission's directory (DKIM or SPF aligned). */
    fromDirectory: boolean("from_directory").notNull().default(false),
    /** How the customer was e-mailed about it; null while a daily digest is still to come (or for verifications). */
    notifiedBy: text("notified_by"),
    notifiedAt: timestamp("notified_at", { withTimezone: true }),
    receivedAt: createdAt(),
  },
  (t) => [
    uniqueIndex("directory_mails_mail_id_key").on(t.mailId),
    index("directory_mails_job_id_idx").on(t.jobId, t.receivedAt),
    index("directory_mails_digest_due_idx").on(t.receivedAt).where(sql`${t.kind} = 'message' and ${t.notifiedBy} is null`),
    check("directory_mails_kind_valid", oneOf("kind", DIRECTORY_MAIL_KINDS)),
    check("directory_mails_notified_by_valid", sql`${t.notifiedBy} is null or ${t.notifiedBy} in ('immediate', 'digest')`),
    customerReadPolicy("directory_mails"),
  ],
).enableRLS();

/**
 * The customer's login vault (docs/decisions.md, "The login vault"): every
 * account the engine created at a directory, one per submission (a later
 * attempt's login replaces the earlier). The password is AES-256-GCM
 * ciphertext sealed by the browser worker (core/vault.ts) under `key_id`;
 * nothing here is the clear password. Clients read the other columns of
 * their own rows (column grants, migration 0017); `key_id`, `iv` and
 * `ciphertext` only the API's own connection reads. Erasing the job, the
 * submission or the customer erases the entries (on delete cascade).
 */
export const vaultLogins = pgTable(
  "vault_logins",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    submissionId: uuid("submission_id")
      .notNull()
      .references(() => directorySubmissions.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    directoryId: uuid("directory_id")
      .notNull()
      .references(() => directories.id, { onDelete: "restrict" }),
    attempt: integer("attempt").notNull(),
    loginUrl: text("login_url").notNull(),
    username: text("username"),
    email: text("email"),
    keyId: text("key_id").notNull(),
    iv: text("iv").notNull(),
    ciphertext: text("ciphertext").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("vault_logins_submission_id_key").on(t.submissionId),
    index("vault_logins_job_id_idx").on(t.jobId),
    index("vault_logins_customer_id_idx").on(t.customerId),
    customerReadPolicy("vault_logins"),
  ],
).enableRLS();

export const VAULT_ACCESS_PURPOSES = ["reveal", "export"] as const;
export const VAULT_ACCESS_ROLES = ["customer", "staff"] as const;

/** Every time a vault password was shown: who (customer or staff), when, and how (a reveal, an export). */
export const vaultAccesses = pgTable(
  "vault_accesses",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    loginId: uuid("login_id")
      .notNull()
      .references(() => vaultLogins.id, { onDelete: "cascade" }),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    actorUserId: uuid("actor_user_id").notNull(),
    actorRole: text("actor_role").notNull(),
    purpose: text("purpose").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("vault_accesses_login_id_idx").on(t.loginId, t.createdAt),
    index("vault_accesses_job_id_idx").on(t.jobId),
    index("vault_accesses_customer_id_idx").on(t.customerId),
    check("vault_accesses_role_valid", oneOf("actor_role", VAULT_ACCESS_ROLES)),
    check("vault_accesses_purpose_valid", oneOf("purpose", VAULT_ACCESS_PURPOSES)),
    customerReadPolicy("vault_accesses"),
  ],
).enableRLS();

/** Days after a listing went live at which it is looked at again (issue 19). */
export const SURVIVAL_MILESTONES = [30, 90, 180] as const;
export const LISTING_CHECK_STATES = ["due", "running", "done"] as const;
export const LISTING_CHECK_VERDICTS = ["live", "gone", "changed", "unreachable"] as const;

/**
 * Survival checks: one row per live submission and milestone, created when
 * the milestone is due and made once per go-live (the unique key), by the cron
 * (src/listings/survival.ts). `shown` is what the directory's page showed at
 * the check, `differences` the fields that do not match the profile.
 */
export const listingChecks = pgTable(
  "listing_checks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    submissionId: uuid("submission_id")
      .notNull()
      .references(() => directorySubmissions.id, { onDelete: "cascade" }),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    milestoneDays: smallint("milestone_days").notNull(),
    /** The submission's `approved_at` the milestone counts from: a listing submitted again and live again gets its own checks. */
    wentLiveAt: timestamp("went_live_at", { withTimezone: true }).notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    state: text("state").notNull().default("due"),
    /** A running check's lease: a crashed run's row is taken again after it. */
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    /** Looks that reached no verdict (directory down, 5xx): retried later, a few times. */
    attempts: smallint("attempts").notNull().default(0),
    verdict: text("verdict"),
    detail: text("detail"),
    listingUrl: text("listing_url"),
    shown: jsonb("shown"),
    differences: text("differences").array().notNull().default(sql`'{}'::text[]`),
    checkedAt: timestamp("checked_at", { withTimezone: true }),
    /** The customer's one "submit again" for this check. */
    resubmittedAt: timestamp("resubmitted_at", { withTimezone: true }),
    /** A flagged check's screenshot: asked of the job's coordinator (once it took it), then its R2 key, or why none came. */
    screenshotRequestedAt: timestamp("screenshot_requested_at", { withTimezone: true }),
    evidenceKey: text("evidence_key"),
    screenshotNote: text("screenshot_note"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("listing_checks_submission_milestone_key").on(t.submissionId, t.wentLiveAt, t.milestoneDays),
    index("listing_checks_due_idx").on(t.dueAt).where(sql`${t.state} <> 'done'`),
    index("listing_checks_job_id_idx").on(t.jobId),
    check("listing_checks_state_valid", oneOf("state", LISTING_CHECK_STATES)),
    check("listing_checks_verdict_valid", sql`${t.verdict} is null or ${t.verdict} in ('live', 'gone', 'changed', 'unreachable')`),
    customerReadPolicy("listing_checks"),
  ],
).enableRLS();
/**
 * The promise stated before payment (issue 17, item 1), one row per Checkout
 * Session, written when the session is created: the plan's count, the count
 * of relevant directories the preview found for this business, and whether
 * the buyer accepted that a shortfall is refunded. The order joins it by
 * `stripe_checkout_session_id`, so the promise is recorded with the order.
 */
export const checkoutPromises = pgTable(
  "checkout_promises",
  {
    sessionId: text("session_id").primaryKey(),
    plan: text("plan").notNull(),
    promised: integer("promised").notNull(),
    available: integer("available").notNull(),
    country: text("country"),
    category: text("category"),
    shortfallAccepted: boolean("shortfall_accepted").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    check("checkout_promises_plan_valid", oneOf("plan", PLAN_IDS)),
    // A short plan is sold only with the buyer's acceptance.
    check("checkout_promises_short_accepted", sql`${t.available} >= ${t.promised} or ${t.shortfallAccepted}`),
    staffReadPolicy("checkout_promises"),
  ],
).enableRLS();

export const SHORTFALL_REFUND_STATUSES = ["pending", "succeeded", "failed"] as const;

/**
 * The refund of a job's shortfall (issue 17, item 4): at most one per job
 * (primary key), its amount fixed when the row is written (pro rata of the
 * order's charge), and the Stripe idempotency key every attempt reuses, so a
 * retry after a crash between Stripe and this row gets the same Refund.
 */
export const shortfallRefunds = pgTable(
  "shortfall_refunds",
  {
    jobId: uuid("job_id")
      .primaryKey()
      .references(() => jobs.id, { onDelete: "restrict" }),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "restrict" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "restrict" }),
    promised: integer("promised").notNull(),
    delivered: integer("delivered").notNull(),
    chargeAmountCents: integer("charge_amount_cents").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    stripeRefundId: text("stripe_refund_id"),
    status: text("status").notNull().default("pending"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    refundedAt: timestamp("refunded_at", { withTimezone: true }),
  },
  (t) => [
    check("shortfall_refunds_status_valid", oneOf("status", SHORTFALL_REFUND_STATUSES)),
    check("shortfall_refunds_amount_positive", sql`${t.amountCents} > 0 and ${t.amountCents} <= ${t.chargeAmountCents}`),
    customerReadPolicy("shortfall_refunds"),
  ],
).enableRLS();

/**
 * Refunds made by the local checkout stand-in (no STRIPE_SECRET_KEY), kept
 * as Stripe keeps them: a repeat with the same idempotency key returns the
 * first Refund.
 */
export const localRefunds = pgTable(
  "local_refunds",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    paymentIntentId: text("payment_intent_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("local_refunds_idempotency_key_key").on(t.idempotencyKey), index("local_refunds_payment_intent_id_idx").on(t.paymentIntentId), staffReadPolicy("local_refunds")],
).enableRLS();

/**
 * "Update my listings" (issue 19 item 2): the one update a job includes
 * (primary key: the job), the id the job's coordinator runs it under, and a
 * hash of the profile it pushed, so a replay of the same request is known
 * from a second update (src/listings/update.ts). The progress lives in the
 * coordinator (durable-objects/coordinator/listing-update.ts).
 */
export const listingUpdates = pgTable(
  "listing_updates",
  {
    jobId: uuid("job_id")
      .primaryKey()
      .references(() => jobs.id, { onDelete: "cascade" }),
    updateId: uuid("update_id").notNull().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "restrict" }),
    profileHash: text("profile_hash").notNull(),
    createdAt: createdAt(),
  },
  () => [customerReadPolicy("listing_updates")],
).enableRLS();
