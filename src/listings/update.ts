/**
 * "Update my listings" (issue 19 item 2), the Postgres side: the job's one
 * included update (`listing_updates`, one row per job), what the job's
 * coordinator needs to run it (the saved profile, the vault's sealed logins),
 * and the allowance given back when the coordinator had nothing to do.
 *
 * A replay is known by the profile it pushes: the same request again (a
 * double click, a retried POST) carries the same profile and gets the same
 * update; a request after the profile changed again is a second update,
 * refused with `update_allowance_used`.
 */
import type pg from "pg";
import type { ListingProfile } from "../../core/listing/profile";
import { loadProfile, profileFromRow } from "../profile/store";
import type { Database } from "../db/client";
import type { LoginForUpdate } from "../../core/protocol/site";

/** An update is included within this time of the order. */
export const UPDATE_WINDOW_MONTHS = 12;

export type UpdateClaim =
  | { ok: true; updateId: string; repeated: boolean; business: ListingProfile }
  | { ok: false; code: "not_owner" | "no_profile" | "update_window_closed" | "update_allowance_used" };

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Takes the job's update for `userId` (the job's own customer only), or says why not. */
export async function claimUpdate(client: pg.Client, db: Database, jobId: string, userId: string, now = new Date()): Promise<UpdateClaim> {
  const { rows } = await client.query<{ customer_id: string; ordered_at: Date }>(
    `select j.customer_id, o.created_at as ordered_at from jobs j join orders o on o.id = j.order_id join customers c on c.id = j.customer_id
     where j.id = $1 and c.user_id = $2`,
    [jobId, userId],
  );
  const job = rows[0];
  if (!job) return { ok: false, code: "not_owner" };
  const row = await loadProfile(db, job.customer_id);
  if (!row) return { ok: false, code: "no_profile" };
  const business: ListingProfile = profileFromRow(row);
  const closes = new Date(job.ordered_at);
  closes.setUTCMonth(closes.getUTCMonth() + UPDATE_WINDOW_MONTHS);
  if (now > closes) return { ok: false, code: "update_window_closed" };
  const hash = await sha256(JSON.stringify(business));
  // One row per job: of two requests at once, one inserts; the other reads it.
  const inserted = await client.query<{ update_id: string }>(
    "insert into listing_updates (job_id, customer_id, profile_hash) values ($1, $2, $3) on conflict (job_id) do nothing returning update_id",
    [jobId, job.customer_id, hash],
  );
  if (inserted.rows[0]) return { ok: true, updateId: inserted.rows[0].update_id, repeated: false, business };
  const { rows: held } = await client.query<{ update_id: string; profile_hash: string }>("select update_id, profile_hash from listing_updates where job_id = $1", [jobId]);
  if (held[0] && held[0].profile_hash === hash) return { ok: true, updateId: held[0].update_id, repeated: true, business };
  return { ok: false, code: "update_allowance_used" };
}

/** Gives the allowance back: the coordinator started nothing under this id. */
export async function releaseUpdate(client: pg.Client, jobId: string, updateId: string): Promise<void> {
  await client.query("delete from listing_updates where job_id = $1 and update_id = $2", [jobId, updateId]);
}

/** The job's vault logins, their passwords still sealed (only the browser worker opens them). */
export async function loginsForUpdate(client: pg.Client, jobId: string): Promise<LoginForUpdate[]> {
  const { rows } = await client.query<{ submission_id: string; login_url: string; login: string | null; key_id: string; iv: string; ciphertext: string }>(
    "select submission_id, login_url, coalesce(username, email) as login, key_id, iv, ciphertext from vault_logins where job_id = $1",
    [jobId],
  );
  return rows.filter((r) => r.login).map((r) => ({ submissionId: r.submission_id, loginUrl: r.login_url, login: r.login!, password: { keyId: r.key_id, iv: r.iv, ciphertext: r.ciphertext } }));
}
