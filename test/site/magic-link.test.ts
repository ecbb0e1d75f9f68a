/**
 * Sign-in by Supabase Auth magic link through supabase-js (PKCE), in
 * Chromium against the whole stack configured with SUPABASE_URL and
 * SUPABASE_ANON_KEY, pointed at a local stand-in that speaks Supabase Auth's
 * wire format (support/supabase-auth.ts). The site asks for the link with a
 * code challenge; the emailed link comes back with a one-time code, which
 * the site exchanges with its verifier; the API accepts the session's token
 * (HS256, the project's issuer) to list the job bought with that email. The
 * access tokens here live a few seconds, so the session must be refreshed to
 * stay signed in. A used link, a code from another browser and a token planted
 * in the URL sign nobody in; sign-out revokes the session at Supabase.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, resolveChromium } from "../../tools/lib/chromium";
import { startStack, type Stack } from "../../tools/lib/stack";
import { stackVars } from "../../tools/lib/order";
import { CspWatch } from "./support/csp";
import { startSupabaseAuth, type SupabaseAuthStandIn } from "./support/supabase-auth";

// The site test's ports + 3: this stack (its browser worker on +1), the farm, Supabase Auth.
const PORT = Number(process.env.SITE_PORT ?? 8857) + 3;
const FARM_PORT = PORT + 2;
const AUTH_PORT = PORT + 3;
/** Access tokens expire within seconds: staying signed in needs supabase-js's refresh. */
const ACCESS_TTL_SECONDS = 4;
const SESSION_KEY = "directorybolt.supabase";
let stack: Stack;
let auth: SupabaseAuthStandIn;
let browser: Browser;
const csp = new CspWatch();

