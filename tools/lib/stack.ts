/**
 * The whole product on one machine: Postgres (DATABASE_URL or embedded
 * PGlite), migrations, the starter and sandbox catalogs, the directory farm,
 * the site build, local Browser Rendering, and `wrangler dev` running both
 * Workers. `npm run dev` uses it with the developer's .dev.vars; the
 * end-to-end test and bench use it with their own ports and variables.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { validateDirectoryRecords } from "../../src/catalog/directory-input";
import { upsertDirectories } from "../../src/db/catalog";
import { connect } from "../../src/db/client";
import { startFarm, type Farm, type FarmOptions } from "../farm/index.ts";
import { installBrowserRenderingShim } from "./browser-rendering-shim";
import { readCatalogFile } from "./catalog-file";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { migrateDatabase } from "./migrate";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface StackOptions {
  /** wrangler dev's port (the browser worker takes port + 1). */
  port: number;
  databaseUrl?: string;
  embeddedDbPort?: number;
  /** Where PGlite keeps its data; absent: in memory. */
  dataDir?: string;
  farmPort?: number;
  /**
   * More farm options (publish delay, fault rates, seed...). The farm delivers its
   * verification mails to this stack's email handler unless `mailEndpoint` is set here.
   */
  farm?: Omit<FarmOptions, "port">;
  /**
   * Variables for both Workers. Given: they go to a private env file and the
   * developer's .dev.vars are not read. Absent: each Worker reads its .dev.vars.
   */
  vars?: Record<string, string>;
  /**
   * Where wrangler dev keeps Durable Objects, R2 and queue state (default:
   * .wrangler/state, shared by every run in the checkout, so a killed run's
   * coordinators resume in the next one). Tests give a fresh directory.
   */
  persistTo?: string;
  /** Show wrangler's own output. */
  inheritOutput?: boolean;
  /** Each line the Workers write (their logs among wrangler's own); the e2e bench reads the task traces from them. */
  workerOutput?: (line: string) => void;
  log?: (message: string) => void;
  /**
   * Fire the API Worker's cron trigger this often (wrangler dev never fires
   * crons by itself; `--test-scheduled` exposes it at /__scheduled). Absent:
   * never, so a test's end state is not moved by the cron's work.
   */
  cronEveryMs?: number;
}

/** The cron of wrangler.toml `[triggers]`; the scheduled handler does the same work for any. */
const CRON = "*/5 * * * *";

