/**
 * Option lists that several designs share (categories, countries, regions),
 * in each language and with the value schemes real sites use: slugs, numeric
 * ids or the label itself.
 */
import type { FieldOption, Language } from "../types.ts";

const CATEGORY_KEYS = ["food", "retail", "home", "health", "legal", "auto", "beauty", "tech", "realestate", "travel", "other"] as const;

const CATEGORY_LABELS: Record<Language, Record<(typeof CATEGORY_KEYS)[number], string>> = {
  en: { food: "Restaurants & Food", retail: "Shopping & Retail", home: "Home Services", health: "Health & Medical", legal: "Legal & Financial", auto: "Automotive", beauty: "Beauty & Wellness", tech: "IT & Software", realestate: "Real Estate", travel: "Travel & Hotels", other: "Other" },
  de: { food: "Gastronomie & Lebensmittel", retail: "Einzelhandel", home: "Handwerk & Haus", health: "Gesundheit", legal: "Recht & Finanzen", auto: "Auto & Verkehr", beauty: "Schönheit & Wellness", tech: "IT & Software", realestate: "Immobilien", travel: "Reisen & Hotels", other: "Sonstiges" },
  fr: { food: "Restauration & Alimentation", retail: "Commerce de détail", home: "Services à domicile", health: "Santé", legal: "Droit & Finance", auto: "Automobile", beauty: "Beauté & Bien-être", tech: "Informatique", realestate: "Immobilier", travel: "Voyage & Hôtellerie", other: "Autre" },
  es: { food: "Restaurantes y Alimentación", retail: "Comercio", home: "Servicios para el hogar", health: "Salud", legal: "Legal y Finanzas", auto: "Automoción", beauty: "Belleza y Bienestar", tech: "Informática", realestate: "Inmobiliaria", travel: "Viajes y Hoteles", other: "Otros" },
  it: { food: "Ristorazione e Alimentari", retail: "Commercio", home: "Servizi per la casa", health: "Salute", legal: "Legale e Finanza", auto: "Automotive", beauty: "Bellezza e Benessere", tech: "Informatica", realestate: "Immobiliare", travel: "Viaggi e Hotel", other: "Altro" },
  nl: { food: "Horeca & Voeding", retail: "Winkels", home: "Klussen & Wonen", health: "Gezondheid", legal: "Juridisch & Financieel", auto: "Auto & Vervoer", beauty: "Beauty & Wellness", tech: "ICT & Software", realestate: "Vastgoed", travel: "Reizen & Hotels", other: "Overig" },
  pt: { food: "Restauração e Alimentação", retail: "Comércio", home: "Serviços domésticos", health: "Saúde", legal: "Jurídico e Finanças", auto: "Automóvel", beauty: "Beleza e Bem-estar", tech: "Informática", realestate: "Imobiliário", travel: "Viagens e Hotéis", other: "Outros" },
};

export function categoryOptions(language: Language, values: "slug" | "numeric" | "label" = "slug"): FieldOption[] {
  return CATEGORY_KEYS.map((key, i) => {
    const label = CATEGORY_LABELS[language][key];
    const value = values === "slug" ? key : values === "numeric" ? String(101 + i * 7) : label;
    return { value, label };
  });
}

