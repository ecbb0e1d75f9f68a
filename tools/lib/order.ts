/**
 * Placing and watching an order against a running stack, as the site does:
 * local checkout, "Pay", the success page, the business profile, then the
 * job's snapshot until it is final. Used by the end-to-end test and bench.
 */
import { join } from "node:path";
import { readVarsFile, ROOT, type Stack } from "./stack";
import { signUserToken } from "../../src/auth/user-token";
import type { PlanId } from "../../core/plans";
import type { ServerMessage } from "../../core/protocol/live";

export type Snapshot = Extract<ServerMessage, { type: "snapshot" }>;

export const BAKERY_PROFILE = {
  businessName: "Bolt Bakery & Café",
  contactName: "Ada Lovelace",
  street: "123 Market Street",
  city: "San Francisco",
  region: "CA",
  postalCode: "94103",
  country: "US",
  phone: "+1 415 555 0142",
  website: "boltbakery.example",
  email: "owner@boltbakery.example",
  shortDescription: "Neighbourhood bakery in San Francisco: sourdough, croissants, seasonal pastries and coffee.",
  longDescription:
    "Bolt Bakery & Café is a neighbourhood bakery in San Francisco baking sourdough, croissants and seasonal pastries every morning. We serve specialty coffee, host weekend brunch and cater office events. Family owned since 2012.",
  categories: ["Bakery", "Food"],
  hours: { mon: [["07:00", "18:00"]], tue: [["07:00", "18:00"]], wed: [["07:00", "18:00"]], thu: [["07:00", "18:00"]], fri: [["07:00", "18:00"]], sat: [["08:00", "15:00"]] },
  socialLinks: { instagram: "https://www.instagram.com/boltbakery" },
  serviceArea: false,
};

/** Both Workers' local variables, pointed at this stack's ports. */
export async function stackVars(port: number, farmPort: number): Promise<Record<string, string>> {
  return {
    ...(await readVarsFile(join(ROOT, ".dev.vars.example"))),
    ...(await readVarsFile(join(ROOT, "browser-worker/.dev.vars.example"))),
    DIRECTORY_CATALOG: "sandbox",
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    CAPTCHA_SOLVER_URL: `http://127.0.0.1:${farmPort}/__solver`,
    EGRESS_ALLOW_ORIGINS: `http://127.0.0.1:${farmPort}`,
  };
}

async function call<T>(stack: Stack, path: string, init: RequestInit & { token?: string } = {}): Promise<{ status: number; body: T }> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  const res = await fetch(`${stack.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T };
}

export interface PlacedOrder {
  jobId: string;
  token: string;
  directories: number;
  /** When "Pay" was pressed (epoch ms). */
  paidAt: number;
}

/** Accepts a shortfall (ignored when the farm's catalog fills the plan): a short order is still an order to exercise. */
export async function placeLocalOrder(stack: Stack, vars: Record<string, string>, plan: PlanId, email: string): Promise<PlacedOrder> {
  const checkout = await call<{ url: string; sessionId: string }>(stack, "/api/checkout", { method: "POST", body: JSON.stringify({ plan, email, acceptShortfall: true }) });
  if (checkout.status !== 200) throw new Error(`checkout: ${checkout.status} ${JSON.stringify(checkout.body)}`);
  const paidAt = Date.now();
  // The local payment page's form, as the browser posts it.
  const paid = await fetch(`${stack.url}/api/checkout/local/${checkout.body.sessionId}/pay`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ country: "US" }),
  });
  if (paid.status >= 400) throw new Error(`pay: ${paid.status}`);
  const status = await call<{ status: string; jobId: string; directories: number }>(stack, `/api/checkout/${checkout.body.sessionId}`);
  if (status.body.status !== "fulfilled") throw new Error(`not fulfilled: ${JSON.stringify(status.body)}`);
  const token = await signUserToken({ SUPABASE_JWT_SECRET: vars.SUPABASE_JWT_SECRET! }, { userId: crypto.randomUUID(), email });
  const profile = await call(stack, "/api/business", { method: "PUT", token, body: JSON.stringify(BAKERY_PROFILE) });
  if (profile.status !== 200) throw new Error(`profile: ${profile.status} ${JSON.stringify(profile.body)}`);
  return { jobId: status.body.jobId, token, directories: status.body.directories, paidAt };
}

/** Polls the job's snapshot until it is completed or failed (or `enough` says so). */
export async function waitForJob(stack: Stack, order: PlacedOrder, timeoutMs: number, enough?: (job: Snapshot["job"]) => boolean): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  let last: Snapshot | undefined;
  while (Date.now() < deadline) {
    const res = await call<Snapshot>(stack, `/api/jobs/${order.jobId}`, { token: order.token });
    if (res.status === 200) {
      last = res.body;
      if (["completed", "failed", "cancelled"].includes(last.job.status) || enough?.(last.job)) return last;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`job ${order.jobId} not final after ${timeoutMs / 1000} s: ${JSON.stringify(last?.job)}`);
}
