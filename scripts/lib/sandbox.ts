/**
 * The sandbox for `npm run dev`: the local directory farm, and its
 * directories in the catalog (sandbox = true), so every plan, Enterprise
 * included, runs end to end on one machine.
 */
import { validateDirectoryRecords } from "../../src/catalog/directory-input";
import { upsertDirectories } from "../../src/db/catalog";
import type { Database } from "../../src/db/client";
import { startFarm } from "../../test/farm/index.ts";

export async function startSandboxFarm(db: Database, options: { port?: number } = {}) {
  const farm = await startFarm({ port: options.port ?? Number(process.env.FARM_PORT ?? 8790) });
  const rows = farm.catalog();
  const { valid, problems } = validateDirectoryRecords(rows.map((record, i) => ({ line: i + 1, record: record as unknown as Record<string, unknown> })));
  if (problems.length) throw new Error(`the farm's catalog has ${problems.length} invalid rows: ${JSON.stringify(problems.slice(0, 3))}`);
  await upsertDirectories(db, valid);
  return { url: farm.url, solverUrl: farm.solverUrl, directories: valid.length, close: () => farm.close() };
}
