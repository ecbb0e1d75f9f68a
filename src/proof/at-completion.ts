/**
 * Proof packs at completion, a step of the cron (src/scheduled.ts) like the
 * completion e-mail: every job that completed (or failed) in the last week
 * and has no pack for that completion gets one. The mark is a job event
 * `proof_pack_ready` whose dedupe key names the job and its `completed_at`,
 * written after the pack is stored: a run that fails leaves no mark and the
 * next run (5 minutes on) makes it again; a run after the mark finds
 * nothing; a job reopened by staff and completed again has a new
 * `completed_at`, so a new pack. The coordinator is not involved, so its
 * completion is never held up by R2 or by the size of a pack.
 */
import type pg from "pg";
import { log } from "../../core/log";
import { buildProofPack } from "./build";
import { publicProofKey } from "./signing-key";

/** Packs one cron run makes at most: each reads every screenshot of a job, so a backlog drains over a few runs. */
export const PACKS_PER_RUN = 3;

export interface CompletionPacksResult {
  made: string[];
  failed: string[];
}

export async function makeCompletionProofPacks(env: Env, client: pg.Client, limit = PACKS_PER_RUN): Promise<CompletionPacksResult | "not_configured"> {
  if (!(await publicProofKey(env))) return "not_configured";
  // Newest first: a job whose pack keeps failing never holds up the ones after it.
  const due = await client.query<{ id: string; customer_id: string; mark: string }>(
    `select j.id, j.customer_id, m.mark from jobs j
       cross join lateral (select 'proof-pack:' || j.id || ':' || to_char(j.completed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as mark) m
      where j.status in ('completed', 'failed') and j.completed_at > now() - interval '7 days'
        and not exists (select 1 from job_events e where e.dedupe_key = m.mark)
      order by j.completed_at desc limit $1`,
    [limit],
  );
  const result: CompletionPacksResult = { made: [], failed: [] };
  for (const row of due.rows) {
    try {
      const info = await buildProofPack(env, row.id);
      if (!info) continue;
      await client.query(
        `insert into job_events (job_id, customer_id, kind, message, data, dedupe_key)
         values ($1, $2, 'proof_pack_ready', 'Proof pack ready', $3, $4) on conflict (dedupe_key) do nothing`,
        [row.id, row.customer_id, JSON.stringify({ generatedAt: info.generatedAt, keyId: info.keyId, size: info.size }), row.mark],
      );
      result.made.push(row.id);
    } catch (err) {
      log("warn", "proof pack at completion failed", { jobId: row.id, error: err });
      result.failed.push(row.id);
    }
  }
  return result;
}
