/**
 * What a live listing's page shows against the business profile (issue 19:
 * the survival checks, and the update's confirmation in the browser worker,
 * which is why it lives in core/). Directories print a listing in any layout and language,
 * so nothing is parsed by label: the page's text is searched for the
 * profile's values, and a value counts as changed only when the page shows
 * one of its kind (a phone number, the city or postal code) that is not the
 * profile's. A directory that never prints the phone is not "changed".
 */
import { fold, htmlToText } from "../text";
import { hostOf } from "../url";

export interface ProfileDetails {
  businessName: string;
  street: string | null;
  city: string | null;
  postalCode: string | null;
  phone: string | null;
  serviceArea: boolean;
}

export const CHECKED_FIELDS = ["name", "address", "phone"] as const;
export type CheckedField = (typeof CHECKED_FIELDS)[number];

/**
 * An update also confirms what it wrote into a website or hours field. Only
 * then: a directory that never prints them is not "changed" (so the survival
 * checks keep to CHECKED_FIELDS), but one that took a new value must show it.
 */
export const UPDATE_CHECKED_FIELDS = [...CHECKED_FIELDS, "website", "hours"] as const;
export type UpdateCheckedField = (typeof UPDATE_CHECKED_FIELDS)[number];

export interface ShownDetails {
  /** The page's main heading (the listing's name as shown). */
  name: string | null;
  /** The address line the page shows (the profile's street, or the line naming its city or postal code). */
  address: string | null;
  /** The phone number shown: the profile's when present, else the first one found. */
  phone: string | null;
}

export interface Comparison {
  shown: ShownDetails;
  differences: CheckedField[];
}

const digits = (s: string) => s.replace(/\D/g, "");

/** "+1 415 555 0142" and "(415) 555-0142" are one line: one digit string a suffix of the other, 7 digits at least. */
export function samePhone(a: string, b: string): boolean {
  const [x, y] = [digits(a), digits(b)];
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return short.length >= 7 && long.endsWith(short);
}

/** Runs of digits, spaces and phone punctuation of 7 to 15 digits. */
function phonesIn(text: string): string[] {
  return [...text.matchAll(/\+?\(?\d[\d ().\-/]{5,22}\d/g)].map((m) => m[0].trim()).filter((p) => digits(p).length >= 7 && digits(p).length <= 15 && !/^\d{4}-\d{2}-\d{2}$/.test(p)); // a date is not a phone
}

function heading(html: string): string | null {
  const m = /<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(html);
  const text = m ? htmlToText(m[1] ?? "") : "";
  return text || null;
}

/** The page's text with one line per definition or table cell, so a line is one value (htmlToText breaks only blocks). */
function pageText(html: string): string {
  return htmlToText(html.replace(/<\/(dt|dd|td|th)\s*>/gi, "$&<br>"));
}

export function compareListing(html: string, profile: ProfileDetails): Comparison {
  const text = pageText(html);
  const folded = fold(text);
  const has = (value: string | null) => !!value && fold(value).length > 0 && ` ${folded} `.includes(` ${fold(value)} `);
  const differences: CheckedField[] = [];

  const name = heading(html);
  if (!has(profile.businessName) || (name !== null && fold(name) !== fold(profile.businessName))) differences.push("name");

  const phones = phonesIn(text);
  const ownPhone = profile.phone ? phones.find((p) => samePhone(p, profile.phone!)) : undefined;
  if (profile.phone && !ownPhone && phones.length) differences.push("phone");

  // The line that carries the address: the profile's street, else the line naming its city or postal code.
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const lineWith = (value: string | null) => (value ? lines.find((l) => ` ${fold(l)} `.includes(` ${fold(value)} `)) : undefined);
  const streetLine = lineWith(profile.street);
  const placeLine = lineWith(profile.postalCode) ?? lineWith(profile.city);
  // A service-area business hides its street: only its absence elsewhere matters, so no street comparison.
  if (!profile.serviceArea && profile.street && !streetLine && placeLine) differences.push("address");

  return {
    shown: { name, address: streetLine ?? placeLine ?? null, phone: ownPhone ?? phones[0] ?? null },
    differences,
  };
}

/** A written value as the update filled it (the engine's `filled`: field type and value). */
export interface WrittenValue {
  type: string;
  value: string;
}

/** The website's host and path, lower case, without scheme, `www.` or a trailing slash: how pages print a link. */
function bareUrl(value: string): string | null {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`);
    return `${hostOf(u.href)}${u.pathname.replace(/\/+$/, "").toLowerCase()}`;
  } catch {
    return null;
  }
}

/** "09:00", "9.00" and "9:00" are one time. */
const timesIn = (text: string) => [...text.matchAll(/\b([01]?\d|2[0-4])[:.h]([0-5]\d)\b/g)].map((m) => `${Number(m[1])}:${m[2]}`);

/**
 * Which of the website and hours values an update wrote the public page does
 * not show. The website: its host and path in the page's text or in a link.
 * The hours: the line as written, or every time in it (a directory may print
 * the days its own way, but not other times).
 */
export function unshownWrites(html: string, written: readonly WrittenValue[]): Extract<UpdateCheckedField, "website" | "hours">[] {
  const text = pageText(html);
  const folded = ` ${fold(text)} `;
  const hrefs = [...html.matchAll(/\bhref\s*=\s*["']([^"']+)["']/gi)].map((m) => bareUrl(m[1] ?? "")).filter((h): h is string => !!h);
  const pageTimes = new Set(timesIn(text));
  const missing = new Set<"website" | "hours">();
  for (const w of written) {
    const value = w.value.trim();
    if (!value) continue;
    if (w.type === "url") {
      const want = bareUrl(value);
      if (want && !text.toLowerCase().includes(want) && !hrefs.includes(want)) missing.add("website");
    } else if (w.type === "hours") {
      const times = timesIn(value);
      const shown = folded.includes(` ${fold(value)} `) || (times.length > 0 && times.every((t) => pageTimes.has(t)));
      if (!shown) missing.add("hours");
    }
  }
  return [...missing];
}
