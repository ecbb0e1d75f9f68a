/**
 * `npm run order:figures -- --plan professional [--available 400] [--gone 0.06]`:
 * one order on a fresh stack (embedded Postgres, the farm, both Workers,
 * the cron fired every 15 s), run to its end, and the promise kept in
 * numbers: promised, chosen at payment, delivered, replaced, already listed,
 * ended without a listing, refunded. The figures issue 17 asks for.
 *
 * `--available N` leaves N sandbox directories selectable (a catalog short
 * of the plan: the customer accepts the shortfall at checkout, as the
 * pricing page offers); `--gone S` makes that share of the farm's
 * directories answer 410 for good, so the job must replace them;
 * `--listed S` has that share already list the business before the order
 * (its own listing, found first), and `--claims S` that share list it with
 * a wrong phone (a claim-and-correct staff task). Shares pick directories by
 * a hash of the slug, so the same ones every run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { connect } from "../src/db/client";
import { DELIVERED_SUBMISSION_STATUSES } from "../core/statuses";
import { PLAN_IDS, type PlanId } from "../core/plans";
import { hashString } from "./farm/random";
import { BAKERY_PROFILE, placeLocalOrder, stackVars, waitForJob } from "./lib/order";
import { startStack } from "./lib/stack";

const { values } = parseArgs({
  options: {
    plan: { type: "string", default: "professional" },
    available: { type: "string" },
    gone: { type: "string", default: "0" },
    listed: { type: "string", default: "0" },
    claims: { type: "string", default: "0" },
    port: { type: "string", default: "9240" },
  },
});
const plan = values.plan as PlanId;
if (!PLAN_IDS.includes(plan)) throw new Error(`--plan must be one of ${PLAN_IDS.join(", ")}`);
const available = values.available === undefined ? undefined : Number(values.available);
const goneShare = Number(values.gone);
const listedShare = Number(values.listed);
const claimShare = Number(values.claims);
/** A stable pick by slug, one draw per purpose. */
const picked = (purpose: string, slug: string, share: number) => share > 0 && hashString(`${purpose}:${slug}`) / 4294967296 < share;
const port = Number(values.port);
const log = (m: string) => console.error(`[figures ${new Date().toISOString().slice(11, 19)}] ${m}`);

const persistTo = mkdtempSync(join(tmpdir(), "directorybolt-figures-"));
const vars = await stackVars(port, port + 2);
const stack = await startStack({ port, farmPort: port + 2, vars, persistTo, cronEveryMs: 15_000, log });
try {
  if (goneShare > 0) stack.farm.setFaults({ goneShare });
  const conn = await connect(stack.databaseUrl);
  try {
    if (available !== undefined) {
      await conn.client.query("update directories set is_active = false where sandbox and id not in (select id from directories where sandbox order by slug limit $1)", [available]);
    }
    // The business as some directories list it already: the profile's values, or a wrong phone.
    const slugs = (await conn.client.query<{ slug: string }>("select slug from directories where sandbox")).rows.map((r) => r.slug);
    const values = (tel: string) => ({
      organization: BAKERY_PROFILE.businessName,
      tel,
      "street-address": BAKERY_PROFILE.street,
      "address-line1": BAKERY_PROFILE.street,
      "address-level2": BAKERY_PROFILE.city,
      "postal-code": BAKERY_PROFILE.postalCode,
      email: BAKERY_PROFILE.email,
    });
    let seeded = 0;
    for (const slug of slugs) {
      if (picked("listed", slug, listedShare)) stack.farm.seedExistingListing(slug, values(BAKERY_PROFILE.phone));
      else if (picked("claim", slug, claimShare)) stack.farm.seedExistingListing(slug, values("+1 415 555 0199"));
      else continue;
      seeded++;
    }
    if (seeded) log(`${seeded} farm directories list the business already`);
  } finally {
    await conn.close();
  }
  const order = await placeLocalOrder(stack, vars, plan, `figures-${Date.now()}@boltbakery.example`);
  log(`paid: job ${order.jobId}, ${order.directories} directories chosen`);
  // A claim-and-correct task waits for staff: the job is as far as the machine takes it once only those remain.
  const snapshot = await waitForJob(stack, order, 90 * 60_000, (job) => job.manual > 0 && job.remaining === job.manual);
  log(`job ${snapshot.job.status} after ${Math.round((Date.now() - order.paidAt) / 1000)} s`);

  // The refund is the cron's (every 15 s here): wait for it when one is due.
  type Shortfall = { promised: number; available: number | null; refund: { status: string; amountCents: number; chargeAmountCents: number; delivered: number; message: string } | null };
  const readShortfall = async () => (await (await fetch(`${stack.url}/api/jobs/${order.jobId}/shortfall`, { headers: { authorization: `Bearer ${order.token}` } })).json()) as Shortfall;
  const delivered = snapshot.submissions.filter((s) => (DELIVERED_SUBMISSION_STATUSES as readonly string[]).includes(s.status)).length;
  let shortfall = await readShortfall();
  for (let i = 0; i < 24 && delivered < shortfall.promised && shortfall.refund?.status !== "succeeded"; i++) {
    await new Promise((r) => setTimeout(r, 5_000));
    shortfall = await readShortfall();
  }
  const count = (pred: (s: (typeof snapshot.submissions)[number]) => boolean) => snapshot.submissions.filter(pred).length;
  const replacedIds = new Set(snapshot.submissions.flatMap((s) => (s.replaces ? [s.replaces.submissionId] : [])));
  const figures = {
    plan,
    promised: shortfall.promised,
    availableAtCheckout: shortfall.available,
    chosenAtPayment: order.directories,
    submissions: snapshot.submissions.length,
    delivered,
    replacements: count((s) => !!s.replaces),
    alreadyListed: count((s) => s.status === "already_listed"),
    claimAndCorrect: count((s) => s.status === "manual"),
    endedWithoutListingNotReplaced: count((s) => (s.status === "failed" || s.status === "skipped") && !replacedIds.has(s.submissionId)),
    refundedCents: shortfall.refund?.status === "succeeded" ? shortfall.refund.amountCents : 0,
    chargeCents: shortfall.refund?.chargeAmountCents ?? null,
    refundMessage: shortfall.refund?.message ?? null,
    jobSeconds: Math.round((Date.now() - order.paidAt) / 1000),
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await stack.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
