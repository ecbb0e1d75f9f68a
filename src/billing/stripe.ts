/**
 * Stripe from the Worker: stripe-node with its fetch HTTP client and the
 * platform's SubtleCrypto. The client holds no connection, but is made per
 * call anyway (it is cheap) so a key rotated with `wrangler secret put` is
 * used at once. Fetch is looked up at call time, not captured, so a test's
 * stand-in for api.stripe.com (a spy on global fetch) is honoured.
 *
 * Which checkout runs:
 * - STRIPE_SECRET_KEY set: Stripe (test or live mode, by the key).
 * - empty, and PUBLIC_URL is a loopback address: the local stand-in
 *   (src/billing/local-checkout.ts), which signs its own webhook.
 * - empty anywhere else: checkout is refused (503), so a deployment that
 *   lost its secret can never hand out free orders.
 */
import Stripe from "stripe";
import { ApiError } from "../http/errors";
import type { PlanId } from "../../core/plans";
import { isLoopback } from "../../core/url";

export type CheckoutMode = "stripe" | "local";

const cryptoProvider = Stripe.createSubtleCryptoProvider();

export function stripeClient(env: Pick<Env, "STRIPE_SECRET_KEY">): Stripe {
  return new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient((input, init) => fetch(input, init)),
    maxNetworkRetries: 1,
    timeout: 10_000,
    appInfo: { name: "DirectoryBolt" },
  });
}

/** Where it always lived for the API; now in core, the coordinator's host gap needs it too. */
export { isLoopback };

export function checkoutMode(env: Pick<Env, "STRIPE_SECRET_KEY" | "PUBLIC_URL">): CheckoutMode {
  if (env.STRIPE_SECRET_KEY) return "stripe";
  if (isLoopback(env.PUBLIC_URL)) return "local";
  throw new ApiError(503, "payments_not_configured", "Payments are not configured on this deployment");
}

/** Whether our Stripe key is a live-mode key (none, as in local checkout, is test mode). */
export function isLiveMode(env: Pick<Env, "STRIPE_SECRET_KEY">): boolean {
  return /^(sk|rk)_live_/.test(env.STRIPE_SECRET_KEY ?? "");
}

export function isLocalCheckout(env: Pick<Env, "STRIPE_SECRET_KEY" | "PUBLIC_URL">): boolean {
  return !env.STRIPE_SECRET_KEY && isLoopback(env.PUBLIC_URL);
}

/**
 * Verifies a webhook delivery on its raw body. Throws Stripe's
 * StripeSignatureVerificationError for a bad, missing-part or stale signature
 * (tolerance: Stripe's default 300 s).
 */
export async function verifyStripeEvent(env: Pick<Env, "STRIPE_WEBHOOK_SECRET">, rawBody: string, signature: string): Promise<Stripe.Event> {
  // While a signing secret is rolled, Stripe signs with both; the variable
  // may then hold both, comma-separated, and either verifies.
  const secrets = env.STRIPE_WEBHOOK_SECRET.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  let failure: unknown = new Error("no webhook secret");
  for (const secret of secrets) {
    try {
      // The secret key is not needed to verify; the webhooks helper is static.
      return await Stripe.webhooks.constructEventAsync(rawBody, signature, secret, undefined, cryptoProvider);
    } catch (err) {
      if (!(err instanceof Stripe.errors.StripeSignatureVerificationError)) throw err;
      failure = err;
    }
  }
  throw failure;
}

/** A Stripe-Signature header for `payload`, as Stripe computes it (v1 HMAC-SHA256). */
export function signStripePayload(secret: string, payload: string, timestamp = Math.floor(Date.now() / 1000)): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp, cryptoProvider });
}

function origin(env: Pick<Env, "PUBLIC_URL">): string {
  return env.PUBLIC_URL.replace(/\/+$/, "");
}

/** Where Stripe sends the buyer after paying; the site polls GET /api/checkout/:id. */
export function successUrl(env: Pick<Env, "PUBLIC_URL">): string {
  return `${origin(env)}/checkout/success?session_id={CHECKOUT_SESSION_ID}`;
}

/** Back to the pricing page, saying which plan was abandoned. */
export function cancelUrl(env: Pick<Env, "PUBLIC_URL">, plan: PlanId): string {
  return `${origin(env)}/pricing?checkout=cancelled&plan=${plan}`;
}

export function localCheckoutPageUrl(env: Pick<Env, "PUBLIC_URL">, sessionId: string): string {
  return `${origin(env)}/api/checkout/local/${sessionId}`;
}

export { Stripe };
