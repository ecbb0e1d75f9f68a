/**
 * Which languages a business can be listed in: its country's (and, where a
 * country has language regions, its region's) languages, plus any language
 * its own profile text is written in (the API detects that; core stays free of
 * the detector). A directory whose form speaks none of them is not chosen: an
 * English-only shop in Ohio is not sent to German-only directories.
 */

/** ISO 639-1 codes by ISO 3166-1 country, for the countries the catalog serves; others default to English. */
const COUNTRY_LANGUAGES: Readonly<Record<string, readonly string[]>> = {
  US: ["en"],
  GB: ["en"],
  IE: ["en"],
  AU: ["en"],
  NZ: ["en"],
  CA: ["en"],
  IN: ["en"],
  ZA: ["en"],
  SG: ["en"],
  NG: ["en"],
  AE: ["en"],
  DE: ["de"],
  AT: ["de"],
  LI: ["de"],
  CH: ["de", "fr", "it"],
  LU: ["fr", "de"],
  FR: ["fr"],
  BE: ["nl", "fr"],
  NL: ["nl"],
  ES: ["es"],
  MX: ["es"],
  AR: ["es"],
  CL: ["es"],
  CO: ["es"],
  PE: ["es"],
  PA: ["es"],
  IT: ["it"],
  PT: ["pt"],
  BR: ["pt"],
  SE: ["sv"],
  DK: ["da"],
  NO: ["no"],
  FI: ["fi"],
  PL: ["pl"],
  RU: ["ru"],
  JP: ["ja"],
  KR: ["ko"],
};

/** Regions whose language differs from the rest of their country. */
const REGION_LANGUAGES: Readonly<Record<string, readonly string[]>> = {
  // Quebec businesses are listed in French-Canadian directories as well.
  "CA-QC": ["fr", "en"],
  "CA-NB": ["en", "fr"],
  "US-PR": ["es", "en"],
};

/** Region names the profile may carry instead of the ISO code. */
const REGION_ALIASES: Readonly<Record<string, string>> = {
  "CA-QUEBEC": "CA-QC",
  "CA-QUÉBEC": "CA-QC",
  "CA-NEW BRUNSWICK": "CA-NB",
  "CA-NOUVEAU-BRUNSWICK": "CA-NB",
  "US-PUERTO RICO": "US-PR",
};

export function countryLanguages(country: string, region?: string | null): string[] {
  const cc = country.toUpperCase();
  if (region) {
    const key = `${cc}-${region.trim().toUpperCase()}`;
    const regional = REGION_LANGUAGES[REGION_ALIASES[key] ?? key];
    if (regional) return [...regional];
  }
  return [...(COUNTRY_LANGUAGES[cc] ?? ["en"])];
}

/** Languages the catalog's directories are written in, for detection to choose among. */
export const CATALOG_LANGUAGES = ["en", "de", "fr", "es", "nl", "it", "pt", "sv", "da", "no", "fi", "pl", "ru", "ja", "ko"] as const;
