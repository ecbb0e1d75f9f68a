/**
 * The login vault end to end on the whole stack (PGlite, both Workers under
 * wrangler dev, the farm, local Browser Rendering on our Chromium): an order
 * whose directories are the farm's account-creating designs. The browser
 * worker creates the accounts, seals their passwords before it reports, and
 * the coordinator writes them to the vault. Then: the stored rows hold no
 * clear password; the owner reveals one in the portal (the screenshot of the
 * vault view) and through the API; another customer gets a 404; every reveal
 * is recorded, staff's as staff; no Worker wrote a password in a log line;
 * and each revealed login signs in at its farm directory.
 */
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RevealedLogin, VaultLogin } from "../../core/protocol/site";
import { signUserToken } from "../../src/auth/user-token";
import { CHROMIUM_ARGS, resolveChromium } from "../../tools/lib/chromium";
import { placeLocalOrder, stackVars, type PlacedOrder, type Snapshot } from "../../tools/lib/order";
import { onlyDesigns, ROOT, startStack, type Stack } from "../../tools/lib/stack";
import { CspWatch } from "./support/csp";

const PORT = Number(process.env.SITE_VAULT_PORT ?? 8867);
const FARM_PORT = Number(process.env.SITE_VAULT_FARM_PORT ?? 8869);
/** The farm's designs that create an account with the listing (tools/farm/README.md). */
const DESIGNS = ["account-inline", "wizard-account"];
const SHOTS = join(ROOT, process.env.SCREENSHOTS_DIR ?? ".tmp/screenshots");
mkdirSync(SHOTS, { recursive: true });

let stack: Stack;
let vars: Record<string, string>;
let stateDir: string;
let browser: Browser;
/** Every line the Workers wrote. */
const workerLines: string[] = [];
const csp = new CspWatch();

beforeAll(async () => {
  vars = await stackVars(PORT, FARM_PORT);
  stateDir = await mkdtemp(join(tmpdir(), "directorybolt-vault-"));
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, persistTo: stateDir, workerOutput: (line) => workerLines.push(line), log: (m) => console.log(`[vault] ${m}`) });
  // Only the account-creating directories may be selected.
  await onlyDesigns(stack, DESIGNS);
  browser = await chromium.launch({ executablePath: await resolveChromium(), args: CHROMIUM_ARGS.filter((a) => a !== "--headless") });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

async function api<T>(path: string, token: string, method = "GET"): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function sql<R extends Record<string, unknown>>(text: string, params: unknown[]): Promise<R[]> {
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    return (await db.query<R>(text, params)).rows;
  } finally {
    await db.end();
  }
}

/** Until every submission is accepted or final, then until the vault has a login for each accepted one. */
async function untilLogins(order: PlacedOrder, timeoutMs: number): Promise<VaultLogin[]> {
  const deadline = Date.now() + timeoutMs;
  let subs: Snapshot["submissions"] = [];
  let logins: VaultLogin[] = [];
  while (Date.now() < deadline) {
    subs = (await api<Snapshot>(`/api/jobs/${order.jobId}`, order.token)).body.submissions ?? [];
    const accepted = subs.filter((s) => ["submitted", "awaiting_verification", "approved"].includes(s.status));
    const settled = subs.length === DESIGNS.length && subs.every((s) => !["pending", "queued", "submitting", "retrying"].includes(s.status));
    if (settled) {
      logins = (await api<{ logins: VaultLogin[] }>(`/api/jobs/${order.jobId}/logins`, order.token)).body.logins;
      if (logins.length >= accepted.length) return logins;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`no logins: ${JSON.stringify({ subs: subs.map((s) => [s.directoryName, s.status, s.failureReason]), logins: logins.length })}`);
}

/** Signs in at the farm directory's sign-in page with a login as the customer would. */
async function signInAtFarm(login: VaultLogin, password: string): Promise<{ status: number; text: string }> {
  const res = await fetch(new URL("login", login.loginUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ login: login.username ?? login.email ?? "", password }),
  });
  return { status: res.status, text: await res.text() };
}