export interface Stack {
  url: string;
  databaseUrl: string;
  farm: Farm;
  /** Resolves when wrangler exits by itself (the current wrangler, after a restart). */
  exited: Promise<number>;
  /** The process group of wrangler dev (both Workers, workerd, local Browser Rendering). */
  readonly workersPgid: number;
  /**
   * Kills wrangler dev's whole process group (SIGKILL: no graceful shutdown)
   * and starts it again on the same state, waiting until it is healthy.
   */
  restartWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/** KEY=value lines of a .dev.vars-style file. */
export async function readVarsFile(file: string): Promise<Record<string, string>> {
  const text = await readFile(file, "utf8");
  return Object.fromEntries(
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#") && l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/**
 * wrangler dev gives `--env-file` to the first Worker only (the others read
 * their own .dev.vars), so the browser worker gets the stack's variables
 * through a private copy of its config: its `main` made absolute and the
 * variables it knows (its [vars] and .dev.vars.example keys) set in [vars].
 */
export async function browserWorkerConfig(vars: Record<string, string>, dir: string): Promise<string> {
  const source = await readFile(join(ROOT, "browser-worker/wrangler.toml"), "utf8");
  const known = new Set(Object.keys(await readVarsFile(join(ROOT, "browser-worker/.dev.vars.example"))));
  const varsStart = source.indexOf("\n[vars]\n");
  const varsEnd = source.indexOf("\n[", varsStart + 1);
  for (const m of source.slice(varsStart, varsEnd).matchAll(/^([A-Z0-9_]+)\s*=/gm)) known.add(m[1]!);
  const mine = Object.entries(vars).filter(([k]) => known.has(k));
  // TOML basic strings take JSON's escapes.
  const lines = source
    .slice(varsStart, varsEnd)
    .split("\n")
    .filter((line) => !mine.some(([k]) => new RegExp(`^${k}\\s*=`).test(line)));
  const at = lines.indexOf("[vars]") + 1;
  const table = [...lines.slice(0, at), ...mine.map(([k, v]) => `${k} = ${JSON.stringify(v)}`), ...lines.slice(at)].join("\n");
  const text = (source.slice(0, varsStart) + table + source.slice(varsEnd)).replace(/^main = .*$/m, `main = ${JSON.stringify(join(ROOT, "browser-worker/src/index.ts"))}`);
  const file = join(dir, "browser-worker.wrangler.toml");
  await writeFile(file, text);
  return file;
}

/**
 * Every process below `root` (Linux /proc). Local Browser Rendering launches
 * Chromium detached, in a process group of its own and with an environment
 * of its own, so stopping wrangler dev's group leaves it running: its
 * processes are found by parentage while wrangler still lives, and killed
 * after the group.
 */
export async function descendants(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "latin1").catch(() => "");
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!Number.isInteger(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

async function waitForHealth(url: string, exited: Promise<number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline && !gone) {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) });
      if (res.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(gone ? "wrangler dev exited before it was healthy" : `wrangler dev was not healthy within ${timeoutMs / 1000} s`);
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? (() => {});
  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  };
  try {
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ port: options.embeddedDbPort ?? 0, dataDir: options.dataDir });
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
      log(`embedded Postgres (PGlite) at ${databaseUrl}${options.dataDir ? `, data in ${options.dataDir}` : ""}`);
    }
    await migrateDatabase(databaseUrl);

    const farm = await startFarm({
      mailEndpoint: `http://127.0.0.1:${options.port}/cdn-cgi/handler/email`,
      ...options.farm,
      port: options.farmPort ?? 0,
    });
    cleanups.push(() => farm.close());
    const conn = await connect(databaseUrl);
    try {
      const starter = validateDirectoryRecords(await readCatalogFile(join(ROOT, "migrations/seed/starter-directories.csv")));
      if (starter.problems.length) throw new Error(`the starter catalog has ${starter.problems.length} bad rows`);
      await upsertDirectories(conn.db, starter.valid);
      const sandbox = validateDirectoryRecords(farm.catalog().map((record, i) => ({ line: i + 1, record: record as unknown as Record<string, unknown> })));
      if (sandbox.problems.length) throw new Error(`the farm's catalog has ${sandbox.problems.length} bad rows`);
      await upsertDirectories(conn.db, sandbox.valid);
      log(`catalog: ${starter.valid.length} real directories, ${sandbox.valid.length} sandbox directories at ${farm.url}`);
    } finally {
      await conn.close();
    }

    if (!existsSync(join(ROOT, "ui/dist/index.html"))) {
      log("building the site (ui/dist)");
      await new Promise<void>((resolve, reject) => {
        const build = spawn(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "ui"], { cwd: ROOT, stdio: "ignore" });
        build.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited ${code}`))));
      });
    }
    // Without a Chromium the site and API still run (npm run dev); only browser tasks fail.
    await installBrowserRenderingShim().then(
      ({ shim, chromium }) => log(`local Browser Rendering runs ${chromium} (through ${shim})`),
      (err: Error) => log(`${err.message} Browser tasks will fail.`),
    );

    let browserConfig = "browser-worker/wrangler.toml";
    const extra: string[] = [];
    if (options.vars) {
      const dir = await mkdtemp(join(tmpdir(), "directorybolt-stack-"));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const envFile = join(dir, "workers.env");
      await writeFile(
        envFile,
        Object.entries(options.vars)
          .map(([k, v]) => `${k}=${v}`)
          .join("\n") + "\n",
      );
      extra.push("--env-file", envFile);
      browserConfig = await browserWorkerConfig(options.vars, dir);
    }
    const args = [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev", "-c", "wrangler.toml", "-c", browserConfig, "--port", String(options.port), "--ip", "127.0.0.1", ...extra];
    if (options.persistTo) args.push("--persist-to", options.persistTo);
    if (options.cronEveryMs) args.push("--test-scheduled");
    const url = `http://127.0.0.1:${options.port}`;
    const spawnWorkers = () => {
      const child: ChildProcess = spawn(process.execPath, args, {
        cwd: ROOT,
        detached: true, // its own process group: stopping it stops workerd too
        stdio: options.inheritOutput ? "inherit" : options.workerOutput ? ["ignore", "pipe", "pipe"] : "ignore",
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: "false",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
          CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: databaseUrl,
        },
      });
      const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 0)));
      const onLine = options.workerOutput;
      if (onLine && !options.inheritOutput) {
        for (const stream of [child.stdout, child.stderr]) if (stream) createInterface({ input: stream }).on("line", onLine);
      }
      return { child, exited };
    };
    const killWorkers = async (current: ReturnType<typeof spawnWorkers>, signal: NodeJS.Signals) => {
      const below = current.child.pid ? await descendants(current.child.pid) : [];
      try {
        if (current.child.pid) process.kill(-current.child.pid, signal);
        await Promise.race([current.exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (current.child.pid) process.kill(-current.child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      // Whatever outlived the group (Chromium above all).
      for (const pid of below) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // gone with the group
        }
      }
    };
    let workers = spawnWorkers();
    cleanups.push(() => killWorkers(workers, "SIGTERM"));
    await waitForHealth(url, workers.exited, 120_000);
    if (options.cronEveryMs) {
      const fire = () =>
        fetch(`${url}/__scheduled?cron=${encodeURIComponent(CRON)}`, { signal: AbortSignal.timeout(options.cronEveryMs!) }).then(
          (res) => (res.ok ? undefined : log(`cron trigger answered ${res.status}`)),
          (err: Error) => log(`cron trigger: ${err.message}`),
        );
      const timer = setInterval(fire, options.cronEveryMs);
      cleanups.push(() => clearInterval(timer));
    }
    const stack: Stack = {
      url,
      databaseUrl,
      farm,
      exited: workers.exited,
      get workersPgid() {
        return workers.child.pid!;
      },
      async restartWorkers() {
        await killWorkers(workers, "SIGKILL");
        // workerd may hold the port for a moment after its group is killed.
        await new Promise((r) => setTimeout(r, 500));
        workers = spawnWorkers();
        stack.exited = workers.exited;
        await waitForHealth(url, workers.exited, 120_000);
      },
      stop: stopAll,
    };
    return stack;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * Leaves only the sandbox directories of these farm designs selectable
 * (every tier, so any plan draws exactly these): a test's order then goes
 * to the designs it is about. Returns their slugs.
 */
export async function onlyDesigns(stack: Stack, designs: readonly string[]): Promise<string[]> {
  const slugs = designs.map((d) => stack.farm.variantFor(d).slug);
  const conn = await connect(stack.databaseUrl);
  try {
    await conn.client.query("update directories set is_active = (slug = any($1)) where sandbox", [slugs]);
  } finally {
    await conn.close();
  }
  return slugs;
}
