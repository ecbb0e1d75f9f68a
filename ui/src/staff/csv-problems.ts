/** An import's row problems in the words of the file: CSV column names, not the API's field names. */
import type { ImportProblem } from "../../../core/protocol/staff";

const column = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function problemLines(problems: ImportProblem[]): string[] {
  return problems.map((p) => {
    const where = `Line ${p.line}${p.slug ? ` (${p.slug})` : ""}`;
    const what = p.errors.map((e) => e.replace(/^([A-Za-z]+):/, (_, f: string) => `${column(f)}:`));
    return `${where}: ${what.join("; ")}`;
  });
}
