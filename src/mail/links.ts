/**
 * Links in a parsed mail (text and HTML parts), and the recipient address
 * that names a job (`job-<jobId>@<VERIFY_DOMAIN>`). Shared by the email
 * handler and the coordinator's matching, so both read a mail the same way.
 */

export interface MailLink {
  url: string;
  /** The anchor's text in the HTML part ("" for a bare URL in the text). */
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

function httpUrl(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** Every http(s) link of the mail, anchors first, each URL once. */
export function extractLinks(text: string | undefined, html: string | undefined): MailLink[] {
  const out = new Map<string, MailLink>();
  for (const m of (html ?? "").matchAll(/<a\b[^>]*?href\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a>/gi)) {
    const url = httpUrl(decodeEntities(m[2] ?? m[3] ?? ""));
    if (url && !out.has(url))
      out.set(url, {
        url,
        text: decodeEntities((m[4] ?? "").replace(/<[^>]*>/g, " "))
          .replace(/\s+/g, " ")
          .trim(),
      });
  }
  for (const m of (text ?? "").matchAll(/https?:\/\/[^\s<>"')\]]+/gi)) {
    const url = httpUrl(m[0].replace(/[.,;:!?]+$/, ""));
    if (url && !out.has(url)) out.set(url, { url, text: "" });
  }
  return [...out.values()].slice(0, 200);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The job a verification mailbox belongs to, or null when the address is not one of ours. */
export function jobIdFromRecipient(address: string, verifyDomain: string): string | null {
  const m = /^job-([^@]+)@(.+)$/i.exec(address.trim());
  if (!m || m[2]!.toLowerCase() !== verifyDomain.trim().toLowerCase()) return null;
  return UUID.test(m[1]!) ? m[1]!.toLowerCase() : null;
}

/** The address a job submits with (directories mail their verification links there). */
export function verificationAddress(jobId: string, verifyDomain: string): string {
  return `job-${jobId}@${verifyDomain}`;
}
