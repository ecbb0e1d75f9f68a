/**
 * The farm's misbehaviour, applied before a directory answers: slow pages,
 * a flaky first request, random 5xx at a configured rate, and 429 with
 * Retry-After when a rate-limited directory is hit too often.
 */
import type { IncomingMessage } from "node:http";
import { html, type Reply } from "./http.ts";
import { UI } from "./i18n.ts";
import { hashString, type Rng } from "./random.ts";
import { messagePage } from "./render/pages.ts";
import type { FarmStore } from "./store.ts";
import type { Variant } from "./types.ts";

export interface FaultOptions {
  flakyRate: number;
  slowRate: number;
  slowMs: number;
  /**
   * This share of the directories (chosen by slug, so the same ones every
   * time) answers every request 410 Gone: a site that closed for good, which
   * a job must replace (issue 17).
   */
  goneShare?: number;
  /** Random 5xx answers given so far (the fault-injection test prints it). */
  injected?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function clientOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

/** Whether a directory is among the `share` gone for good: a stable pick by slug. */
export function isGone(slug: string, share: number): boolean {
  return hashString(`gone:${slug}`) / 4294967296 < share;
}

export async function applyFaults(req: IncomingMessage, variant: Variant, options: FaultOptions, store: FarmStore, rng: Rng): Promise<Reply | undefined> {
  const { design } = variant;
  const ui = UI[variant.language];
  if (options.goneShare && isGone(variant.slug, options.goneShare)) return html(messagePage(variant, "410 Gone", ui.unavailable), 410);
  const slow = design.slow || (options.slowRate > 0 && rng.next() < options.slowRate);
  if (slow && options.slowMs > 0) await sleep(options.slowMs);
  const client = clientOf(req);
  if (design.flakyFirstRequest && store.firstTime(`${client}|${variant.slug}`)) {
    return html(messagePage(variant, "503 Service Unavailable", ui.unavailable), 503, { "retry-after": "1" });
  }
  if (options.flakyRate > 0 && rng.next() < options.flakyRate) {
    const status = rng.pick([500, 502, 503]);
    options.injected = (options.injected ?? 0) + 1;
    return html(messagePage(variant, `${status} Server Error`, ui.unavailable), status, status === 503 ? { "retry-after": "2" } : {});
  }
  if (design.rateLimit) {
    const wait = store.rateLimit(`${client}|${variant.slug}`, design.rateLimit.max, design.rateLimit.windowMs);
    if (wait !== undefined) return html(messagePage(variant, "429 Too Many Requests", ui.rateLimited), 429, { "retry-after": String(wait) });
  }
  return undefined;
}
