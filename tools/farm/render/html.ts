/** Tiny HTML helpers: escaping and attribute lists (no template engine needed). */

export function esc(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Renders attributes; `true` gives a bare attribute, false/undefined/null drop it. */
export function attrs(map: Record<string, string | number | boolean | undefined | null>): string {
  let out = "";
  for (const [key, value] of Object.entries(map)) {
    if (value === undefined || value === null || value === false) continue;
    out += value === true ? ` ${key}` : ` ${key}="${esc(value)}"`;
  }
  return out;
}

/** An id derived from a control name (`ctl00$Main$txtName` → `ctl00_Main_txtName`), as frameworks do. */
export function idFromName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "") || "field";
}
