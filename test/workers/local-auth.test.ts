import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { verifyUserToken } from "../../src/auth/user-token";
import { PRODUCTION } from "./support/production";

const signIn = (body: unknown, vars: Partial<Env> = {}) =>
  app.request("/api/auth/local-sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, { ...env, ...vars });

describe("POST /api/auth/local-sign-in", () => {
  it("signs a customer in locally, with the same user id for the same email", async () => {
    const res = await signIn({ email: "Ana@Example.com" }, { PUBLIC_URL: "http://127.0.0.1:8787", SUPABASE_URL: "" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; userId: string; email: string; staff: boolean };
    expect(body).toMatchObject({ email: "ana@example.com", staff: false });
    const user = await verifyUserToken(body.token, env);
    expect(user).toMatchObject({ userId: body.userId, email: "ana@example.com", staff: false });
    expect(body.userId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = (await (await signIn({ email: "ana@example.com" }, { PUBLIC_URL: "http://localhost:8787" })).json()) as { userId: string };
    expect(again.userId).toBe(body.userId);
    const other = (await (await signIn({ email: "bob@example.com" })).json()) as { userId: string };
    expect(other.userId).not.toBe(body.userId);
  });

  it("carries the staff flag into the token", async () => {
    const res = await signIn({ email: "staff@example.com", staff: true });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    expect((await verifyUserToken(token, env))?.staff).toBe(true);
  });

  it("is a 404 when PUBLIC_URL is public or Supabase is configured", async () => {
    for (const vars of [PRODUCTION, { SUPABASE_URL: "https://abc.supabase.co" }]) {
      const res = await signIn({ email: "ana@example.com" }, vars);
      expect(res.status, JSON.stringify(vars)).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
  });

  it("is a 404 for a request not addressed to a loopback host, even on a local configuration", async () => {
    for (const host of ["directorybolt.com", "127.0.0.1.nip.io", "10.0.0.5:8787"]) {
      const res = await app.request(
        `http://${host}/api/auth/local-sign-in`,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "ana@example.com", staff: true }) },
        env,
      );
      expect(res.status, host).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    }
  });

  it("names a bad email as a field error", async () => {
    const res = await signIn({ email: "nope" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { fields: Record<string, string> } } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.fields.email).toBeTruthy();
  });
});
