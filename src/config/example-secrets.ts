/**
 * The secrets `.dev.vars.example` ships. They are public (in the repository),
 * so a deployment that is not local and still carries one of them is open to
 * anyone who read it: such a Worker refuses to serve anything. The list is
 * checked against the file by test/workers/example-secrets.test.ts.
 */
import { isLoopback } from "../billing/stripe";
import { ApiError } from "../http/errors";

export const EXAMPLE_SECRETS = {
  STRIPE_WEBHOOK_SECRET: "whsec_local_directorybolt_development_only",
  SUPABASE_JWT_SECRET: "local-development-jwt-secret-change-me-32chars",
  WORKER_API_TOKEN: "local-worker-token",
  WS_TICKET_SECRET: "local-websocket-ticket-secret",
  METRICS_TOKEN: "local-metrics-token",
  PROOF_SIGNING_KEY: '{"kty":"OKP","crv":"Ed25519","x":"FqLya6yll-OkaZ3d9TJspPsu_z6iw_67f8VXZNrhEkw","d":"NEAF3iPwGrXCCZl2LSEvFjPIjR6guYMcAHq2AVlcztM"}',
  VAULT_KEYS: "local:bXoBW/e+vcETBNLp3HIyp1N6MW84T1TSOD1MN06kUio=",
} as const satisfies Partial<Record<keyof Env, string>>;

/** The names of the example secrets in use on a deployment whose PUBLIC_URL is not loopback. */
export function exampleSecretsInUse(env: Env): string[] {
  if (isLoopback(env.PUBLIC_URL)) return [];
  return Object.entries(EXAMPLE_SECRETS)
    .filter(([name, value]) => (env as unknown as Record<string, unknown>)[name] === value)
    .map(([name]) => name);
}

/** Throws (a 503 for HTTP) when the deployment runs on example secrets. */
export function refuseExampleSecrets(env: Env): void {
  const names = exampleSecretsInUse(env);
  if (names.length > 0) {
    throw new ApiError(503, "insecure_configuration", `This deployment runs with the example value of ${names.join(", ")}; set real secrets with wrangler secret put`);
  }
}