const COUNTRY_NAMES: Record<string, Partial<Record<Language, string>> & { en: string }> = {
  US: { en: "United States", de: "Vereinigte Staaten", fr: "États-Unis", es: "Estados Unidos", it: "Stati Uniti", nl: "Verenigde Staten", pt: "Estados Unidos" },
  CA: { en: "Canada", de: "Kanada", fr: "Canada", es: "Canadá", it: "Canada", nl: "Canada", pt: "Canadá" },
  GB: { en: "United Kingdom", de: "Vereinigtes Königreich", fr: "Royaume-Uni", es: "Reino Unido", it: "Regno Unito", nl: "Verenigd Koninkrijk", pt: "Reino Unido" },
  IE: { en: "Ireland", de: "Irland", fr: "Irlande", es: "Irlanda", it: "Irlanda", nl: "Ierland", pt: "Irlanda" },
  AU: { en: "Australia", de: "Australien", fr: "Australie", es: "Australia", it: "Australia", nl: "Australië", pt: "Austrália" },
  DE: { en: "Germany", de: "Deutschland", fr: "Allemagne", es: "Alemania", it: "Germania", nl: "Duitsland", pt: "Alemanha" },
  AT: { en: "Austria", de: "Österreich", fr: "Autriche", es: "Austria", it: "Austria", nl: "Oostenrijk", pt: "Áustria" },
  CH: { en: "Switzerland", de: "Schweiz", fr: "Suisse", es: "Suiza", it: "Svizzera", nl: "Zwitserland", pt: "Suíça" },
  FR: { en: "France", de: "Frankreich", fr: "France", es: "Francia", it: "Francia", nl: "Frankrijk", pt: "França" },
  BE: { en: "Belgium", de: "Belgien", fr: "Belgique", es: "Bélgica", it: "Belgio", nl: "België", pt: "Bélgica" },
  ES: { en: "Spain", de: "Spanien", fr: "Espagne", es: "España", it: "Spagna", nl: "Spanje", pt: "Espanha" },
  MX: { en: "Mexico", de: "Mexiko", fr: "Mexique", es: "México", it: "Messico", nl: "Mexico", pt: "México" },
  IT: { en: "Italy", de: "Italien", fr: "Italie", es: "Italia", it: "Italia", nl: "Italië", pt: "Itália" },
  NL: { en: "Netherlands", de: "Niederlande", fr: "Pays-Bas", es: "Países Bajos", it: "Paesi Bassi", nl: "Nederland", pt: "Países Baixos" },
  PT: { en: "Portugal", de: "Portugal", fr: "Portugal", es: "Portugal", it: "Portogallo", nl: "Portugal", pt: "Portugal" },
  BR: { en: "Brazil", de: "Brasilien", fr: "Brésil", es: "Brasil", it: "Brasile", nl: "Brazilië", pt: "Brasil" },
};

/** Countries, the design's own first, then the rest by name. */
export function countryOptions(language: Language, values: "iso" | "name" = "iso", first: string[] = []): FieldOption[] {
  const codes = [...first, ...Object.keys(COUNTRY_NAMES).filter((c) => !first.includes(c))];
  return codes.map((code) => {
    const names = COUNTRY_NAMES[code]!;
    const label = names[language] ?? names.en;
    return { value: values === "iso" ? code : label, label };
  });
}

export const US_STATES: FieldOption[] = (
  "AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware|DC District of Columbia|FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|KY Kentucky|LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi|MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico|NY New York|NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania|RI Rhode Island|SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah|VT Vermont|VA Virginia|WA Washington|WV West Virginia|WI Wisconsin|WY Wyoming"
)
  .split("|")
  .map((entry) => ({ value: entry.slice(0, 2), label: entry.slice(3) }));

export const DE_STATES: FieldOption[] = [
  "Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen", "Mecklenburg-Vorpommern",
  "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen",
].map((label) => ({ value: label, label }));

export const CA_PROVINCES: FieldOption[] = [
  ["AB", "Alberta"], ["BC", "British Columbia"], ["MB", "Manitoba"], ["NB", "New Brunswick"], ["NL", "Newfoundland and Labrador"],
  ["NS", "Nova Scotia"], ["ON", "Ontario"], ["PE", "Prince Edward Island"], ["QC", "Québec"], ["SK", "Saskatchewan"],
].map(([value, label]) => ({ value: value!, label: label! }));

export const ES_PROVINCES: FieldOption[] = ["Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga", "Bizkaia", "Zaragoza", "Otra"].map((label) => ({ value: label, label }));
