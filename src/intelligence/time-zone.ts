/**
 * A directory's local clock. The catalog knows a directory's country, not its
 * time zone, so each country maps to the zone most of its people live in
 * (close enough for "which hour does this directory answer best"); INT and
 * unknown countries keep UTC.
 */
const ZONES: Record<string, string> = {
  US: "America/New_York",
  CA: "America/Toronto",
  MX: "America/Mexico_City",
  BR: "America/Sao_Paulo",
  AR: "America/Argentina/Buenos_Aires",
  GB: "Europe/London",
  IE: "Europe/Dublin",
  PT: "Europe/Lisbon",
  ES: "Europe/Madrid",
  FR: "Europe/Paris",
  BE: "Europe/Brussels",
  NL: "Europe/Amsterdam",
  DE: "Europe/Berlin",
  AT: "Europe/Vienna",
  CH: "Europe/Zurich",
  IT: "Europe/Rome",
  DK: "Europe/Copenhagen",
  SE: "Europe/Stockholm",
  NO: "Europe/Oslo",
  FI: "Europe/Helsinki",
  PL: "Europe/Warsaw",
  CZ: "Europe/Prague",
  GR: "Europe/Athens",
  TR: "Europe/Istanbul",
  IN: "Asia/Kolkata",
  SG: "Asia/Singapore",
  JP: "Asia/Tokyo",
  AU: "Australia/Sydney",
  NZ: "Pacific/Auckland",
  ZA: "Africa/Johannesburg",
};

export function timeZoneFor(country: string | null | undefined): string {
  return (country && ZONES[country.toUpperCase()]) || "UTC";
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Hour of day (0-23) and day of week (0 = Sunday) at `at` (epoch ms) in `timeZone`. */
export function localClock(at: number, timeZone: string): { hour: number; weekday: number } {
  if (timeZone === "UTC") {
    const d = new Date(at);
    return { hour: d.getUTCHours(), weekday: d.getUTCDay() };
  }
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", hourCycle: "h23", weekday: "short" });
    formatters.set(timeZone, f);
  }
  let hour = 0;
  let weekday = 0;
  for (const part of f.formatToParts(new Date(at))) {
    if (part.type === "hour") hour = Number(part.value) % 24;
    else if (part.type === "weekday") weekday = WEEKDAYS[part.value] ?? 0;
  }
  return { hour, weekday };
}
