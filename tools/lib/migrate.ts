/**
 * Applies the migrations in migrations/ (drizzle's journal) to a Postgres
 * database. Before that, on anything that is not Supabase, it applies the
 * local bootstrap that gives plain Postgres and PGlite Supabase's roles and
 * auth functions. Used by `npm run db:migrate`, `npm run dev` and the tests.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

const migrationsFolder = fileURLToPath(new URL("../../migrations", import.meta.url));
const bootstrapFile = fileURLToPath(new URL("../../migrations/bootstrap/local-supabase.sql", import.meta.url));

/** Supabase databases have the supabase_admin role; plain Postgres does not. */
async function isSupabase(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ found: boolean }>("select exists (select 1 from pg_roles where rolname = 'supabase_admin') as found");
  return rows[0]?.found === true;
}

export async function migrateDatabase(connectionString: string): Promise<{ bootstrapped: boolean }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const supabase = await isSupabase(client);
    if (!supabase) await client.query(await readFile(bootstrapFile, "utf8"));
    await migrate(drizzle(client), { migrationsFolder });
    return { bootstrapped: !supabase };
  } finally {
    await client.end();
  }
}
