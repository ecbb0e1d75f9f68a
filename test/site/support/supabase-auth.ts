/**
 * A local stand-in for Supabase Auth (GoTrue) speaking its wire format, for
 * the magic-link test: `POST /auth/v1/otp?redirect_to=` (apikey header, JSON
 * `{email, create_user, ...}`, `{}` on success, GoTrue's error bodies and its
 * email rate limit), the emailed link `GET /auth/v1/verify?token=&type=magiclink&redirect_to=`
 * answering 303 to `redirect_to#access_token=…&expires_at=…&expires_in=3600&refresh_token=…&token_type=bearer&type=magiclink`
 * (or `#error=access_denied&error_code=otp_expired&…` for a used link), and
 * the JWKS of a project on the legacy HS256 secret (no public keys), and
 * `GET /auth/v1/user` (the token's user, its address confirmed). Access
 * tokens carry GoTrue's claims, signed HS256 with the project's JWT secret.
 * CORS as Supabase answers it: the site calls it from its own origin.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { SignJWT, jwtVerify } from "jose";

export interface SentEmail {
  email: string;
  link: string;
  request: { headers: IncomingMessage["headers"]; query: Record<string, string>; body: Record<string, unknown> };
}

export interface SupabaseAuthStandIn {
  url: string;
  anonKey: string;
  outbox: SentEmail[];
  close(): Promise<void>;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
  "access-control-allow-headers": "apikey, authorization, content-type, x-client-info, x-supabase-api-version",
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...CORS, "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

export async function startSupabaseAuth(options: { port: number; jwtSecret: string; siteUrl: string; anonKey?: string }): Promise<SupabaseAuthStandIn> {
  const url = `http://127.0.0.1:${options.port}`;
  const anonKey = options.anonKey ?? "anon-key-of-the-stand-in";
  const outbox: SentEmail[] = [];
  const tokens = new Map<string, { email: string; used: boolean }>();
  const users = new Map<string, string>();
  const lastSent = new Map<string, number>();
  const key = new TextEncoder().encode(options.jwtSecret);

  async function accessToken(email: string): Promise<{ jwt: string; exp: number }> {
    let sub = users.get(email);
    if (!sub) users.set(email, (sub = randomUUID()));
    const now = Math.floor(Date.now() / 1000);
    const exp = now + 3600;
    const jwt = await new SignJWT({
      email,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { email, email_verified: true, phone_verified: false, sub },
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "otp", timestamp: now }],
      session_id: randomUUID(),
      is_anonymous: false,
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuer(`${url}/auth/v1`)
      .setSubject(sub)
      .setAudience("authenticated")
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(key);
    return { jwt, exp };
  }

  const server: Server = createServer(async (req, res) => {
    const u = new URL(req.url ?? "/", url);
    if (req.method === "OPTIONS") {
      res.writeHead(200, CORS);
      return res.end();
    }
    if (u.pathname === "/auth/v1/.well-known/jwks.json") return send(res, 200, { keys: [] });
    if (u.pathname === "/auth/v1/otp" && req.method === "POST") {
      if (!req.headers.apikey) return send(res, 401, { message: "No API key found in request", hint: "No `apikey` request header or url param was found." });
      if (req.headers.apikey !== anonKey) return send(res, 401, { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." });
      let body: Record<string, unknown>;
      try {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(res, 400, { code: 400, error_code: "bad_json", msg: "Could not parse request body as JSON" });
      }
      const email = typeof body.email === "string" ? body.email.trim().toLowerCase() : "";
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        return send(res, 400, { code: 400, error_code: "validation_failed", msg: "Unable to validate email address: invalid format" });
      }
      if (Date.now() - (lastSent.get(email) ?? 0) < 60_000) {
        return send(res, 429, { code: 429, error_code: "over_email_send_rate_limit", msg: "For security purposes, you can only request this after 59 seconds." });
      }
      lastSent.set(email, Date.now());
      // GoTrue sends to redirect_to only when it is allowed; otherwise to the site URL.
      const redirect = u.searchParams.get("redirect_to") ?? "";
      const redirectTo = redirect.startsWith(options.siteUrl) ? redirect : options.siteUrl;
      const token = randomBytes(28).toString("hex");
      tokens.set(token, { email, used: false });
      const link = `${url}/auth/v1/verify?token=${token}&type=magiclink&redirect_to=${encodeURIComponent(redirectTo)}`;
      outbox.push({ email, link, request: { headers: req.headers, query: Object.fromEntries(u.searchParams), body } });
      return send(res, 200, {});
    }
    if (u.pathname === "/auth/v1/verify" && req.method === "GET") {
      const redirectTo = u.searchParams.get("redirect_to") || options.siteUrl;
      const entry = tokens.get(u.searchParams.get("token") ?? "");
      if (!entry || entry.used || u.searchParams.get("type") !== "magiclink") {
        res.writeHead(303, { location: `${redirectTo}#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired` });
        return res.end();
      }
      entry.used = true;
      const { jwt, exp } = await accessToken(entry.email);
      const fragment = new URLSearchParams({
        access_token: jwt,
        expires_at: String(exp),
        expires_in: "3600",
        refresh_token: randomBytes(12).toString("base64url"),
        token_type: "bearer",
        type: "magiclink",
      });
      res.writeHead(303, { location: `${redirectTo}#${fragment}` });
      return res.end();
    }
    if (u.pathname === "/auth/v1/user" && req.method === "GET") {
      // The user of a session's access token; a magic link confirms the address it went to.
      const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
      const claims = bearer
        ? await jwtVerify(bearer, key).then(
            (r) => r.payload,
            () => null,
          )
        : null;
      if (!claims) return send(res, 403, { code: 403, error_code: "bad_jwt", msg: "invalid JWT: unable to parse or verify signature" });
      const now = new Date().toISOString();
      return send(res, 200, {
        id: claims.sub,
        aud: "authenticated",
        role: "authenticated",
        email: claims.email,
        email_confirmed_at: now,
        confirmed_at: now,
        phone: "",
        app_metadata: claims.app_metadata,
        user_metadata: claims.user_metadata,
      });
    }
    send(res, 404, { code: 404, error_code: "not_found", msg: "Not found" });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  return { url, anonKey, outbox, close: () => new Promise((r) => server.close(() => r())) };
}
