/**
 * Local Browser Rendering for `wrangler dev`: miniflare launches Chrome for
 * Testing at a pinned version from wrangler's cache and downloads it when
 * absent, which cannot work offline. We put an executable at that exact path
 * that runs the machine's Chromium with the flags a root, offline sandbox
 * needs. The version is read from the installed miniflare, never hard-coded.
 */
import { existsSync } from "node:fs";
import { CHROMIUM_ARGS, findChromium } from "./chromium";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

async function wranglerMiniflareVersion(): Promise<string> {
  const require = createRequire(import.meta.url);
  const wranglerDir = dirname(require.resolve("wrangler/package.json"));
  const nested = join(wranglerDir, "node_modules/miniflare/dist/src/index.js");
  const file = existsSync(nested) ? nested : require.resolve("miniflare");
  const match = (await readFile(file, "utf8")).match(/BROWSER_VERSION = "([\d.]+)"/);
  if (!match) throw new Error(`no BROWSER_VERSION in ${file}`);
  return match[1]!;
}

/** Installs the shim; returns its path, or undefined when there is no Chromium. */
export async function installBrowserRenderingShim(): Promise<string | undefined> {
  const chromium = findChromium();
  if (!chromium) return undefined;
  const version = await wranglerMiniflareVersion();
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  const installDir = join(cache, ".wrangler", "chrome", `linux-${version}`);
  const executable = join(installDir, "chrome-linux64", "chrome");
  await mkdir(dirname(executable), { recursive: true });
  const script = `#!/bin/sh\n# Written by DirectoryBolt's tools/lib/browser-rendering-shim.ts\nexec ${chromium} ${CHROMIUM_ARGS.join(" ")} "$@"\n`;
  await writeFile(executable, script);
  await chmod(executable, 0o755);
  return executable;
}
