/**
 * Opening hours as directories ask for them: one line ("Mon-Fri
 * 07:00-18:00, Sat-Sun 08:00-15:00", day names in the directory's language)
 * or one value per day for forms with a box per weekday.
 */
import type { Day, ListingProfile } from "./profile";
import { tokens } from "../text";

/** Localised day names and abbreviations (folded), Monday first. */
export const DAY_WORDS: string[][] = [
  ["mon", "monday", "mo", "montag", "lun", "lundi", "lunes", "lunedi", "ma", "maandag", "seg", "segunda", "segunda feira"],
  ["tue", "tues", "tuesday", "di", "dienstag", "mar", "mardi", "martes", "martedi", "dinsdag", "ter", "terca", "terca feira"],
  ["wed", "wednesday", "mi", "mittwoch", "mer", "mercredi", "mie", "miercoles", "mercoledi", "wo", "woensdag", "qua", "quarta", "quarta feira"],
  ["thu", "thur", "thurs", "thursday", "do", "donnerstag", "jeu", "jeudi", "jue", "jueves", "gio", "giovedi", "donderdag", "qui", "quinta", "quinta feira"],
  ["fri", "friday", "fr", "freitag", "ven", "vendredi", "vie", "viernes", "venerdi", "vr", "vrijdag", "sex", "sexta", "sexta feira"],
  ["sat", "saturday", "sa", "samstag", "sam", "samedi", "sab", "sabado", "sabato", "za", "zaterdag"],
  ["sun", "sunday", "so", "sonntag", "dim", "dimanche", "dom", "domingo", "domenica", "zo", "zondag"],
];

/** Short day names per language, Monday first, for the hours line. */
export const DAY_ABBR: Record<string, string[]> = {
  en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
  de: ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
  fr: ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"],
  es: ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
  it: ["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
  nl: ["ma", "di", "wo", "do", "vr", "za", "zo"],
  pt: ["seg", "ter", "qua", "qui", "sex", "sáb", "dom"],
};

export const DAYS: Day[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** "07:00-18:00" or "09:00-12:00, 14:00-18:00"; "" when closed. */
export function dayHours(hours: ListingProfile["hours"], day: Day): string {
  const periods = hours[day] ?? [];
  return periods.map(([open, close]) => `${open}-${close}`).join(", ");
}

export function hoursLine(hours: ListingProfile["hours"], language: string, separator = ", "): string {
  const abbr = DAY_ABBR[language] ?? DAY_ABBR.en!;
  const groups: { from: number; to: number; text: string }[] = [];
  DAYS.forEach((day, i) => {
    const text = dayHours(hours, day);
    const last = groups.at(-1);
    if (last && last.text === text && last.to === i - 1) last.to = i;
    else groups.push({ from: i, to: i, text });
  });
  return groups
    .filter((g) => g.text)
    .map((g) => `${g.from === g.to ? abbr[g.from] : `${abbr[g.from]}-${abbr[g.to]}`} ${g.text.replace(/, /g, " / ")}`)
    .join(separator);
}

/** Which weekday a control stands for, from its name/id/label ("hours[mon]", "Monday", "Öffnungszeiten Dienstag"). */
export function dayOf(text: string): Day | undefined {
  const toks = tokens(text.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_[\]-]/g, " "));
  const found = new Set<number>();
  DAY_WORDS.forEach((words, i) => {
    if (toks.some((t) => words.includes(t) && (t.length > 2 || toks.length <= 3))) found.add(i);
  });
  return found.size === 1 ? DAYS[[...found][0]!] : undefined;
}
