/** Shared helpers for the Node-side database tests. */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { inject } from "vitest";
import { connect, type Connection } from "../../src/db/client";
import type { Transaction } from "../../src/db/rls";

export function databaseUrl(): string {
  return inject("databaseUrl");
}

export function openDatabase(): Promise<Connection> {
  return connect(databaseUrl());
}

/** A short unique tag so tests sharing one database never collide. */
export function uniq(prefix = "t"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const ROLLBACK = new Error("rollback");

/**
 * Runs `run` against a catalog of only the directories it inserts (every
 * other one switched off), in a transaction that is always rolled back, so
 * selection tests see their own catalog and leave the shared database as it was.
 */
export async function withOwnCatalog(conn: Connection, run: (tx: Transaction) => Promise<void>): Promise<void> {
  await conn.db
    .transaction(
      async (tx) => {
        await tx.execute(sql`update directories set is_active = false where is_active`);
        await run(tx);
        throw ROLLBACK;
      },
      { isolationLevel: "repeatable read" },
    )
    .catch((err) => {
      if (err !== ROLLBACK) throw err;
    });
}
