/**
 * An agency's own webhook endpoints (docs/webhooks.md), for the signed-in customer:
 * - `GET /api/webhook-endpoints` → `{ endpoints }` (never the secret), with delivery counts;
 * - `POST /api/webhook-endpoints {url, events?, description?}` → 201
 *   `{ endpoint, secret }`: the signing secret, shown this once;
 * - `DELETE /api/webhook-endpoints/:id` → the endpoint, now inactive (its
 *   pending deliveries end as failed; history stays).
 * A URL the policy refuses (src/webhooks/url-policy.ts), an unknown event
 * type or unknown field is a 400 naming the field, and writes nothing.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, count, eq, sql } from "drizzle-orm";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { isLoopback } from "../billing/stripe";
import { customerForUser } from "../billing/customers";
import { webhookDeliveries, webhookEndpoints } from "../db/schema";
import { ApiError } from "../http/errors";
import { jsonRequest } from "../http/body";
import { errorResponses, jsonAnswer, jsonError, newApiApp, signedIn } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import { WEBHOOK_EVENT_TYPES } from "../webhooks/events";
import { newWebhookSecret } from "../webhooks/signature";
import { checkWebhookUrl, MAX_WEBHOOK_URL_LENGTH } from "../webhooks/url-policy";

/** Active endpoints one customer may have. */
export const MAX_ENDPOINTS = 5;

const createBody = z
  .object({
    url: z.string().trim().min(1, "Required").max(MAX_WEBHOOK_URL_LENGTH),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).max(WEBHOOK_EVENT_TYPES.length).optional(),
    description: z.string().trim().max(200).optional(),
  })
  .strict();

const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  events: webhookEndpoints.events,
  description: webhookEndpoints.description,
  active: webhookEndpoints.active,
  createdAt: webhookEndpoints.createdAt,
};

const Endpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()).openapi({ description: "Event types sent; empty: all" }),
    description: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("WebhookEndpoint");
const security = [{ bearer: [] }];

const list = createRoute({
  method: "get",
  path: "/",
  tags: ["webhooks"],
  summary: "The customer's webhook endpoints (never their secrets), with delivery counts",
  security,
  responses: {
    200: jsonAnswer("Oldest first", z.object({ endpoints: z.array(Endpoint.extend({ deliveries: z.record(z.string(), z.number().int()) })) })),
    ...signedIn,
  },
});

const create = createRoute({
  method: "post",
  path: "/",
  tags: ["webhooks"],
  summary: "Register an endpoint; the signing secret is shown this once",
  security,
  middleware: jsonRequest(),
  request: { body: { required: true, content: { "application/json": { schema: createBody } } } },
  responses: {
    201: jsonAnswer("Registered", z.object({ endpoint: Endpoint, secret: z.string() })),
    ...errorResponses,
    ...signedIn,
    409: jsonError("Too many active endpoints, or this URL is registered already"),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/{id}",
  tags: ["webhooks"],
  summary: "Deactivate an endpoint (its pending deliveries end as failed; history stays)",
  security,
  request: { params: uuidParams({ id: "endpoint" }) },
  responses: { 200: jsonAnswer("The endpoint, now inactive", z.object({ endpoint: Endpoint })), ...signedIn, 400: jsonError("Not an endpoint id"), 404: jsonError("No such endpoint") },
});

export const webhookEndpointsApi = newApiApp<AuthVariables>();
webhookEndpointsApi.use(requireUser);
webhookEndpointsApi
  .openapi(list, async (c) => {
    c.header("cache-control", "no-store");
    const endpoints = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const customer = await customerForUser(tx, c.get("user"), { create: false });
        if (!customer) return [];
        const rows = await tx.select(endpointColumns).from(webhookEndpoints).where(eq(webhookEndpoints.customerId, customer.id)).orderBy(webhookEndpoints.createdAt);
        const counts = await tx
          .select({ endpointId: webhookDeliveries.endpointId, status: webhookDeliveries.status, n: count() })
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.customerId, customer.id))
          .groupBy(webhookDeliveries.endpointId, webhookDeliveries.status);
        return rows.map((r) => ({
          ...r,
          deliveries: Object.fromEntries(counts.filter((n) => n.endpointId === r.id).map((n) => [n.status, n.n])),
        }));
      }),
    );
    return c.json({ endpoints }, 200);
  })
  .openapi(create, async (c) => {
    const input = c.req.valid("json");
    const checked = checkWebhookUrl(input.url, { development: isLoopback(c.env.PUBLIC_URL) });
    if (!checked.ok) throw new ApiError(400, "validation_failed", "Invalid body: url", { fields: { url: checked.reason } });
    const events = [...new Set(input.events ?? [])];
    const secret = newWebhookSecret();
    const endpoint = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const customer = (await customerForUser(tx, c.get("user"), { create: true }))!;
        // Serialise this customer's registrations so the limit holds under concurrency.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`webhook_endpoints:${customer.id}`}))`);
        const [active] = await tx
          .select({ n: count() })
          .from(webhookEndpoints)
          .where(and(eq(webhookEndpoints.customerId, customer.id), eq(webhookEndpoints.active, true)));
        if ((active?.n ?? 0) >= MAX_ENDPOINTS) throw new ApiError(409, "too_many_endpoints", `At most ${MAX_ENDPOINTS} active endpoints; delete one first`);
        const [row] = await tx
          .insert(webhookEndpoints)
          .values({ customerId: customer.id, url: checked.url, secret, events, description: input.description || null })
          .onConflictDoNothing({ target: [webhookEndpoints.customerId, webhookEndpoints.url] })
          .returning(endpointColumns);
        if (!row) throw new ApiError(409, "endpoint_exists", "This URL is registered already");
        return row;
      }),
    );
    c.header("cache-control", "no-store");
    return c.json({ endpoint, secret }, 201);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    const endpoint = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const customer = await customerForUser(tx, c.get("user"), { create: false });
        if (!customer) return null;
        const [row] = await tx
          .update(webhookEndpoints)
          .set({ active: false })
          .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.customerId, customer.id)))
          .returning(endpointColumns);
        return row ?? null;
      }),
    );
    // 404 for another customer's endpoint too: ids are not confirmed to strangers.
    if (!endpoint) throw new ApiError(404, "not_found", "No such endpoint");
    return c.json({ endpoint }, 200);
  });
