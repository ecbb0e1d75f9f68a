/**
 * Hono middleware for the three kinds of caller: signed-in users (customers),
 * staff, and browser workers outside Cloudflare (bearer token). Failures are
 * JSON 401/403 and nothing else runs.
 */
import { createMiddleware } from "hono/factory";
import { ApiError } from "../http/errors";
import { secretsEqual } from "./constant-time";
import type { WorkerTokenScope } from "../../core/statuses";
import { isLoopback } from "../billing/stripe";
import { withDatabase } from "../http/per-request";
import { verifyUserToken, type AuthUser } from "./user-token";
import { WORKER_TOKEN_PREFIX, findWorkerToken } from "./worker-tokens";

export type AuthVariables = { user: AuthUser };

function bearer(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1]! : null;
}

export const requireUser = createMiddleware<{ Bindings: Env; Variables: AuthVariables }>(async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  if (!token) throw new ApiError(401, "unauthenticated", "Sign in first: send Authorization: Bearer <token>");
  const user = await verifyUserToken(token, c.env);
  if (!user) throw new ApiError(401, "invalid_token", "The sign-in token is invalid or has expired");
  c.set("user", user);
  await next();
});

export const requireStaff = createMiddleware<{ Bindings: Env; Variables: AuthVariables }>(async (c, next) => {
  const user = c.get("user");
  if (!user?.staff) throw new ApiError(403, "forbidden", "Staff only");
  await next();
});

/**
 * An external worker's own token (src/auth/worker-tokens.ts) carrying
 * `scope`. WORKER_API_TOKEN is the local stack's and the tests' worker token:
 * honoured only on a loopback PUBLIC_URL, never by a deployment.
 */
export function requireWorkerToken(scope: WorkerTokenScope) {
  return createMiddleware<{ Bindings: Env }>(async (c, next) => {
    const token = bearer(c.req.header("authorization"));
    if (token && isLoopback(c.env.PUBLIC_URL) && (await secretsEqual(token, c.env.WORKER_API_TOKEN ?? ""))) return next();
    const worker = token?.startsWith(WORKER_TOKEN_PREFIX) ? await withDatabase(c.env, ({ db }) => findWorkerToken(db, token)) : null;
    if (!worker) throw new ApiError(401, "invalid_worker_token", "A valid worker bearer token is required");
    if (!worker.scopes.includes(scope)) throw new ApiError(403, "insufficient_scope", `This worker token lacks the "${scope}" scope`);
    await next();
  });
}
