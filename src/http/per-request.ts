/** What a route handler borrows for one request: a database connection, and work that may finish after the response. */
import type { Context } from "hono";
import type { Connection } from "../db/client";
import { connectFromWorker } from "../db/worker-database";
import { log } from "../../core/log";

/** One connection for one request, closed whatever happens (never module scope). */
export async function withDatabase<T>(env: Env, run: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = await connectFromWorker(env);
  try {
    return await run(conn);
  } finally {
    await conn.close();
  }
}

/**
 * Work that may finish after the response (ctx.waitUntil); when there is no
 * execution context (a direct app.fetch in tests), it still runs, unawaited.
 */
export function runAfterResponse(c: Context, promise: Promise<unknown>, what: string): void {
  const guarded = promise.catch((err) => log("error", `${what} failed`, { error: err }));
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    // No ExecutionContext: the promise runs on its own.
  }
}
