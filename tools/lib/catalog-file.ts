/** Reads a catalog file (CSV with a header row, or a JSON array) into records with line numbers. */
import { readFile } from "node:fs/promises";
import { parseCsv } from "../../src/catalog/csv";

export async function readCatalogFile(file: string): Promise<{ line: number; record: Record<string, unknown> }[]> {
  const text = await readFile(file, "utf8");
  if (/\.json$/i.test(file)) {
    const data: unknown = JSON.parse(text);
    if (!Array.isArray(data)) throw new Error(`${file}: expected a JSON array of directories`);
    return data.map((record, i) => ({ line: i + 1, record: (record ?? {}) as Record<string, unknown> }));
  }
  return parseCsv(text);
}
