/**
 * The business-category taxonomy, defined once: what a business is (a bakery,
 * a plumber) in one slug, with the words people use for it in the languages
 * the catalog serves (en, fr, de, es, nl, it, pt). A profile's free-text
 * categories map onto it (`categoriesOf`); a niche directory's catalog
 * `category` (the vocabulary of migrations/seed/starter-directories.csv) maps
 * onto the slugs it serves (`servedCategories`).
 *
 * Why synonyms and not a picker only: profiles carry the customer's own words
 * ("Bäckerei", "Family law attorney"), and a niche directory must never be
 * chosen on a guess, so an unmatched word maps to nothing rather than to the
 * nearest slug.
 */

export interface BusinessCategory {
  slug: string;
  /** English label for lists and the pricing page ("N directories for a bakery"). */
  label: string;
  /** Lower-case words and phrases, any language; matched as whole words after folding accents. */
  synonyms: readonly string[];
}

const c = (slug: string, label: string, synonyms: string[]): BusinessCategory => ({ slug, label, synonyms: [label.toLowerCase(), ...synonyms] });

export const BUSINESS_CATEGORIES: readonly BusinessCategory[] = [
  // Food and drink
  c("restaurant", "Restaurant", [
    "restaurants",
    "diner",
    "bistro",
    "eatery",
    "pizzeria",
    "trattoria",
    "ristorante",
    "restaurante",
    "gaststätte",
    "gasthaus",
    "brasserie",
    "steakhouse",
    "sushi",
    "takeaway",
    "take-away",
    "imbiss",
  ]),
  c("cafe", "Café", ["cafe", "coffee shop", "coffee house", "coffeehouse", "tea room", "kaffee", "cafeteria", "koffiehuis", "salon de thé"]),
  c("bakery", "Bakery", [
    "bakeries",
    "baker",
    "patisserie",
    "pâtisserie",
    "boulangerie",
    "bäckerei",
    "backerei",
    "konditorei",
    "panadería",
    "panaderia",
    "pastelería",
    "bakkerij",
    "panetteria",
    "panificio",
    "pasticceria",
    "padaria",
    "cake shop",
  ]),
  c("bar", "Bar", ["pub", "tavern", "brewery", "wine bar", "kneipe", "brauerei", "taberna", "cervecería", "café-bar", "kroeg"]),
  c("catering", "Caterer", ["catering", "caterer", "traiteur", "partyservice", "banquetes"]),
  // Home services and construction
  c("plumber", "Plumber", ["plumbing", "plumbers", "plombier", "plomberie", "klempner", "installateur", "sanitär", "fontanero", "fontanería", "loodgieter", "idraulico", "canalizador"]),
  c("electrician", "Electrician", ["electrical contractor", "electricians", "électricien", "elektriker", "elektroinstallateur", "electricista", "elektricien", "elettricista", "eletricista"]),
  c("hvac", "HVAC contractor", ["hvac", "heating", "air conditioning", "furnace repair", "chauffagiste", "climatisation", "heizung", "klimatechnik", "calefacción", "climatización", "verwarming"]),
  c("roofer", "Roofer", ["roofing", "roofers", "couvreur", "dachdecker", "tejados", "dakdekker", "copertura"]),
  c("general-contractor", "General contractor", [
    "contractor",
    "builder",
    "builders",
    "construction",
    "construction company",
    "home builder",
    "remodeling",
    "renovation",
    "renovations",
    "entreprise de construction",
    "entrepreneur en construction",
    "bauunternehmen",
    "bauunternehmer",
    "handwerker",
    "constructora",
    "reformas",
    "aannemer",
    "impresa edile",
    "construtora",
  ]),
  c("landscaper", "Landscaper", [
    "landscaping",
    "landscape",
    "gardener",
    "gardening",
    "lawn care",
    "paysagiste",
    "jardinier",
    "gartenbau",
    "gärtner",
    "landschaftsbau",
    "jardinería",
    "jardinero",
    "hovenier",
    "giardiniere",
  ]),
  c("cleaning", "Cleaning service", [
    "cleaning",
    "cleaners",
    "cleaner",
    "maid service",
    "janitorial",
    "nettoyage",
    "ménage",
    "gebäudereinigung",
    "reinigung",
    "reinigungsfirma",
    "limpieza",
    "schoonmaak",
    "pulizie",
  ]),
  c("locksmith", "Locksmith", ["locksmiths", "serrurier", "schlüsseldienst", "schlosser", "cerrajero", "slotenmaker", "fabbro"]),
  c("pest-control", "Pest control", ["exterminator", "dératisation", "désinsectisation", "schädlingsbekämpfung", "control de plagas", "ongediertebestrijding", "disinfestazione"]),
  c("painter", "Painter", ["painting contractor", "painters", "house painter", "decorator", "peintre", "maler", "malerbetrieb", "pintor", "schilder", "imbianchino"]),
  c("moving", "Moving company", ["movers", "removals", "removal company", "déménagement", "déménageur", "umzug", "umzugsunternehmen", "mudanzas", "verhuizer", "traslochi"]),
  c("handyman", "Handyman", ["handyman services", "homme à tout faire", "hausmeisterservice", "manitas", "klusjesman"]),
  // Health
  c("dentist", "Dentist", [
    "dental",
    "dentistry",
    "dental clinic",
    "dental practice",
    "orthodontist",
    "dentiste",
    "cabinet dentaire",
    "zahnarzt",
    "zahnarztpraxis",
    "kieferorthopäde",
    "dentista",
    "clínica dental",
    "tandarts",
    "odontoiatra",
  ]),
  c("doctor", "Doctor", [
    "physician",
    "medical practice",
    "medical clinic",
    "clinic",
    "general practitioner",
    "gp",
    "family doctor",
    "médecin",
    "cabinet médical",
    "arzt",
    "arztpraxis",
    "hausarzt",
    "médico",
    "clínica",
    "huisarts",
    "medico",
    "medico di base",
  ]),
  c("chiropractor", "Chiropractor", ["chiropractic", "chiropracteur", "chiropraktiker", "quiropráctico", "chiropractor"]),
  c("physiotherapist", "Physiotherapist", [
    "physiotherapy",
    "physical therapy",
    "physical therapist",
    "kinésithérapeute",
    "kiné",
    "physiotherapie",
    "physiotherapeut",
    "krankengymnastik",
    "fisioterapia",
    "fisioterapeuta",
    "fysiotherapeut",
    "fysiotherapie",
  ]),
  c("optometrist", "Optometrist", ["optician", "eye doctor", "eye care", "opticien", "optiker", "augenoptiker", "óptica", "optometrista", "opticien", "ottico"]),
  c("pharmacy", "Pharmacy", ["chemist", "drugstore", "pharmacie", "apotheke", "farmacia", "apotheek", "farmácia"]),
  c("therapist", "Therapist", [
    "psychotherapist",
    "psychologist",
    "counsellor",
    "counselor",
    "mental health",
    "psychothérapeute",
    "psychologue",
    "psychotherapeut",
    "psychologe",
    "psicólogo",
    "psicologo",
    "psycholoog",
  ]),
  c("senior-care", "Senior care", [
    "home care",
    "assisted living",
    "nursing home",
    "elderly care",
    "aide à domicile",
    "ehpad",
    "pflegedienst",
    "altenpflege",
    "pflegeheim",
    "residencia de ancianos",
    "thuiszorg",
  ]),
  c("veterinarian", "Veterinarian", ["vet", "veterinary", "animal hospital", "vétérinaire", "tierarzt", "tierarztpraxis", "veterinario", "dierenarts"]),
  // Pets
  c("pet-grooming", "Pet groomer", ["dog grooming", "pet grooming", "toilettage", "toiletteur", "hundesalon", "hundefriseur", "peluquería canina", "trimsalon"]),
  c("pet-store", "Pet store", ["pet shop", "pet supplies", "animalerie", "zoohandlung", "tienda de mascotas", "dierenwinkel"]),
  // Professional services
  c("lawyer", "Lawyer", [
    "lawyers",
    "attorney",
    "attorneys",
    "law firm",
    "law office",
    "solicitor",
    "solicitors",
    "barrister",
    "legal services",
    "avocat",
    "cabinet d'avocats",
    "notaire",
    "rechtsanwalt",
    "anwalt",
    "anwaltskanzlei",
    "kanzlei",
    "notar",
    "abogado",
    "abogados",
    "bufete",
    "advocaat",
    "advocatenkantoor",
    "avvocato",
    "studio legale",
    "advogado",
  ]),
  c("accountant", "Accountant", [
    "accounting",
    "accountants",
    "bookkeeper",
    "bookkeeping",
    "cpa",
    "tax preparer",
    "tax advisor",
    "chartered accountant",
    "expert-comptable",
    "comptable",
    "cabinet comptable",
    "steuerberater",
    "buchhalter",
    "buchhaltung",
    "wirtschaftsprüfer",
    "contador",
    "contable",
    "gestoría",
    "asesoría fiscal",
    "boekhouder",
    "accountantskantoor",
    "commercialista",
    "contabilista",
  ]),
  c("financial-advisor", "Financial advisor", [
    "financial planner",
    "financial services",
    "wealth management",
    "mortgage broker",
    "conseiller financier",
    "courtier",
    "finanzberater",
    "vermögensberater",
    "asesor financiero",
    "financieel adviseur",
    "consulente finanziario",
  ]),
  c("insurance-agent", "Insurance agent", [
    "insurance",
    "insurance agency",
    "insurance broker",
    "assurance",
    "assureur",
    "courtier en assurance",
    "versicherung",
    "versicherungsmakler",
    "seguros",
    "corredor de seguros",
    "verzekering",
    "assicurazioni",
  ]),
  c("real-estate-agent", "Real estate agent", [
    "real estate",
    "realtor",
    "realty",
    "estate agent",
    "estate agents",
    "property management",
    "letting agent",
    "agence immobilière",
    "agent immobilier",
    "immobilier",
    "immobilienmakler",
    "makler",
    "immobilien",
    "inmobiliaria",
    "agente inmobiliario",
    "makelaar",
    "makelaardij",
    "agenzia immobiliare",
    "imobiliária",
  ]),
  c("marketing-agency", "Marketing agency", [
    "marketing",
    "advertising agency",
    "digital marketing",
    "seo agency",
    "agence de communication",
    "agence marketing",
    "werbeagentur",
    "marketingagentur",
    "agencia de marketing",
    "reclamebureau",
    "agenzia di marketing",
  ]),
  c("web-design", "Web designer", ["web design", "web development", "website design", "agence web", "webdesign", "webagentur", "diseño web", "webontwerp"]),
  c("it-services", "IT services", [
    "it support",
    "computer repair",
    "managed it",
    "software development",
    "software company",
    "informatique",
    "dépannage informatique",
    "it-dienstleister",
    "edv",
    "servicios informáticos",
    "informatica",
  ]),
  c("consulting", "Consultant", [
    "consulting",
    "consultancy",
    "business consultant",
    "management consulting",
    "conseil",
    "cabinet de conseil",
    "unternehmensberatung",
    "berater",
    "consultoría",
    "consultor",
    "adviesbureau",
    "consulenza",
  ]),
  c("manufacturer", "Manufacturer", [
    "manufacturing",
    "factory",
    "industrial supplier",
    "wholesaler",
    "wholesale",
    "fabricant",
    "grossiste",
    "hersteller",
    "großhandel",
    "fabricante",
    "mayorista",
    "fabrikant",
    "groothandel",
    "produttore",
  ]),
  // Vehicles
  c("auto-repair", "Auto repair shop", [
    "auto repair",
    "car repair",
    "mechanic",
    "garage",
    "auto body",
    "body shop",
    "tyre shop",
    "tire shop",
    "car service",
    "garagiste",
    "mécanique automobile",
    "carrosserie",
    "autowerkstatt",
    "kfz-werkstatt",
    "werkstatt",
    "taller mecánico",
    "taller",
    "autogarage",
    "autobedrijf",
    "officina meccanica",
    "oficina mecânica",
  ]),
  c("car-dealer", "Car dealer", ["car dealership", "auto dealer", "used cars", "concessionnaire", "autohaus", "autohändler", "concesionario", "autodealer", "concessionaria"]),
  c("car-wash", "Car wash", ["car detailing", "auto detailing", "lavage auto", "autowäsche", "waschanlage", "lavado de coches", "autowasstraat", "autolavaggio"]),
  // Beauty and fitness
  c("hair-salon", "Hair salon", [
    "hairdresser",
    "hairdressers",
    "hair stylist",
    "salon de coiffure",
    "coiffeur",
    "coiffure",
    "friseur",
    "friseursalon",
    "peluquería",
    "peluqueria",
    "kapper",
    "kapsalon",
    "parrucchiere",
    "cabeleireiro",
  ]),
  c("barber", "Barber", ["barbershop", "barber shop", "barbier", "barbería", "barbiere"]),
  c("beauty-salon", "Beauty salon", [
    "beauty",
    "beautician",
    "esthetician",
    "institut de beauté",
    "esthéticienne",
    "kosmetikstudio",
    "kosmetik",
    "schönheitssalon",
    "salón de belleza",
    "centro de estética",
    "schoonheidssalon",
    "centro estetico",
  ]),
  c("nail-salon", "Nail salon", ["nails", "manicure", "onglerie", "nagelstudio", "salón de uñas", "nagelsalon"]),
  c("spa", "Spa", ["day spa", "massage", "massage therapist", "wellness", "med spa", "medspa", "institut de massage", "massagepraxis", "masajes", "massagesalon"]),
  c("gym", "Gym", ["fitness", "fitness center", "fitness centre", "health club", "personal trainer", "crossfit", "salle de sport", "fitnessstudio", "gimnasio", "sportschool", "palestra", "academia"]),
  c("yoga-studio", "Yoga studio", ["yoga", "pilates", "pilates studio", "studio de yoga", "yogastudio", "estudio de yoga"]),
  // Lodging and travel
  c("hotel", "Hotel", ["hotels", "motel", "inn", "hostel", "resort", "lodge", "hôtel", "gasthof", "hostal", "albergo"]),
  c("bed-and-breakfast", "Bed and breakfast", [
    "b&b",
    "bed & breakfast",
    "guest house",
    "guesthouse",
    "vacation rental",
    "holiday rental",
    "holiday home",
    "chambre d'hôtes",
    "gîte",
    "ferienwohnung",
    "pension",
    "casa rural",
    "vakantiehuis",
    "agriturismo",
  ]),
  c("travel-agency", "Travel agency", ["travel agent", "tour operator", "tours", "agence de voyage", "reisebüro", "agencia de viajes", "reisbureau", "agenzia di viaggi"]),
  // Retail and events
  c("retail-store", "Retail store", [
    "retail",
    "shop",
    "store",
    "boutique",
    "clothing store",
    "gift shop",
    "bookstore",
    "furniture store",
    "hardware store",
    "jewelry store",
    "jeweller",
    "magasin",
    "commerce",
    "geschäft",
    "laden",
    "einzelhandel",
    "tienda",
    "comercio",
    "winkel",
    "negozio",
    "loja",
  ]),
  c("florist", "Florist", ["flower shop", "flowers", "fleuriste", "blumenladen", "florist", "floristería", "bloemist", "bloemenwinkel", "fioraio", "florista"]),
  c("photographer", "Photographer", ["photography", "photo studio", "photographe", "fotograf", "fotostudio", "fotógrafo", "fotograaf", "fotografo"]),
  c("wedding-planner", "Wedding planner", [
    "wedding",
    "weddings",
    "wedding venue",
    "event planner",
    "event venue",
    "organisateur de mariage",
    "wedding planner",
    "hochzeitsplaner",
    "eventlocation",
    "organizador de bodas",
    "bruiloft",
    "trouwlocatie",
    "matrimoni",
  ]),
  // Education and children
  c("childcare", "Childcare", [
    "child care",
    "daycare",
    "day care",
    "nursery",
    "preschool",
    "kindergarten",
    "crèche",
    "garderie",
    "kita",
    "kindertagesstätte",
    "tagesmutter",
    "guardería",
    "kinderdagverblijf",
    "asilo nido",
  ]),
  c("school", "School or tutor", [
    "tutor",
    "tutoring",
    "school",
    "driving school",
    "language school",
    "music school",
    "lessons",
    "école",
    "cours particuliers",
    "auto-école",
    "schule",
    "nachhilfe",
    "fahrschule",
    "autoescuela",
    "bijles",
    "rijschool",
    "scuola",
  ]),
];

