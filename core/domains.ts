/**
 * Which site a host belongs to: its registrable domain (eTLD+1) by the
 * Public Suffix List, as bundled by tldts. The only place the project
 * decides that two hosts are "the same directory": counting labels gets
 * `.com.au` and `.co.uk` wrong (any `evil.com.au` would pass as
 * `directory.com.au`), and the list's private section keeps
 * `someone.github.io` apart from `directory.github.io`.
 */
import { parse } from "tldts";

/**
 * The registrable domain of a host, lower-cased. An IP address, or a name
 * with no public suffix (`localhost`, the farm's loopback), stands for
 * itself: only that exact host is the same site. Null for no host at all.
 */
export function registrableDomain(host: string | null | undefined): string | null {
  const trimmed = (host ?? "")
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "");
  if (!trimmed) return null;
  const parsed = parse(trimmed, { allowPrivateDomains: true });
  if (parsed.isIp) return parsed.hostname ?? trimmed;
  return parsed.domain ?? trimmed;
}

/** The hostname of an http(s) URL, lower-cased; null for anything else. */
export function httpHost(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}

/** Whether two hosts (or a host and a mail domain) belong to the same registrable domain. */
export function sameSite(a: string | null | undefined, b: string | null | undefined): boolean {
  const ra = registrableDomain(a);
  return ra !== null && ra === registrableDomain(b);
}