describe("the login vault, end to end", () => {
  it("keeps the logins the farm's account forms created, sealed; the owner reveals them, they sign in at the farm", async () => {
    const email = `vault-${Date.now()}@boltbakery.example`;
    // Enterprise: every tier, so the plan draws exactly the account directories.
    const order = await placeLocalOrder(stack, vars, "enterprise", email);
    expect(order.directories).toBe(DESIGNS.length);
    const logins = await untilLogins(order, 420_000);
    expect(logins.map((l) => l.directoryName).sort()).toEqual(DESIGNS.map((d) => stack.farm.variantFor(d).name).sort());
    for (const l of logins) expect(l).not.toHaveProperty("password");

    // The portal's vault view: one Reveal, as the customer clicks it.
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.addInitScript((t) => localStorage.setItem("directorybolt.token", t), order.token);
    const page = csp.watch(await context.newPage());
    page.setDefaultTimeout(30_000);
    await page.goto(`${stack.url}/portal/jobs/${order.jobId}`);
    const section = page.getByTestId("logins");
    await expect.poll(() => section.locator("tr[data-login]").count(), { timeout: 30_000 }).toBe(logins.length);
    const first = logins[0]!;
    await section
      .locator(`tr[data-login="${first.id}"]`)
      .getByRole("button", { name: /Reveal/ })
      .click();
    const shown = (await section.getByTestId("revealed-password").textContent())!;
    expect(shown.length).toBeGreaterThanOrEqual(12);
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, "vault.png"), fullPage: false });
    await context.close();
    expect(csp.take(), "Content-Security-Policy violations").toEqual([]);

    // Every password through the API; each signs in at its directory, a wrong one does not.
    const passwords = new Map<string, string>();
    for (const l of logins) {
      const r = await api<RevealedLogin>(`/api/jobs/${order.jobId}/logins/${l.id}/reveal`, order.token, "POST");
      expect(r.status).toBe(200);
      passwords.set(l.id, r.body.password);
      const signedIn = await signInAtFarm(l, r.body.password);
      expect(signedIn.status, `${l.directoryName}: ${signedIn.text.slice(0, 300)}`).toBe(200);
      expect(signedIn.text).toContain(`Signed in as ${l.username ?? l.email}`);
      expect((await signInAtFarm(l, `${r.body.password}x`)).status).toBe(401);
    }
    expect(passwords.get(first.id)).toBe(shown);

    // At rest: nothing in the stored rows is a clear password.
    const stored = await sql<{ t: string; key_id: string }>("select row_to_json(l)::text as t, l.key_id from vault_logins l where job_id = $1", [order.jobId]);
    expect(stored).toHaveLength(logins.length);
    for (const row of stored) {
      expect(row.key_id).toBe("local");
      for (const p of passwords.values()) expect(row.t).not.toContain(p);
    }

    // Another customer: the stranger's 404; staff: allowed and recorded as staff.
    const stranger = await signUserToken({ SUPABASE_JWT_SECRET: vars.SUPABASE_JWT_SECRET! }, { userId: crypto.randomUUID(), email: `other-${Date.now()}@example.com` });
    expect((await api(`/api/jobs/${order.jobId}/logins/${first.id}/reveal`, stranger, "POST")).status).toBe(404);
    expect((await api(`/api/jobs/${order.jobId}/logins`, stranger)).status).toBe(404);
    const staffUser = crypto.randomUUID();
    const staff = await signUserToken({ SUPABASE_JWT_SECRET: vars.SUPABASE_JWT_SECRET! }, { userId: staffUser, email: `staff-${staffUser}@example.com`, staff: true });
    expect((await api<RevealedLogin>(`/api/jobs/${order.jobId}/logins/${first.id}/reveal`, staff, "POST")).body.password).toBe(shown);

    // Each reveal recorded: the portal's and the API's by the owner, then staff's.
    const accesses = await sql<{ actor_role: string; purpose: string; actor_user_id: string }>("select actor_role, purpose, actor_user_id from vault_accesses where login_id = $1 order by id", [
      first.id,
    ]);
    expect(accesses.map((a) => `${a.actor_role}:${a.purpose}`)).toEqual(["customer:reveal", "customer:reveal", "staff:reveal"]);
    expect(accesses[2]!.actor_user_id).toBe(staffUser);

    // No Worker wrote a password in any line (the engine's debug lines included).
    expect(workerLines.length).toBeGreaterThan(0);
    for (const p of passwords.values()) expect(workerLines.filter((line) => line.includes(p))).toEqual([]);
  });
});
