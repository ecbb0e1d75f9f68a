/**
 * Per-client limits of the unauthenticated routes, on the Workers
 * rate-limiting bindings declared in wrangler.toml. A client is its
 * `cf-connecting-ip` (set by Cloudflare; a client cannot choose it). Over the
 * limit: 429 `rate_limited` with `Retry-After`, before any other work, so a
 * flood of made-up checkout ids never reaches Stripe.
 */
import { createMiddleware } from "hono/factory";
import { errorBody } from "./errors";

/** The bindings' period (Cloudflare accepts 10 or 60 s); the binding does not say when its window ends. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

export type RateLimiterName = "PUBLIC_RATE_LIMIT" | "CHECKOUT_RATE_LIMIT";

export function rateLimit(limiter: RateLimiterName, bucket: string) {
  return createMiddleware<{ Bindings: Env }>(async (c, next) => {
    const client = c.req.header("cf-connecting-ip") ?? "unknown";
    const { success } = await c.env[limiter].limit({ key: `${bucket}:${client}` });
    if (!success) {
      c.header("cache-control", "no-store");
      return c.json(errorBody("rate_limited", `Too many requests; try again in ${RATE_LIMIT_PERIOD_SECONDS} seconds`), 429, { "retry-after": String(RATE_LIMIT_PERIOD_SECONDS) });
    }
    await next();
  });
}
