/**
 * Turns the designs into as many simulated directories as asked, the same
 * ones for the same seed. Prefix-stable: the first n of a larger run are the
 * n of a smaller one, so a farm started with 520 directories serves every
 * slug of a catalog of 500.
 */
import { designs } from "./designs/index.ts";
import type { Language } from "./types.ts";
import { createRng, hashString } from "./random.ts";
import type { PriorityTier, SandboxCatalogRow, Variant } from "./types.ts";

export const DEFAULT_SEED = "directorybolt";
export const DEFAULT_VARIANTS = 520;

/**
 * Tiers in every block of 25 directories (shuffled per block): 4 in tier 1,
 * 3 in tier 2, 9 in tier 3, 5 in tier 4, 4 in tier 5. With 520 directories:
 * 83 in tier 1, 145 in tiers <= 2, 332 in tiers <= 3, enough for every plan
 * (Starter 50 of tier 1, Growth 100 of <= 2, Professional 300 of <= 3,
 * Enterprise 500 of all).
 */
const TIER_BLOCK: PriorityTier[] = [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5];

const DA_RANGE: Record<PriorityTier, [number, number]> = { 1: [70, 95], 2: [55, 79], 3: [35, 60], 4: [20, 45], 5: [5, 30] };

const NICHES = ["home-services", "legal", "medical", "restaurants", "software", "automotive", "real-estate", "hotels", "beauty-wellness", "pets", "b2b"];

/** Words for directory names, per language: [places, general names, niche words by niche]. */
const NAMING: Record<Language, { places: string[]; general: string[]; niche: (niche: string, place: string) => string }> = {
  en: {
    places: ["Metro", "Harbor", "Summit", "Lakeside", "Northstar", "Riverside", "Golden Gate", "Bayview", "Pioneer", "Evergreen", "Capital", "Prairie", "Coastal", "Maple", "Liberty", "Union"],
    general: ["Business Finder", "Local Listings", "Business Directory", "Biz Pages", "Trade Index", "Merchant Guide", "Company Hub", "Yellow Book", "City Guide", "Business Registry"],
    niche: (n, p) =>
      `${p} ${{ "home-services": "Home Pros", legal: "Lawyer Finder", medical: "Health Directory", restaurants: "Food Guide", software: "Tech Listings", automotive: "Auto Services", "real-estate": "Property Guide", hotels: "Stay Finder", "beauty-wellness": "Beauty Book", pets: "Pet Services", b2b: "B2B Network" }[n]}`,
  },
  de: {
    places: ["Nord", "Süd", "Bayern", "Rhein-Main", "Berlin", "Hamburg", "Sachsen", "Ruhr", "Schwaben", "Alpen", "Wien", "Zürich"],
    general: ["Branchenbuch", "Firmenverzeichnis", "Firmenfinder", "Gelbe Liste", "Stadtbranchen", "Unternehmensregister", "Branchenportal"],
    niche: (n, p) =>
      `${{ "home-services": "Handwerker", legal: "Anwaltssuche", medical: "Arztfinder", restaurants: "Gastroführer", software: "IT-Firmen", automotive: "Werkstattfinder", "real-estate": "Immobilienprofis", hotels: "Unterkunft", "beauty-wellness": "Wellnessführer", pets: "Tierprofis", b2b: "B2B-Verzeichnis" }[n]} ${p}`,
  },
  fr: {
    places: ["Lyon", "Bretagne", "Provence", "Paris", "Nord", "Alsace", "Bordeaux", "Wallonie", "Bruxelles", "Normandie"],
    general: ["Annuaire des Pros", "Annuaire Local", "Guide des Entreprises", "Répertoire Pro", "Pages Entreprises"],
    niche: (n, p) =>
      `${{ "home-services": "Artisans", legal: "Avocats", medical: "Santé", restaurants: "Restos", software: "Numérique", automotive: "Garages", "real-estate": "Immobilier", hotels: "Hébergements", "beauty-wellness": "Beauté", pets: "Animaux", b2b: "Pros B2B" }[n]} ${p}`,
  },
  es: {
    places: ["Madrid", "Andalucía", "Valencia", "Cataluña", "Norte", "Jalisco", "CDMX", "Galicia", "Canarias"],
    general: ["Guía de Empresas", "Directorio Comercial", "Páginas Locales", "Guía Pro", "Directorio de Negocios"],
    niche: (n, p) =>
      `${{ "home-services": "Reformas", legal: "Abogados", medical: "Salud", restaurants: "Restaurantes", software: "Tecnología", automotive: "Talleres", "real-estate": "Inmobiliarias", hotels: "Alojamientos", "beauty-wellness": "Belleza", pets: "Mascotas", b2b: "Empresas B2B" }[n]} ${p}`,
  },
  it: {
    places: ["Milano", "Roma", "Toscana", "Veneto", "Napoli", "Torino", "Sicilia", "Emilia"],
    general: ["Elenco Aziende", "Guida Imprese", "Annuario Locale", "Pagine Aziende"],
    niche: (n, p) =>
      `${{ "home-services": "Artigiani", legal: "Avvocati", medical: "Salute", restaurants: "Ristoranti", software: "Informatica", automotive: "Officine", "real-estate": "Immobiliari", hotels: "Alloggi", "beauty-wellness": "Bellezza", pets: "Animali", b2b: "Imprese B2B" }[n]} ${p}`,
  },
  nl: {
    places: ["Utrecht", "Amsterdam", "Brabant", "Rotterdam", "Friesland", "Limburg", "Gelderland", "Vlaanderen"],
    general: ["Bedrijvengids", "Bedrijvenregister", "Lokale Gids", "Ondernemersgids"],
    niche: (n, p) =>
      `${{ "home-services": "Vakmensen", legal: "Advocatengids", medical: "Zorggids", restaurants: "Horecagids", software: "ICT-gids", automotive: "Garagegids", "real-estate": "Makelaars", hotels: "Overnachten", "beauty-wellness": "Beautygids", pets: "Dierengids", b2b: "Zakelijk" }[n]} ${p}`,
  },
  pt: {
    places: ["Lisboa", "Porto", "Minho", "Algarve", "São Paulo", "Rio", "Minas", "Bahia"],
    general: ["Guia de Empresas", "Lista Comercial", "Diretório Local", "Páginas Empresariais"],
    niche: (n, p) =>
      `${{ "home-services": "Serviços Casa", legal: "Advogados", medical: "Saúde", restaurants: "Restaurantes", software: "Tecnologia", automotive: "Oficinas", "real-estate": "Imobiliárias", hotels: "Alojamento", "beauty-wellness": "Beleza", pets: "Animais", b2b: "Negócios B2B" }[n]} ${p}`,
  },
};

