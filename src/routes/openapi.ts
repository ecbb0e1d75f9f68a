/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of the whole API,
 * generated from the same zod schemas that validate the requests. Every
 * route file is an OpenAPIHono sub-app, so mounting it on the app (src/app.ts)
 * adds its routes here; call this once every sub-app is mounted. Routes
 * declared `hide: true` (the local checkout stand-in) stay out of it.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";

export function serveOpenApiDocument(app: OpenAPIHono<{ Bindings: Env }>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "A Supabase Auth access token (customers and staff)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "worker", {
    type: "http",
    scheme: "bearer",
    description: "WORKER_API_TOKEN: browser workers outside Cloudflare",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "metrics", {
    type: "http",
    scheme: "bearer",
    description: "METRICS_TOKEN: the Prometheus scraper",
  });

  app.doc31("/api/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "DirectoryBolt API",
      version: "0.1.0",
      description: 'Every error is JSON `{ "error": { "code", "message", "details"? } }`; bad input is a 4xx.',
    },
    servers: [{ url: new URL(c.req.url).origin }],
  }));
}
