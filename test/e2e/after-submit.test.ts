/**
 * After the submit button, end to end on one machine: the stack (PGlite,
 * both Workers under `wrangler dev`, the farm, local Browser Rendering on
 * our Chromium) with the sandbox catalog narrowed to a handful of
 * directories, three of which confirm listings by e-mail. The farm mails
 * real RFC 822 messages to wrangler dev's email handler; the job's
 * coordinator has the link opened by the browser worker; the approval
 * tracker finds each listing in its directory's search once the farm
 * publishes it, and the browser worker screenshots it. Nothing in the test
 * drives those steps: it only places the order and waits.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onlyDesigns, startStack, type Stack } from "../../tools/lib/stack";
import { placeLocalOrder, stackVars, type PlacedOrder, type Snapshot } from "../../tools/lib/order";

const PORT = Number(process.env.E2E_AFTER_SUBMIT_PORT ?? 8817);
const FARM_PORT = Number(process.env.E2E_AFTER_SUBMIT_FARM_PORT ?? 8819);
/** Designs of the handful: three confirm by e-mail, two publish after review. */
const DESIGNS = ["email-verify", "at-csrf-email", "wizard-account", "classic-for", "django-csrf"];
let stack: Stack;
let vars: Record<string, string>;
let slugs: string[];
let stateDir: string;

beforeAll(async () => {
  vars = {
    ...(await stackVars(PORT, FARM_PORT)),
    // Short re-checks: the farm publishes 2 s after acceptance or confirmation.
    APPROVAL_SCHEDULE: JSON.stringify({ default: { firstCheckMs: 1_000, everyMs: 1_500, deadlineMs: 120_000 } }),
  };
  // Its own wrangler state: no coordinator or queue message of another run (or of the other e2e file) wakes up here.
  stateDir = await mkdtemp(join(tmpdir(), "directorybolt-after-submit-"));
  stack = await startStack({ port: PORT, farmPort: FARM_PORT, vars, persistTo: stateDir, farm: { publishDelayMs: 2_000 }, log: (m) => console.log(`[e2e] ${m}`) });
  slugs = await onlyDesigns(stack, DESIGNS);
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

async function snapshot(order: PlacedOrder): Promise<Snapshot> {
  const res = await fetch(`${stack.url}/api/jobs/${order.jobId}`, { headers: { authorization: `Bearer ${order.token}` } });
  return (await res.json()) as Snapshot;
}

/** Until every submission is final (approved or failed) or the time is up. */
async function untilSettled(order: PlacedOrder, timeoutMs: number): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  let last = await snapshot(order);
  while (Date.now() < deadline) {
    if (last.submissions.length > 0 && last.submissions.every((s) => s.status === "approved" || s.status === "failed" || s.status === "skipped")) return last;
    await new Promise((r) => setTimeout(r, 1_000));
    last = await snapshot(order);
  }
  throw new Error(`not settled: ${JSON.stringify(last.submissions.map((s) => [s.directoryName, s.status, s.failureReason]))}`);
}

describe("after the submit button, end to end", () => {
  it("verification mails are received and their links opened; every listing ends approved with its live URL", async () => {
    const order = await placeLocalOrder(stack, vars, "enterprise", `after-submit-${Date.now()}@boltbakery.example`);
    expect(order.directories).toBe(DESIGNS.length);
    const final = await untilSettled(order, 300_000);
    const problems = final.submissions.filter((s) => s.status !== "approved").map((s) => `${s.directoryName}: ${s.status} ${s.failureReason}`);
    expect(problems, problems.join("\n")).toEqual([]);

    const mailed = DESIGNS.slice(0, 3).map((d) => stack.farm.variantFor(d));
    for (const v of mailed) {
      // The directory was given its submission's own mailbox, mailed it, and the mail was delivered to the Worker.
      const mails = stack.farm.mails({ slug: v.slug });
      expect(mails, v.slug).toHaveLength(1);
      expect(mails[0]!.to).toMatch(new RegExp(`^v-${order.jobId.replace(/-/g, "")}-[a-z2-7]{20}@${(vars.VERIFY_DOMAIN ?? "").replace(/\./g, "\\.")}$`));
      expect(mails[0]!.delivered, v.slug).toBe(200);
    }
    // The farm's own record: every listing published (verified ones after their link was opened), at the URL we hold.
    const byName = new Map(final.submissions.map((s) => [s.directoryName, s]));
    for (const slug of slugs) {
      const v = stack.farm.variant(slug)!;
      const [listing] = stack.farm.listings({ slug });
      expect(listing?.status, slug).toBe("published");
      if (DESIGNS.slice(0, 3).includes(v.design.id)) expect(listing!.verifiedAt, slug).toBeTruthy();
      const s = byName.get(v.name)!;
      expect(s.listingUrl, slug).toBe(listing!.url);
      const page = await fetch(s.listingUrl!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Bolt Bakery");
      // The screenshot of the live listing, served to the customer.
      expect(s.evidenceKey, slug).toMatch(new RegExp(`^jobs/${order.jobId}/${s.submissionId}/\\d+-listing\\.png$`));
      const evidence = await fetch(`${stack.url}/api/jobs/${order.jobId}/submissions/${s.submissionId}/evidence`, { headers: { authorization: `Bearer ${order.token}` } });
      expect(evidence.status).toBe(200);
      expect(evidence.headers.get("content-type")).toBe("image/png");
    }
    expect(final.job.approved).toBe(DESIGNS.length);

    // Postgres has the same, and the matched mails are on record.
    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      // The coordinator's outbox reaches Postgres a moment after its snapshot.
      const approved = async () =>
        (await db.query<{ n: number }>("select count(*)::int as n from directory_submissions where job_id = $1 and status = 'approved' and listing_url is not null", [order.jobId])).rows[0]!.n;
      for (let i = 0; i < 30 && (await approved()) < DESIGNS.length; i++) await new Promise((r) => setTimeout(r, 1_000));
      expect(await approved()).toBe(DESIGNS.length);
      const mails = await db.query<{ status: string; submission_id: string | null }>("select status, submission_id from inbound_mails where job_id = $1", [order.jobId]);
      expect(mails.rows.map((r) => r.status)).toEqual(["matched", "matched", "matched"]);
    } finally {
      await db.end();
    }
  }, 420_000);
});
