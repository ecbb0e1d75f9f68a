/**
 * A database connection for one request (Workers: never at module scope;
 * Hyperdrive pools for us) or one script run (Node).
 */
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema";

export type Database = NodePgDatabase<typeof schema>;

export interface Connection {
  db: Database;
  client: pg.Client;
  close(): Promise<void>;
}

export interface ConnectOptions {
  timeoutMs?: number;
  /** Socket factory; the Worker passes Cloudflare's (see worker-database.ts). */
  stream?: (config: unknown) => unknown;
}

export async function connect(connectionString: string, options: ConnectOptions = {}): Promise<Connection> {
  const client = new pg.Client({
    connectionString,
    ...(options.stream ? { stream: options.stream as never } : {}),
    connectionTimeoutMillis: options.timeoutMs ?? 5_000,
    // The Worker may be serving a request that Stripe times out at 10-20 s:
    // a stuck query must fail rather than hang.
    query_timeout: 15_000,
  });
  // A dropped socket after close() must not become an unhandled error.
  client.on("error", () => {});
  await client.connect();
  let closed = false;
  return {
    db: drizzle(client, { schema }),
    client,
    async close() {
      if (closed) return;
      closed = true;
      await client.end().catch(() => {});
    },
  };
}
