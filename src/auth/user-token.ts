/**
 * Supabase Auth JWTs, verified at the edge with jose. A Supabase project signs
 * either with asymmetric keys (published at its JWKS) or, on projects still on
 * the legacy secret, with HS256 and SUPABASE_JWT_SECRET; the token's own header
 * says which, and only those two paths exist (never "none"). With SUPABASE_URL
 * set, the issuer must be that project's `/auth/v1`; without it (local
 * development), only HS256 tokens the app signs itself (issuer LOCAL_ISSUER)
 * are accepted. Every token must carry `exp`: a token without one would be
 * good forever. Staff carry app_metadata.role = "staff".
 */
import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";
import { AuthClient, isAuthRetryableFetchError } from "@supabase/auth-js";
import { ApiError } from "../http/errors";

export interface AuthEnv {
  SUPABASE_JWT_SECRET: string;
  SUPABASE_URL?: string;
  SUPABASE_ANON_KEY?: string;
}

export interface AuthUser {
  userId: string;
  email: string | null;
  staff: boolean;
  /** The verified claims, for RLS (src/db/rls.ts). */
  claims: JWTPayload & { sub: string; app_metadata?: { role?: string } };
  /**
   * Whether the owner of `email` confirmed it. Asked only when a purchase is
   * about to be linked to this user by email: an access token's own claims
   * cannot say (Supabase's user_metadata is writable by the user), so
   * Supabase Auth is asked for the user's `email_confirmed_at`.
   */
  emailConfirmed(): Promise<boolean>;
}

/** The issuer of the tokens the app signs itself (local development only). */
export const LOCAL_ISSUER = "directorybolt-local";

const AUDIENCE = "authenticated";
const jwksByUrl = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function secretKey(env: AuthEnv): Uint8Array {
  if (!env.SUPABASE_JWT_SECRET || env.SUPABASE_JWT_SECRET.length < 32) {
    throw new Error("SUPABASE_JWT_SECRET must be set (32+ characters)");
  }
  return new TextEncoder().encode(env.SUPABASE_JWT_SECRET);
}

/** Resolves to the user, or null for any token that does not verify. */
export async function verifyUserToken(token: string, env: AuthEnv): Promise<AuthUser | null> {
  try {
    const options = { audience: AUDIENCE, clockTolerance: 5, requiredClaims: ["exp", "sub"] };
    let payload: JWTPayload;
    const project = env.SUPABASE_URL?.replace(/\/$/, "");
    if (project && decodeProtectedHeader(token).alg !== "HS256") {
      const url = `${project}/auth/v1/.well-known/jwks.json`;
      let jwks = jwksByUrl.get(url);
      if (!jwks) jwksByUrl.set(url, (jwks = createRemoteJWKSet(new URL(url))));
      payload = (await jwtVerify(token, jwks, { ...options, issuer: `${project}/auth/v1`, algorithms: ["ES256", "RS256", "EdDSA"] })).payload;
    } else {
      const issuer = project ? `${project}/auth/v1` : LOCAL_ISSUER;
      payload = (await jwtVerify(token, secretKey(env), { ...options, issuer, algorithms: ["HS256"] })).payload;
    }
    if (typeof payload.sub !== "string" || !UUID.test(payload.sub)) return null;
    const appMetadata = (payload.app_metadata ?? {}) as { role?: string };
    const email = typeof payload.email === "string" ? payload.email.toLowerCase() : null;
    let confirmed: Promise<boolean> | undefined;
    return {
      userId: payload.sub,
      email,
      staff: appMetadata.role === "staff",
      claims: payload as AuthUser["claims"],
      emailConfirmed: () => {
        // Local tokens are the app's own: its local sign-in says whether the address was confirmed.
        if (!project) return Promise.resolve(email !== null && payload.email_verified === true);
        confirmed ??= supabaseEmailConfirmed(project, token, email, env.SUPABASE_ANON_KEY ?? "");
        return confirmed;
      },
    };
  } catch {
    return null;
  }
}

/**
 * Supabase Auth's `GET /auth/v1/user` with the user's own token, through
 * Supabase's auth client (`getUser`): the user object carries `email_confirmed_at`
 * once the address was confirmed. The address must also still be the
 * token's (an email change in between). The auth client alone (auth-js, what
 * supabase-js's `auth` is) keeps the Worker free of the realtime and storage
 * clients. An outage of Supabase Auth is a 502,
 * not a refusal: the customer may try again.
 */
async function supabaseEmailConfirmed(project: string, token: string, email: string | null, anonKey: string): Promise<boolean> {
  if (!email) return false;
  const auth = new AuthClient({ url: `${project}/auth/v1`, headers: { apikey: anonKey }, persistSession: false, autoRefreshToken: false, detectSessionInUrl: false });
  const { data, error } = await auth.getUser(token);
  if (error) {
    if (isAuthRetryableFetchError(error) || (error.status ?? 0) >= 500) throw new ApiError(502, "auth_unavailable", "Could not check your email address with the sign-in service; try again");
    return false;
  }
  const user = data.user;
  return typeof user.email_confirmed_at === "string" && user.email_confirmed_at !== "" && typeof user.email === "string" && user.email.toLowerCase() === email;
}

/** Local development and tests: a token shaped like Supabase's, its email taken as confirmed. */
export async function signUserToken(env: AuthEnv, user: { userId: string; email?: string; staff?: boolean }, ttlSeconds = 3600): Promise<string> {
  return new SignJWT({
    email: user.email,
    ...(user.email ? { email_verified: true } : {}),
    role: "authenticated",
    app_metadata: user.staff ? { provider: "email", role: "staff" } : { provider: "email" },
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.userId)
    .setAudience(AUDIENCE)
    .setIssuer(LOCAL_ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secretKey(env));
}
