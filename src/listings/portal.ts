/**
 * The customer's view of the survival checks (issue 19, item 3) and their
 * "submit again": per listing, live since, last checked, the latest check's
 * verdict and what the directory shows against the profile.
 */
import type pg from "pg";
import type { ListingCare, ListingCareView, ListingShown } from "../../core/protocol/site";
import { keyBelongsTo } from "../../core/evidence-keys";
import { SURVIVAL_MILESTONES } from "../db/schema";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const DAY_MS = 86_400_000;

export async function listingCare(client: pg.Client, jobId: string): Promise<ListingCareView> {
  const profile = await client.query<{ business_name: string | null; street: string | null; city: string | null; postal_code: string | null; phone: string | null }>(
    "select p.business_name, p.street, p.city, p.postal_code, p.phone from jobs j left join business_profiles p on p.customer_id = j.customer_id where j.id = $1",
    [jobId],
  );
  const p = profile.rows[0];
  const rows = await client.query<{
    id: string;
    directory_name: string;
    status: string;
    listing_url: string | null;
    approved_at: Date | null;
    check_id: string | null;
    milestone_days: number | null;
    verdict: string | null;
    detail: string | null;
    differences: string[] | null;
    shown: ListingShown | null;
    checked_at: Date | null;
    resubmitted_at: Date | null;
    went_live_at: Date | null;
    evidence_key: string | null;
    screenshot_note: string | null;
  }>(
    `select s.id, d.name as directory_name, s.status, s.listing_url, s.approved_at,
            c.id as check_id, c.milestone_days, c.verdict, c.detail, c.differences, c.shown, c.checked_at, c.resubmitted_at, c.went_live_at,
            c.evidence_key, c.screenshot_note
       from directory_submissions s
       join directories d on d.id = s.directory_id
       left join lateral (
         select * from listing_checks c where c.submission_id = s.id and c.state = 'done'
          order by c.went_live_at desc, c.milestone_days desc limit 1
       ) c on true
      where s.job_id = $1 and (s.status = 'approved' or c.id is not null)
      order by d.name`,
    [jobId],
  );
  const listings = rows.rows.map((r): ListingCare => {
    const live = r.status === "approved" && r.approved_at !== null;
    // The latest check counts for this go-live only: a listing live again starts its milestones over.
    const current = r.check_id && (!live || r.went_live_at?.getTime() === r.approved_at?.getTime());
    const doneDays = current ? (r.milestone_days ?? 0) : 0;
    const next = live ? SURVIVAL_MILESTONES.find((m) => m > doneDays) : undefined;
    const flagged = r.verdict === "gone" || r.verdict === "changed";
    return {
      submissionId: r.id,
      directoryName: r.directory_name,
      status: r.status,
      listingUrl: r.listing_url,
      liveSince: iso(r.approved_at ?? r.went_live_at),
      lastCheckedAt: iso(r.checked_at),
      nextCheckAt: next && r.approved_at ? new Date(r.approved_at.getTime() + next * DAY_MS).toISOString() : null,
      check: r.check_id
        ? {
            id: r.check_id,
            milestoneDays: r.milestone_days ?? 0,
            verdict: r.verdict,
            detail: r.detail,
            differences: r.differences ?? [],
            shown: r.shown ?? null,
            resubmittedAt: iso(r.resubmitted_at),
            canResubmit: flagged && r.resubmitted_at === null && r.status === "approved",
            screenshot: r.evidence_key !== null,
            screenshotNote: r.screenshot_note,
          }
        : null,
    };
  });
  const checked = listings.filter((l) => l.check);
  return {
    profile: { name: p?.business_name ?? null, address: [p?.street, [p?.postal_code, p?.city].filter(Boolean).join(" ")].filter(Boolean).join(", ") || null, phone: p?.phone ?? null },
    listings,
    summary: {
      live: listings.filter((l) => l.status === "approved" && !(l.check?.verdict === "gone" && l.check.resubmittedAt === null)).length,
      checked: checked.length,
      flagged: checked.filter((l) => l.check!.verdict === "gone" || l.check!.verdict === "changed").length,
    },
  };
}

/** A listing's latest survival check as the job's report carries it (GET /api/jobs/:id, the proof pack). */
export interface ReportedCheck {
  submissionId: string;
  checkId: string;
  checkedAt: string | null;
  milestoneDays: number;
  verdict: string | null;
  differences: string[];
  detail: string | null;
}

/** The report's part of the listing care view: the live/checked/flagged figures and each checked listing's latest check. */
export function reportedChecks(view: ListingCareView): { summary: ListingCareView["summary"]; lastChecks: ReportedCheck[] } {
  return {
    summary: view.summary,
    lastChecks: view.listings.flatMap((l) =>
      l.check
        ? [
            {
              submissionId: l.submissionId,
              checkId: l.check.id,
              checkedAt: l.lastCheckedAt,
              milestoneDays: l.check.milestoneDays,
              verdict: l.check.verdict,
              differences: l.check.differences,
              detail: l.check.detail,
            },
          ]
        : [],
    ),
  };
}

export type ResubmitClaim = { ok: true; submissionId: string } | { ok: false; code: "no_such_check" | "not_flagged" } | { ok: false; code: "already_resubmitted"; submissionId: string };

/** Takes the check's one "submit again" (a double click or replay gets `already_resubmitted`, and changes nothing). */
export async function claimResubmit(client: pg.Client, jobId: string, checkId: string): Promise<ResubmitClaim> {
  const res = await client.query<{ submission_id: string }>(
    "update listing_checks set resubmitted_at = now() where id = $1 and job_id = $2 and verdict in ('gone', 'changed') and resubmitted_at is null returning submission_id",
    [checkId, jobId],
  );
  if (res.rows[0]) return { ok: true, submissionId: res.rows[0].submission_id };
  const row = await client.query<{ submission_id: string; resubmitted_at: Date | null }>("select submission_id, resubmitted_at from listing_checks where id = $1 and job_id = $2", [checkId, jobId]);
  const r = row.rows[0];
  if (!r) return { ok: false, code: "no_such_check" };
  return r.resubmitted_at ? { ok: false, code: "already_resubmitted", submissionId: r.submission_id } : { ok: false, code: "not_flagged" };
}

/** A check's screenshot key, only when it lies under the job and the check's submission (core/evidence-keys.ts). */
export async function checkScreenshotKey(client: pg.Client, jobId: string, checkId: string): Promise<string | null> {
  const res = await client.query<{ evidence_key: string | null; submission_id: string }>("select evidence_key, submission_id from listing_checks where id = $1 and job_id = $2", [checkId, jobId]);
  const row = res.rows[0];
  return row?.evidence_key && keyBelongsTo(row.evidence_key, jobId, row.submission_id) ? row.evidence_key : null;
}

/** The coordinator refused: the click is given back. */
export async function releaseResubmit(client: pg.Client, checkId: string): Promise<void> {
  await client.query("update listing_checks set resubmitted_at = null where id = $1", [checkId]);
}
