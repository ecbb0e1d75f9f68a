/**
 * A deployment that is not local: a public PUBLIC_URL and secrets of its own
 * (on the repository's example secrets such a Worker serves nothing, see
 * src/config/example-secrets.ts). Spread over `env` to play production.
 */
export const PRODUCTION = {
  PUBLIC_URL: "https://directorybolt.com",
  STRIPE_WEBHOOK_SECRET: "whsec_production_like_secret_for_tests_only_0001",
  SUPABASE_JWT_SECRET: "production-like-jwt-secret-for-tests-only-0123456789",
  WORKER_API_TOKEN: "production-like-worker-token-for-tests",
  WS_TICKET_SECRET: "production-like-ws-ticket-secret-for-tests",
  METRICS_TOKEN: "production-like-metrics-token-for-tests",
  PROOF_SIGNING_KEY: '{"kty":"OKP","crv":"Ed25519","x":"iqmPSE7RsM1KdXMInDHePuaFKvUpc4pHXkidn_iMsNs","d":"9UKYYvcqJ-MJBluslFdjyQxF32zWxFx6HF5saIqdfJ4"}',
  VAULT_KEYS: "prod1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
} satisfies Partial<Env>;
