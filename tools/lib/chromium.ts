/**
 * One way to find and start Chromium for Node-side tools (map-form CLI,
 * mapper bench, browser tests, the sandbox farm). Keeping the flags in one
 * place means every tool behaves the same offline and in CI.
 */
import { accessSync, constants, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
] as const;

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** What to do when no Chromium is found; every browser-dependent entry point shows this. */
export const NO_CHROMIUM_HELP =
  "npm install ships one (@sparticuz/chromium, unpacked to the temp dir on first use); or apt-get install chromium; or set CHROMIUM_PATH to a Chromium binary. " +
  "A CHROMIUM_PATH that is set is used as is, never replaced by another Chromium: unset it to fall back.";

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

let resolved: Promise<string> | undefined;

/**
 * The Chromium every tool and test launches, found once per process:
 * CHROMIUM_PATH when set (and then only it: a wrong path fails rather than
 * silently testing another browser); else a system Chromium at the usual
 * paths; else the one inside @sparticuz/chromium, which npm installs with the
 * dev dependencies and which unpacks itself (binary, its .so files, fonts)
 * into the temp dir in a second or two on first use. Rejects with one message
 * saying what was tried and what to do.
 */
export function resolveChromium(): Promise<string> {
  resolved ??= findOne();
  return resolved;
}

async function findOne(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (isExecutableFile(fromEnv)) return fromEnv;
    throw new Error(`No Chromium: CHROMIUM_PATH=${fromEnv} is not an executable file. ${NO_CHROMIUM_HELP}`);
  }
  const system = CANDIDATES.find(isExecutableFile);
  if (system) return system;
  let why: string;
  try {
    const { default: packaged } = await import("@sparticuz/chromium");
    const path = await packaged.executablePath();
    if (isExecutableFile(path)) return path;
    why = `@sparticuz/chromium gave ${path}, not an executable file`;
  } catch (err) {
    why = `@sparticuz/chromium: ${err instanceof Error ? err.message : String(err)}`;
  }
  throw new Error(`No Chromium: CHROMIUM_PATH is unset, none of ${CANDIDATES.join(", ")} exists, and ${why}. ${NO_CHROMIUM_HELP}`);
}

/**
 * Proxies for browsers we run ourselves (local Chromium; external fleets
 * have their own): PROXY_POOL is a comma-separated list, taken in turn.
 * Browser Rendering cannot use them: it leaves through Cloudflare's egress.
 */
let nextProxy = 0;
export function proxyArgs(pool = process.env.PROXY_POOL ?? ""): string[] {
  const proxies = pool
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (proxies.length === 0) return [];
  return [`--proxy-server=${proxies[nextProxy++ % proxies.length]}`];
}

/**
 * Launch a headless Chromium with a fresh profile. The profile directory is
 * removed when the browser closes (or the launch fails), so repeated runs
 * never share cookies or caches and never leak temp dirs.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const userDataDir = mkdtempSync(join(tmpdir(), "directorybolt-chromium-"));
  // Best effort: Chromium's helper processes can still be writing for a
  // moment after the browser exits, so retry and never throw from here.
  const cleanup = () => {
    try {
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      /* a leftover temp dir is not worth crashing the caller */
    }
  };
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: await resolveChromium(),
      headless: true,
      args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`, ...proxyArgs(), ...extraArgs],
      // Callers own their process lifecycle; do not install signal handlers.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    cleanup();
    throw err;
  }
  const close = browser.close.bind(browser);
  // Wrap close so the profile is gone whenever the browser is.
  browser.close = async () => {
    try {
      await close();
    } finally {
      cleanup();
    }
  };
  // If Chromium dies on its own, still clean up.
  browser.once("disconnected", () => {
    setTimeout(cleanup, 200);
  });
  return browser;
}

const offlineState = new WeakMap<Page, { url: string; html: string | Uint8Array }>();

/**
 * Load saved HTML into a page with the network cut off: the document itself
 * is answered from memory, every other request (scripts, styles, images,
 * iframes, beacons) is aborted. Pass bytes to let the page's own charset
 * declaration apply. JavaScript stays on, so inline scripts run
 * as they would for a visitor, but nothing reaches the internet.
 */
export async function loadHtmlOffline(page: Page, html: string | Uint8Array, url = "https://offline.invalid/page.html", timeoutMs = 15_000): Promise<void> {
  if (!offlineState.has(page)) {
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      const st = offlineState.get(page);
      if (st && req.url() === st.url && req.isNavigationRequest() && req.frame() === page.mainFrame()) {
        // bytes keep the page's own charset (meta or sniffing); strings are UTF-8
        const contentType = typeof st.html === "string" || (!declaresCharset(st.html) && isUtf8(st.html)) ? "text/html; charset=utf-8" : "text/html";
        void req.respond({ status: 200, contentType, body: st.html }).catch(() => {});
      } else {
        void req.abort("blockedbyclient").catch(() => {});
      }
    });
    // alert()/confirm() in a saved page would block every later evaluate
    page.on("dialog", (d) => void d.dismiss().catch(() => {}));
  }
  offlineState.set(page, { url, html });
  await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
}

/** Does the document say its own charset (meta charset / http-equiv) early on? */
function declaresCharset(bytes: Uint8Array): boolean {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 4096));
  return /<meta[^>]+charset\s*=/i.test(head);
}

/** Saved pages are mostly UTF-8 without saying so; browsers would guess
 * windows-1252 and turn "Имя" into "Ð˜Ð¼Ñ". Valid UTF-8 bytes are UTF-8. */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Race a promise against a timer (page scripts can hang an evaluate). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}
