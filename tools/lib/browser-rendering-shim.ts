/**
 * Local Browser Rendering for `wrangler dev`: miniflare launches Chrome for
 * Testing at a pinned version from wrangler's cache and downloads it when
 * absent, which cannot work offline. We put an executable at that exact path
 * that runs our Chromium (resolveChromium: CHROMIUM_PATH, a system one, or
 * the npm package's) with the flags a root, offline sandbox needs. The script
 * execs the binary by its own path, so the npm Chromium still finds the .so
 * files unpacked beside it. The version is read from the installed miniflare,
 * never hard-coded.
 */
import { existsSync } from "node:fs";
import { CHROMIUM_ARGS, resolveChromium } from "./chromium";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
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

/** Installs the shim; returns its path and the Chromium it runs. Rejects when there is no Chromium. */
export async function installBrowserRenderingShim(): Promise<{ shim: string; chromium: string }> {
  const chromium = await resolveChromium();
  const version = await wranglerMiniflareVersion();
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  const installDir = join(cache, ".wrangler", "chrome", `linux-${version}`);
  const executable = join(installDir, "chrome-linux64", "chrome");
  await mkdir(dirname(executable), { recursive: true });
  const script = `#!/bin/sh\n# Written by DirectoryBolt's tools/lib/browser-rendering-shim.ts\nexec ${shellQuote(chromium)} ${CHROMIUM_ARGS.join(" ")} "$@"\n`;
  // Written aside and renamed: another run on this machine may be exec'ing it right now.
  const partial = `${executable}.${process.pid}`;
  await writeFile(partial, script);
  await chmod(partial, 0o755);
  await rename(partial, executable);
  return { shim: executable, chromium };
}

/** One POSIX shell word, whatever the path holds. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
