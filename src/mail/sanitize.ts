/**
 * What a customer is shown of a mail received for their listings (issue 18),
 * made once, server-side, from postal-mime's parse: plain text only. Anyone
 * can write to a published listing's address, so nothing of the mail is ever
 * rendered as markup: the text part as sent, or else the HTML part reduced to
 * its text (scripts, styles, head, comments and images dropped; a link
 * written out as `label (url)`, inert text the customer may copy). The portal
 * shows it as a text node and the e-mail to the customer escapes it, so no
 * script runs and no remote content (a tracking pixel) is loaded anywhere.
 * Attachments are listed by name, type and size; their bytes are not kept
 * here (the raw message is in R2 for staff).
 */
import type { Email } from "postal-mime";
import { decodeEntities } from "../../core/text";

export const MAX_BODY_CHARS = 50_000;
const MAX_ATTACHMENTS = 50;

export interface AttachmentInfo {
  filename: string;
  mimeType: string;
  size: number;
}

export interface SanitizedMail {
  fromAddress: string;
  fromName: string | null;
  subject: string;
  body: string;
  attachments: AttachmentInfo[];
}

/** Controls other than tab and newline (NUL above all, which Postgres text cannot hold) become U+FFFD. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const clean = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (ch) => (ch === "\r" ? "" : "\uFFFD"));

const oneLine = (s: string): string => clean(s).replace(/\s+/g, " ").trim();

/** The text of an HTML part: what a reader would see, without anything that would load or run. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, "")
    // Elements whose content is not text to read (or is code).
    .replace(/<(script|style|head|title|template|noscript|svg|math|iframe|object)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<(script|style|head|template|noscript|svg|math|iframe|object)\b[\s\S]*$/gi, "")
    // A link stays readable, but as text: its label and its address.
    .replace(/<a\b[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, d: string | undefined, s: string | undefined, u: string | undefined, label: string) => {
      const url = decodeEntities(d ?? s ?? u ?? "").trim();
      const shown = label
        .replace(/<[^>]*>/g, " ")
        .replace(/\s+/g, " ")
        .trim();
      const safe = /^(https?:|mailto:)/i.test(url) ? url : "";
      if (!safe) return shown;
      return shown && decodeEntities(shown) !== url ? `${shown} (${safe})` : safe;
    })
    // An image is never loaded; its alt text says what it was.
    .replace(/<img\b[^>]*?alt\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>/gi, (_m, d: string | undefined, s: string | undefined) => ((d ?? s ?? "").trim() ? `[image: ${(d ?? s)!.trim()}]` : ""))
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table|section|article|header|footer)\s*>/gi, "\n")
    .replace(/<li\b[^>]*>/gi, "• ")
    .replace(/<[^>]*>/g, "")
    .replace(/[ \t\f\v]+/g, " ");
  // Entities last: `&lt;b&gt;` becomes the text "<b>", which a text node shows as such.
  return decodeEntities(text)
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export function sanitizeMail(parsed: Email, envelopeFrom: string): SanitizedMail {
  const text = parsed.text?.trim() ? parsed.text : parsed.html ? htmlToText(parsed.html) : "";
  return {
    fromAddress: clean(parsed.from?.address || envelopeFrom).slice(0, 320),
    // One line each: they go into the customer's e-mail's subject and headers of our own.
    fromName: parsed.from?.name?.trim() ? oneLine(parsed.from.name).slice(0, 200) : null,
    subject: oneLine(parsed.subject ?? "").slice(0, 500),
    body: clean(text.replace(/\r\n?/g, "\n").trimEnd()).slice(0, MAX_BODY_CHARS),
    attachments: (parsed.attachments ?? []).slice(0, MAX_ATTACHMENTS).map((a) => ({
      filename: clean(a.filename ?? "").slice(0, 200) || "(unnamed)",
      mimeType: clean(a.mimeType ?? "application/octet-stream").slice(0, 100),
      size: typeof a.content === "string" ? a.content.length : a.content.byteLength,
    })),
  };
}
