/**
 * The embedded database under concurrent clients: every client gets its own
 * answers, outside and inside transactions (pglite-socket alone mixed them
 * up for extended-protocol queries; see tools/lib/embedded-postgres.ts).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../tools/lib/embedded-postgres";

let embedded: EmbeddedPostgres;
beforeAll(async () => {
  embedded = await startEmbeddedPostgres();
});
afterAll(async () => {
  await embedded?.stop();
});

describe("embedded Postgres (PGlite over its socket server)", () => {
  it("answers 20 concurrent clients' parameterised queries correctly", async () => {
    const clients = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const c = new pg.Client({ connectionString: embedded.url });
        await c.connect();
        return c;
      }),
    );
    try {
      const rounds = await Promise.all(
        clients.map(async (c, i) => {
          const answers: number[] = [];
          for (let k = 0; k < 10; k++) {
            // A statement of its own per client: answers bound to another
            // client's statement would come out different.
            const { rows } = await c.query<{ n: number }>(`select $1::int * ${1000 + i} + $2::int as n`, [i, k]);
            answers.push(rows[0]!.n);
          }
          // And inside a transaction, interleaved with the others.
          await c.query("begin");
          const { rows } = await c.query<{ n: number }>("select $1::int as n", [i]);
          await c.query("commit");
          return { i, answers, tx: rows[0]!.n };
        }),
      );
      for (const r of rounds) {
        expect(r.answers).toEqual(Array.from({ length: 10 }, (_, k) => r.i * (1000 + r.i) + k));
        expect(r.tx).toBe(r.i);
      }
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it("keeps serving others when a client disconnects mid-exchange", async () => {
    const quitter = new pg.Client({ connectionString: embedded.url });
    quitter.on("error", () => {}); // it is about to be cut off on purpose
    await quitter.connect();
    const pending = quitter.query("select pg_sleep(0.2), $1::int as n", [1]).catch(() => null);
    (quitter as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await pending;
    const other = new pg.Client({ connectionString: embedded.url, query_timeout: 5_000 });
    await other.connect();
    try {
      expect((await other.query<{ n: number }>("select $1::int as n", [7])).rows[0]!.n).toBe(7);
    } finally {
      await other.end();
    }
  });
});
