/**
 * Credentials for directories that create an account with the listing: a
 * username derived from the business name, the same for a job at a
 * directory on every attempt, and a strong random password (Web Crypto, in
 * the Worker and in Node alike) made once per attempt.
 */
import { fold, hash32 } from "../../../core/text";

export function usernameFor(businessName: string, jobId: string, directoryId: string, maxLength = 20): string {
  const base =
    fold(businessName)
      .replace(/[^a-z0-9]/g, "")
      .replace(/^\d+/, "") || "business";
  const suffix = String(hash32(`username:${jobId}:${directoryId}`) % 10_000).padStart(4, "0");
  const room = Math.max(4, Math.min(maxLength, 30) - suffix.length);
  return `${base.slice(0, room)}${suffix}`;
}

const LOWER = "abcdefghijkmnopqrstuvwxyz";
const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS = "23456789";
const SYMBOLS = "!#%+-=?@_";

export function strongPassword(length = 18): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const bytes = new Uint32Array(length);
  crypto.getRandomValues(bytes);
  const pick = (set: string, n: number) => set[n % set.length]!;
  // One of each class first, then any; shuffled so the classes do not sit in fixed places.
  const chars = [pick(LOWER, bytes[0]!), pick(UPPER, bytes[1]!), pick(DIGITS, bytes[2]!), pick(SYMBOLS, bytes[3]!)];
  for (let i = 4; i < length; i++) chars.push(pick(all, bytes[i]!));
  const order = new Uint32Array(length);
  crypto.getRandomValues(order);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = order[i]! % (i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  // Never a leading = + - @: the customer's CSV export would neutralise such a
  // cell with an apostrophe (core/csv.ts), and the exported password would be wrong.
  if ("=+-@".includes(chars[0]!)) {
    const k = chars.findIndex((c) => /[A-Za-z0-9]/.test(c));
    [chars[0], chars[k]] = [chars[k]!, chars[0]!];
  }
  return chars.join("");
}
