import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { secretsEqual } from "../../src/auth/constant-time";
import { LOCAL_ISSUER, signUserToken, verifyUserToken } from "../../src/auth/user-token";

const userId = "6f1c1a52-0b59-4c55-9a8e-2f8e3c7f0a11";

describe("user tokens", () => {
  it("round-trips a customer and a staff token", async () => {
    const customer = await verifyUserToken(await signUserToken(env, { userId, email: "Ana@Example.com" }), env);
    expect(customer).toMatchObject({ userId, email: "ana@example.com", staff: false });
    const staff = await verifyUserToken(await signUserToken(env, { userId, staff: true }), env);
    expect(staff?.staff).toBe(true);
  });

  it("refuses expired, foreign, wrong-audience, unsigned and malformed tokens", async () => {
    const key = new TextEncoder().encode(env.SUPABASE_JWT_SECRET);
    const other = new TextEncoder().encode("another-secret-another-secret-another");
    const base = () => new SignJWT({ role: "authenticated" }).setProtectedHeader({ alg: "HS256" }).setSubject(userId).setIssuer(LOCAL_ISSUER);
    const expired = await base()
      .setAudience("authenticated")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const foreign = await base().setAudience("authenticated").setExpirationTime("1h").sign(other);
    const wrongAud = await base().setAudience("anon").setExpirationTime("1h").sign(key);
    const badSub = await base().setSubject("not-a-uuid").setAudience("authenticated").setExpirationTime("1h").sign(key);
    const [h, p] = (await base().setAudience("authenticated").setExpirationTime("1h").sign(key)).split(".");
    const unsigned = `${btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "")}.${p}.`;
    for (const token of [expired, foreign, wrongAud, badSub, unsigned, `${h}.${p}.AAAA`, "garbage", ""]) {
      expect(await verifyUserToken(token, env), token.slice(0, 20)).toBeNull();
    }
  });

  it("refuses a token without exp, and a local token without the local issuer or with another", async () => {
    const key = new TextEncoder().encode(env.SUPABASE_JWT_SECRET);
    const claims = () => new SignJWT({ role: "authenticated", email: "ana@example.com" }).setProtectedHeader({ alg: "HS256" }).setSubject(userId).setAudience("authenticated");
    expect(await verifyUserToken(await claims().setIssuer(LOCAL_ISSUER).setExpirationTime("1h").sign(key), env)).toMatchObject({ userId });
    const forever = await claims().setIssuer(LOCAL_ISSUER).sign(key);
    const noIssuer = await claims().setExpirationTime("1h").sign(key);
    const otherIssuer = await claims().setIssuer("https://abcdefgh.supabase.co/auth/v1").setExpirationTime("1h").sign(key);
    for (const token of [forever, noIssuer, otherIssuer]) expect(await verifyUserToken(token, env)).toBeNull();
  });

  it("grants staff only through app_metadata, never user_metadata", async () => {
    const key = new TextEncoder().encode(env.SUPABASE_JWT_SECRET);
    const token = await new SignJWT({ role: "staff", user_metadata: { role: "staff" } })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer(LOCAL_ISSUER)
      .setSubject(userId)
      .setAudience("authenticated")
      .setExpirationTime("1h")
      .sign(key);
    expect((await verifyUserToken(token, env))?.staff).toBe(false);
  });
});

describe("Supabase-issued tokens (SUPABASE_URL set)", () => {
  const project = "https://abcdefgh.supabase.co";
  const supabaseEnv = { ...env, SUPABASE_URL: project };
  // The claims GoTrue puts in a magic-link session's access token (legacy HS256 projects).
  const issued = (issuer: string | null) => {
    const jwt = new SignJWT({
      email: "ana@example.com",
      phone: "",
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "otp", timestamp: Math.floor(Date.now() / 1000) }],
      session_id: crypto.randomUUID(),
      is_anonymous: false,
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { email_verified: true },
    })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(userId)
      .setAudience("authenticated")
      .setIssuedAt()
      .setExpirationTime("1h");
    if (issuer) jwt.setIssuer(issuer);
    return jwt.sign(new TextEncoder().encode(env.SUPABASE_JWT_SECRET));
  };

  it("accepts an HS256 token of the project, and refuses one without or with another issuer", async () => {
    expect(await verifyUserToken(await issued(`${project}/auth/v1`), supabaseEnv)).toMatchObject({ userId, email: "ana@example.com", staff: false });
    expect(await verifyUserToken(await issued(null), supabaseEnv)).toBeNull();
    expect(await verifyUserToken(await issued("https://other.supabase.co/auth/v1"), supabaseEnv)).toBeNull();
  });
});

