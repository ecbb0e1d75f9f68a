/**
 * `npm run dev`: the whole product on one machine, nothing external.
 *  1. Postgres: DATABASE_URL if set, else embedded PGlite (data in .data/).
 *  2. Migrations, the starter catalog, and the sandbox catalog of the farm.
 *  3. The site's static build, local secrets, local Browser Rendering.
 *  4. `wrangler dev` running both Workers (API + browser worker) on :8787.
 * Ctrl-C stops everything (wrangler runs in its own process group).
 */
import { spawn } from "node:child_process";
import { copyFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { validateDirectoryRecords } from "../src/catalog/directory-input";
import { upsertDirectories } from "../src/db/catalog";
import { connect } from "../src/db/client";
import { installBrowserRenderingShim } from "./lib/browser-rendering-shim";
import { readCatalogFile } from "./lib/catalog-file";
import { startEmbeddedPostgres } from "./lib/embedded-postgres";
import { migrateDatabase } from "./lib/migrate";
import { startSandboxFarm } from "./lib/sandbox";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
const EMBEDDED_PORT = Number(process.env.EMBEDDED_DB_PORT ?? 54329);
const log = (msg: string) => console.log(`[dev] ${msg}`);

async function run(cmd: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}`))));
  });
}

const cleanups: (() => Promise<void> | void)[] = [];

// 1. Postgres
let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  const embedded = await startEmbeddedPostgres({ port: EMBEDDED_PORT, dataDir: ".data/pglite" }).catch((err: Error) => {
    throw new Error(`could not start the embedded database on port ${EMBEDDED_PORT} (${err.message}); set EMBEDDED_DB_PORT or DATABASE_URL`);
  });
  cleanups.push(() => embedded.stop());
  databaseUrl = embedded.url;
  log(`embedded Postgres (PGlite) at ${databaseUrl}, data in .data/pglite`);
} else {
  log("using DATABASE_URL");
}

// 2. Schema and catalogs
await migrateDatabase(databaseUrl);
const conn = await connect(databaseUrl);
try {
  const { valid, problems } = validateDirectoryRecords(await readCatalogFile("migrations/seed/starter-directories.csv"));
  if (problems.length) throw new Error(`starter catalog has ${problems.length} bad rows; run npm run directories:import -- migrations/seed/starter-directories.csv --dry-run`);
  await upsertDirectories(conn.db, valid);
  log(`starter catalog: ${valid.length} real directories`);
  const farm = await startSandboxFarm(conn.db);
  cleanups.push(() => farm.close());
  log(`sandbox farm at ${farm.url} with ${farm.directories} directories`);
} finally {
  await conn.close();
}

// 3. Site, secrets, browser
if (!existsSync("ui/dist/index.html")) {
  log("building the site (ui/dist)");
  await run(process.execPath, ["node_modules/vite/bin/vite.js", "build", "ui"]);
}
for (const file of [".dev.vars", "browser-worker/.dev.vars"]) {
  if (!existsSync(file)) {
    await copyFile(`${file}.example`, file);
    log(`created ${file} from ${file}.example`);
  }
}
const shim = await installBrowserRenderingShim();
log(shim ? `local Browser Rendering uses the system Chromium (${shim})` : "no Chromium found: browser tasks will fail (apt-get install chromium)");

// 4. Both Workers
const wrangler = spawn(
  process.execPath,
  ["node_modules/wrangler/bin/wrangler.js", "dev", "-c", "wrangler.toml", "-c", "browser-worker/wrangler.toml"],
  {
    stdio: "inherit",
    detached: true,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: databaseUrl,
    },
  },
);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  try {
    if (wrangler.pid) process.kill(-wrangler.pid, "SIGTERM");
  } catch {
    // already gone
  }
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
wrangler.on("exit", (code) => void stop(code ?? 0));
