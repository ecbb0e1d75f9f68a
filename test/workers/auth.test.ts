import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { secretsEqual } from "../../src/auth/constant-time";
import { signUserToken, verifyUserToken } from "../../src/auth/user-token";

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
    const base = () => new SignJWT({ role: "authenticated" }).setProtectedHeader({ alg: "HS256" }).setSubject(userId);
    const expired = await base()
      .setAudience("authenticated")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(key);
    const foreign = await base().setAudience("authenticated").setExpirationTime("1h").sign(other);
    const wrongAud = await base().setAudience("anon").setExpirationTime("1h").sign(key);
    const badSub = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("not-a-uuid").setAudience("authenticated").setExpirationTime("1h").sign(key);
    const [h, p] = (await base().setAudience("authenticated").setExpirationTime("1h").sign(key)).split(".");
    const unsigned = `${btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "")}.${p}.`;
    for (const token of [expired, foreign, wrongAud, badSub, unsigned, `${h}.${p}.AAAA`, "garbage", ""]) {
      expect(await verifyUserToken(token, env), token.slice(0, 20)).toBeNull();
    }
  });

  it("grants staff only through app_metadata, never user_metadata", async () => {
    const key = new TextEncoder().encode(env.SUPABASE_JWT_SECRET);
    const token = await new SignJWT({ role: "staff", user_metadata: { role: "staff" } })
      .setProtectedHeader({ alg: "HS256" })
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

describe("secretsEqual", () => {
  it("is true only for the exact secret, and never for an empty expected one", async () => {
    expect(await secretsEqual("local-worker-token", "local-worker-token")).toBe(true);
    expect(await secretsEqual("local-worker-tokeN", "local-worker-token")).toBe(false);
    expect(await secretsEqual("local-worker-token-and-more", "local-worker-token")).toBe(false);
    expect(await secretsEqual("", "")).toBe(false);
  });
});