export type CategorySlug = string;

const BY_SLUG = new Map(BUSINESS_CATEGORIES.map((cat) => [cat.slug, cat]));

export function isCategorySlug(value: unknown): value is CategorySlug {
  return typeof value === "string" && BY_SLUG.has(value);
}

export function categoryLabel(slug: CategorySlug): string {
  return BY_SLUG.get(slug)?.label ?? slug;
}

/** Lower case, accents folded, punctuation to spaces: "Bäckerei & Café" → "backerei cafe". */
export function foldText(text: string): string {
  return ` ${text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}&]+/gu, " ")
    .trim()} `;
}

const SYNONYMS: { slug: CategorySlug; phrase: string }[] = BUSINESS_CATEGORIES.flatMap((cat) => [cat.slug.replaceAll("-", " "), ...cat.synonyms].map((s) => ({ slug: cat.slug, phrase: foldText(s) })))
  // Longest phrase first: "auto body" before "body", "wedding venue" before "venue".
  .sort((a, b) => b.phrase.length - a.phrase.length);

/**
 * The taxonomy slugs a profile's categories name, in the order given. Each
 * entry takes the slug of its longest matching phrase, so "pet store" is a
 * pet store and not a retail store; an entry matching nothing adds nothing.
 */
export function categoriesOf(texts: readonly string[]): CategorySlug[] {
  const out: CategorySlug[] = [];
  for (const text of texts) {
    const folded = foldText(text);
    const hit = SYNONYMS.find((s) => folded.includes(s.phrase));
    if (hit && !out.includes(hit.slug)) out.push(hit.slug);
  }
  return out;
}

