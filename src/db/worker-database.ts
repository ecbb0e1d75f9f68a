/**
 * The Worker's way to the database: Hyperdrive's connection string and
 * Cloudflare's socket. pg would pick that socket itself through a CommonJS
 * require of pg-cloudflare, but resolvers that miss its "workerd" export
 * condition (vitest's module fallback) load an empty stub, so the Worker
 * names the socket explicitly.
 */
import * as pgCloudflare from "pg-cloudflare";
import { connect, type Connection } from "./client";

// The package's ESM entry (chosen by the "workerd" condition) has only the
// named export; its type declarations describe the CommonJS build instead.
const { CloudflareSocket } = pgCloudflare as unknown as { CloudflareSocket: new (ssl: boolean) => unknown };

export function connectFromWorker(env: { HYPERDRIVE: Hyperdrive }, options: { timeoutMs?: number } = {}): Promise<Connection> {
  return connect(env.HYPERDRIVE.connectionString, {
    ...options,
    stream: (config) => new CloudflareSocket(Boolean((config as { ssl?: unknown }).ssl)),
  });
}
