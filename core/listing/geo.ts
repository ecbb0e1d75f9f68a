/**
 * Countries and regions as directories spell them: ISO codes, names in the
 * seven languages (Intl.DisplayNames, present in V8 everywhere, with a small
 * table of aliases it does not produce), and state/province codes for the
 * countries whose addresses need one.
 */
import { fold } from "../text";

export const LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pt"] as const;

const ALIASES: Record<string, string[]> = {
  US: ["usa", "u s a", "u s", "united states of america", "america", "etats unis d'amerique", "eeuu", "ee uu", "estados unidos de america", "stati uniti d'america"],
  GB: [
    "uk",
    "u k",
    "great britain",
    "britain",
    "england",
    "united kingdom of great britain and northern ireland",
    "grossbritannien",
    "grande bretagne",
    "gran bretana",
    "gran bretagna",
    "groot brittannie",
    "gra bretanha",
  ],
  NL: ["holland", "the netherlands", "pays bas", "niederlande", "paises bajos", "paesi bassi", "nederland"],
  DE: ["germany", "deutschland", "allemagne", "alemania", "germania", "duitsland", "alemanha"],
  CZ: ["czech republic", "czechia"],
  KR: ["south korea", "korea"],
  RU: ["russia"],
  AE: ["uae", "emirates"],
};

const namesCache = new Map<string, string[]>();

/** Every way we know to write a country (folded), the code itself included. */
export function countryNames(code: string): string[] {
  const upper = code.toUpperCase();
  const cached = namesCache.get(upper);
  if (cached) return cached;
  const names = new Set<string>([fold(upper)]);
  for (const lang of LANGUAGES) {
    try {
      const name = new Intl.DisplayNames([lang], { type: "region" }).of(upper);
      if (name && name !== upper) names.add(fold(name));
    } catch {
      /* no ICU data for this language: the aliases still apply */
    }
  }
  for (const alias of ALIASES[upper] ?? []) names.add(fold(alias));
  const list = [...names];
  namesCache.set(upper, list);
  return list;
}

/** The country's name in a language (for free-text country fields). */
export function countryName(code: string, language: string): string {
  try {
    const name = new Intl.DisplayNames([language, "en"], { type: "region" }).of(code.toUpperCase());
    if (name) return name;
  } catch {
    /* fall through */
  }
  return code.toUpperCase();
}

const US_STATES =
  "AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware|DC District of Columbia|FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky|LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi|MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico|NY New York|NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania|PR Puerto Rico|RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah|VT Vermont|VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming";
const CA_PROVINCES =
  "AB Alberta|BC British Columbia|MB Manitoba|NB New Brunswick|NL Newfoundland and Labrador|NS Nova Scotia|NT Northwest Territories|NU Nunavut|ON Ontario|PE Prince Edward Island|QC Quebec|SK Saskatchewan|YT Yukon";
const AU_STATES = "ACT Australian Capital Territory|NSW New South Wales|NT Northern Territory|QLD Queensland|SA South Australia|TAS Tasmania|VIC Victoria|WA Western Australia";
const BR_STATES =
  "AC Acre|AL Alagoas|AP Amapa|AM Amazonas|BA Bahia|CE Ceara|DF Distrito Federal|ES Espirito Santo|GO Goias|MA Maranhao|MT Mato Grosso|MS Mato Grosso do Sul|MG Minas Gerais|PA Para|PB Paraiba|PR Parana|PE Pernambuco|PI Piaui|RJ Rio de Janeiro|RN Rio Grande do Norte|RS Rio Grande do Sul|RO Rondonia|RR Roraima|SC Santa Catarina|SP Sao Paulo|SE Sergipe|TO Tocantins";

const REGIONS: Record<string, [string, string][]> = Object.fromEntries(
  Object.entries({ US: US_STATES, CA: CA_PROVINCES, AU: AU_STATES, BR: BR_STATES }).map(([country, list]) => [
    country,
    list.split("|").map((entry) => {
      const space = entry.indexOf(" ");
      return [entry.slice(0, space), entry.slice(space + 1)] as [string, string];
    }),
  ]),
);

/** Ways to write a region (folded): its code and its name, when the country's list has it. */
export function regionNames(region: string, country: string | null): string[] {
  const f = fold(region);
  const names = new Set<string>([f]);
  const list = country ? REGIONS[country.toUpperCase()] : undefined;
  for (const [code, name] of list ?? []) {
    if (fold(code) === f || fold(name) === f) {
      names.add(fold(code));
      names.add(fold(name));
    }
  }
  return [...names];
}

/** The region's full name when we know it ("CA" → "California"), else as given. */
export function regionLongName(region: string, country: string | null): string {
  const list = country ? REGIONS[country.toUpperCase()] : undefined;
  const hit = list?.find(([code]) => code.toLowerCase() === region.toLowerCase());
  return hit ? hit[1] : region;
}

/** Share of option labels that name a country (to recognise a country list the mapper did not). */
export function looksLikeCountryList(labels: string[]): boolean {
  if (labels.length < 5) return false;
  const known = new Set(["US", "GB", "DE", "FR", "ES", "IT", "NL", "PT", "BE", "AT", "CH", "CA", "AU", "IE", "MX", "BR", "SE", "NO", "DK", "PL"].flatMap(countryNames));
  const hits = labels.filter((l) => known.has(fold(l))).length;
  return hits >= 3 && hits / labels.length >= 0.3;
}

export function looksLikeRegionList(labels: string[], country: string | null): boolean {
  const list = country ? REGIONS[country.toUpperCase()] : undefined;
  if (!list || labels.length < 5) return false;
  const known = new Set(list.flatMap(([c, n]) => [fold(c), fold(n)]));
  return labels.filter((l) => known.has(fold(l))).length / labels.length >= 0.5;
}
