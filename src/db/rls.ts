/**
 * Runs queries as a Supabase client role with the request's JWT claims, so
 * row-level security decides what they see (the pattern of
 * drizzle-supabase-rls). Verify the JWT before calling this: the claims are
 * trusted as given. The claims are bound as a parameter, never spliced in.
 */
import { sql } from "drizzle-orm";
import type { Database } from "./client";

export type ClientRole = "anon" | "authenticated" | "service_role";
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** The JWT claims RLS reads: `sub` is auth.uid(); staff carry app_metadata.role. */
export interface JwtClaims {
  sub?: string;
  role?: string;
  email?: string;
  app_metadata?: { role?: string; [key: string]: unknown };
  [key: string]: unknown;
}

// `set local role` cannot take a bind parameter: the role comes from this
// fixed list only.
const ROLE_SQL: Record<ClientRole, ReturnType<typeof sql.raw>> = {
  anon: sql.raw("anon"),
  authenticated: sql.raw("authenticated"),
  service_role: sql.raw("service_role"),
};

export async function asClient<T>(db: Database, role: ClientRole, claims: JwtClaims | null, run: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('request.jwt.claims', ${JSON.stringify(claims ?? { role })}, true)`);
    await tx.execute(sql`set local role ${ROLE_SQL[role]}`);
    return run(tx);
  });
}
