/**
 * External browser workers' bearer tokens: one per worker, named (the
 * `workers` row's id), scoped (WORKER_TOKEN_SCOPES), revocable, stored only
 * as a SHA-256. The token itself is shown once, when issued; issuing again
 * for the same name replaces it (the old one stops working). Issued and
 * revoked by the operator command `npm run worker-token` (tools/worker-token.ts).
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { WorkerTokenScope } from "../../core/statuses";
import type { Database } from "../db/client";
import { workers } from "../db/schema";

/** Every token starts so: anything else is refused without a database round trip. */
export const WORKER_TOKEN_PREFIX = "dbw_";

export async function hashWorkerToken(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return (
    WORKER_TOKEN_PREFIX +
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "")
  );
}

/** A new token for `name` (created, or replacing its previous token); the only time the token is seen. */
export async function issueWorkerToken(db: Database, input: { name: string; scopes: WorkerTokenScope[] }): Promise<string> {
  const token = newSecret();
  const tokenHash = await hashWorkerToken(token);
  await db
    .insert(workers)
    .values({ id: input.name, kind: "external", tokenHash, scopes: input.scopes })
    .onConflictDoUpdate({ target: workers.id, set: { kind: "external", tokenHash, scopes: input.scopes, revokedAt: null } });
  return token;
}

/** Revokes `name`'s token; false when there is no live one. */
export async function revokeWorkerToken(db: Database, name: string): Promise<boolean> {
  const rows = await db
    .update(workers)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(workers.id, name), isNull(workers.revokedAt), sql`${workers.tokenHash} is not null`))
    .returning({ id: workers.id });
  return rows.length > 0;
}

export async function listWorkerTokens(db: Database): Promise<{ name: string; scopes: string[]; createdAt: Date; revokedAt: Date | null }[]> {
  return db
    .select({ name: workers.id, scopes: workers.scopes, createdAt: workers.createdAt, revokedAt: workers.revokedAt })
    .from(workers)
    .where(sql`${workers.tokenHash} is not null`)
    .orderBy(workers.id);
}

/** The live token's worker and scopes, or null (unknown or revoked). */
export async function findWorkerToken(db: Database, token: string): Promise<{ name: string; scopes: string[] } | null> {
  if (!token.startsWith(WORKER_TOKEN_PREFIX)) return null;
  const [row] = await db
    .select({ name: workers.id, scopes: workers.scopes })
    .from(workers)
    .where(and(eq(workers.tokenHash, await hashWorkerToken(token)), isNull(workers.revokedAt)));
  return row ?? null;
}
