/**
 * What every fuzz case must satisfy, whatever it sent: no 5xx; every 4xx is
 * JSON in the project's error shape (src/http/errors.ts); and a rejected
 * request changed no row in any table (a fingerprint of every table: row
 * count and the newest row version, xmin, so inserts, updates and deletes
 * all show). Requests go through the Worker's own entry point, and its
 * waitUntil work is awaited before the database is looked at.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../../src/index";
import type { Connection } from "../../../src/db/client";
import { connectFromWorker } from "../../../src/db/worker-database";

declare module "vitest" {
  export interface ProvidedContext {
    /** Cases per route (vitest.config.ts: FUZZ_RUNS, else 150 for `--project fuzz`, 20 in a plain `npm test`). */
    fuzzRuns: number;
  }
}

/** Every table a request could write (directories only by the importer). */
export const TABLES = ["customers", "business_profiles", "orders", "stripe_events", "local_checkout_sessions", "jobs", "directory_submissions", "job_events", "workers", "notifications"] as const;

const FINGERPRINT_SQL = `select ${TABLES.map((t) => `(select count(*) || ':' || coalesce(max(xmin::text::bigint), 0) from ${t}) as ${t}`).join(", ")}`;

export type Fingerprint = Record<(typeof TABLES)[number], string>;

/**
 * Thousands of requests: keep the Worker's info and warn lines out of the
 * report (errors still print: an unhandled error is what we look for).
 */
export function quietInfoLogs(): void {
  const original = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /^\{"level":"(info|warn|debug)"/.test(args[0])) return;
    original(...args);
  };
}

export class Database {
  private constructor(private readonly conn: Connection) {}

  static async open(): Promise<Database> {
    return new Database(await connectFromWorker(env));
  }

  /** One simple-protocol statement: atomic on PGlite's shared socket too. */
  async fingerprint(): Promise<Fingerprint> {
    const { rows } = await this.conn.client.query<Fingerprint>(FINGERPRINT_SQL);
    return rows[0]!;
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}

export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return TABLES.filter((t) => before[t] !== after[t]);
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** Set for 101 Switching Protocols. */
  webSocket: WebSocket | null;
}

/** One request through the Worker's fetch handler, its after-response work finished. */
export async function send(request: Request): Promise<Answer> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, env, ctx);
  const text = res.status === 101 ? "" : await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text, webSocket: res.webSocket };
}

/** Why an answer breaks the rules (null: it does not). */
export function problemWith(answer: Answer): string | null {
  if (answer.status >= 500) return `server error ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.status < 400) return null;
  if (!/^application\/json\b/.test(answer.contentType)) return `${answer.status} is not JSON (${answer.contentType}): ${answer.text.slice(0, 200)}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${answer.status} body does not parse: ${answer.text.slice(0, 200)}`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } })?.error;
  const keys = body && typeof body === "object" ? Object.keys(body) : [];
  if (!error || typeof error.code !== "string" || !error.code || typeof error.message !== "string" || keys.length !== 1) {
    return `${answer.status} is not the error shape: ${answer.text.slice(0, 200)}`;
  }
  return null;
}

/** Cases and answers by status, per route, printed at the end of a run. */
export class Tally {
  private readonly rows = new Map<string, Map<number, number>>();

  add(route: string, status: number): void {
    const byStatus = this.rows.get(route) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.rows.set(route, byStatus);
  }

  cases(route: string): number {
    return [...(this.rows.get(route)?.values() ?? [])].reduce((a, b) => a + b, 0);
  }

  total(): number {
    return [...this.rows.keys()].reduce((n, r) => n + this.cases(r), 0);
  }

  /** A fixed-width table: route, cases, accepted (<400), then each 4xx status. */
  render(title: string, seconds: number): string {
    const statuses = [...new Set([...this.rows.values()].flatMap((m) => [...m.keys()]))].filter((s) => s >= 400).sort((a, b) => a - b);
    const width = Math.max(5, ...[...this.rows.keys()].map((r) => r.length));
    const head = ["route".padEnd(width), "cases".padStart(6), "  <400", ...statuses.map((s) => String(s).padStart(6))].join(" ");
    const lines = [...this.rows.entries()].map(([route, m]) => {
      const ok = [...m.entries()].filter(([s]) => s < 400).reduce((a, [, n]) => a + n, 0);
      return [route.padEnd(width), String(this.cases(route)).padStart(6), String(ok).padStart(6), ...statuses.map((s) => String(m.get(s) ?? 0).padStart(6))].join(" ");
    });
    const fivexx = [...this.rows.values()].reduce((n, m) => n + [...m.entries()].filter(([s]) => s >= 500).reduce((a, [, c]) => a + c, 0), 0);
    return [`${title}: ${this.total()} cases in ${seconds.toFixed(1)} s, 5xx: ${fivexx}`, head, ...lines].join("\n");
  }
}
