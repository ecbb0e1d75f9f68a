/**
 * Normalisers for the business profile. Each returns the normal form or a
 * message saying what is wrong; the zod schema (./schema.ts) turns messages
 * into field errors. Letters are never changed: text is only put in Unicode
 * NFC and its whitespace tidied, so "Café Müller & Söhne" and "東京" are
 * stored exactly as typed.
 */
import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

export type Normalised<T = string> = { ok: true; value: T } | { ok: false; message: string };
const ok = <T>(value: T): Normalised<T> => ({ ok: true, value });
const bad = (message: string): Normalised<never> => ({ ok: false, message });

/** Length as people count it: code points, so "東京" is 2 and "é" is 1 (after NFC). */
export function textLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

// Control characters (C0, DEL, C1) and the line/paragraph separators.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029]/u;

/** One line of text: NFC, trimmed, inner whitespace runs made one space. */
export function cleanLine(input: string, limits: { min: number; max: number }): Normalised {
  if (!input.isWellFormed()) return bad("Contains invalid Unicode");
  const value = input.normalize("NFC").replace(/\s+/gu, " ").trim();
  if (CONTROL.test(value)) return bad("Contains control characters");
  const length = textLength(value);
  if (length < limits.min) return bad(limits.min <= 1 ? "Required" : `Must be at least ${limits.min} characters`);
  if (length > limits.max) return bad(`Must be at most ${limits.max} characters (got ${length})`);
  return ok(value);
}

/** Paragraphs: NFC, CRLF to LF, spaces tidied per line, at most one blank line in a row. */
export function cleanParagraphs(input: string, limits: { min: number; max: number }): Normalised {
  if (!input.isWellFormed()) return bad("Contains invalid Unicode");
  const value = input
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/\t/g, " ")
    .split("\n")
    .map((line) => line.replace(/[^\S\n]+/gu, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029]/u.test(value)) return bad("Contains control characters");
  const length = textLength(value);
  if (length < limits.min) return bad(limits.min <= 1 ? "Required" : `Must be at least ${limits.min} characters`);
  if (length > limits.max) return bad(`Must be at most ${limits.max} characters (got ${length})`);
  return ok(value);
}

const HOSTNAME_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A web address: https:// is assumed when no scheme is given; http(s) only;
 * no credentials; a public domain name (not an IP address or a bare host);
 * the host lower-cased (and in its ASCII/punycode form, as URL parsing does),
 * the fragment dropped, and no trailing slash on a bare domain.
 */
export function normaliseUrl(input: string, maxLength = 2048): Normalised {
  let text = input.trim();
  if (!text) return bad("Required");
  if (text.startsWith("//")) text = `https:${text}`;
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(text) || /^[^:/]+:\d+(\/|$)/.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return bad("Not a valid web address");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return bad("Must be an http or https address");
  if (url.username || url.password) return bad("Must not contain a user name or password");
  const host = url.hostname;
  if (/^\d+(\.\d+){3}$/.test(host) || host.startsWith("[")) return bad("Must use a domain name, not an IP address");
  const labels = host.split(".");
  if (labels.length < 2 || !labels.every((l) => HOSTNAME_LABEL.test(l)) || !/^(xn--[a-z0-9-]+|[a-z]{2,63})$/.test(labels.at(-1)!)) {
    return bad("Must be a public domain name, like example.com");
  }
  url.hash = "";
  let value = url.href;
  if (url.pathname === "/" && !url.search) value = value.slice(0, -1);
  if (value.length > maxLength) return bad(`Must be at most ${maxLength} characters`);
  return ok(value);
}

