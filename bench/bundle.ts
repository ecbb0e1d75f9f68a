/**
 * `npm run bench:bundle`: gzipped JavaScript (and CSS) each page of the site
 * loads first, from the built site in ui/dist, built with `vite build ui`
 * first when it is missing or older than ui/src.
 *
 * How a page is counted (the way the README's per-page table was):
 * - the shell: index.html's entry script and every chunk it imports
 *   statically, plus index.html's stylesheets;
 * - the page's own chunks: the page's lazy chunk (named after its module in
 *   ui/src/pages, one per route in ui/src/App.tsx) and the chunks it imports
 *   statically that the shell does not already hold;
 * - first load = index.html + shell + own chunks. Each file gzipped alone
 *   with zlib's default level; kB = 1000 bytes.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { recorded } from "./baselines";
import { benchResult, emitResult, type Figure } from "./result";

const ROOT = join(import.meta.dirname, "..");
const UI = join(ROOT, "ui");
const DIST = join(UI, "dist");

function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const index = join(DIST, "index.html");
const sourceTime = Math.max(newest(join(UI, "src")), statSync(join(UI, "index.html")).mtimeMs, statSync(join(UI, "vite.config.ts")).mtimeMs);
if (!existsSync(index) || statSync(index).mtimeMs < sourceTime) {
  console.log("building the site: vite build ui");
  const build = spawnSync(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "ui", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error(`vite build exited ${build.status}`);
}

const gz = new Map<string, number>();
/** Gzipped size of a file under ui/dist, given as "/assets/x.js" or "assets/x.js". */
function gzipped(file: string): number {
  const key = file.replace(/^\.?\//, "");
  if (!gz.has(key)) gz.set(key, gzipSync(readFileSync(join(DIST, key))).length);
  return gz.get(key)!;
}

/** A chunk and every chunk it imports statically (`import"./x.js"`, `from"./x.js"`), as paths under dist. */
function closure(file: string, into = new Set<string>()): Set<string> {
  const key = file.replace(/^\.?\//, "");
  if (into.has(key)) return into;
  into.add(key);
  const code = readFileSync(join(DIST, key), "utf8");
  const dir = key.slice(0, key.lastIndexOf("/") + 1);
  for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*"(\.\/[^"]+\.js)"/g)) closure(dir + m[1]!.slice(2), into);
  return into;
}

const html = readFileSync(index, "utf8");
const entry = /<script type="module"[^>]*src="([^"]+)"/.exec(html)?.[1];
if (!entry) throw new Error("no entry script in ui/dist/index.html");
const css = [...html.matchAll(/<link rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1]!);
const shell = closure(entry);
const sum = (files: Iterable<string>) => [...files].reduce((n, f) => n + gzipped(f), 0);
const shellJs = sum(shell);
const cssBytes = sum(css);
const htmlBytes = gzipped("index.html");

// Routes and their lazily loaded page modules, read from the router.
const app = readFileSync(join(UI, "src/App.tsx"), "utf8");
const pageModule = new Map([...app.matchAll(/const (\w+) = lazy\(\(\) => import\("\.\/pages\/(\w+)"\)\)/g)].map((m) => [m[1]!, m[2]!]));
const assets = readdirSync(join(DIST, "assets"));
const kB = (bytes: number) => bytes / 1000;

const figures: Record<string, Figure> = {};
console.log(`site bundle (ui/dist, gzipped): shell JS ${kB(shellJs).toFixed(1)} kB (${shell.size} chunks), CSS ${kB(cssBytes).toFixed(1)} kB, index.html ${kB(htmlBytes).toFixed(1)} kB`);
console.log("route                               first load (HTML+JS+CSS)   own chunks   baseline   ratio");
for (const m of app.matchAll(/<Route path=(?:"([^"]+)"|\{\[([^\]]+)\]\}) component=\{(\w+)\}/g)) {
  const path = m[1] ?? m[2]!.split(",")[0]!.trim().replace(/"/g, "");
  const module = pageModule.get(m[3]!);
  if (!module) continue; // the not-found page lives in the shell
  const chunk = assets.find((a) => a.startsWith(`${module}-`) && a.endsWith(".js"));
  if (!chunk) throw new Error(`no chunk for ${module} in ui/dist/assets`);
  const own = [...closure(`assets/${chunk}`)].filter((f) => !shell.has(f));
  const ownBytes = sum(own);
  const first = htmlBytes + shellJs + cssBytes + ownBytes;
  const baseline = recorded.bundleFirstLoadKB[path];
  figures[`${path} first load`] = { value: kB(first), unit: "kB", baseline, source: "README, the site's per-page table" };
  figures[`${path} own chunks`] = { value: kB(ownBytes), unit: "kB" };
  const cells = [`${kB(first).toFixed(1)} kB`.padStart(24), `${kB(ownBytes).toFixed(1)} kB`.padStart(12), baseline ? `${baseline.toFixed(1)} kB`.padStart(10) : "-".padStart(10)];
  console.log(`${path.padEnd(35)} ${cells.join(" ")}${baseline ? `   ${(kB(first) / baseline).toFixed(2)}x` : ""}`);
}
const allJs = assets.filter((a) => a.endsWith(".js")).map((a) => `assets/${a}`);
figures["shell JS"] = { value: kB(shellJs), unit: "kB" };
figures.CSS = { value: kB(cssBytes), unit: "kB" };
figures["all JS"] = { value: kB(sum(allJs)), unit: "kB" };
console.log(`all JS chunks together: ${kB(sum(allJs)).toFixed(1)} kB gzipped (${allJs.length} files)`);
emitResult(benchResult("bundle", figures, { dist: "ui/dist", gzip: "zlib default level, each file alone" }));
