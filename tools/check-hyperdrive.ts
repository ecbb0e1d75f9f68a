/**
 * `npm run deploy:check` / `npm run deploy`: every Hyperdrive binding of the
 * API Worker must have query caching disabled (tools/lib/hyperdrive-caching.ts).
 * `--deploy` also refuses the placeholder id. Looks a real id up with
 * `wrangler hyperdrive get`, which needs the account's credentials.
 */
import { execFileSync } from "node:child_process";
import { unstable_readConfig } from "wrangler";
import { checkHyperdriveCaching } from "./lib/hyperdrive-caching";

const deploy = process.argv.includes("--deploy");
const config = unstable_readConfig({ config: "wrangler.toml" });
const bindings = config.hyperdrive.map((h: { binding: string; id: string }) => ({ binding: h.binding, id: h.id }));
if (bindings.length === 0) {
  console.error("[hyperdrive] wrangler.toml binds no Hyperdrive config");
  process.exit(1);
}
const verdicts = await checkHyperdriveCaching(bindings, async (id) => JSON.parse(execFileSync("npx", ["wrangler", "hyperdrive", "get", id], { encoding: "utf8" }).replace(/^[^{]*/, "")), { deploy });
let failed = false;
for (const v of verdicts) {
  if (v.ok) console.log(`[hyperdrive] ${v.note ?? `${v.binding}: caching disabled`}`);
  else {
    failed = true;
    console.error(`[hyperdrive] ${v.problem}`);
  }
}
process.exit(failed ? 1 : 0);
