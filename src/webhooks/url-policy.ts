/**
 * Which URLs an agency may register (and we will POST to). In production:
 * https only, no credentials, and no host that names this network or
 * another private one (loopback, RFC 1918, link-local, CGNAT, unique-local
 * IPv6, `localhost`, `.local`, `.internal`, single-label names), so an
 * endpoint cannot aim our sender at internal services. In development
 * (PUBLIC_URL on loopback, as `isLoopback` decides) http and local hosts are
 * allowed, so a receiver on 127.0.0.1 works. The WHATWG URL parser has already
 * normalised odd IPv4 spellings (`0x7f.1`, `2130706433`) to dotted quads.
 */
export const MAX_WEBHOOK_URL_LENGTH = 2000;

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

function privateIPv4(host: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function privateIPv6(bracketed: string): boolean {
  const host = bracketed.slice(1, -1).toLowerCase();
  return (
    host === "::" ||
    host === "::1" ||
    host.startsWith("fc") ||
    host.startsWith("fd") ||
    /^fe[89ab]/.test(host) ||
    // IPv4-mapped and -translated forms point at an IPv4 host: refuse them all.
    host.startsWith("::ffff:") ||
    host.startsWith("64:ff9b:") ||
    host.startsWith("::")
  );
}

function privateName(host: string): boolean {
  return !host.includes(".") || host === "localhost" || /\.(localhost|local|internal|intranet|lan|home\.arpa|localdomain)$/.test(host);
}

export function checkWebhookUrl(raw: string, options: { development: boolean }): UrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, reason: `At most ${MAX_WEBHOOK_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "Not an absolute URL" };
  }
  const allowed = options.development ? ["https:", "http:"] : ["https:"];
  if (!allowed.includes(url.protocol)) return { ok: false, reason: options.development ? "Use http or https" : "Use https" };
  if (url.username || url.password) return { ok: false, reason: "No user name or password in the URL" };
  if (url.hash) return { ok: false, reason: "No #fragment" };
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (!host) return { ok: false, reason: "No host" };
  if (!options.development) {
    if (host.startsWith("[") ? privateIPv6(host) : privateIPv4(host) || (!/^[\d.]+$/.test(host) && privateName(host))) {
      return { ok: false, reason: "The host is a private, loopback or local address" };
    }
  }
  return { ok: true, url: url.toString() };
}
