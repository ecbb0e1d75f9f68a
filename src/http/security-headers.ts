/**
 * The headers every answer of this Worker carries, the site's pages and the
 * API alike: a Content-Security-Policy that lets the site run only its own
 * script and style and talk only to this origin (its API and sockets) and to
 * the Supabase Auth project it signs in with, `frame-ancestors 'none'` (and
 * X-Frame-Options for old browsers), nosniff and a Referrer-Policy. Hono's
 * secureHeaders sets them; a header a route set itself (the local checkout
 * page's own policy, the staff mail's sandbox) is kept.
 *
 * Stripe needs no origin here: checkout is a top-level redirect to Stripe's
 * page, which CSP does not govern, and the site loads no Stripe script.
 */
import type { Context, MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** The Supabase Auth origin the site calls (supabase-js), or nothing when sign-in is local. */
export function supabaseOrigin(env: Pick<Env, "SUPABASE_URL">): string {
  try {
    return env.SUPABASE_URL ? new URL(env.SUPABASE_URL).origin : "";
  } catch {
    return "";
  }
}

export function securityHeaders(): MiddlewareHandler<{ Bindings: Env }> {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      // Evidence screenshots are fetched with the bearer token and shown from blob: URLs.
      imgSrc: ["'self'", "blob:"],
      // 'self' covers the same-origin ws:/wss: sockets.
      connectSrc: ["'self'", (c: Context) => supabaseOrigin(c.env as Env)],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "same-origin",
    overwrite: false,
  });
  return async (c, next) => {
    await headers(c, async () => {
      await next();
      // Answers passed through from a binding (assets, Durable Objects) may have immutable headers.
      c.res = new Response(c.res.body, c.res);
    });
  };
}
