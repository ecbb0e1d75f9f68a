/**
 * A local stand-in for Supabase Auth (GoTrue) speaking its wire format, for
 * the magic-link test, as supabase-js's PKCE flow uses it:
 * - `POST /auth/v1/otp?redirect_to=` (apikey header, JSON `{email,
 *   create_user, code_challenge, code_challenge_method, ...}`, `{}` on
 *   success, GoTrue's error bodies and its email rate limit);
 * - the emailed link `GET /auth/v1/verify?token=&type=magiclink&redirect_to=`,
 *   answering 303 to `redirect_to?code=<auth code>` when the request carried a
 *   code challenge (PKCE), else to `redirect_to#access_token=…` (implicit);
 *   a used link goes back with `error=access_denied&error_code=otp_expired&…`
 *   in the query (PKCE) and in the fragment, as GoTrue's prepErrorRedirectURL does;
 * - `POST /auth/v1/token?grant_type=pkce` `{auth_code, code_verifier}` (the
 *   verifier must hash to the challenge; a code works once) and
 *   `?grant_type=refresh_token` `{refresh_token}` (rotated: a used refresh
 *   token is refused), both answering GoTrue's session body with its user;
 * - `GET /auth/v1/user` and `POST /auth/v1/logout?scope=` with the bearer
 *   access token (logout revokes the session's refresh tokens, 204);
 * - the JWKS of a project on the legacy HS256 secret (no public keys).
 * Access tokens carry GoTrue's claims, signed HS256 with the project's JWT
 * secret, and live `accessTtlSeconds` (3600 by default). CORS as Supabase
 * answers it: the site calls it from its own origin.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { SignJWT, jwtVerify } from "jose";

export interface SentEmail {
  email: string;
  link: string;
  request: { headers: IncomingMessage["headers"]; query: Record<string, string>; body: Record<string, unknown> };
}

/** Every call the stand-in answered, for the test to check what supabase-js sent. */
export interface AuthCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  status: number;
}

export interface SupabaseAuthStandIn {
  url: string;
  anonKey: string;
  outbox: SentEmail[];
  calls: AuthCall[];
  /** Asks for a magic link and follows it as another browser would, without exchanging the code: what an attacker holds. */
  codeFor(email: string, redirectTo: string, verifier: string): Promise<string>;
  close(): Promise<void>;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "access-control-allow-headers": "apikey, authorization, content-type, x-client-info, x-supabase-api-version",
};

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

interface Flow {
  email: string;
  used: boolean;
  challenge: string | null;
  method: string | null;
}

interface AuthCode {
  email: string;
  challenge: string;
  method: string;
  used: boolean;
}

