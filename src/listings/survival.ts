/**
 * Survival checks (issue 19): a listing that went live is looked at again
 * 30, 90 and 180 days after (SURVIVAL_MILESTONES), from the cron
 * (src/scheduled.ts), with rows in Postgres (`listing_checks`):
 * 1. `scheduleSurvivalChecks`: one row per approved submission and due
 *    milestone, the latest one only (a listing approved 100 days before the
 *    first run is checked once, for 90, not twice); the unique
 *    (submission, go-live time, milestone) key makes a second run, or a
 *    concurrent one, insert nothing, and a listing submitted again and live
 *    again gets checks of its own;
 * 2. `runSurvivalChecks`: claims due rows under a lease (a run that dies
 *    mid-check leaves its rows to be taken again after it), reads each
 *    listing page through boundedGet (bytes and redirects capped, as the
 *    approval tracker does), compares it with the profile
 *    (core/listing/compare.ts), and records the verdict together with the
 *    customer's e-mail (notifications, `dedupe_key` per check) in one
 *    transaction, only while it still holds the lease: a replayed run flags
 *    and e-mails once.
 * Verdicts: `gone` (404/410, or a redirect away from the listing), `changed`
 * (name, address or phone differ), `live`; a directory that does not answer
 * (network, 5xx, 429, 403) is no verdict: looked at again RETRY_AFTER_MS
 * later, at most MAX_ATTEMPTS times, then `unreachable` (not flagged).
 */
import type pg from "pg";
import { boundedGet } from "../../core/bounded-fetch";
import { log } from "../../core/log";
import { SURVIVAL_MILESTONES } from "../db/schema";
import { compareListing, type CheckedField, type ShownDetails } from "../../core/listing/compare";

/** A claimed row is someone's for this long. */
const LEASE_MS = 10 * 60_000;
export const RETRY_AFTER_MS = 6 * 3_600_000;
export const MAX_ATTEMPTS = 4;
/** Pages read per cron run: each is a fetch from the API Worker's scheduled handler. */
const CHECKS_PER_RUN = 20;

export type Verdict = "live" | "gone" | "changed" | "unreachable";

export interface SurvivalResult {
  scheduled: number;
  checked: number;
  flagged: number;
  /** Rows put back for a later look (the directory did not answer). */
  retrying: number;
}

/** `jobId`: only that job's listings (a look at one job, e.g. by staff or a test sharing the database). */
export async function scheduleSurvivalChecks(client: pg.Client, now: Date, jobId: string | null = null): Promise<number> {
  const res = await client.query(
    `insert into listing_checks (submission_id, job_id, customer_id, milestone_days, went_live_at, due_at)
     select s.id, s.job_id, s.customer_id, m.days, s.approved_at, s.approved_at + make_interval(days => m.days)
       from directory_submissions s
       cross join lateral (
         select max(d) as days from unnest($1::int[]) d where s.approved_at + make_interval(days => d) <= $2
       ) m
      where s.status = 'approved' and s.approved_at is not null and s.listing_url is not null and m.days is not null
        and ($3::uuid is null or s.job_id = $3)
     on conflict (submission_id, went_live_at, milestone_days) do nothing`,
    [SURVIVAL_MILESTONES, now, jobId],
  );
  return res.rowCount ?? 0;
}

interface ClaimedCheck {
  id: string;
  job_id: string;
  customer_id: string;
  milestone_days: number;
  attempts: number;
  lease_until: Date;
  listing_url: string;
  directory_name: string;
  recipient: string | null;
  business_name: string | null;
  street: string | null;
  city: string | null;
  postal_code: string | null;
  phone: string | null;
  service_area: boolean | null;
}

async function claim(client: pg.Client, now: Date, limit: number, jobId: string | null): Promise<ClaimedCheck[]> {
  const res = await client.query<ClaimedCheck>(
    `with due as (
       select id from listing_checks
        where due_at <= $1 and (state = 'due' or (state = 'running' and lease_until < $1)) and ($4::uuid is null or job_id = $4)
        order by due_at limit $2 for update skip locked
     ), claimed as (
       update listing_checks c set state = 'running', lease_until = $3
         from due where c.id = due.id
       returning c.id, c.job_id, c.customer_id, c.submission_id, c.milestone_days, c.attempts, c.lease_until
     )
     select c.id, c.job_id, c.customer_id, c.milestone_days, c.attempts, c.lease_until, s.listing_url, d.name as directory_name,
            cu.email as recipient, p.business_name, p.street, p.city, p.postal_code, p.phone, p.service_area
       from claimed c
       join directory_submissions s on s.id = c.submission_id
       join directories d on d.id = s.directory_id
       join customers cu on cu.id = c.customer_id
       left join business_profiles p on p.customer_id = c.customer_id`,
    [now, limit, new Date(now.getTime() + LEASE_MS), jobId],
  );
  return res.rows;
}

type Look = { kind: "verdict"; verdict: Exclude<Verdict, "unreachable">; detail: string; shown: ShownDetails | null; differences: CheckedField[] } | { kind: "no_answer"; detail: string };

