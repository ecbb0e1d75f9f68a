/**
 * Supabase Auth JWTs, verified at the edge with jose. A Supabase project signs
 * either with asymmetric keys (published at its JWKS) or, on projects still on
 * the legacy secret, with HS256 and SUPABASE_JWT_SECRET; the token's own header
 * says which, and only those two paths exist (never "none"). With SUPABASE_URL
 * set, the issuer must be that project's `/auth/v1`; without it (local
 * development), HS256 tokens the app signs itself are accepted. Staff carry
 * app_metadata.role = "staff".
 */
import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from "jose";

export interface AuthEnv {
  SUPABASE_JWT_SECRET: string;
  SUPABASE_URL?: string;
}

export interface AuthUser {
  userId: string;
  email: string | null;
  staff: boolean;
  /** The verified claims, for RLS (src/db/rls.ts). */
  claims: JWTPayload & { sub: string; app_metadata?: { role?: string } };
}

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
    const options = { audience: AUDIENCE, clockTolerance: 5 };
    let payload: JWTPayload;
    const project = env.SUPABASE_URL?.replace(/\/$/, "");
    if (project && decodeProtectedHeader(token).alg !== "HS256") {
      const url = `${project}/auth/v1/.well-known/jwks.json`;
      let jwks = jwksByUrl.get(url);
      if (!jwks) jwksByUrl.set(url, (jwks = createRemoteJWKSet(new URL(url))));
      payload = (await jwtVerify(token, jwks, { ...options, issuer: `${project}/auth/v1`, algorithms: ["ES256", "RS256", "EdDSA"] })).payload;
    } else {
      const issuer = project ? { issuer: `${project}/auth/v1` } : {};
      payload = (await jwtVerify(token, secretKey(env), { ...options, ...issuer, algorithms: ["HS256"] })).payload;
    }
    if (typeof payload.sub !== "string" || !UUID.test(payload.sub)) return null;
    const appMetadata = (payload.app_metadata ?? {}) as { role?: string };
    return {
      userId: payload.sub,
      email: typeof payload.email === "string" ? payload.email.toLowerCase() : null,
      staff: appMetadata.role === "staff",
      claims: payload as AuthUser["claims"],
    };
  } catch {
    return null;
  }
}

/** Local development and tests: a token shaped like Supabase's. */
export async function signUserToken(env: AuthEnv, user: { userId: string; email?: string; staff?: boolean }, ttlSeconds = 3600): Promise<string> {
  return new SignJWT({
    email: user.email,
    role: "authenticated",
    app_metadata: user.staff ? { provider: "email", role: "staff" } : { provider: "email" },
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(user.userId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secretKey(env));
}
