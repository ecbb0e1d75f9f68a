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
  keepExchangesWhole(db);
  const port = options.port ?? 0;
  // Several clients at once: wrangler's Worker, the migration runner, psql.
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 64 });
  releaseExchangeOnDisconnect(server);
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

/*
 * pglite-socket serialises its clients message by message, and keeps one
 * client's turn only while a transaction is open. An extended-protocol
 * exchange (Parse, Bind, Describe, Execute ... Sync) outside a transaction
 * could therefore be interleaved with another client's, and answers went to
 * the wrong client (seen with concurrent pg clients from workerd). We make an
 * unfinished exchange count as "in a transaction", so the queue keeps to the
 * same client until its Sync.
 */
let midExchange = false;
const EXCHANGE_MESSAGES = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]); // P B D E C H

function keepExchangesWhole(db: PGlite): void {
  const exec = db.execProtocolRawStream.bind(db);
  const inTransaction = db.isInTransaction.bind(db);
  db.execProtocolRawStream = (async (message: Uint8Array, opts?: unknown) => {
    try {
      return await exec(message, opts as never);
    } finally {
      midExchange = EXCHANGE_MESSAGES.has(message[0] ?? 0);
    }
  }) as typeof db.execProtocolRawStream;
  db.isInTransaction = () => midExchange || inTransaction();
}

/** A client that leaves mid-exchange must not keep the turn forever. */
function releaseExchangeOnDisconnect(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: { lastHandlerId: number | null; clearTransactionIfNeeded(id: number): Promise<void> } }).queryQueue;
  const clear = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async (id: number) => {
    if (queue.lastHandlerId === id) midExchange = false;
    return clear(id);
  };
}