const samePage = (a: string, b: string) => {
  const [x, y] = [new URL(a), new URL(b)];
  return x.host === y.host && x.pathname.replace(/\/$/, "") === y.pathname.replace(/\/$/, "");
};

/** One look at a listing page. */
export async function lookAtListing(fetcher: typeof fetch, row: Pick<ClaimedCheck, "listing_url" | "business_name" | "street" | "city" | "postal_code" | "phone" | "service_area">): Promise<Look> {
  try {
    const page = await boundedGet(fetcher, row.listing_url);
    if (page.status === 404 || page.status === 410) return { kind: "verdict", verdict: "gone", detail: `the listing page answered ${page.status}`, shown: null, differences: [] };
    if (page.status >= 300 && page.status < 400) return { kind: "verdict", verdict: "gone", detail: `the listing page redirects away (${page.status})`, shown: null, differences: [] };
    if (page.status < 200 || page.status >= 300) return { kind: "no_answer", detail: `the listing page answered ${page.status}` };
    // A directory that drops a listing often sends its URL to the home page or a search.
    if (!samePage(page.url, row.listing_url)) return { kind: "verdict", verdict: "gone", detail: `the listing URL now leads to ${page.url}`, shown: null, differences: [] };
    const { shown, differences } = compareListing(page.body, {
      businessName: row.business_name ?? "",
      street: row.street,
      city: row.city,
      postalCode: row.postal_code,
      phone: row.phone,
      serviceArea: row.service_area ?? false,
    });
    return differences.length
      ? { kind: "verdict", verdict: "changed", detail: `the directory shows a different ${differences.join(", ")}`, shown, differences }
      : { kind: "verdict", verdict: "live", detail: "live, as in the profile", shown, differences };
  } catch (err) {
    return { kind: "no_answer", detail: `directory unreachable: ${String(err).slice(0, 200)}` };
  }
}

async function record(client: pg.Client, row: ClaimedCheck, look: Look, now: Date): Promise<"flagged" | "recorded" | "retrying" | "lost"> {
  await client.query("begin");
  try {
    let outcome: "flagged" | "recorded" | "retrying" | "lost";
    if (look.kind === "no_answer" && row.attempts + 1 < MAX_ATTEMPTS) {
      const res = await client.query(
        "update listing_checks set state = 'due', lease_until = null, attempts = attempts + 1, due_at = $3, detail = $4 where id = $1 and state = 'running' and lease_until = $2",
        [row.id, row.lease_until, new Date(now.getTime() + RETRY_AFTER_MS), look.detail],
      );
      outcome = res.rowCount ? "retrying" : "lost";
    } else {
      const verdict: Verdict = look.kind === "verdict" ? look.verdict : "unreachable";
      const res = await client.query(
        `update listing_checks set state = 'done', lease_until = null, attempts = attempts + 1, verdict = $3, detail = $4, listing_url = $5,
                shown = $6, differences = $7, checked_at = $8
          where id = $1 and state = 'running' and lease_until = $2`,
        [row.id, row.lease_until, verdict, look.detail, row.listing_url, look.kind === "verdict" ? look.shown : null, look.kind === "verdict" ? look.differences : [], now],
      );
      outcome = !res.rowCount ? "lost" : verdict === "gone" || verdict === "changed" ? "flagged" : "recorded";
      if (outcome === "flagged" && row.recipient && look.kind === "verdict") {
        await client.query(
          `insert into notifications (job_id, customer_id, kind, recipient, dedupe_key, data)
           values ($1, $2, 'listing_flagged', $3, $4, $5)
           on conflict (dedupe_key) do nothing`,
          [
            row.job_id,
            row.customer_id,
            row.recipient,
            `listing_check:${row.id}`,
            { checkId: row.id, directoryName: row.directory_name, verdict, differences: look.differences, milestoneDays: row.milestone_days, listingUrl: row.listing_url },
          ],
        );
      }
    }
    await client.query("commit");
    return outcome;
  } catch (err) {
    await client.query("rollback").catch(() => {});
    throw err;
  }
}

/** Steps 1 and 2; safe to run any number of times, at once or one after another. */
export async function runSurvivalChecks(client: pg.Client, options: { fetch?: typeof fetch; now?: Date; limit?: number; jobId?: string } = {}): Promise<SurvivalResult> {
  const now = options.now ?? new Date();
  const fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  const scheduled = await scheduleSurvivalChecks(client, now, options.jobId ?? null);
  const result: SurvivalResult = { scheduled, checked: 0, flagged: 0, retrying: 0 };
  for (const row of await claim(client, now, options.limit ?? CHECKS_PER_RUN, options.jobId ?? null)) {
    const look = await lookAtListing(fetcher, row);
    const outcome = await record(client, row, look, now);
    if (outcome === "lost") continue;
    if (outcome === "retrying") result.retrying++;
    else result.checked++;
    if (outcome === "flagged") result.flagged++;
    log(outcome === "flagged" ? "warn" : "info", "survival check", { checkId: row.id, jobId: row.job_id, milestoneDays: row.milestone_days, outcome, detail: look.detail });
  }
  return result;
}
