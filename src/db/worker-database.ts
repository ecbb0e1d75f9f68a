/**
 * The Worker's way to the database: Hyperdrive's connection string and
 * Cloudflare's socket. pg would pick that socket itself through a CommonJS
 * require of pg-cloudflare, but resolvers that miss its "workerd" export
 * condition (vitest's module fallback) load an empty stub, so the Worker
 * names the socket explicitly.
 */
import { CloudflareSocket } from "pg-cloudflare";
import { connect, type Connection } from "./client";

export function connectFromWorker(env: { HYPERDRIVE: Hyperdrive }, options: { timeoutMs?: number } = {}): Promise<Connection> {
  return connect(env.HYPERDRIVE.connectionString, {
    ...options,
    stream: (config) => new CloudflareSocket(Boolean((config as { ssl?: unknown }).ssl)),
  });
}
