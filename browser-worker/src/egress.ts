/**
 * Where the browser may go. Directory pages, catalog URLs and links from
 * verification mails come from outside, and any of them (or a redirect, a
 * frame, an image, a script's fetch) could point the browser at a private,
 * loopback or link-local address: the metadata service of a cloud host, the
 * admin page of the self-hosted fleet's router, a local run's own services.
 * Every request of a task's pages is intercepted and refused when it goes
 * to such an address or leaves the web's schemes, unless its origin is
 * allowed by name (the sandbox farm's loopback origin in local runs,
 * EGRESS_ALLOW_ORIGINS).
 *
 * The check reads the URL as Chromium sends it (IPv4 in any notation is
 * already canonical there). A public name that resolves to a private
 * address is not seen here: the self-hosted fleet's own firewall must
 * refuse that; Browser Rendering cannot reach private networks at all.
 */

/** What a refused request is aborted with: `net::ERR_BLOCKED_BY_CLIENT` in the page (navigate.ts names it). */
export const REFUSED_ERROR_CODE = "blockedbyclient";

/** The allowed origins from EGRESS_ALLOW_ORIGINS (comma or space separated); unparsable entries are dropped. */
export function allowedOrigins(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .flatMap((entry) => {
      try {
        return [new URL(entry).origin];
      } catch {
        return [];
      }
    });
}

function ipv4(host: string): number[] | null {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function privateIpv4([a, b]: number[]): boolean {
  return (
    a === 0 || // "this network"
    a === 10 ||
    a === 127 || // loopback
    (a === 100 && b! >= 64 && b! <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a! >= 224 // multicast, reserved, broadcast
  );
}

function privateIpv6(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "::" || h === "::1") return true;
  // IPv4-mapped and IPv4-compatible forms carry an IPv4 address (the URL parser writes it in hex).
  const mapped = /^::(ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) {
    const hi = Number.parseInt(mapped[2]!, 16);
    const lo = Number.parseInt(mapped[3]!, 16);
    return privateIpv4([hi >> 8, hi & 255, lo >> 8, lo & 255]);
  }
  const first = Number.parseInt(h.split(":")[0] || "0", 16);
  return (
    (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 // multicast
  );
}

/** Why the browser must not request `url`, or null when it may. */
export function refusal(url: string, allowed: readonly string[] = []): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  // Documents the page makes itself never leave the browser.
  if (parsed.protocol === "data:" || parsed.protocol === "blob:" || parsed.href === "about:blank" || parsed.href === "about:srcdoc") return null;
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `the ${parsed.protocol} scheme`;
  if (allowed.includes(parsed.origin)) return null;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return "a loopback name";
  const v4 = ipv4(host);
  if (v4) return privateIpv4(v4) ? "a private, loopback or link-local address" : null;
  if (host.startsWith("[") && host.endsWith("]")) return privateIpv6(host.slice(1, -1)) ? "a private, loopback or link-local address" : null;
  return null;
}

/** The slice of a puppeteer page and request this needs (both libraries'). */
export interface GuardedRequest {
  url(): string;
  abort(errorCode?: string): Promise<void>;
  continue(): Promise<void>;
  isInterceptResolutionHandled?(): boolean;
}
export interface GuardablePage {
  setRequestInterception(on: boolean): Promise<void>;
  on(event: "request", handler: (request: GuardedRequest) => void): unknown;
}

/** Turns the policy on for a page before it opens anything; `refused` hears of each refused URL. */
export async function guardEgress(page: GuardablePage, allowed: readonly string[], refused: (url: string, why: string) => void): Promise<void> {
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    if (request.isInterceptResolutionHandled?.()) return;
    const url = request.url();
    const why = refusal(url, allowed);
    if (why) {
      refused(url, why);
      void request.abort(REFUSED_ERROR_CODE).catch(() => {});
    } else void request.continue().catch(() => {});
  });
}

/**
 * `fetch` under the same policy, for pages the worker reads without the
 * browser (the look-first search, engine/look-first.ts): a refused URL,
 * first or redirected to (boundedGet asks for each hop), is an error, never
 * a request.
 */
export function guardedFetch(allowed: readonly string[], fetcher: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const why = refusal(url, allowed);
    return why ? Promise.reject(new Error(`refused ${url.slice(0, 200)}: ${why}`)) : fetcher(input, init);
  };
}
