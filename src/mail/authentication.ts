/**
 * What our own receiving server says about a mail's sender: the DKIM and SPF
 * results that Cloudflare Email Routing's MX (`mx.cloudflare.net`) writes
 * into the message it hands the Worker, as `Authentication-Results` and
 * `ARC-Authentication-Results` (RFC 8601, RFC 8617).
 *
 * Which header is trusted: only the topmost of those headers, and only when
 * its authserv-id is mx.cloudflare.net. A receiving server prepends its
 * results above everything the sender wrote, so the topmost one is the MX's;
 * any further ones (lower down) came with the message, and anyone can write
 * "mx.cloudflare.net; dkim=pass header.d=directory.example" into a mail they
 * send. A mail whose topmost results are not the MX's counts as
 * unauthenticated.
 */

/** The authserv-id of Email Routing's inbound MX. */
export const TRUSTED_AUTHSERV_ID = "mx.cloudflare.net";

/** Domains the trusted results vouch for; empty when nothing passed or nothing is trusted. */
export interface MailAuth {
  /** `header.d` of every DKIM signature that passed, lower-cased. */
  dkim: string[];
  /** The `smtp.mailfrom` domain when SPF passed (or `smtp.helo` when there was no MAIL FROM). */
  spf: string | null;
  /** Why nothing is trusted, for the staff inbox; absent when the MX's results were read. */
  untrusted?: string;
}

const NONE: MailAuth = { dkim: [], spf: null };

/** Drops RFC 5322 comments (nested ones too); a comment may hold ";" or "=". */
function stripComments(value: string): string {
  let out = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted) {
      out += ch;
      if (ch === "\\") out += value[++i] ?? "";
      else if (ch === '"') quoted = false;
    } else if (ch === "(") depth++;
    else if (ch === ")" && depth > 0) depth--;
    else if (depth === 0) {
      if (ch === '"') quoted = true;
      out += ch;
    }
  }
  return out;
}

const domainOf = (value: string): string | null => {
  const v = value.replace(/^"|"$/g, "").trim().toLowerCase();
  const at = v.lastIndexOf("@");
  const d = (at >= 0 ? v.slice(at + 1) : v).replace(/\.$/, "");
  return /^[a-z0-9.[\]:-]+$/.test(d) && d.length > 0 ? d : null;
};

/** One Authentication-Results value (without the ARC `i=` tag) → its authserv-id and passing results. */
export function parseResults(value: string): { authservId: string; auth: MailAuth } | null {
  const parts = stripComments(value)
    .split(";")
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter(Boolean);
  const authservId = parts.shift()?.split(" ")[0]?.toLowerCase();
  if (!authservId) return null;
  const dkim: string[] = [];
  let spf: string | null = null;
  for (const part of parts) {
    const [method, ...props] = part.split(" ");
    const [name, result] = (method ?? "").toLowerCase().split("=");
    if (result !== "pass") continue;
    const prop = (key: string) => {
      const hit = props.find((p) => p.toLowerCase().startsWith(`${key}=`));
      return hit ? domainOf(hit.slice(key.length + 1)) : null;
    };
    if (name === "dkim") {
      const d = prop("header.d") ?? prop("header.i");
      if (d && !dkim.includes(d)) dkim.push(d);
    } else if (name === "spf" && !spf) {
      spf = prop("smtp.mailfrom") ?? prop("smtp.helo");
    }
  }
  return { authservId, auth: { dkim, spf } };
}

/** The trusted results of a parsed message's headers, in the order they appear (postal-mime's `headers`). */
export function mailAuthentication(headers: readonly { key: string; value: string }[]): MailAuth {
  const top = headers.find((h) => h.key === "authentication-results" || h.key === "arc-authentication-results");
  if (!top) return { ...NONE, untrusted: "no Authentication-Results from our mail server" };
  const value = top.key === "arc-authentication-results" ? top.value.replace(/^\s*i\s*=\s*\d+\s*;/i, "") : top.value;
  const parsed = parseResults(value);
  if (!parsed || parsed.authservId !== TRUSTED_AUTHSERV_ID) return { ...NONE, untrusted: `the topmost Authentication-Results are not from ${TRUSTED_AUTHSERV_ID}` };
  return parsed.auth;
}
