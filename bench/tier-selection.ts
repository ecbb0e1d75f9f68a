/**
 * `npm run bench:tiers`: tier selection on a 10,000-directory catalog.
 * Fresh embedded Postgres (PGlite) by default; BENCH_DATABASE_URL runs it on
 * another Postgres (use an empty database: the bench adds its own rows).
 * Every call goes through pg over TCP with drizzle, as the Worker does.
 * Prints median and p99 per plan, and p99/median as the tail ratio.
 */
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { connect } from "../src/db/client";
import * as t from "../src/db/schema";
import { selectDirectoriesForJob } from "../src/db/tier-selection";
import { PLANS, PLAN_IDS } from "../core/plans";
import { startEmbeddedPostgres } from "../tools/lib/embedded-postgres";
import { migrateDatabase } from "../tools/lib/migrate";
import { RECORDED, recorded } from "./baselines";
import { benchResult, emitResult, type Figure } from "./result";
import { ms, summarise } from "./stats";

const DIRECTORIES = Number(process.env.BENCH_DIRECTORIES ?? 10_000);
const CUSTOMERS = 50;
const CALLS_PER_PLAN = Number(process.env.BENCH_CALLS ?? 200);
const COUNTRIES = ["US", "GB", "DE", "FR", "AU", "CA", "INT"];

const embedded = process.env.BENCH_DATABASE_URL ? undefined : await startEmbeddedPostgres();
const url = process.env.BENCH_DATABASE_URL ?? embedded!.url;
await migrateDatabase(url);
const conn = await connect(url);
const { db } = conn;
const run = `bench-${Date.now().toString(36)}`;

// A catalog shaped like the real one: tiers weighted toward the long tail,
// DA unknown for a third, some manual and disabled directories.
const rows: (typeof t.directories.$inferInsert)[] = [];
for (let i = 0; i < DIRECTORIES; i++) {
  const r = (i * 2654435761) % 1000;
  rows.push({
    slug: `${run}-${i}`,
    name: `Directory ${i}`,
    website: `https://d${i}.example`,
    priorityTier: r < 100 ? 1 : r < 250 ? 2 : r < 500 ? 3 : r < 750 ? 4 : 5,
    daScore: i % 3 === 0 ? null : (r % 100) + 1,
    country: COUNTRIES[i % COUNTRIES.length]!,
    automation: i % 50 === 0 ? "disabled" : i % 17 === 0 ? "manual" : "automated",
  });
}
for (let i = 0; i < rows.length; i += 1000) await db.insert(t.directories).values(rows.slice(i, i + 1000));

// Customers who already hold directories from an earlier Starter job.
const customerIds: string[] = [];
for (let c = 0; c < CUSTOMERS; c++) {
  const [cust] = await db
    .insert(t.customers)
    .values({ email: `${run}-${c}@example.com` })
    .returning();
  const [order] = await db
    .insert(t.orders)
    .values({ customerId: cust!.id, plan: "starter", stripeCheckoutSessionId: `cs_${run}_${c}`, amountCents: 14900 })
    .returning();
  const [job] = await db.insert(t.jobs).values({ orderId: order!.id, customerId: cust!.id, plan: "starter" }).returning();
  const held = await selectDirectoriesForJob(db, { customerId: cust!.id, plan: "starter", catalog: "live" });
  await db.insert(t.directorySubmissions).values(held.map((d, i) => ({ jobId: job!.id, directoryId: d.id, customerId: cust!.id, status: i % 4 === 0 ? "failed" : "approved" })));
  customerIds.push(cust!.id);
}
await db.execute(sql`analyze`);

const version = (await db.execute<{ v: string }>(sql`select version() as v`)).rows[0]!.v.split(" on ")[0];
console.log(`tier selection: ${DIRECTORIES} directories, ${CUSTOMERS} customers holding earlier listings, ${version}`);
console.log("plan          picked  calls   median      p99    p99/median");
const medians: number[] = [];
const figures: Record<string, Figure> = {};
for (const plan of PLAN_IDS) {
  // Warm-up: the first calls plan the query and fill caches.
  for (let i = 0; i < 5; i++) await selectDirectoriesForJob(db, { customerId: customerIds[i]!, plan, catalog: "live" });
  const samples: number[] = [];
  let picked = 0;
  for (let i = 0; i < CALLS_PER_PLAN; i++) {
    const customerId = customerIds[i % customerIds.length]!;
    const started = performance.now();
    const result = await selectDirectoriesForJob(db, { customerId, plan, catalog: "live", country: i % 2 ? "US" : undefined });
    samples.push(performance.now() - started);
    picked = result.length;
  }
  const s = summarise(samples);
  medians.push(s.median);
  const was = recorded.tiers as Record<string, number>;
  figures[`${plan} median`] = { value: s.median, unit: "ms", baseline: was[`${plan}MedianMs`], source: RECORDED };
  figures[`${plan} p99`] = { value: s.p99, unit: "ms", baseline: was[`${plan}P99Ms`], source: RECORDED };
  console.log(`${plan.padEnd(12)} ${String(picked).padStart(6)} ${String(s.n).padStart(6)} ${ms(s.median).padStart(10)} ${ms(s.p99).padStart(10)} ${(s.p99 / s.median).toFixed(2).padStart(8)}x`);
  if (picked > PLANS[plan].directories) throw new Error(`${plan} picked ${picked}`);
}
console.log(`enterprise/starter median ratio: ${(medians[3]! / medians[0]!).toFixed(2)}x`);

figures["enterprise/starter median"] = { value: medians[3]! / medians[0]!, unit: "x" };

await conn.close();
await embedded?.stop();
emitResult(benchResult("tier selection", figures, { directories: DIRECTORIES, callsPerPlan: CALLS_PER_PLAN, postgres: version ?? "?" }));
