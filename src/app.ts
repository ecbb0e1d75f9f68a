/**
 * The edge API: one OpenAPIHono app, each area an OpenAPIHono sub-app (one
 * per file in src/routes/) mounted with `app.route`, so `GET /api/openapi.json`
 * documents every route. Every error leaves as JSON; unknown API paths are
 * JSON 404s. Every other path is the site: the Worker runs first for it too
 * (wrangler.toml), answers from the static assets, and so every page and
 * every API answer carries the same security headers (src/http/security-headers.ts).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { refuseExampleSecrets } from "./config/example-secrets";
import { errorBody, errorResponse } from "./http/errors";
import { rateLimit } from "./http/rate-limit";
import { validationHook } from "./http/openapi";
import { securityHeaders } from "./http/security-headers";
import { autobolt } from "./routes/autobolt";
import { business } from "./routes/business";
import { checkout } from "./routes/checkout";
import { devFaults } from "./routes/dev-faults";
import { directoryMail, directoryMailDelivery } from "./routes/directory-mail";
import { directoriesPreview } from "./routes/directories-preview";
import { health } from "./routes/health";
import { jobLogins } from "./routes/job-logins";
import { listingChecks } from "./routes/listing-checks";
import { listingUpdate } from "./routes/listing-update";
import { jobShortfall } from "./routes/job-shortfall";
import { jobs } from "./routes/jobs";
import { jobLiveRateApi, staffLiveRate } from "./routes/live-rate";
import { localAuth } from "./routes/local-auth";
import { metrics } from "./routes/metrics";
import { myJobs } from "./routes/my-jobs";
import { serveOpenApiDocument } from "./routes/openapi";
import { ops } from "./routes/ops";
import { opsDaily } from "./routes/ops-daily";
import { plans } from "./routes/plans";
import { proofPacks } from "./routes/proof-packs";
import { readyz } from "./routes/readyz";
import { siteConfig } from "./routes/site-config";
import { staffCatalog } from "./routes/staff-catalog";
import { staffJobs } from "./routes/staff-jobs";
import { staffMail } from "./routes/staff-mail";
import { staffTasks } from "./routes/staff-tasks";
import { stripeWebhook } from "./routes/stripe-webhook";
import { webhookEndpointsApi } from "./routes/webhook-endpoints";
import { WELL_KNOWN, wellKnown } from "./routes/well-known";
import { workerJobs } from "./routes/worker-jobs";
import { workerProgress } from "./routes/worker-progress";

export const app = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: validationHook as never });

app.use("*", securityHeaders());

// Not local, yet on the repository's example secrets: serve nothing.
app.use("*", async (c, next) => {
  refuseExampleSecrets(c.env);
  await next();
});

// Routes anyone may call without signing in, limited per client (the Stripe
// webhook is not here: it is signed, and Stripe retries what we refuse).
for (const path of ["/api/checkout", "/api/checkout/*"]) app.use(path, rateLimit("CHECKOUT_RATE_LIMIT", "checkout"));
for (const path of ["/healthz", "/readyz", "/api/plans", "/api/config", "/api/openapi.json", "/api/auth/*", "/api/directories/preview", `${WELL_KNOWN}/*`])
  app.use(path, rateLimit("PUBLIC_RATE_LIMIT", "public"));

app.route("/healthz", health);
app.route("/readyz", readyz);
app.route("/metrics", metrics);
// Job coordination: sockets, staff controls, and the worker API (its fixed
// paths first: /api/jobs/next must not read as a job id).
app.route("/api/jobs", workerJobs);
app.route("/api/jobs", jobs);
// Proof packs (docs/proof-packs.md) and the public keys that sign them.
app.route("/api/jobs", proofPacks);
app.route(WELL_KNOWN, wellKnown);
// The mails received for a job's listings, the customer's (issue 18).
app.route("/api/jobs", directoryMail);
// The job's login vault (the accounts created at directories; docs/decisions.md).
app.route("/api/jobs", jobLogins);
app.route("/api/jobs", listingChecks);
app.route("/api/jobs", listingUpdate);
app.route("/api/jobs", jobShortfall);
app.route("/api/jobs", jobLiveRateApi);
app.route("/api/staff/jobs", staffJobs);
app.route("/api/staff/tasks", staffTasks);
app.route("/api/staff/live-rate", staffLiveRate);
app.route("/api/ops/daily", opsDaily);
app.route("/api/staff/mail", staffMail);
app.route("/api/ops", ops);
app.route("/api/autobolt", autobolt);
// Sign-in for local development only (404 unless SUPABASE_URL is empty and PUBLIC_URL is loopback).
app.route("/api/auth", localAuth);
app.route("/api/worker", workerProgress);
// Agencies' signed outgoing webhooks (docs/webhooks.md).
app.route("/api/webhook-endpoints", webhookEndpointsApi);
// The site: public config (sign-in choice), the customer's jobs, the staff catalog.
app.route("/api/config", siteConfig);
app.route("/api/me/jobs", myJobs);
app.route("/api/me/directory-mail", directoryMailDelivery);
app.route("/api/staff/directories", staffCatalog);
// Fault injection for `npm run test:faults` (404 unless DEV_FAULT_INJECTION=1 on a loopback PUBLIC_URL).
app.route("/api/dev/faults", devFaults);
// Purchase flow: plans, checkout, the Stripe webhook, the business profile.
app.route("/api/plans", plans);
app.route("/api/directories", directoriesPreview);
app.route("/api/checkout", checkout);
app.route("/api/webhooks/stripe", stripeWebhook);
app.route("/api/business", business);
serveOpenApiDocument(app);

/** Paths the Worker owns; anything else is the site (a file, or index.html for a client-side route). */
const WORKER_PATHS = /^\/(api|healthz|readyz|metrics|__scheduled)(\/|$)/;
app.notFound((c) => (WORKER_PATHS.test(c.req.path) ? c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404) : c.env.ASSETS.fetch(c.req.raw)));
app.onError((err, c) => errorResponse(c, err));
