/**
 * Server-side validation, as directories do it: required fields, formats,
 * maximum lengths, allowed options. Every message names the field by its
 * visible label, so a worker (and a person) can tell what was refused.
 */
import type { Posted } from "./http.ts";
import { many, one } from "./http.ts";
import type { UiText } from "./i18n.ts";
import type { FieldError, FieldFormat, FieldSpec } from "./types.ts";

const FORMATS: Record<FieldFormat, (v: string) => boolean> = {
  email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(v),
  url: (v) => /^https?:\/\/[^\s/$.?#][^\s]*\.[^\s]+$/i.test(v),
  tel: (v) => /^[0-9+()\-./\s]+$/.test(v) && countDigits(v) >= 7 && countDigits(v) <= 15,
  "tel-intl": (v) => /^\+[0-9()\-./\s]+$/.test(v) && countDigits(v) >= 8 && countDigits(v) <= 15,
  "tel-national": (v) => /^[0-9()\-./\s]+$/.test(v) && countDigits(v) === 10,
  postal: (v) => /^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/.test(v),
  digits: (v) => /^[0-9 ]+$/.test(v),
};

function countDigits(v: string): number {
  return v.replace(/\D/g, "").length;
}

/** A label without its trailing colon or asterisk, for messages. */
export function plainLabel(field: FieldSpec): string {
  return field.label.replace(/[\s:*]+$/, "");
}

/** Checks one wizard page's fields (honeypots and captchas are checked elsewhere). */
export function validateFields(fields: FieldSpec[], posted: Posted, ui: UiText): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of fields) {
    if (field.type === "honeypot" || field.type === "captcha" || field.control === "file") continue;
    const label = plainLabel(field);
    const multi = field.control === "checkboxes" || field.multiple;
    const values = multi ? many(posted, field.name).filter((v) => v !== "") : [one(posted, field.name).trim()].filter((v) => v !== "");
    if (values.length === 0) {
      if (field.required) errors.push({ field: field.name, message: ui.required(label) });
      continue;
    }
    const value = values[0]!;
    if (field.maxLength && value.length > field.maxLength) {
      errors.push({ field: field.name, message: ui.tooLong(label, field.maxLength) });
      continue;
    }
    if (field.format && !FORMATS[field.format](value)) {
      // Most formats get the generic message; a national phone says what it wants (as directories do, only once refused).
      errors.push({ field: field.name, message: field.format === "tel-national" ? ui.telNational(label) : ui.invalid(label) });
      continue;
    }
    if (field.sameAs && value !== one(posted, field.sameAs).trim()) {
      errors.push({ field: field.name, message: ui.invalid(label) });
      continue;
    }
    if (field.options && field.control !== "checkbox") {
      const allowed = new Set(field.options.map((o) => o.value));
      if (values.some((v) => !allowed.has(v))) errors.push({ field: field.name, message: ui.invalid(label) });
    }
  }
  return errors;
}
