/**
 * The customer's login vault (docs/decisions.md, "The login vault"): the
 * logins of a job, and a password shown only together with a record of who
 * asked (the customer or staff) and why (a reveal, an export). The record
 * is written first, in the same transaction; no record, no password. The
 * clear password exists only in the response: never in a log line, an
 * error, or a row.
 */
import { sql } from "drizzle-orm";
import type { AuthUser } from "../auth/user-token";
import type { Database } from "../db/client";
import { ApiError } from "../http/errors";
import { log } from "../../core/log";
import type { VaultLogin } from "../../core/protocol/site";
import { loginAad, unseal, vaultKeyring, type VaultKeyring } from "../../core/vault";

export type VaultPurpose = "reveal" | "export";

export type { VaultLogin };

type LoginRow = {
  id: string;
  submission_id: string;
  directory_id: string;
  directory_name: string;
  login_url: string;
  username: string | null;
  email: string | null;
  created_at: Date | string;
  reveals: number | string;
  last_revealed_at: Date | string | null;
  key_id: string;
  iv: string;
  ciphertext: string;
};

const iso = (v: Date | string) => new Date(v).toISOString();

async function rows(db: Database, jobId: string, loginId?: string): Promise<LoginRow[]> {
  const res = await db.execute<LoginRow>(sql`
    select l.id, l.submission_id, l.directory_id, d.name as directory_name, l.login_url, l.username, l.email, l.created_at,
           l.key_id, l.iv, l.ciphertext,
           (select count(*) from vault_accesses a where a.login_id = l.id) as reveals,
           (select max(a.created_at) from vault_accesses a where a.login_id = l.id) as last_revealed_at
    from vault_logins l join directories d on d.id = l.directory_id
    where l.job_id = ${jobId} ${loginId ? sql`and l.id = ${loginId}` : sql``}
    order by d.name, l.created_at`);
  return res.rows;
}

function view(r: LoginRow): VaultLogin {
  return {
    id: r.id,
    submissionId: r.submission_id,
    directoryId: r.directory_id,
    directoryName: r.directory_name,
    loginUrl: r.login_url,
    username: r.username,
    email: r.email,
    createdAt: iso(r.created_at),
    reveals: Number(r.reveals),
    lastRevealedAt: r.last_revealed_at ? iso(r.last_revealed_at) : null,
  };
}

/** The job's logins, without passwords. */
export async function listLogins(db: Database, jobId: string): Promise<VaultLogin[]> {
  return (await rows(db, jobId)).map(view);
}

async function keyring(env: Pick<Env, "VAULT_KEYS">): Promise<VaultKeyring> {
  try {
    return await vaultKeyring(env.VAULT_KEYS);
  } catch (err) {
    log("error", "vault keys unusable", { error: String((err as Error)?.message ?? err) });
    throw new ApiError(503, "vault_unavailable", "The login vault is not configured; try again later");
  }
}

/**
 * The passwords of these logins of the job (all of them when `loginId` is
 * absent), each access recorded first in the same transaction.
 */
export async function revealLogins(
  env: Pick<Env, "VAULT_KEYS">,
  db: Database,
  user: Pick<AuthUser, "userId" | "staff">,
  jobId: string,
  purpose: VaultPurpose,
  loginId?: string,
): Promise<(VaultLogin & { password: string; revealedAt: string })[]> {
  const ring = await keyring(env);
  return db.transaction(async (tx) => {
    const found = await rows(tx as unknown as Database, jobId, loginId);
    if (loginId && found.length === 0) throw new ApiError(404, "not_found", "No such login in this job");
    if (found.length === 0) return [];
    const opened: { row: LoginRow; password: string }[] = [];
    for (const row of found) {
      try {
        opened.push({ row, password: await unseal(ring, { keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext }, loginAad(jobId, row.submission_id)) });
      } catch (err) {
        // The key's id and the login's id only: never the data.
        log("error", "vault login does not open", { jobId, loginId: row.id, keyId: row.key_id, error: String((err as Error)?.message ?? err) });
        throw new ApiError(503, "vault_unavailable", "This login cannot be opened with the vault's current keys; the error is logged for staff");
      }
    }
    const recorded = await tx.execute<{ login_id: string; created_at: Date | string }>(sql`
      insert into vault_accesses (login_id, job_id, customer_id, actor_user_id, actor_role, purpose)
      select l.id, l.job_id, l.customer_id, ${user.userId}::uuid, ${user.staff ? "staff" : "customer"}, ${purpose}
      from vault_logins l where l.id = any(${`{${opened.map((o) => o.row.id).join(",")}}`}::uuid[]) and l.job_id = ${jobId}
      returning login_id, created_at`);
    const at = new Map(recorded.rows.map((r) => [r.login_id, iso(r.created_at)]));
    // No record, no password: a login erased meanwhile is not shown.
    if (opened.some(({ row }) => !at.has(row.id))) throw new ApiError(404, "not_found", "No such login in this job");
    return opened.map(({ row, password }) => {
      const base = view(row);
      return { ...base, reveals: base.reveals + 1, lastRevealedAt: at.get(row.id)!, password, revealedAt: at.get(row.id)! };
    });
  });
}