beforeAll(async () => {
  const vars = await stackVars(PORT, FARM_PORT);
  auth = await startSupabaseAuth({ port: AUTH_PORT, jwtSecret: vars.SUPABASE_JWT_SECRET!, siteUrl: `http://127.0.0.1:${PORT}`, accessTtlSeconds: ACCESS_TTL_SECONDS });
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

afterEach(() => {
  expect(csp.take(), "Content-Security-Policy violations").toEqual([]);
});

async function newPage(): Promise<Page> {
  const page = csp.watch(await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage());
  page.setDefaultTimeout(30_000);
  return page;
}

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

/** supabase-js's stored session in this page's browser, if any. */
async function storedSession(page: Page): Promise<{ access_token: string; refresh_token: string; expires_at: number } | null> {
  const raw = await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY);
  return raw ? JSON.parse(raw) : null;
}

const grants = (grant: string) => auth.calls.filter((c) => c.path === "/auth/v1/token" && c.query.grant_type === grant);

describe("magic-link sign-in through supabase-js (PKCE)", () => {
  it("asks with a code challenge, exchanges the returned code, stays signed in past the token's expiry, and signs out at Supabase", async () => {
    const email = `magic-${Date.now()}@boltbakery.example`;
    const jobId = await buy(email);
    const page = await newPage();
    const chunks: string[] = [];
    page.on("request", (r) => chunks.push(new URL(r.url()).pathname));
    // A visitor with no session does not load supabase-js on the plans page.
    await page.goto(`${stack.url}/`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(chunks.filter((p) => p.startsWith("/assets/supabase-auth-"))).toEqual([]);

    await page.goto(`${stack.url}/sign-in?next=/jobs`);
    await page.getByRole("button", { name: "Email me a sign-in link" }).waitFor();
    expect(await page.getByLabel(/Sign in as staff/).count()).toBe(0); // no local sign-in with Supabase configured
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await expect.poll(() => page.getByTestId("magic-link-sent").textContent()).toContain(email);
    expect(chunks.filter((p) => p.startsWith("/assets/supabase-auth-"))).toHaveLength(1); // loaded once someone signs in

    // What the site sent: supabase-js's signInWithOtp in the PKCE flow.
    expect(auth.outbox).toHaveLength(1);
    const sent = auth.outbox[0]!;
    expect(sent.request.headers.apikey).toBe(auth.anonKey);
    // The flow's id rides along, so this link finds its own verifier even after another ask.
    expect(sent.request.query.redirect_to).toMatch(new RegExp(`^${stack.url}/auth/callback\\?sb_flow_id=[\\w-]+$`));
    expect(sent.request.body).toMatchObject({ email, create_user: true, code_challenge_method: "s256" });
    expect(String(sent.request.body.code_challenge)).toMatch(/^[\w-]{43}$/);

    // Asking again within a minute: Supabase's rate limit, shown in words.
    await page.getByRole("button", { name: "Send the link again" }).click();
    await expect.poll(() => page.locator("p.error[role=alert]").textContent()).toContain("Too many sign-in emails");

    // The email's link: Supabase verifies it and redirects back with a one-time code, which the site exchanges.
    await page.goto(sent.link);
    await page.waitForURL(`${stack.url}/jobs`).catch(async (err) => {
      throw new Error(
        `${err}; the callback said: ${await page
          .getByTestId("callback-error")
          .textContent({ timeout: 1000 })
          .catch(() => "nothing")}`,
      );
    });
    expect(new URL(page.url()).search).toBe(""); // the code left the address bar
    const exchanged = grants("pkce");
    expect(exchanged).toHaveLength(1);
    expect(exchanged[0]!.status).toBe(200);
    expect(String(exchanged[0]!.body.code_verifier).length).toBeGreaterThanOrEqual(43);
    const first = await storedSession(page);
    expect(first?.access_token.split(".")).toHaveLength(3);
    expect(await page.evaluate(() => localStorage.getItem("directorybolt.token"))).toBeNull();

    // The API verified the Supabase-issued token and linked the purchase made with the same email.
    await page.locator(`li[data-job="${jobId}"]`).waitFor();
    expect(await page.getByRole("navigation").textContent()).toContain(email);

    // Past the first access token's expiry the customer is still signed in: supabase-js refreshed the session.
    await expect.poll(() => Date.now() > first!.expires_at * 1000, { timeout: (ACCESS_TTL_SECONDS + 5) * 1000, interval: 250 }).toBe(true);
    await page.reload();
    await page.locator(`li[data-job="${jobId}"]`).waitFor();
    expect(await page.getByRole("navigation").textContent()).toContain(email);
    expect(grants("refresh_token").filter((c) => c.status === 200).length).toBeGreaterThan(0);
    const now = await storedSession(page);
    expect(now?.access_token).not.toBe(first!.access_token);
    const direct = await fetch(`${stack.url}/api/me/jobs`, { headers: { authorization: `Bearer ${now!.access_token}` } });
    expect(((await direct.json()) as { jobs: { jobId: string }[] }).jobs.map((j) => j.jobId)).toEqual([jobId]);

    // Sign-out revokes the session at Supabase and forgets it here.
    const refreshToken = now!.refresh_token;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${stack.url}/`);
    await expect.poll(() => auth.calls.some((c) => c.path === "/auth/v1/logout" && c.status === 204)).toBe(true);
    expect(await storedSession(page)).toBeNull();
    await page.getByRole("link", { name: "Sign in" }).waitFor();
    const reuse = await fetch(`${auth.url}/auth/v1/token?grant_type=refresh_token`, {
      method: "POST",
      headers: { apikey: auth.anonKey, "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    expect(reuse.status).toBe(400);

    // A link works once: the second visit comes back with Supabase's otp_expired error.
    const again = await newPage();
    await again.goto(sent.link);
    await again.getByTestId("callback-error").waitFor();
    expect(await again.getByTestId("callback-error").textContent()).toContain("expired or was already used");
    expect(await storedSession(again)).toBeNull();
  }, 120_000);

  it("signs nobody in with a session or a code someone else planted in the link (login CSRF)", async () => {
    const attacker = `attacker-${Date.now()}@example.com`;
    // A valid session of the attacker's, in the fragment as the implicit flow carried it.
    const code = await auth.codeFor(attacker, `${stack.url}/auth/callback`, "a".repeat(43));
    const planted = (await (
      await fetch(`${auth.url}/auth/v1/token?grant_type=pkce`, {
        method: "POST",
        headers: { apikey: auth.anonKey, "content-type": "application/json" },
        body: JSON.stringify({ auth_code: code, code_verifier: "a".repeat(43) }),
      })
    ).json()) as { access_token: string; refresh_token: string };
    const victim = await newPage();
    await victim.goto(`${stack.url}/auth/callback#access_token=${planted.access_token}&expires_in=3600&refresh_token=${planted.refresh_token}&token_type=bearer&type=magiclink`);
    await victim.getByTestId("callback-error").waitFor();
    expect(await storedSession(victim)).toBeNull();
    await victim.goto(`${stack.url}/jobs`);
    await victim.waitForURL(`**/sign-in?next=/jobs`);

    // A code from a link the attacker asked for: this browser holds no verifier for it.
    const exchangesBefore = grants("pkce").length;
    const otherCode = await auth.codeFor(`${attacker}.two`, `${stack.url}/auth/callback`, "b".repeat(43));
    await victim.goto(`${stack.url}/auth/callback?code=${otherCode}`);
    await victim.getByTestId("callback-error").waitFor();
    expect(await victim.getByTestId("callback-error").textContent()).toContain("another browser");
    expect(await storedSession(victim)).toBeNull();
    expect(grants("pkce").length).toBe(exchangesBefore); // nothing was even tried with it
  }, 60_000);
});
