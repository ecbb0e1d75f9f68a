/**
 * Opening the directory's page with a timeout, and what the HTTP answer
 * already tells: 429 (rate limited, Retry-After honoured), 5xx (transient),
 * 404/410 (site gone), 401/403 (blocked), network errors by kind. A short
 * 5xx "come back in a second" is waited out in place first.
 */
import type { FailureClass } from "../../../core/protocol/tasks";
import { sleep, type EnginePage, type EngineResponse } from "./page";

export interface HttpVerdict {
  failureClass: FailureClass;
  reason: string;
  retryAfterSeconds?: number;
}

/** Retry-After in seconds (delta-seconds or an HTTP date), bounded to the queue's 12 h. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(43_200, Number(v));
  const at = Date.parse(v);
  if (Number.isFinite(at)) return Math.min(43_200, Math.max(0, Math.ceil((at - now) / 1000)));
  return undefined;
}

/** The failure an HTTP status means for a directory page, or undefined when the page can be worked with. */
export function verdictForStatus(status: number, headers: Record<string, string> = {}, url = ""): HttpVerdict | undefined {
  const retryAfter = parseRetryAfter(headers["retry-after"]);
  if (status === 429) return { failureClass: "rate_limited", reason: `HTTP 429 Too Many Requests at ${url}`, retryAfterSeconds: retryAfter ?? 60 };
  if (status >= 500) return { failureClass: "transient", reason: `HTTP ${status} from ${url}`, ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) };
  if (status === 404 || status === 410) return { failureClass: "site_gone", reason: `HTTP ${status}: ${url} is gone` };
  if (status === 401 || status === 403) return { failureClass: "blocked", reason: `HTTP ${status}: ${url} refuses access` };
  return undefined;
}

/** A navigation error (net::ERR_..., timeouts) as a failure. */
export function verdictForError(err: unknown, url: string): HttpVerdict {
  const text = String((err as Error)?.message ?? err);
  if (/ERR_NAME_NOT_RESOLVED|ENOTFOUND|ERR_NAME_RESOLUTION_FAILED/i.test(text)) return { failureClass: "site_gone", reason: `the domain of ${url} does not resolve` };
  if (/ERR_CERT|SSL|certificate/i.test(text)) return { failureClass: "transient", reason: `TLS error at ${url}: ${text.slice(0, 120)}` };
  if (/timeout|timed out/i.test(text)) return { failureClass: "transient", reason: `${url} did not load in time` };
  // Only the worker's egress policy aborts requests with this (browser-worker/src/egress.ts).
  if (/ERR_BLOCKED_BY_CLIENT/i.test(text)) return { failureClass: "blocked", reason: `${url} leads to a private, loopback or link-local address, which the browser never opens` };
  if (/ERR_BLOCKED_BY_RESPONSE/i.test(text)) return { failureClass: "blocked", reason: `${url} was blocked: ${text.slice(0, 120)}` };
  return { failureClass: "transient", reason: `could not open ${url}: ${text.slice(0, 160)}` };
}

export type NavigationResult = { ok: true; response: EngineResponse | null; status: number } | { ok: false; verdict: HttpVerdict; status?: number };

/**
 * A server error on the opening GET that names a short Retry-After (or none,
 * taken as 1 s) is waited out in place, as a polite client does, up to this
 * many times: a 503 "come back in a second" cost a whole requeue before
 * (the coordinator's 15-30 s backoff, issue 21). Only the GET that opens the
 * form: nothing has been posted, so a second GET can list nothing twice.
 * 429 is left to the coordinator (rate limits are scheduled, not hammered).
 */
export const IN_PLACE_RETRIES = 2;
/** The longest Retry-After waited out in place; a longer one goes back to the coordinator. */
export const IN_PLACE_MAX_WAIT_S = 3;

/** Opens `url`, waiting out short 5xx answers in place (IN_PLACE_RETRIES); `waitMs` is for tests. */
export async function navigate(page: EnginePage, url: string, timeoutMs: number, waitMs: (seconds: number) => Promise<void> = (s) => sleep(s * 1000)): Promise<NavigationResult> {
  for (let retry = 0; ; retry++) {
    const result = await navigateOnce(page, url, timeoutMs);
    if (result.ok || retry >= IN_PLACE_RETRIES || !result.status || result.status < 500) return result;
    const wait = result.verdict.retryAfterSeconds ?? 1;
    if (wait > IN_PLACE_MAX_WAIT_S) return result;
    await waitMs(wait);
  }
}

async function navigateOnce(page: EnginePage, url: string, timeoutMs: number): Promise<NavigationResult> {
  let response: EngineResponse | null;
  try {
    response = await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
  } catch (err) {
    // "load" can wait forever on a slow third-party asset; a document that is there is good enough.
    if (/timeout|timed out/i.test(String(err)) && page.url().startsWith(url.split("#")[0]!.split("?")[0]!)) {
      try {
        const ready = await page.mainFrame().evaluate("document.readyState");
        if (ready === "interactive" || ready === "complete") return { ok: true, response: null, status: 0 };
      } catch {
        /* fall through to the error */
      }
    }
    return { ok: false, verdict: verdictForError(err, url) };
  }
  const status = response?.status() ?? 0;
  const verdict = response ? verdictForStatus(status, response.headers(), url) : undefined;
  if (verdict) return { ok: false, verdict, status };
  return { ok: true, response, status };
}
