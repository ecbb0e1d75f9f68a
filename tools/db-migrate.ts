/** `npm run db:migrate`: apply migrations/ to DATABASE_URL. */
import { migrateDatabase } from "./lib/migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("db:migrate needs DATABASE_URL (Supabase: the direct connection string).");
  process.exit(2);
}
const { bootstrapped } = await migrateDatabase(url);
console.log(`migrations applied${bootstrapped ? " (with the local Supabase bootstrap)" : ""}`);
