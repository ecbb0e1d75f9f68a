/**
 * A sample business and the value it puts in each kind of field: what the
 * farm's own tests type into every design, and a ready profile for demos.
 * Values pass every design's rules once fitted (maxLength, options).
 */
import type { FieldType } from "../../core/vocabulary.ts";
import type { FieldOption, FieldSpec } from "./types.ts";

export const SAMPLE_BUSINESS: Partial<Record<FieldType, string>> = {
  organization: "Bolt Bakery & Café",
  name: "Ada Lovelace",
  "given-name": "Ada",
  "family-name": "Lovelace",
  email: "owner@boltbakery.example",
  tel: "+1 415 555 0142",
  fax: "+1 415 555 0143",
  url: "https://boltbakery.example",
  "street-address": "123 Market Street, Suite 4, San Francisco, CA 94103",
  "address-line1": "123 Market Street",
  "address-line2": "Suite 4",
  "address-level2": "San Francisco",
  "address-level1": "CA",
  "postal-code": "94103",
  country: "US",
  description:
    "Bolt Bakery & Café is a neighbourhood bakery in San Francisco baking sourdough, croissants and seasonal pastries every morning. We serve specialty coffee, host weekend brunch, cater office events and offer gluten-free options. Family owned since 2012, open seven days a week.",
  category: "food",
  hours: "Mon-Fri 07:00-18:00, Sat-Sun 08:00-15:00",
  "social-facebook": "https://www.facebook.com/boltbakery",
  "social-instagram": "https://www.instagram.com/boltbakery",
  "social-linkedin": "https://www.linkedin.com/company/boltbakery",
  "social-twitter": "https://x.com/boltbakery",
  "social-youtube": "https://www.youtube.com/@boltbakery",
  "social-tiktok": "https://www.tiktok.com/@boltbakery",
  username: "boltbakery",
  "new-password": "Farm-Passw0rd!2026",
};

/** Other ways a select may spell the sample's values (country names, category words in each language). */
const ALIASES: Partial<Record<FieldType, string[]>> = {
  country: ["US", "United States", "Vereinigte Staaten", "États-Unis", "Estados Unidos", "Stati Uniti", "Verenigde Staten"],
  "address-level1": ["CA", "California"],
  category: ["food", "restaurant", "gastronom", "restauration", "alimenta", "ristorazione", "horeca", "restaura"],
};

/** Cuts text to `max` characters at a word boundary. */
export function fitLength(text: string, max: number | undefined): string {
  if (!max || text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return (space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:-]+$/, "");
}

function pickOption(field: FieldSpec, business: Partial<Record<FieldType, string>>): FieldOption | undefined {
  const options = field.options ?? [];
  const wanted = [business[field.type], ...(ALIASES[field.type] ?? [])].filter(Boolean).map((w) => w!.toLowerCase());
  const exact = options.find((o) => wanted.includes(o.value.toLowerCase()) || wanted.includes(o.label.toLowerCase()));
  if (exact) return exact;
  const partial = options.find((o) => wanted.some((w) => w.length > 3 && o.label.toLowerCase().includes(w)));
  if (partial) return partial;
  return field.required ? options[0] : undefined;
}

/**
 * The value to put in a field: a string, a list for multi-value controls, or
 * undefined for fields to leave alone (honeypots, captchas, unknown extras).
 */
export function sampleValue(field: FieldSpec, business: Partial<Record<FieldType, string>> = SAMPLE_BUSINESS): string | string[] | undefined {
  if (field.type === "honeypot" || field.type === "captcha" || field.type === "unknown") return undefined;
  if (field.type === "terms") return field.value ?? "1";
  if (field.options) {
    const option = pickOption(field, business);
    if (!option) return undefined;
    return field.control === "checkboxes" || field.multiple ? [option.value] : option.value;
  }
  const value = business[field.type];
  if (value !== undefined && field.format === "tel-national") return nationalPhone(value);
  return value === undefined ? undefined : fitLength(value, field.maxLength);
}

/** "+1 415 555 0142" → "(415) 555-0142": a North American number without its country code (format `tel-national`). */
export function nationalPhone(value: string): string {
  const digits = value.replace(/\D/g, "").replace(/^1(?=\d{10}$)/, "");
  return digits.length === 10 ? `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}` : value;
}
