/**
 * The local stand-in's payment page (src/billing/local-checkout.ts): what
 * Stripe Checkout would show, and a "Pay" form that posts back to
 * `/api/checkout/local/:id/pay`. Every value is escaped: the email is the
 * buyer's own input.
 */
import { PLANS, type PlanId } from "../../core/plans";
import type { CheckoutPromise } from "./promise";
import type { Stripe } from "./stripe";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** The page's Content-Security-Policy: its inline style, and forms posting to this site only. */
export function localPageCsp(env: Pick<Env, "PUBLIC_URL">): string {
  const publicOrigin = new URL(env.PUBLIC_URL).origin;
  return `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${publicOrigin}; base-uri 'none'`;
}

export function localPageHtml(session: Stripe.Checkout.Session, promise?: CheckoutPromise | null): string {
  const plan = PLANS[session.metadata!.plan as PlanId];
  // As on Stripe's page (src/billing/checkout-session.ts): an accepted short plan says both numbers.
  const shortfall =
    promise && promise.available < promise.promised
      ? `<p data-shortfall>${promise.available} of the ${promise.promised} directories fit your business now; the ${promise.promised - promise.available} missing are refunded pro rata when the job ends.</p>`
      : "";
  const price = `$${(plan.priceCents / 100).toFixed(2)}`;
  const open = session.status === "open";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local checkout · DirectoryBolt</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1b1b1f}
.box{border:1px solid #d0d0d8;border-radius:.75rem;padding:1.5rem}.note{color:#666;font-size:.85rem}
button{font:inherit;padding:.6rem 1.4rem;border:0;border-radius:.5rem;background:#4f46e5;color:#fff;cursor:pointer}
label{display:block;margin:1rem 0}</style></head>
<body><div class="box">
<h1>DirectoryBolt ${escapeHtml(plan.name)}</h1>
<p>${plan.directories} directories, one-time: <strong>${price}</strong></p>
${shortfall}
<p>Billed to <strong>${escapeHtml(session.customer_email ?? "")}</strong></p>
${
  open
    ? `<form method="post" action="/api/checkout/local/${escapeHtml(session.id)}/pay">
<label>Billing country <input name="country" value="US" maxlength="2" size="3" pattern="[A-Za-z]{2}" required></label>
<button type="submit">Pay ${price}</button></form>
<p><a href="${escapeHtml(session.cancel_url ?? "/")}">Cancel</a></p>`
    : `<p>This checkout is ${escapeHtml(session.status ?? "closed")}. <a href="${escapeHtml(session.success_url ?? "/")}">Continue</a></p>`
}
<p class="note">Local checkout: no Stripe keys are set, so no money moves. “Pay” sends a signed
<code>checkout.session.completed</code> to this server's own webhook.</p>
</div></body></html>`;
}
