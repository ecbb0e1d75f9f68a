/**
 * Generated sections of a Markdown document, between
 * `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`, so tests can
 * compare (and `npm run security:doc` rewrite) them without touching the
 * prose around them. Pure string functions: used from workerd and Node.
 */
const open = (name: string) => `<!-- generated:${name} -->`;
const close = (name: string) => `<!-- /generated:${name} -->`;

/** The section's text (trimmed), or null when the markers are missing. */
export function readSection(doc: string, name: string): string | null {
  const start = doc.indexOf(open(name));
  const end = doc.indexOf(close(name));
  if (start < 0 || end < start) return null;
  return doc.slice(start + open(name).length, end).trim();
}

/** The document with the section's text replaced (the markers must exist). */
export function writeSection(doc: string, name: string, text: string): string {
  const start = doc.indexOf(open(name));
  const end = doc.indexOf(close(name));
  if (start < 0 || end < start) throw new Error(`docs: no ${open(name)} … ${close(name)} markers`);
  return `${doc.slice(0, start + open(name).length)}\n${text.trim()}\n${doc.slice(end)}`;
}

/** A Markdown table. */
export function markdownTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}
