/**
 * Sign-in by Supabase Auth magic link, in Chromium against the whole stack
 * configured with SUPABASE_URL and SUPABASE_ANON_KEY, pointed at a local
 * stand-in that speaks Supabase Auth's wire format (support/supabase-auth.ts).
 * The site asks for the link through `/auth/v1/otp`; the test follows the
 * emailed link; the stand-in redirects back with the session in the fragment;
 * the site keeps the token, and the API accepts it (HS256, the project's
 * issuer) to list the job bought with that email. A used link is refused in words.
 */
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, resolveChromium } from "../../tools/lib/chromium";
import { startStack, type Stack } from "../../tools/lib/stack";
import { stackVars } from "../../tools/lib/order";
import { startSupabaseAuth, type SupabaseAuthStandIn } from "./support/supabase-auth";

// The site test's ports + 3: this stack (its browser worker on +1), the farm, Supabase Auth.
const PORT = Number(process.env.SITE_PORT ?? 8857) + 3;
const FARM_PORT = PORT + 2;
const AUTH_PORT = PORT + 3;
let stack: Stack;
let auth: SupabaseAuthStandIn;
let browser: Browser;

beforeAll(async () => {
  const vars = await stackVars(PORT, FARM_PORT);
  auth = await startSupabaseAuth({ port: AUTH_PORT, jwtSecret: vars.SUPABASE_JWT_SECRET!, siteUrl: `http://127.0.0.1:${PORT}` });
  stack = await startStack({
    port: PORT,
    farmPort: FARM_PORT,
    vars: { ...vars, SUPABASE_URL: auth.url, SUPABASE_ANON_KEY: auth.anonKey },
    log: (m) => console.log(`[magic-link] ${m}`),
  });
  browser = await chromium.launch({ executablePath: await resolveChromium(), args: CHROMIUM_ARGS.filter((a) => a !== "--headless") });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await auth?.close();
});

/** Checkout and the local payment page, as a buyer does before ever signing in. */
async function buy(email: string): Promise<string> {
  const checkout = await fetch(`${stack.url}/api/checkout`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ plan: "starter", email }) });
  const { sessionId } = (await checkout.json()) as { sessionId: string };
  const paid = await fetch(`${stack.url}/api/checkout/local/${sessionId}/pay`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ country: "US" }),
  });
  expect(paid.status).toBeLessThan(400);
  const status = (await (await fetch(`${stack.url}/api/checkout/${sessionId}`)).json()) as { status: string; jobId: string };
  expect(status.status).toBe("fulfilled");
  return status.jobId;
}

describe("magic-link sign-in through Supabase Auth", () => {
  it("sends the link through /auth/v1/otp, signs in from the redirect, and the API accepts the session", async () => {
    const email = `magic-${Date.now()}@boltbakery.example`;
    const jobId = await buy(email);
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    page.setDefaultTimeout(30_000);

    await page.goto(`${stack.url}/sign-in?next=/jobs`);
    await page.getByRole("button", { name: "Email me a sign-in link" }).waitFor();
    expect(await page.getByLabel(/Sign in as staff/).count()).toBe(0); // no local sign-in with Supabase configured
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await expect.poll(() => page.getByTestId("magic-link-sent").textContent()).toContain(email);

    // What the site sent is what supabase-js's signInWithOtp sends.
    expect(auth.outbox).toHaveLength(1);
    const sent = auth.outbox[0]!;
    expect(sent.request.headers.apikey).toBe(auth.anonKey);
    expect(sent.request.headers.authorization).toBe(`Bearer ${auth.anonKey}`);
    expect(sent.request.query.redirect_to).toBe(`${stack.url}/auth/callback`);
    expect(sent.request.body).toMatchObject({ email, create_user: true });

    // Asking again within a minute: Supabase's rate limit, shown in words.
    await page.getByRole("button", { name: "Send the link again" }).click();
    await expect.poll(() => page.locator("p.error[role=alert]").textContent()).toContain("Too many sign-in emails");

    // The email's link: Supabase verifies it and redirects back with the session in the fragment.
    await page.goto(sent.link);
    await page.waitForURL(`${stack.url}/jobs`);
    expect(new URL(page.url()).hash).toBe(""); // the token left the address bar
    const token = await page.evaluate(() => localStorage.getItem("directorybolt.token"));
    expect(token?.split(".")).toHaveLength(3);
    // The API verified the Supabase-issued token and linked the purchase made with the same email.
    await page.locator(`li[data-job="${jobId}"]`).waitFor();
    expect(await page.getByRole("navigation").textContent()).toContain(email);
    const direct = await fetch(`${stack.url}/api/me/jobs`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await direct.json()) as { jobs: { jobId: string }[] }).jobs.map((j) => j.jobId)).toEqual([jobId]);
    await page.getByRole("link", { name: /Starter plan/ }).click();
    await page.waitForURL(`**/portal/jobs/${jobId}`);

    // A link works once: the second visit comes back with Supabase's otp_expired error.
    const again = await (await browser.newContext()).newPage();
    await again.goto(sent.link);
    await again.getByTestId("callback-error").waitFor();
    expect(await again.getByTestId("callback-error").textContent()).toContain("expired or was already used");
    expect(await again.evaluate(() => localStorage.getItem("directorybolt.token"))).toBeNull();
  }, 120_000);
});