export async function startSupabaseAuth(options: { port: number; jwtSecret: string; siteUrl: string; anonKey?: string; accessTtlSeconds?: number }): Promise<SupabaseAuthStandIn> {
  const url = `http://127.0.0.1:${options.port}`;
  const anonKey = options.anonKey ?? "anon-key-of-the-stand-in";
  const ttl = options.accessTtlSeconds ?? 3600;
  const outbox: SentEmail[] = [];
  const calls: AuthCall[] = [];
  const links = new Map<string, Flow>();
  const codes = new Map<string, AuthCode>();
  /** Refresh tokens: the session they belong to, and whether one was already used (rotation). */
  const refreshTokens = new Map<string, { email: string; sessionId: string; used: boolean; revoked: boolean }>();
  const users = new Map<string, { id: string; createdAt: string }>();
  const lastSent = new Map<string, number>();
  const key = new TextEncoder().encode(options.jwtSecret);

  function userOf(email: string) {
    let user = users.get(email);
    if (!user) users.set(email, (user = { id: randomUUID(), createdAt: new Date().toISOString() }));
    return user;
  }

  function userBody(email: string) {
    const user = userOf(email);
    const now = new Date().toISOString();
    return {
      id: user.id,
      aud: "authenticated",
      role: "authenticated",
      email,
      email_confirmed_at: user.createdAt,
      phone: "",
      confirmed_at: user.createdAt,
      last_sign_in_at: now,
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { email, email_verified: true, phone_verified: false, sub: user.id },
      identities: [],
      created_at: user.createdAt,
      updated_at: now,
      is_anonymous: false,
    };
  }

  /** GoTrue's AccessTokenResponse: a new access token and a new refresh token of `sessionId`. */
  async function session(email: string, sessionId: string = randomUUID()) {
    const sub = userOf(email).id;
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ttl;
    const accessToken = await new SignJWT({
      email,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { email, email_verified: true, phone_verified: false, sub },
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "otp", timestamp: now }],
      session_id: sessionId,
      is_anonymous: false,
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(`${url}/auth/v1`)
      .setSubject(sub)
      .setAudience("authenticated")
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(key);
    const refreshToken = randomBytes(12).toString("base64url");
    refreshTokens.set(refreshToken, { email, sessionId, used: false, revoked: false });
    return { access_token: accessToken, token_type: "bearer", expires_in: ttl, expires_at: exp, refresh_token: refreshToken, user: userBody(email) };
  }

  async function bearer(req: IncomingMessage): Promise<{ email: string; sessionId: string } | null> {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (!token || token === anonKey) return null;
    try {
      const { payload } = await jwtVerify(token, key, { issuer: `${url}/auth/v1`, audience: "authenticated" });
      return { email: String(payload.email), sessionId: String(payload.session_id) };
    } catch {
      return null;
    }
  }

  function redirectWithError(res: ServerResponse, redirectTo: string, pkce: boolean): void {
    const error = { error: "access_denied", error_code: "otp_expired", error_description: "Email link is invalid or has expired" };
    const target = new URL(redirectTo);
    if (pkce) for (const [k, v] of Object.entries(error)) target.searchParams.set(k, v);
    target.hash = new URLSearchParams({ ...error, sb: "" }).toString();
    res.writeHead(303, { location: target.toString() });
    res.end();
  }

  async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      return text ? JSON.parse(text) : {};
    } catch {
      return null;
    }
  }

  const server: Server = createServer(async (req, res) => {
    const u = new URL(req.url ?? "/", url);
    if (req.method === "OPTIONS") {
      res.writeHead(200, CORS);
      return res.end();
    }
    const body = req.method === "POST" ? await readJson(req) : {};
    const call: AuthCall = { method: req.method ?? "GET", path: u.pathname, query: Object.fromEntries(u.searchParams), body: body ?? {}, status: 0 };
    calls.push(call);
    const send = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, { ...CORS, "content-type": "application/json", ...headers });
      res.end(JSON.stringify(answer));
    };
    if (body === null) return send(400, { code: 400, error_code: "bad_json", msg: "Could not parse request body as JSON" });
    if (u.pathname === "/auth/v1/.well-known/jwks.json") return send(200, { keys: [] });
    if (u.pathname.startsWith("/auth/v1/") && u.pathname !== "/auth/v1/verify") {
      if (!req.headers.apikey) return send(401, { message: "No API key found in request", hint: "No `apikey` request header or url param was found." });
      if (req.headers.apikey !== anonKey) return send(401, { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." });
    }
    if (u.pathname === "/auth/v1/otp" && req.method === "POST") {
      const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        return send(400, { code: 400, error_code: "validation_failed", msg: "Unable to validate email address: invalid format" });
      }
      const challenge = typeof body.code_challenge === "string" && body.code_challenge ? body.code_challenge : null;
      const method = typeof body.code_challenge_method === "string" ? body.code_challenge_method.toLowerCase() : null;
      if (challenge && method !== "s256" && method !== "plain") {
        return send(400, { code: 400, error_code: "validation_failed", msg: "Unsupported code challenge method" });
      }
      if (Date.now() - (lastSent.get(email) ?? 0) < 60_000) {
        return send(429, { code: 429, error_code: "over_email_send_rate_limit", msg: "For security purposes, you can only request this after 59 seconds." });
      }
      lastSent.set(email, Date.now());
      // GoTrue sends to redirect_to only when it is allowed; otherwise to the site URL.
      const redirect = u.searchParams.get("redirect_to") ?? "";
      const redirectTo = redirect.startsWith(options.siteUrl) ? redirect : options.siteUrl;
      const token = `${challenge ? "pkce_" : ""}${randomBytes(28).toString("hex")}`;
      links.set(token, { email, used: false, challenge, method });
      const link = `${url}/auth/v1/verify?token=${token}&type=magiclink&redirect_to=${encodeURIComponent(redirectTo)}`;
      outbox.push({ email, link, request: { headers: req.headers, query: Object.fromEntries(u.searchParams), body } });
      return send(200, {});
    }
    if (u.pathname === "/auth/v1/verify" && req.method === "GET") {
      const redirectTo = u.searchParams.get("redirect_to") || options.siteUrl;
      const flow = links.get(u.searchParams.get("token") ?? "");
      call.status = 303;
      if (!flow || flow.used || u.searchParams.get("type") !== "magiclink") return redirectWithError(res, redirectTo, Boolean(flow?.challenge));
      flow.used = true;
      if (flow.challenge) {
        const code = randomUUID();
        codes.set(code, { email: flow.email, challenge: flow.challenge, method: flow.method ?? "s256", used: false });
        const target = new URL(redirectTo);
        target.searchParams.set("code", code);
        res.writeHead(303, { location: target.toString() });
        return res.end();
      }
      const s = await session(flow.email);
      const fragment = new URLSearchParams({
        ...Object.fromEntries(
          Object.entries(s)
            .filter(([k]) => k !== "user")
            .map(([k, v]) => [k, String(v)]),
        ),
        type: "magiclink",
      });
      res.writeHead(303, { location: `${redirectTo}#${fragment}` });
      return res.end();
    }
    if (u.pathname === "/auth/v1/token" && req.method === "POST") {
      const grant = u.searchParams.get("grant_type");
      if (grant === "pkce") {
        const authCode = typeof body.auth_code === "string" ? body.auth_code : "";
        const verifier = typeof body.code_verifier === "string" ? body.code_verifier : "";
        if (!authCode || !verifier) return send(400, { code: 400, error_code: "validation_failed", msg: "invalid request: both auth code and code verifier should be non-empty" });
        const flow = codes.get(authCode);
        if (!flow || flow.used) return send(404, { code: 404, error_code: "flow_state_not_found", msg: "invalid flow state, no valid flow state found" });
        const expected = flow.method === "plain" ? verifier : s256(verifier);
        if (expected !== flow.challenge) return send(403, { code: 403, error_code: "bad_code_verifier", msg: "code challenge does not match previously saved code verifier" });
        flow.used = true;
        return send(200, await session(flow.email));
      }
      if (grant === "refresh_token") {
        const entry = refreshTokens.get(typeof body.refresh_token === "string" ? body.refresh_token : "");
        if (!entry || entry.revoked) return send(400, { code: 400, error_code: "refresh_token_not_found", msg: "Invalid Refresh Token: Refresh Token Not Found" });
        if (entry.used) return send(400, { code: 400, error_code: "refresh_token_already_used", msg: "Invalid Refresh Token: Already Used" });
        entry.used = true;
        return send(200, await session(entry.email, entry.sessionId));
      }
      return send(400, { code: 400, error_code: "validation_failed", msg: "unsupported_grant_type" });
    }
    if (u.pathname === "/auth/v1/user" && req.method === "GET") {
      const who = await bearer(req);
      if (!who) return send(403, { code: 403, error_code: "bad_jwt", msg: "invalid JWT: unable to parse or verify signature" });
      return send(200, userBody(who.email));
    }
    if (u.pathname === "/auth/v1/logout" && req.method === "POST") {
      const who = await bearer(req);
      if (!who) return send(403, { code: 403, error_code: "bad_jwt", msg: "invalid JWT: unable to parse or verify signature" });
      const scope = u.searchParams.get("scope") ?? "global";
      for (const entry of refreshTokens.values()) {
        if (entry.email === who.email && (scope === "global" || entry.sessionId === who.sessionId)) entry.revoked = true;
      }
      call.status = 204;
      res.writeHead(204, CORS);
      return res.end();
    }
    send(404, { code: 404, error_code: "not_found", msg: "Not found" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });

  async function codeFor(email: string, redirectTo: string, verifier: string): Promise<string> {
    const asked = await fetch(`${url}/auth/v1/otp?redirect_to=${encodeURIComponent(redirectTo)}`, {
      method: "POST",
      headers: { apikey: anonKey, "content-type": "application/json" },
      body: JSON.stringify({ email, create_user: true, code_challenge: s256(verifier), code_challenge_method: "s256" }),
    });
    if (!asked.ok) throw new Error(`otp: ${asked.status}`);
    const followed = await fetch(outbox.at(-1)!.link, { redirect: "manual" });
    return new URL(followed.headers.get("location")!).searchParams.get("code")!;
  }

  return { url, anonKey, outbox, calls, codeFor, close: () => new Promise((r) => server.close(() => r())) };
}
