/**
 * Picks the closest of a directory's own categories for the business. The
 * profile says what the business is in its own words ("Bakery", "Café");
 * directories offer broad sectors in their language ("Gastronomie &
 * Lebensmittel"). Both sides are read through a small multilingual taxonomy
 * of sectors, and the options are also compared word by word and by
 * spelling, so a directory offering "Bakeries" is chosen over "Restaurants".
 */
import { fold, similarity, tokens } from "../../../core/text";

/** Sector → word stems (folded) in the seven languages. A stem matches a token that starts with it. */
const SECTORS: Record<string, string[]> = {
  food: [
    "food", "restaurant", "resto", "bakery", "bakeries", "baker", "cafe", "coffee", "bistro", "bar", "pub", "catering", "caterer", "pizz", "deli", "grocer", "dining", "eatery", "brunch", "patisser", "pastry", "sandwich", "takeaway",
    "gastro", "lebensmittel", "essen", "backerei", "backer", "konditor", "kaffee", "imbiss", "speise",
    "restauration", "alimentation", "boulanger", "traiteur", "epicerie",
    "restaurante", "alimentacion", "panader", "cafeteria", "comida", "pasteler",
    "ristora", "alimentari", "panett", "panific", "pasticc", "caffe",
    "horeca", "voeding", "bakker", "eten", "koffie", "lunchroom",
    "restauracao", "alimentacao", "padaria", "pastelaria", "confeitaria", "lanchonete",
  ],
  retail: ["shop", "store", "retail", "boutique", "einzelhandel", "geschaft", "laden", "handel", "commerce", "magasin", "comercio", "tienda", "negozio", "commercio", "winkel", "loja", "varejo"],
  home: ["home service", "plumb", "electric", "handyman", "clean", "renovat", "garden", "roof", "handwerk", "haus", "sanitar", "maler", "domicile", "maison", "artisan", "hogar", "reforma", "casa", "klus", "wonen", "domestic", "servicos domesticos"],
  health: ["health", "medic", "doctor", "dentist", "clinic", "pharma", "physio", "therap", "gesundheit", "arzt", "zahnarzt", "sante", "medecin", "salud", "salute", "gezondheid", "zorg", "saude"],
  legal: ["legal", "law", "lawyer", "attorney", "financ", "account", "insurance", "bank", "tax", "recht", "anwalt", "steuer", "versicher", "droit", "avocat", "abogad", "avvocat", "juridisch", "advocaat", "juridic"],
  auto: ["auto", "car", "garage", "mechanic", "vehicle", "kfz", "werkstatt", "verkehr", "automobile", "automocion", "coche", "taller", "officin", "vervoer", "automovel", "oficina"],
  beauty: ["beauty", "salon", "hair", "spa", "wellness", "nail", "barber", "cosmetic", "schonheit", "friseur", "kosmetik", "beaute", "bien etre", "coiff", "belleza", "bienestar", "peluquer", "bellezza", "benessere", "parrucch", "kapper", "beleza", "bem estar", "cabeleire"],
  tech: ["software", "computer", "tech", "digital", "web design", "informati", "ict", "it"],
  realestate: ["real estate", "realtor", "property", "estate agent", "immobil", "inmobiliar", "vastgoed", "makelaar", "imobiliar"],
  travel: ["travel", "hotel", "hostel", "touris", "accommodation", "lodging", "reise", "unterkunft", "voyage", "hotellerie", "hebergement", "viaje", "alojamiento", "viagg", "alloggi", "reizen", "overnacht", "viage", "alojamento"],
  other: ["other", "misc", "general", "sonstig", "andere", "autre", "divers", "otro", "altro", "altri", "overig", "outro"],
};

function sectorsOf(text: string): Set<string> {
  const folded = ` ${fold(text)} `;
  const toks = tokens(text);
  const found = new Set<string>();
  for (const [sector, stems] of Object.entries(SECTORS)) {
    for (const stem of stems) {
      const hit = stem.includes(" ") ? folded.includes(` ${stem}`) : stem.length <= 3 ? toks.includes(stem) : toks.some((t) => t.startsWith(stem));
      if (hit) {
        found.add(sector);
        break;
      }
    }
  }
  return found;
}

export interface ChoiceOption {
  index: number;
  value: string;
  label: string;
}

/** Options that are placeholders ("Please select…", empty value with a prompt). */
export function isPlaceholderOption(o: { value: string; label: string }): boolean {
  if (o.value === "" || o.value === "0" || o.value === "-1") {
    if (!o.label || /^[-–—\s]*$/.test(o.label) || /select|choose|wahlen|choisi|seleccion|selezion|kies|maak een keuze|selecione|escolha|please|bitte|veuillez|por favor/i.test(fold(o.label))) return true;
  }
  return false;
}

function tokenScore(option: string, category: string): number {
  const a = tokens(option).filter((t) => t.length > 2);
  const b = tokens(category).filter((t) => t.length > 2);
  if (!a.length || !b.length) return 0;
  let hits = 0;
  for (const t of b) if (a.some((o) => o === t || (t.length >= 4 && o.length >= 4 && (o.startsWith(t.slice(0, Math.max(4, t.length - 2))) || t.startsWith(o.slice(0, Math.max(4, o.length - 2))))))) hits++;
  return hits / b.length;
}

/** Score of one option for the profile's categories (0..1); earlier categories weigh more. */
export function categoryScore(label: string, categories: string[]): number {
  const optionSectors = sectorsOf(label);
  let best = 0;
  categories.forEach((category, i) => {
    const weight = 1 - Math.min(i, 5) * 0.06;
    const direct = Math.max(tokenScore(label, category), similarity(label, category) >= 0.8 ? 1 : 0);
    const categorySectors = sectorsOf(category);
    const shared = [...categorySectors].some((s) => s !== "other" && optionSectors.has(s));
    const score = Math.max(direct, shared ? 0.7 : 0, similarity(label, category) * 0.5);
    best = Math.max(best, score * weight);
  });
  return best;
}

/**
 * The directory's option closest to the profile's categories, or its "other"
 * option when nothing is close, or undefined (leave the field alone). A
 * required field passes a low `minScore`: the closest option is better than
 * a refused form.
 */
export function chooseCategory<T extends ChoiceOption>(options: T[], categories: string[], minScore = 0.3): T | undefined {
  const real = options.filter((o) => !isPlaceholderOption(o));
  if (!real.length || !categories.length) return undefined;
  let best: T | undefined;
  let bestScore = 0;
  for (const o of real) {
    const s = categoryScore(o.label || o.value, categories);
    if (s > bestScore + 1e-9) [best, bestScore] = [o, s];
  }
  if (best && bestScore >= 0.3) return best;
  return real.find((o) => sectorsOf(o.label).has("other")) ?? (best && bestScore >= minScore ? best : undefined);
}

/** Whether a list of options reads like business categories (for controls the mapper did not name). */
export function looksLikeCategoryList(labels: string[]): boolean {
  const real = labels.filter((l) => l && !isPlaceholderOption({ value: "", label: l }));
  if (real.length < 3) return false;
  const hits = real.filter((l) => [...sectorsOf(l)].some((s) => s !== "other")).length;
  return hits / real.length >= 0.5;
}
