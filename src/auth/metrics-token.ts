/** `GET /metrics` is scraped with `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time. */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../http/errors";
import { secretsEqual } from "./constant-time";

export const requireMetricsToken = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const token = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!token || !(await secretsEqual(token, c.env.METRICS_TOKEN ?? ""))) {
    throw new ApiError(401, "invalid_metrics_token", "A valid metrics bearer token is required");
  }
  await next();
});
