/**
 * The links of an HTML page read without a browser: each `<a href>` with its
 * text, as the mail handler (src/mail/links.ts), the approval tracker and
 * the browser worker's look-first search (browser-worker/src/engine/
 * look-first.ts) read them. A pattern, not a parser: it sees what the
 * server sent, never what a script adds after load.
 */
import { decodeEntities } from "./text";

export interface Anchor {
  /** The href as written (entities decoded); resolved against `base` when one is given and it parses. */
  href: string;
  /** The anchor's text, tags out, entities decoded, whitespace collapsed. */
  text: string;
}

/** Every `<a href>` of `html` in document order; `base` resolves relative hrefs. */
export function anchorsIn(html: string, base?: string): Anchor[] {
  const out: Anchor[] = [];
  for (const m of html.matchAll(/<a\b[^>]*?href\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a>/gi)) {
    let href = decodeEntities(m[2] ?? m[3] ?? "").trim();
    if (base) {
      try {
        href = new URL(href, base).href;
      } catch {
        /* kept as written: the caller checks what it needs */
      }
    }
    const text = decodeEntities((m[4] ?? "").replace(/<[^>]*>/g, " "))
      .replace(/\s+/g, " ")
      .trim();
    out.push({ href, text });
  }
  return out;
}