/**
 * What a niche directory's catalog `category` serves. Broad niches
 * (classifieds, reviews, company registers) serve every business and are
 * marked "*"; a catalog value not listed here serves nobody, so a new niche
 * is never sent to the wrong trade before someone maps it.
 */
const ALL = "*";
const HOME = ["plumber", "electrician", "hvac", "roofer", "general-contractor", "landscaper", "cleaning", "locksmith", "pest-control", "painter", "moving", "handyman"];
const B2B = ["accountant", "consulting", "marketing-agency", "web-design", "it-services", "manufacturer", "financial-advisor", "insurance-agent", "lawyer"];
export const CATALOG_CATEGORY_SERVES: Readonly<Record<string, readonly string[]>> = {
  general: [ALL],
  classifieds: [ALL],
  reviews: [ALL],
  "company-data": [ALL],
  community: [ALL],
  services: [ALL],
  "services-marketplace": [...HOME, "photographer", "wedding-planner", "it-services", "web-design", "cleaning", "moving", "school"],
  "home-services": HOME,
  construction: ["general-contractor", "roofer", "electrician", "plumber", "painter", "hvac", "handyman"],
  restoration: ["general-contractor", "cleaning", "roofer"],
  landscaping: ["landscaper"],
  "house-clearance": ["moving", "cleaning"],
  legal: ["lawyer"],
  medical: ["doctor", "dentist", "chiropractor", "physiotherapist", "optometrist", "pharmacy", "therapist"],
  "mental-health": ["therapist"],
  "cosmetic-medical": ["doctor", "spa", "dentist"],
  "eye-care": ["optometrist"],
  dental: ["dentist"],
  "senior-care": ["senior-care"],
  restaurants: ["restaurant", "cafe", "bakery", "bar", "catering"],
  automotive: ["auto-repair", "car-dealer", "car-wash"],
  "real-estate": ["real-estate-agent"],
  "beauty-wellness": ["hair-salon", "barber", "beauty-salon", "nail-salon", "spa", "yoga-studio", "gym"],
  beauty: ["hair-salon", "barber", "beauty-salon", "nail-salon", "spa"],
  hotels: ["hotel", "bed-and-breakfast"],
  "travel-hospitality": ["hotel", "bed-and-breakfast", "travel-agency", "restaurant"],
  "short-term-rentals": ["bed-and-breakfast"],
  pets: ["veterinarian", "pet-grooming", "pet-store"],
  b2b: B2B,
  "agencies-b2b-services": ["marketing-agency", "web-design", "it-services", "consulting"],
  "marketing-media": ["marketing-agency", "web-design", "photographer"],
  "web-design": ["web-design"],
  software: ["it-services"],
  startups: ["it-services"],
  manufacturing: ["manufacturer"],
  industrial: ["manufacturer"],
  education: ["school", "childcare"],
  "expat-services": ["lawyer", "accountant", "real-estate-agent", "moving", "insurance-agent"],
  "eco-products": ["retail-store"],
  accounting: ["accountant"],
  retail: ["retail-store", "florist", "pet-store", "bakery"],
  fitness: ["gym", "yoga-studio"],
  wedding: ["wedding-planner", "photographer", "florist", "catering"],
  photography: ["photographer"],
  childcare: ["childcare"],
  "financial-services": ["financial-advisor", "accountant", "insurance-agent"],
  insurance: ["insurance-agent"],
  weddings: ["wedding-planner", "photographer", "florist", "catering"],
  chiropractic: ["chiropractor"],
  events: ["wedding-planner", "catering", "photographer"],
  entertainment: ["bar", "wedding-planner"],
  "travel-tourism": ["hotel", "bed-and-breakfast", "travel-agency", "restaurant"],
  // Franchise offers and businesses for sale are not listings of a local business.
  franchises: [],
  "business-for-sale": [],
};

/** Scopes that list any kind of business, whatever their catalog category says. */
export const ALL_CATEGORY_SCOPES: readonly string[] = ["general", "aggregator", "maps", "search-engine", "social"];

/** Does a directory of this scope and catalog category serve any of these business categories? */
export function servesCategories(directory: { scope: string; category: string }, business: readonly CategorySlug[]): boolean {
  if (ALL_CATEGORY_SCOPES.includes(directory.scope)) return true;
  const served = CATALOG_CATEGORY_SERVES[directory.category] ?? [];
  if (served.includes(ALL)) return true;
  return business.some((slug) => served.includes(slug));
}

/** The taxonomy slugs a directory serves ("*" for all), for lists. */
export function servedCategories(directory: { scope: string; category: string }): readonly string[] {
  if (ALL_CATEGORY_SCOPES.includes(directory.scope)) return [ALL];
  return CATALOG_CATEGORY_SERVES[directory.category] ?? [];
}
