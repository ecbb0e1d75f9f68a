/**
 * `npm run dev`: the whole product on one machine, nothing external
 * (tools/lib/stack.ts): Postgres (DATABASE_URL, else embedded PGlite with
 * data in .data/), migrations, both catalogs, the directory farm on :8790,
 * local Browser Rendering, and both Workers on http://127.0.0.1:8787, with
 * the cron trigger fired every minute (DEV_CRON_MS; 0: never).
 * Ctrl-C stops everything.
 */
import { appendFile, copyFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, readVarsFile, startStack } from "./lib/stack";

const log = (msg: string) => console.log(`[dev] ${msg}`);
for (const file of [".dev.vars", "browser-worker/.dev.vars"]) {
  if (!existsSync(join(ROOT, file))) {
    await copyFile(join(ROOT, `${file}.example`), join(ROOT, file));
    log(`created ${file} from ${file}.example`);
  } else {
    // A .dev.vars made before a variable was added to the example lacks it
    // (METRICS_TOKEN, EMAIL_*…): add the example's local value, keep the rest.
    const [mine, example] = await Promise.all([readVarsFile(join(ROOT, file)), readVarsFile(join(ROOT, `${file}.example`))]);
    const missing = Object.keys(example).filter((k) => !(k in mine));
    if (missing.length) {
      await appendFile(join(ROOT, file), `\n# Added by npm run dev from ${file}.example\n${missing.map((k) => `${k}=${example[k]}`).join("\n")}\n`);
      log(`added ${missing.join(", ")} to ${file} from ${file}.example`);
    }
  }
}

const stack = await startStack({
  port: Number(process.env.PORT ?? 8787),
  databaseUrl: process.env.DATABASE_URL,
  embeddedDbPort: Number(process.env.EMBEDDED_DB_PORT ?? 54329),
  dataDir: join(ROOT, ".data/pglite"),
  farmPort: Number(process.env.FARM_PORT ?? 8790),
  inheritOutput: true,
  // The platform fires the cron every 5 minutes (wrangler.toml); wrangler dev
  // does not. Every minute here, so a finished job's proof pack, e-mail and
  // any shortfall refund appear while the developer watches (each step of
  // the cron is idempotent, so the rate only changes how soon).
  cronEveryMs: Number(process.env.DEV_CRON_MS ?? 60_000) || undefined,
  log,
});
log(`ready: ${stack.url} (site and API), ${stack.farm.url} (directory farm)`);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
void stack.exited.then((code) => stop(code));