export function slugify(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Generates `count` directories from the designs, deterministically for `seed`. */
export function generateVariants(count: number = DEFAULT_VARIANTS, seed: string | number = DEFAULT_SEED): Variant[] {
  const out: Variant[] = [];
  const perTier: Record<PriorityTier, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  const names = new Set<string>();
  let block: PriorityTier[] = [];
  for (let index = 0; index < count; index++) {
    if (index % TIER_BLOCK.length === 0) block = createRng(`${seed}:tiers:${index / TIER_BLOCK.length}`).shuffle(TIER_BLOCK);
    const tier = block[index % TIER_BLOCK.length]!;
    // Designs cycle within each tier, so every tier (Starter's tier 1 too) meets every design.
    const offset = hashString(`${seed}:offset:${tier}`) % designs.length;
    const design = designs[(offset + perTier[tier]++) % designs.length]!;
    const rng = createRng(`${seed}:variant:${index}`);
    const language = design.language;
    const naming = NAMING[language];
    const niche = rng.next() < 0.4 ? rng.pick(NICHES) : undefined;
    const place = rng.pick(naming.places);
    let name = niche ? naming.niche(niche, place) : rng.next() < 0.5 ? `${place} ${rng.pick(naming.general)}` : `${rng.pick(naming.general)} ${place}`;
    for (let n = 2; names.has(name); n++) name = `${name.replace(/ \d+$/, "")} ${n}`;
    names.add(name);
    const slug = `${slugify(name)}-${String(index + 1).padStart(3, "0")}`;
    const [daMin, daMax] = DA_RANGE[tier];
    out.push({
      index,
      slug,
      name,
      basePath: `/d/${slug}/`,
      design,
      tier,
      daScore: rng.int(daMin, daMax),
      category: niche ?? "general",
      scope: niche ? "niche" : "general",
      country: rng.pick(design.countries),
      language,
      requiresCaptcha: design.fields.some((f) => f.type === "captcha"),
      requiresEmailVerification: design.emailVerification,
      requiresAccount: design.account,
      approvalType: design.approval,
      siteKey: `6Lf${hashString(`${seed}:sitekey:${slug}`).toString(36)}FarmSiteKey${index.toString(36)}`,
    });
  }
  return out;
}

/** The `directories` rows for a farm at `farmUrl` (no trailing slash needed). */
export function sandboxCatalog(farmUrl: string, count: number = DEFAULT_VARIANTS, seed: string | number = DEFAULT_SEED): SandboxCatalogRow[] {
  const base = farmUrl.replace(/\/+$/, "");
  return generateVariants(count, seed).map((v) => ({
    slug: v.slug,
    name: v.name,
    website: `${base}${v.basePath}`,
    submitUrl: `${base}${v.basePath}${v.design.submitPath}`,
    listingSearchUrl: `${base}${v.basePath}search?q={query}`,
    daScore: v.daScore,
    priorityTier: v.tier,
    category: v.category,
    country: v.country,
    language: v.language,
    requiresCaptcha: v.requiresCaptcha,
    requiresEmailVerification: v.requiresEmailVerification,
    requiresPhoneVerification: false,
    requiresAccount: v.requiresAccount,
    approvalType: v.approvalType,
    automation: "automated",
    listingCost: "free",
    scope: v.scope,
    factsVerified: true,
    sandbox: true,
    notes: `sandbox farm directory; design ${v.design.id}: ${v.design.title}`,
  }));
}
