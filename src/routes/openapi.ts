/**
 * The purchase flow's API (full /api/... paths; src/app.ts mounts it at the
 * root so the document's paths are the real ones), and its OpenAPI
 * document at `GET /api/openapi.json` (OpenAPI 3.1, generated from the same
 * zod schemas that validate the requests). Other areas can join the document
 * by mounting their OpenAPIHono sub-apps here.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { business } from "./business";
import { checkout } from "./checkout";
import { plans } from "./plans";
import { stripeWebhook } from "./stripe-webhook";
import { validationHook } from "./api-support";

export const api = new OpenAPIHono<{ Bindings: Env }>({ defaultHook: validationHook as never });

api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
  bearerFormat: "JWT",
  description: "A Supabase Auth access token",
});

api.route("/api/plans", plans);
api.route("/api/checkout", checkout);
api.route("/api/webhooks/stripe", stripeWebhook);
api.route("/api/business", business);

api.doc31("/api/openapi.json", (c) => ({
  openapi: "3.1.0",
  info: {
    title: "DirectoryBolt API",
    version: "0.1.0",
    description: 'Every error is JSON `{ "error": { "code", "message", "details"? } }`; bad input is a 4xx.',
  },
  servers: [{ url: new URL(c.req.url).origin }],
}));
