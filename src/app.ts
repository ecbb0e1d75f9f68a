/**
 * The edge API: one Hono app, each area a sub-app mounted with `app.route`.
 * Every error leaves as JSON; unknown API paths are JSON 404s (the site's own
 * paths never reach here: static assets answer them).
 */
import { Hono } from "hono";
import { errorBody, errorResponse } from "./http/errors";
import { health } from "./routes/health";
import { metrics } from "./routes/metrics";
import { readyz } from "./routes/readyz";
import { api as purchaseApi } from "./routes/openapi";
import { jobs, ops, staffJobs } from "./routes/jobs";
import { staffMail } from "./routes/staff-mail";
import { devFaults } from "./routes/dev-faults";
import { localAuth } from "./routes/local-auth";
import { staffTasks } from "./routes/staff-tasks";
import { myJobs } from "./routes/my-jobs";
import { siteConfig } from "./routes/site-config";
import { staffCatalog } from "./routes/staff-catalog";
import { autobolt, workerJobs, workerProgress } from "./routes/worker-api";
import { webhookEndpointsApi } from "./routes/webhook-endpoints";
import { opsDaily } from "./routes/ops-daily";

export const app = new Hono<{ Bindings: Env }>();

app.route("/healthz", health);
app.route("/readyz", readyz);
app.route("/metrics", metrics);
// Job coordination: sockets, staff controls, and the worker API.
app.route("/api/jobs", workerJobs);
app.route("/api/jobs", jobs);
app.route("/api/staff/jobs", staffJobs);
app.route("/api/staff/tasks", staffTasks);
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
app.route("/api/staff/directories", staffCatalog);
// Fault injection for `npm run test:faults` (404 unless DEV_FAULT_INJECTION=1 on a loopback PUBLIC_URL).
app.route("/api/dev/faults", devFaults);
// Purchase flow: plans, checkout, the Stripe webhook, the business profile, /api/openapi.json.
app.route("/", purchaseApi);

app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));
app.onError((err, c) => errorResponse(c, err));
