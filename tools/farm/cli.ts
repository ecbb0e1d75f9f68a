/**
 * `npm run farm`: the sandbox directory farm on its own, until Ctrl-C.
 *   --port N            listen port (default 4510; 0 = any free port)
 *   --host H            interface (default 127.0.0.1)
 *   --variants N        number of directories (default 520)
 *   --seed S            generation seed (default "directorybolt")
 *   --publish-delay MS  acceptance → public listing page (default 5000)
 *   --flaky-rate F      fraction of requests answered 5xx (default 0)
 *   --slow-rate F       fraction of requests delayed by --slow-ms (default 0)
 *   --slow-ms MS        delay of a slow page (default 1500)
 */
import { parseArgs } from "node:util";
import { startFarm } from "./server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4510" },
    host: { type: "string", default: "127.0.0.1" },
    variants: { type: "string", default: "520" },
    seed: { type: "string" },
    "publish-delay": { type: "string", default: "5000" },
    "flaky-rate": { type: "string", default: "0" },
    "slow-rate": { type: "string", default: "0" },
    "slow-ms": { type: "string", default: "1500" },
    "mail-endpoint": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log("usage: npm run farm -- [--port N] [--variants N] [--seed S] [--publish-delay MS] [--flaky-rate F] [--slow-rate F] [--slow-ms MS] [--host H] [--mail-endpoint URL]");
  process.exit(0);
}

function number(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got ${raw}`);
    process.exit(2);
  }
  return n;
}

const farm = await startFarm({
  port: number("port", values.port),
  host: values.host,
  variants: number("variants", values.variants),
  seed: values.seed,
  publishDelayMs: number("publish-delay", values["publish-delay"]),
  flakyRate: number("flaky-rate", values["flaky-rate"]),
  slowRate: number("slow-rate", values["slow-rate"]),
  slowMs: number("slow-ms", values["slow-ms"]),
  mailEndpoint: values["mail-endpoint"],
  onSubmission: (s) => console.log(`${s.at} ${s.outcome.padEnd(12)} ${s.slug} (${s.design}${s.step > 1 ? `, page ${s.step}` : ""})`),
  onMail: (m) => console.log(`${m.at} mail to ${m.to}: ${m.link}`),
});

const designCount = new Set(farm.variants.map((v) => v.design.id)).size;
console.log(`DirectoryBolt sandbox farm: ${farm.variants.length} directories from ${designCount} designs`);
console.log(`  ${farm.url}/                 directory list`);
console.log(`  ${farm.url}/__farm/catalog   sandbox catalog (JSON)`);
console.log(`  ${farm.url}/__farm/submissions, /__farm/listings, /__farm/mails, POST /__farm/reset`);
console.log(`  ${farm.solverUrl}/in.php, /res.php   captcha solver stand-in (2Captcha wire format)`);
console.log("Ctrl-C to stop.");

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  farm.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
