/**
 * Browser Rendering sessions, reused: connect to an idle session of ours
 * when one exists, otherwise launch one with keep_alive (if the account's
 * limits allow), and on release disconnect (the session stays warm for the
 * next batch) or close it when it misbehaved. When no browser can be had,
 * the caller gets the delay the platform names.
 */
import puppeteer from "@cloudflare/puppeteer";
import type { BrowserLease, ConsumerBrowser } from "./consumer";

const KEEP_ALIVE_MS = 10 * 60_000;

function retryAfterFrom(err: unknown): number | null {
  const text = String(err);
  if (!/429|rate limit|too many/i.test(text)) return null;
  const seconds = text.match(/(\d+)\s*s(ec|econds)?\b/i);
  return seconds ? Number(seconds[1]) : 60;
}

/** The Browser Rendering binding, as @cloudflare/puppeteer takes it. */
export type BrowserBinding = Parameters<typeof puppeteer.launch>[0];

export async function acquireBrowser(binding: BrowserBinding): Promise<BrowserLease> {
  let browser: Awaited<ReturnType<typeof puppeteer.launch>> | undefined;
  try {
    // Reuse a warm session nobody is connected to.
    const sessions = await puppeteer.sessions(binding).catch(() => []);
    for (const s of sessions.filter((x) => !x.connectionId)) {
      browser = await puppeteer.connect(binding, s.sessionId).catch(() => undefined);
      if (browser) break;
    }
    if (!browser) {
      const limits = await puppeteer.limits(binding).catch(() => null);
      if (limits && limits.allowedBrowserAcquisitions <= 0) {
        return {
          ok: false,
          retryAfterSeconds: Math.max(1, Math.ceil(limits.timeUntilNextAllowedBrowserAcquisition / 1000)),
          reason: "browser acquisition limit reached",
        };
      }
      browser = await puppeteer.launch(binding, { keep_alive: KEEP_ALIVE_MS });
    }
  } catch (err) {
    const wait = retryAfterFrom(err);
    return { ok: false, retryAfterSeconds: wait ?? 30, reason: `no browser: ${String(err).slice(0, 200)}` };
  }
  const held = browser;
  return {
    ok: true,
    browser: held as unknown as ConsumerBrowser,
    async release(healthy: boolean) {
      if (healthy) await held.disconnect();
      else await held.close().catch(() => held.disconnect());
    },
  };
}
