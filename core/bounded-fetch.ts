/**
 * A GET of a third-party page (the coordinator's approval tracker, the API
 * Worker's survival checks, src/listings/survival.ts), with its cost
 * bounded: the approval tracker opens directories' pages (and pages their
 * search results link to) from the Durable Object that runs the whole job,
 * so a page that never ends, a redirect loop or a search page of a thousand
 * links must not hold that object or its memory.
 */

export interface FetchLimits {
  /** Bytes of body read; the rest is left unread (the page counts as cut). */
  maxBytes: number;
  /** Redirects followed, each checked like the first URL. */
  maxRedirects: number;
  timeoutMs: number;
}

export const PAGE_LIMITS: FetchLimits = { maxBytes: 512 * 1024, maxRedirects: 3, timeoutMs: 15_000 };

export interface BoundedPage {
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  /** Empty unless 2xx. */
  body: string;
  /** The body was longer than `maxBytes` and only its start was read. */
  cut: boolean;
}

function httpUrl(raw: string, base?: string): URL | null {
  try {
    const url = new URL(raw, base);
    return url.protocol === "http:" || url.protocol === "https:" ? url : null;
  } catch {
    return null;
  }
}

/** The first `maxBytes` of a body as UTF-8 text; the stream is cancelled there. */
async function readCapped(res: Response, maxBytes: number): Promise<{ text: string; cut: boolean }> {
  if (!res.body) return { text: "", cut: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      size = maxBytes;
      cut = true;
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return { text: new TextDecoder().decode(all), cut };
}

/** GET `url` following at most `maxRedirects` http(s) redirects and reading at most `maxBytes`. */
export async function boundedGet(fetcher: typeof fetch, url: string, limits: FetchLimits = PAGE_LIMITS): Promise<BoundedPage> {
  let current = httpUrl(url);
  if (!current) return { status: 0, url, body: "", cut: false };
  const signal = AbortSignal.timeout(limits.timeoutMs);
  for (let hop = 0; ; hop++) {
    const res = await fetcher(current.href, { redirect: "manual", signal, headers: { accept: "text/html" } });
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      const next = httpUrl(location, current.href);
      if (!next || hop >= limits.maxRedirects) return { status: res.status, url: current.href, body: "", cut: false };
      current = next;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      return { status: res.status, url: current.href, body: "", cut: false };
    }
    const { text, cut } = await readCapped(res, limits.maxBytes);
    return { status: res.status, url: current.href, body: text, cut };
  }
}
