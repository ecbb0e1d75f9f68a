/**
 * Map the form fields of saved pages (or live URLs) to the field vocabulary.
 *
 *   npm run --silent map-form -- page.html [more.html ...] [https://example.com/form]
 *   npm run --silent map-form -- --full page.html     # also selector, label, visibility
 *
 * Prints one JSON line per page, in the order given:
 *   {"file":"page.html","forms":[{"index":0,"fields":[{"tag":"input","name":"comp_name","id":"c1","type":"organization","confidence":0.93}]}]}
 * Forms come in document order (index = position among document.forms),
 * then index -1 for controls outside any form; forms inside iframes carry
 * "frame" (1, 2, ... in page.frames() order).
 *
 * Saved files are read offline: the document is served from memory and
 * every other request is aborted (JavaScript still runs). URLs are loaded
 * live. One Chromium serves the whole list, a few pages at a time. A page
 * that fails is reported on stderr, the others still print, and the exit
 * code is 1 if anything failed.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { launchChromium, loadHtmlOffline, withTimeout } from "./lib/chromium";
import { mapPage } from "../browser-worker/src/mapper/page";
import type { MappedPage } from "../browser-worker/src/mapper/types";

const CONCURRENCY = 3;
const LOAD_TIMEOUT_MS = 20_000;
const MAP_TIMEOUT_MS = 20_000;

function usage(): never {
  process.stderr.write("usage: npm run --silent map-form -- [--full] FILE.html|URL [...]\n");
  process.exit(2);
}

function toLine(input: string, mapped: MappedPage, full: boolean): string {
  return JSON.stringify({
    file: input,
    forms: mapped.forms.map((f) => ({
      index: f.index,
      ...(f.frame ? { frame: f.frame } : {}),
      ...(full ? { kind: f.kind } : {}),
      fields: f.fields.map((x) => (full ? x : { tag: x.tag, name: x.name, id: x.id, type: x.type, confidence: x.confidence })),
    })),
  });
}

async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  return page;
}

async function mapOne(browser: Browser, offline: Page, input: string): Promise<{ page: Page; mapped: MappedPage }> {
  if (/^https?:\/\//i.test(input)) {
    // live page: its own tab, network allowed, dialogs dismissed
    const page = await newPage(browser);
    page.on("dialog", (d) => void d.dismiss().catch(() => {}));
    try {
      await page.goto(input, { waitUntil: "networkidle2", timeout: LOAD_TIMEOUT_MS }).catch(async (err: Error) => {
        // a page that never goes quiet is still mappable once loaded
        if (!/timeout/i.test(err.message)) throw err;
      });
      const mapped = await withTimeout(mapPage(page), MAP_TIMEOUT_MS, "mapping");
      return { page: offline, mapped };
    } finally {
      await page.close().catch(() => {});
    }
  }
  const bytes = readFileSync(input);
  await loadHtmlOffline(offline, bytes, `https://offline.invalid/${encodeURIComponent(basename(input))}`, LOAD_TIMEOUT_MS);
  const mapped = await withTimeout(mapPage(offline), MAP_TIMEOUT_MS, "mapping");
  return { page: offline, mapped };
}

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  const full = args.includes("--full");
  const inputs = args.filter((a) => a !== "--full");
  if (!inputs.length || inputs.some((a) => a === "-h" || a === "--help")) usage();

  const browser = await launchChromium();
  const results: (string | null)[] = new Array(inputs.length).fill(null);
  const done: boolean[] = new Array(inputs.length).fill(false);
  let printed = 0;
  let failures = 0;
  // print in input order as soon as every earlier page is done
  const flush = () => {
    while (printed < inputs.length && done[printed]) {
      const line = results[printed];
      if (line) process.stdout.write(line + "\n");
      printed++;
    }
  };
  let next = 0;
  const worker = async () => {
    let page = await newPage(browser);
    while (next < inputs.length) {
      const i = next++;
      const input = inputs[i]!;
      try {
        const { mapped } = await mapOne(browser, page, input);
        results[i] = toLine(input, mapped, full);
      } catch (err) {
        failures++;
        process.stderr.write(`map-form: ${input}: ${(err as Error).message.split("\n")[0]}\n`);
        // a page that hung or crashed is replaced
        await page.close().catch(() => {});
        page = await newPage(browser);
      }
      done[i] = true;
      flush();
    }
    await page.close().catch(() => {});
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, inputs.length) }, worker));
  } finally {
    await browser.close();
  }
  process.exitCode = failures ? 1 : 0;
}

main().catch((err) => {
  process.stderr.write(`map-form: ${(err as Error).stack || err}\n`);
  process.exitCode = 1;
});