/** A phone number in E.164, read with the business's country as the default region. */
export function normalisePhone(input: string, country: string): Normalised {
  const text = input.trim();
  if (!text) return bad("Required");
  if (textLength(text) > 40 || !/^[0-9+()./\s-]+((ext|x|#)\.?\s*\d+)?$/i.test(text)) return bad("Must contain only digits, spaces and + ( ) - .");
  const phone = parsePhoneNumberFromString(text, { defaultCountry: country as CountryCode, extract: false });
  if (!phone) return bad(`Not a phone number (give it in international form, e.g. +1 415 555 0100, or as dialled in ${country})`);
  if (phone.ext) return bad("Extensions cannot be listed; give the main number");
  if (!phone.isValid()) {
    return bad(/^(\+|00)/.test(text) ? "Not a valid international phone number" : `Not a valid phone number for ${country}`);
  }
  if (!/^\+[1-9][0-9]{6,14}$/.test(phone.number)) return bad("Not a valid phone number");
  return ok(phone.number);
}

/**
 * Postal code formats of common countries: the pattern a normalised code must
 * match, and how to normalise (upper case, spacing). Elsewhere any 2-12
 * letters/digits with spaces or hyphens is accepted, as typed.
 */
const POSTAL: Record<string, { pattern: RegExp; example: string; format?: (s: string) => string }> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, example: "94107 or 94107-1234" },
  CA: { pattern: /^[A-Z]\d[A-Z] \d[A-Z]\d$/, example: "K1A 0B1", format: (s) => s.replace(/\s/g, "").replace(/^(.{3})/, "$1 ") },
  GB: { pattern: /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/, example: "SW1A 1AA", format: (s) => s.replace(/\s/g, "").replace(/(.{3})$/, " $1") },
  NL: { pattern: /^\d{4} [A-Z]{2}$/, example: "1012 AB", format: (s) => s.replace(/\s/g, "").replace(/^(\d{4})/, "$1 ") },
  DE: { pattern: /^\d{5}$/, example: "10115" },
  FR: { pattern: /^\d{5}$/, example: "75001" },
  ES: { pattern: /^\d{5}$/, example: "28001" },
  IT: { pattern: /^\d{5}$/, example: "00184" },
  FI: { pattern: /^\d{5}$/, example: "00100" },
  MX: { pattern: /^\d{5}$/, example: "06000" },
  AU: { pattern: /^\d{4}$/, example: "2000" },
  NZ: { pattern: /^\d{4}$/, example: "6011" },
  AT: { pattern: /^\d{4}$/, example: "1010" },
  CH: { pattern: /^\d{4}$/, example: "8001" },
  BE: { pattern: /^\d{4}$/, example: "1000" },
  DK: { pattern: /^\d{4}$/, example: "1050" },
  NO: { pattern: /^\d{4}$/, example: "0150" },
  SE: { pattern: /^\d{3} \d{2}$/, example: "111 22", format: (s) => s.replace(/\s/g, "").replace(/^(\d{3})/, "$1 ") },
  PL: { pattern: /^\d{2}-\d{3}$/, example: "00-950", format: (s) => s.replace(/^(\d{2})(\d{3})$/, "$1-$2") },
  PT: { pattern: /^\d{4}-\d{3}$/, example: "1000-001", format: (s) => s.replace(/^(\d{4})(\d{3})$/, "$1-$2") },
  JP: { pattern: /^\d{3}-\d{4}$/, example: "100-0001", format: (s) => s.replace(/^(\d{3})(\d{4})$/, "$1-$2") },
  BR: { pattern: /^\d{5}-\d{3}$/, example: "01310-100", format: (s) => s.replace(/^(\d{5})(\d{3})$/, "$1-$2") },
  IN: { pattern: /^\d{6}$/, example: "110001", format: (s) => s.replace(/\s/g, "") },
};

/** Countries whose addresses are not deliverable without a postal code. */
export const POSTAL_CODE_REQUIRED: ReadonlySet<string> = new Set(Object.keys(POSTAL));
/** Countries whose addresses need a state/province/region. */
export const REGION_REQUIRED: ReadonlySet<string> = new Set(["US", "CA", "AU", "BR", "MX", "IN"]);

export function normalisePostalCode(input: string, country: string): Normalised {
  const text = input.normalize("NFC").trim().replace(/\s+/g, " ").toUpperCase();
  if (!text) return bad("Required");
  const rule = POSTAL[country];
  if (rule) {
    const value = rule.format ? rule.format(text) : text;
    return rule.pattern.test(value) ? ok(value) : bad(`Not a valid postal code for ${country} (e.g. ${rule.example})`);
  }
  return /^[A-Z0-9](?:[A-Z0-9 -]{0,10}[A-Z0-9])?$/.test(text) ? ok(text) : bad("Not a valid postal code");
}

/** "9:05" → "09:05"; closes may be "24:00". Null when not a time. */
export function normaliseTime(input: string, allowMidnightEnd: boolean): string | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(input.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return null;
  if (h === 24 && min === 0 && allowMidnightEnd) return "24:00";
  if (h > 23) return null;
  return `${String(h).padStart(2, "0")}:${m[2]}`;
}

export const minutes = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
