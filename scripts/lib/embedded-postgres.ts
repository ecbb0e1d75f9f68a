/**
 * The embedded development database: PGlite (Postgres compiled to WASM)
 * behind its socket server, so the Worker's `pg` driver, drizzle-kit and psql
 * reach it like any Postgres. Data lives in `dataDir` (or in memory).
 */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: { port?: number; dataDir?: string } = {}): Promise<EmbeddedPostgres> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = options.dataDir ? await PGlite.create(options.dataDir) : await PGlite.create();
  const port = options.port ?? 0;
  // Several clients at once: wrangler's Worker, the migration runner, psql.
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 64 });
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:PORT"
  const actualPort = Number(conn.split(":").pop());
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${actualPort}/postgres`,
    port: actualPort,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
