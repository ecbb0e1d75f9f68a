/**
 * A deployment that is not local refuses to serve anything while it carries
 * one of the example secrets the repository publishes in .dev.vars.example.
 */
import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import example from "../../.dev.vars.example?raw";
import { app } from "../../src/app";
import { EXAMPLE_SECRETS } from "../../src/config/example-secrets";
import worker from "../../src/index";
import { PRODUCTION } from "./support/production";

const vars = Object.fromEntries(
  example
    .split("\n")
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
);

describe("example secrets", () => {
  it("lists every non-empty secret of .dev.vars.example", () => {
    for (const [name, value] of Object.entries(EXAMPLE_SECRETS)) expect(vars[name], name).toBe(value);
    expect(Object.keys(EXAMPLE_SECRETS).sort()).toEqual(["METRICS_TOKEN", "PROOF_SIGNING_KEY", "STRIPE_WEBHOOK_SECRET", "SUPABASE_JWT_SECRET", "VAULT_KEYS", "WORKER_API_TOKEN", "WS_TICKET_SECRET"]);
  });

  it("off loopback, any one of them makes every request a 503 naming it; the cron refuses too", async () => {
    for (const name of Object.keys(EXAMPLE_SECRETS) as (keyof typeof EXAMPLE_SECRETS)[]) {
      const deployed = { ...env, ...PRODUCTION, [name]: EXAMPLE_SECRETS[name] } as Env;
      for (const path of ["/healthz", "/api/plans", "/api/auth/local-sign-in"]) {
        const res = await app.fetch(new Request(`https://directorybolt.com${path}`), deployed, createExecutionContext());
        expect(res.status, `${name} ${path}`).toBe(503);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe("insecure_configuration");
        expect(body.error.message).toContain(name);
        expect(body.error.message).not.toContain(EXAMPLE_SECRETS[name]);
      }
      await expect(worker.scheduled(createScheduledController(), deployed, createExecutionContext())).rejects.toThrow(name);
    }
  });

  it("serves with secrets of its own, and locally with the examples", async () => {
    const deployed = { ...env, ...PRODUCTION } as Env;
    expect((await app.fetch(new Request("https://directorybolt.com/api/plans"), deployed, createExecutionContext())).status).toBe(200);
    expect((await exports.default.fetch("http://127.0.0.1:8787/api/plans")).status).toBe(200);
  });
});
