/**
 * `POST /api/auth/local-sign-in {email, staff?}` → `{token, userId, email, staff}`:
 * sign-in for local development and tests, with no Supabase project. It
 * answers only when SUPABASE_URL is empty and PUBLIC_URL is a loopback
 * address (the same "local" test as the local checkout), and only to a
 * request addressed to a loopback host; anywhere else it is a 404, as if it
 * did not exist. The user id is a UUID v5 of the email,
 * so the same person signs in as the same user every time.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { signUserToken } from "../auth/user-token";
import { isLoopback } from "../billing/stripe";
import { ApiError } from "../http/errors";
import { jsonRequest } from "../http/body";
import { errorResponses, jsonAnswer, jsonError, newApiApp } from "../http/openapi";

/** Namespace of local user ids (a fixed random UUID). */
const NAMESPACE = "3b0f5a8e-6d1c-4f7a-9e2b-8c4d1a7e5f60";
const TTL_SECONDS = 12 * 3600;

export function isLocalAuth(env: Pick<Env, "SUPABASE_URL" | "PUBLIC_URL">): boolean {
  return !env.SUPABASE_URL && isLoopback(env.PUBLIC_URL);
}

/** RFC 4122 version 5 (SHA-1, name-based) UUID of `name` in NAMESPACE. */
export async function localUserId(name: string): Promise<string> {
  const ns = NAMESPACE.replace(/-/g, "")
    .match(/../g)!
    .map((h) => parseInt(h, 16));
  const bytes = new Uint8Array([...ns, ...new TextEncoder().encode(name)]);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes)).slice(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const SignIn = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("Not a valid email address").max(254)),
  staff: z.boolean().optional().default(false),
});

const SignedIn = z.object({ token: z.string(), userId: z.string(), email: z.string(), staff: z.boolean(), expiresIn: z.number().int() }).openapi("LocalSignIn");

const signIn = createRoute({
  method: "post",
  path: "/local-sign-in",
  tags: ["site"],
  summary: "Sign in without Supabase (local development and tests only)",
  middleware: [
    // Before the body is read: anywhere but local, the route does not exist.
    async (c, next) => {
      // The request itself must be addressed to a loopback host too: the
      // configuration alone is one stray variable away from production.
      if (!isLocalAuth(c.env) || !isLoopback(c.req.url)) throw new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
      await next();
    },
    ...jsonRequest(),
  ] as const,
  request: { body: { required: true, content: { "application/json": { schema: SignIn } } } },
  responses: {
    200: jsonAnswer("A bearer token for the API", SignedIn),
    ...errorResponses,
    404: jsonError("Not a local deployment"),
  },
});

export const localAuth = newApiApp().openapi(signIn, async (c) => {
  const { email, staff } = c.req.valid("json");
  const userId = await localUserId(email);
  const token = await signUserToken(c.env, { userId, email, staff }, TTL_SECONDS);
  return c.json({ token, userId, email, staff, expiresIn: TTL_SECONDS }, 200);
});
