/**
 * The listing mailbox is the customer's (issue 18), end to end on one
 * machine: the stack (PGlite, both Workers under `wrangler dev`, the farm,
 * local Browser Rendering on our Chromium) with the sandbox catalog narrowed
 * to two directories, one of which confirms listings by e-mail and, once the
 * listing is public, forwards a visitor's question to the listing's address
 * (the farm's `enquiries`, tools/farm/enquiries.ts). The e-mail provider is
 * a local stand-in in its real wire format (tools/lib/email-stand-in.ts).
 * Nothing in the test drives the mail: it places the order and waits. Then
 * the verification has completed by itself, and the question is in the
 * customer's "Directory mail" and in their e-mail. The page is screenshotted
 * (SCREENSHOTS_DIR=docs/screenshots refreshes the docs' copy).
 */
import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectoryMailMessage, DirectoryMailSummary } from "../../core/protocol/site";
import { ENQUIRY_QUESTION } from "../../tools/farm/enquiries";
import { launchChromium } from "../../tools/lib/chromium";
import { startEmailStandIn, type EmailStandIn } from "../../tools/lib/email-stand-in";
import { placeLocalOrder, stackVars, type PlacedOrder, type Snapshot } from "../../tools/lib/order";
import { onlyDesigns, ROOT, startStack, type Stack } from "../../tools/lib/stack";

const PORT = Number(process.env.E2E_DIRECTORY_MAIL_PORT ?? 8837);
const FARM_PORT = Number(process.env.E2E_DIRECTORY_MAIL_FARM_PORT ?? 8839);
const SHOTS = join(ROOT, process.env.SCREENSHOTS_DIR ?? ".tmp/screenshots");
/** email-verify confirms by e-mail and forwards a visitor's question once public; classic-for does neither. */
const DESIGNS = ["email-verify", "classic-for"];
const API_KEY = "re_local_stand_in";
let stack: Stack;
let provider: EmailStandIn;
let vars: Record<string, string>;
let stateDir: string;

beforeAll(async () => {
  provider = await startEmailStandIn({ apiKey: API_KEY });
  vars = {
    ...(await stackVars(PORT, FARM_PORT)),
    EMAIL_API_KEY: API_KEY,
    EMAIL_API_URL: provider.url,
    APPROVAL_SCHEDULE: JSON.stringify({ default: { firstCheckMs: 1_000, everyMs: 1_500, deadlineMs: 120_000 } }),
  };
  stateDir = await mkdtemp(join(tmpdir(), "directorybolt-directory-mail-"));
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, persistTo: stateDir, farm: { publishDelayMs: 2_000, enquiries: true }, log: (m) => console.log(`[e2e] ${m}`) });
  await onlyDesigns(stack, DESIGNS);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await provider?.close();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

async function api<T>(order: PlacedOrder, path: string): Promise<T> {
  const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${order.token}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs / 1000} s; last ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 1_000));
    last = await read();
  }
  return last;
}

describe("directory mail, end to end", () => {
  it("a directory's enquiry reaches the customer in the portal and by e-mail; its verification mail still completes by itself", async () => {
    const email = `directory-mail-${Date.now()}@boltbakery.example`;
    const order = await placeLocalOrder(stack, vars, "enterprise", email);
    expect(order.directories).toBe(DESIGNS.length);
    const final = await until(
      "every listing approved",
      () => api<Snapshot>(order, `/api/jobs/${order.jobId}`),
      (s) => s.submissions.length > 0 && s.submissions.every((x) => ["approved", "failed", "skipped"].includes(x.status)),
      300_000,
    );
    expect(final.submissions.map((s) => `${s.directoryName}: ${s.status}`).filter((s) => !s.endsWith("approved"))).toEqual([]);

    // The verifying directory: its confirmation link was opened with nobody's help, then it forwarded a visitor's question.
    const verifying = stack.farm.variantFor("email-verify");
    const [listing] = stack.farm.listings({ slug: verifying.slug });
    expect(listing!.verifiedAt).toBeTruthy();
    const farmMails = await until(
      "the enquiry delivered",
      async () => stack.farm.mails({ slug: verifying.slug }),
      (m) => m.some((x) => x.kind === "enquiry" && x.delivered === 200),
      60_000,
    );
    expect(farmMails.map((m) => m.kind ?? "verification").sort()).toEqual(["enquiry", "verification"]);
    expect(farmMails[0]!.to).toBe(farmMails[1]!.to);

    // The customer's "Directory mail": the verification, handled by us, and the question, for them.
    const { mails } = await until(
      "both mails in the portal",
      () => api<{ mails: DirectoryMailSummary[] }>(order, `/api/jobs/${order.jobId}/mail`),
      (r) => r.mails.length === 2,
      30_000,
    );
    expect(mails.map((m) => m.kind).sort()).toEqual(["message", "verification"]);
    const enquiry = mails.find((m) => m.kind === "message")!;
    expect(enquiry).toMatchObject({ directoryName: verifying.name, fromDirectory: true, notifiedBy: "immediate" });
    expect(enquiry.subject).toContain("A visitor asked about your listing");
    const { mail } = await api<{ mail: DirectoryMailMessage }>(order, `/api/jobs/${order.jobId}/mail/${enquiry.id}`);
    expect(mail.body).toContain(ENQUIRY_QUESTION);
    expect(mails.find((m) => m.kind === "verification")).toMatchObject({ notifiedBy: null, directoryName: verifying.name });

    // And in their e-mail, at once (no cron ran): one e-mail through the provider, none for the verification.
    const sent = await until(
      "the e-mail sent",
      async () => provider.sent.filter((m) => m.to.includes(email)),
      (s) => s.length > 0,
      30_000,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toContain(verifying.name);
    expect(sent[0]!.text).toContain(ENQUIRY_QUESTION);
    expect(sent[0]!.text).toContain(`/portal/jobs/${order.jobId}/mail`);

    // Staff keep the enquiry in the unmatched inbox too (it carries no link to open).
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const rows = await db.query<{ status: string }>("select status from inbound_mails where job_id = $1 order by created_at", [order.jobId]);
      expect(rows.rows.map((r) => r.status)).toEqual(["matched", "unmatched"]);
    } finally {
      await db.end();
    }

    // What the customer sees, in our Chromium.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      // The page works under the site's Content-Security-Policy (no inline script, no other origin).
      const refused: string[] = [];
      page.on("console", (m) => {
        if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) refused.push(m.text());
      });
      await page.goto(`${stack.url}/`);
      await page.evaluate((token) => localStorage.setItem("directorybolt.token", token), order.token);
      await page.goto(`${stack.url}/portal/jobs/${order.jobId}/mail`);
      await page.waitForSelector("[data-testid=mail-body]", { timeout: 30_000 });
      const shown = await page.$eval("[data-testid=mail-body]", (el) => el.textContent ?? "");
      expect(shown).toContain(ENQUIRY_QUESTION);
      expect(await page.$$eval("tr[data-mail]", (rows) => rows.map((r) => r.getAttribute("data-kind")).sort())).toEqual(["message", "verification"]);
      expect(refused).toEqual([]);
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, "directory-mail.png") as `${string}.png` });
    } finally {
      await browser.close();
    }
  }, 480_000);
});
