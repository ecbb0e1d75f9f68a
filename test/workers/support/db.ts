import { env } from "cloudflare:workers";
import type { Connection } from "../../../src/db/client";
import { connectFromWorker } from "../../../src/db/worker-database";

/** One connection from the Worker (as a request would open it) for `run`, closed afterwards. */
export async function withDb<T>(run: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await connectFromWorker(env);
  try {
    return await run(conn);
  } finally {
    await conn.close();
  }
}