describe("email confirmation (a purchase is linked only to a confirmed address)", () => {
  const project = "https://abcdefgh.supabase.co";
  const supabaseEnv = { ...env, SUPABASE_URL: project, SUPABASE_ANON_KEY: "anon-key" };
  const token = () =>
    new SignJWT({ email: "ana@example.com", role: "authenticated", user_metadata: { email_verified: true } })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(userId)
      .setAudience("authenticated")
      .setIssuer(`${project}/auth/v1`)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(env.SUPABASE_JWT_SECRET));
  afterEach(() => vi.restoreAllMocks());

  /** Supabase Auth's GET /auth/v1/user as GoTrue answers it: the user object, or 401 for a bad token. */
  function goTrue(user: { email: string; email_confirmed_at: string | null }) {
    const seen: Request[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      seen.push(request);
      if (request.url !== `${project}/auth/v1/user` || request.headers.get("apikey") !== "anon-key") {
        return Response.json({ code: 401, error_code: "no_authorization", msg: "This endpoint requires a valid Bearer token" }, { status: 401 });
      }
      return Response.json({ id: userId, aud: "authenticated", role: "authenticated", ...user, phone: "", app_metadata: { provider: "email" }, user_metadata: {} });
    });
    return seen;
  }

  it("asks Supabase Auth, with the user's own token, and trusts only email_confirmed_at for the same address", async () => {
    const jwt = await token();
    const seen = goTrue({ email: "ana@example.com", email_confirmed_at: null });
    // user_metadata.email_verified is writable by the user: it proves nothing.
    expect(await (await verifyUserToken(jwt, supabaseEnv))!.emailConfirmed()).toBe(false);
    expect(seen[0]!.headers.get("authorization")).toBe(`Bearer ${jwt}`);
    vi.restoreAllMocks();
    goTrue({ email: "someone-else@example.com", email_confirmed_at: "2026-12-01T10:00:00Z" });
    expect(await (await verifyUserToken(jwt, supabaseEnv))!.emailConfirmed()).toBe(false);
    vi.restoreAllMocks();
    goTrue({ email: "Ana@Example.com", email_confirmed_at: "2026-12-01T10:00:00Z" });
    expect(await (await verifyUserToken(jwt, supabaseEnv))!.emailConfirmed()).toBe(true);
  });

  it("an outage of Supabase Auth is a 502 to try again, never a verdict on the address", async () => {
    const jwt = await token();
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => Response.json({ code: 503, msg: "upstream unavailable" }, { status: 503 }));
    await expect((await verifyUserToken(jwt, supabaseEnv))!.emailConfirmed()).rejects.toMatchObject({ status: 502, code: "auth_unavailable" });
    vi.restoreAllMocks();
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("network connection lost"));
    await expect((await verifyUserToken(jwt, supabaseEnv))!.emailConfirmed()).rejects.toMatchObject({ status: 502, code: "auth_unavailable" });
  });

  it("locally, the app's own sign-in says so; a hand-made token without email_verified is not confirmed", async () => {
    expect(await (await verifyUserToken(await signUserToken(env, { userId, email: "ana@example.com" }), env))!.emailConfirmed()).toBe(true);
    const bare = await new SignJWT({ email: "ana@example.com" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(userId)
      .setAudience("authenticated")
      .setIssuer(LOCAL_ISSUER)
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(env.SUPABASE_JWT_SECRET));
    expect(await (await verifyUserToken(bare, env))!.emailConfirmed()).toBe(false);
  });
});

describe("secretsEqual", () => {
  it("is true only for the exact secret, and never for an empty expected one", async () => {
    expect(await secretsEqual("local-worker-token", "local-worker-token")).toBe(true);
    expect(await secretsEqual("local-worker-tokeN", "local-worker-token")).toBe(false);
    expect(await secretsEqual("local-worker-token-and-more", "local-worker-token")).toBe(false);
    expect(await secretsEqual("", "")).toBe(false);
  });
});
