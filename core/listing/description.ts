/**
 * The description each directory gets: plain text (HTML stripped), fitted to
 * the field's limit at a sentence boundary, and worded differently per
 * directory so the listings are not flagged as duplicate content. Every
 * variant is made only of the profile's own sentences (reordered, the short
 * or the long text, more or fewer sentences), so it stays truthful.
 */
import type { ListingProfile } from "./profile";
import { hash32, htmlToText, prng } from "../text";

export interface DescriptionField {
  /** Characters allowed (maxlength attribute, or what a hint says); undefined when unknown. */
  maxLength?: number;
  /** Words allowed, when a hint says so. */
  maxWords?: number;
  /** Characters required, when a hint says so. */
  minLength?: number;
  /** What the field's label asks for. */
  prefer: "short" | "long" | "any";
  /** Textareas keep paragraphs; one-line inputs get one line. */
  multiline: boolean;
}

/** Splits plain text into sentences (keeps the end punctuation). */
export function sentences(text: string): string[] {
  return text
    .split(/\n{2,}/)
    .flatMap((para) =>
      para
        .replace(/\s+/g, " ")
        .trim()
        .split(/(?<=[.!?…])\s+(?=["“«¿¡(]?[\p{Lu}\p{N}])/u),
    )
    .map((s) => s.trim())
    .filter(Boolean);
}

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
/** Words that carry meaning (4+ letters), folded, for overlap checks. */
const contentWords = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 4);

function fits(text: string, f: DescriptionField): boolean {
  if (f.maxLength !== undefined && text.length > f.maxLength) return false;
  if (f.maxWords !== undefined && words(text) > f.maxWords) return false;
  return true;
}

/** Cuts at a word boundary when not even one sentence fits. */
function cutWords(text: string, f: DescriptionField): string {
  let out = text;
  if (f.maxWords !== undefined) out = out.split(/\s+/).slice(0, f.maxWords).join(" ");
  if (f.maxLength !== undefined && out.length > f.maxLength) {
    const cut = out.slice(0, f.maxLength);
    const space = cut.lastIndexOf(" ");
    out = space > f.maxLength * 0.5 ? cut.slice(0, space) : cut;
  }
  return out.replace(/[\s,;:–-]+$/, "");
}

/** Greedy: sentences in order while they fit (skipping ones that would overflow). */
function pack(list: string[], f: DescriptionField, joiner: string): string {
  const taken: string[] = [];
  for (const s of list) {
    const next = [...taken, s].join(joiner);
    if (fits(next, f)) taken.push(s);
    else if (taken.length === 0) continue;
  }
  return taken.join(joiner);
}

/**
 * The description for one field of one directory. `seedKey` (the directory
 * id) decides the variation, so the same directory always gets the same text.
 */
export function describe(profile: Pick<ListingProfile, "shortDescription" | "longDescription" | "businessName">, field: DescriptionField, seedKey: string): string {
  const short = htmlToText(profile.shortDescription ?? "");
  const long = htmlToText(profile.longDescription ?? "");
  if (!short && !long) return "";
  const rand = prng(hash32(`description:${seedKey}`));
  const joiner = " ";
  const shortS = sentences(short);
  const longS = sentences(long);

  // Reorder the long text's sentences after the first (which usually introduces the business).
  const rotate = (list: string[]): string[] => {
    if (list.length < 3) return list;
    const rest = list.slice(1);
    const by = Math.floor(rand() * rest.length);
    return [list[0]!, ...rest.slice(by), ...rest.slice(0, by)];
  };
  // The short text leading, then the long text's sentences that say something it does not.
  const blend = (): string[] => {
    const shortWords = new Set(shortS.flatMap(contentWords));
    const adds = longS.filter((s) => {
      const w = contentWords(s);
      return w.length > 0 && w.filter((x) => shortWords.has(x)).length / w.length < 0.5;
    });
    return [...shortS, ...adds];
  };

  const variants: string[][] = [];
  const wantShort = field.prefer === "short" || (field.maxLength !== undefined && field.maxLength <= 320) || (field.maxWords !== undefined && field.maxWords <= 50);
  if (wantShort && shortS.length) {
    variants.push(shortS);
    if (longS.length) variants.push(rand() < 0.5 ? longS : rotate(longS));
  } else {
    const pick = rand();
    const longFirst = field.prefer === "long" || !shortS.length || pick < 0.67;
    const longVariant = longS.length ? (pick < 0.34 ? longS : rotate(longS)) : [];
    if (longFirst && longVariant.length) variants.push(longVariant, blend());
    else variants.push(blend(), longVariant);
    if (shortS.length) variants.push(shortS);
  }
  const multi = field.multiline && longS.length > 3;

  for (const list of variants.filter((l) => l.length)) {
    const whole = list.join(joiner);
    if (fits(whole, field) && (field.minLength === undefined || whole.length >= field.minLength)) {
      return multi && list === longS ? long.replace(/[ \t]+/g, " ") : whole;
    }
  }
  // Nothing fits whole: the most sentences of the first variant that fit, else the short text's.
  for (const list of variants.filter((l) => l.length)) {
    const packed = pack(list, field, joiner);
    if (packed) return packed;
  }
  return cutWords(shortS[0] ?? longS[0] ?? "", field);
}

/** Reads limits from a field's hint/label text ("Maximum 500 characters", "(25 WORDS MAX)", "mindestens 50 Zeichen"). */
export function limitsFromHint(text: string): { maxLength?: number; maxWords?: number; minLength?: number } {
  const out: { maxLength?: number; maxWords?: number; minLength?: number } = {};
  const t = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  const CHARS = "(?:characters?|chars?|zeichen|caracteres?|caratteri|tekens|letters|symbols)";
  const WORDS = "(?:words?|worter|worte|mots|palabras|parole|woorden|palavras)";
  const MIN = /(at least|minimum|min\.?|mindestens|au moins|al menos|almeno|minimaal|pelo menos|no less than)\s*$/;
  const scan = (unit: string, set: (n: number, isMin: boolean) => void) => {
    for (const m of t.matchAll(new RegExp(`(\\d[\\d.,]*)\\s*${unit}`, "g"))) {
      const n = Number(m[1]!.replace(/[.,]/g, ""));
      if (n > 0) set(n, MIN.test(t.slice(Math.max(0, m.index! - 20), m.index)));
    }
    for (const m of t.matchAll(new RegExp(`${unit}\\s*(?:max(?:imum)?|maximal|maximo|massimo|maximaal)?\\s*[:(]?\\s*(\\d[\\d.,]*)`, "g"))) {
      const n = Number(m[1]!.replace(/[.,]/g, ""));
      if (n > 0) set(n, false);
    }
  };
  scan(CHARS, (n, isMin) => {
    if (isMin) out.minLength = Math.max(out.minLength ?? 0, n);
    else out.maxLength = Math.min(out.maxLength ?? Infinity, n);
  });
  scan(WORDS, (n, isMin) => {
    if (!isMin) out.maxWords = Math.min(out.maxWords ?? Infinity, n);
  });
  return out;
}
