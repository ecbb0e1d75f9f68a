/**
 * The phone number as a field wants it. The profile holds E.164
 * (+14155550142), which every international-minded form accepts; a field
 * whose pattern, placeholder, hint or length asks for the national form gets
 * that instead ((415) 555-0142, or digits only).
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";

export interface PhoneField {
  pattern?: string;
  placeholder?: string;
  hint?: string;
  maxLength?: number;
}

export function phoneVariants(e164: string): { e164: string; international: string; national: string; nationalDigits: string } {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) {
    const digits = e164.replace(/\D/g, "");
    return { e164, international: e164, national: digits, nationalDigits: digits };
  }
  const national = parsed.formatNational();
  return { e164: parsed.number, international: parsed.formatInternational(), national, nationalDigits: national.replace(/\D/g, "") };
}

export function formatPhone(e164: string, field: PhoneField): string {
  const v = phoneVariants(e164);
  const ordered = [v.e164, v.international, v.national, v.nationalDigits];
  if (field.pattern) {
    try {
      const re = new RegExp(`^(?:${field.pattern})$`, "v");
      const hit = ordered.find((c) => re.test(c));
      if (hit) return hit;
    } catch {
      /* a pattern the engine cannot read: use the other hints */
    }
  }
  const limit = field.maxLength && field.maxLength > 0 ? field.maxLength : undefined;
  const fitsLimit = (s: string) => !limit || s.length <= limit;
  const hints = `${field.placeholder ?? ""} ${field.hint ?? ""}`;
  if (/international|\+\d/i.test(hints)) {
    return [/\+\d+ \d/.test(field.placeholder ?? "") ? v.international : v.e164, v.e164, v.international].find(fitsLimit) ?? v.e164;
  }
  const sample = field.placeholder ?? "";
  const sampleDigits = sample.replace(/\D/g, "");
  if (sampleDigits.length >= 6 && !sample.trim().startsWith("+")) {
    // "(555) 123-4567", "030 1234567", "5551234567": the national form, with or without punctuation.
    const national = /[\s()./-]/.test(sample.trim()) ? v.national : v.nationalDigits;
    if (fitsLimit(national)) return national;
  }
  return ordered.find(fitsLimit) ?? v.e164;
}
