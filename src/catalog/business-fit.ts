/**
 * What selection needs to know about a business (core/catalog/selection.ts):
 * its country, its categories on the taxonomy, and the languages it can be
 * listed in, read from its profile. The profile's text counts for language:
 * a shop in Ohio whose long description is German may also go to German
 * directories. Detection is franc-min's trigram model, restricted to the
 * catalog's languages so that a short text is not read as a rare one.
 */
import { francAll } from "franc-min";
import { categoriesOf } from "../../core/catalog/categories";
import { countryLanguages } from "../../core/catalog/languages";
import type { BusinessFit } from "../../core/catalog/selection";

/** ISO 639-3 (franc) to ISO 639-1 (the catalog), for the languages the catalog has. */
const ISO3_TO_1: Readonly<Record<string, string>> = {
  eng: "en",
  deu: "de",
  fra: "fr",
  spa: "es",
  nld: "nl",
  ita: "it",
  por: "pt",
  swe: "sv",
  pol: "pl",
  rus: "ru",
  jpn: "ja",
  kor: "ko",
};
const ONLY = Object.keys(ISO3_TO_1);

/** Below this many characters franc's guess is noise; a tagline alone does not make a language. */
const MIN_DETECT_LENGTH = 40;

/** The language a text is written in (ISO 639-1), or null when too short or unclear. */
export function detectLanguage(text: string | null | undefined): string | null {
  if (!text || text.trim().length < MIN_DETECT_LENGTH) return null;
  const [best] = francAll(text, { only: ONLY, minLength: MIN_DETECT_LENGTH });
  if (!best || best[0] === "und") return null;
  return ISO3_TO_1[best[0]] ?? null;
}

export interface ProfileForFit {
  country: string | null;
  region: string | null;
  categories: readonly string[];
  shortDescription: string | null;
  longDescription: string | null;
}

export function businessFit(profile: ProfileForFit | null, fallbackCountry: string | null): BusinessFit {
  const country = profile?.country ?? fallbackCountry;
  const languages = country ? countryLanguages(country, profile?.region) : ["en"];
  for (const text of [profile?.shortDescription, profile?.longDescription]) {
    const lang = detectLanguage(text);
    if (lang && !languages.includes(lang)) languages.push(lang);
  }
  return { country: country ? country.toUpperCase() : null, categories: categoriesOf(profile?.categories ?? []), languages };
}
