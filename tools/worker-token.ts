/**
 * `npm run worker-token -- create NAME [--scope tasks] [--scope faults]`: a
 * token for one external worker (printed once; only its SHA-256 is stored;
 * creating again for a NAME replaces its token). `revoke NAME`: refused from
 * then on. `list`: names, scopes, revoked or not. Against DATABASE_URL.
 */
import { parseArgs } from "node:util";
import { WORKER_TOKEN_SCOPES, type WorkerTokenScope } from "../core/statuses";
import { issueWorkerToken, listWorkerTokens, revokeWorkerToken } from "../src/auth/worker-tokens";
import { connect } from "../src/db/client";

const USAGE = "usage: npm run worker-token -- create NAME [--scope tasks|faults ...] | revoke NAME | list";
const { positionals, values } = parseArgs({ allowPositionals: true, options: { scope: { type: "string", multiple: true } } });
const [command, name] = positionals;
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("worker-token needs DATABASE_URL (Supabase: the direct connection string).");
  process.exit(2);
}
const scopes = (values.scope ?? ["tasks"]) as WorkerTokenScope[];
const badScope = scopes.find((s) => !(WORKER_TOKEN_SCOPES as readonly string[]).includes(s));
if (badScope || (command !== "list" && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name ?? "")) || !["create", "revoke", "list"].includes(command ?? "")) {
  console.error(badScope ? `unknown scope ${badScope} (${WORKER_TOKEN_SCOPES.join(", ")})` : USAGE);
  process.exit(2);
}
const conn = await connect(url);
try {
  if (command === "create") {
    const token = await issueWorkerToken(conn.db, { name: name!, scopes });
    console.error(`worker ${name} (${scopes.join(", ")}): its token follows; it is not shown again`);
    console.log(token);
  } else if (command === "revoke") {
    const revoked = await revokeWorkerToken(conn.db, name!);
    console.log(revoked ? `revoked ${name}` : `${name} has no live token`);
    if (!revoked) process.exitCode = 1;
  } else {
    for (const t of await listWorkerTokens(conn.db)) console.log(`${t.name}\t${t.scopes.join(",")}\t${t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : "live"}`);
  }
} finally {
  await conn.close();
}
