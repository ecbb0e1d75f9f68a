/**
 * The field vocabulary (docs/architecture.md, field vocabulary): what a form control means.
 * WHATWG autofill names where one exists, project names for the rest.
 * The mapper, the browser worker, the farm and the CLI all import this list.
 */
export const AUTOFILL_FIELD_TYPES = [
  "organization",
  "url",
  "email",
  "tel",
  "name",
  "given-name",
  "additional-name",
  "family-name",
  "street-address",
  "address-line1",
  "address-line2",
  "address-level2",
  "address-level1",
  "postal-code",
  "country",
  "username",
  "new-password",
  "current-password",
] as const;

export const PROJECT_FIELD_TYPES = [
  "fax",
  "description",
  "category",
  "hours",
  "social-facebook",
  "social-instagram",
  "social-linkedin",
  "social-twitter",
  "social-youtube",
  "social-tiktok",
  "social-other",
  // directory-form types (issue 20): what real submission forms carry
  "keywords",
  "logo",
  "photo",
  "tagline",
  "year-established",
  "price-range",
  "payment-methods",
  "employees",
  "video-url",
  "latitude",
  "longitude",
  // never filled: marketing opt-ins stay unticked, search boxes stay empty
  "newsletter",
  "search",
  "captcha",
  "terms",
  "honeypot",
  "unknown",
] as const;

export const FIELD_TYPES = [...AUTOFILL_FIELD_TYPES, ...PROJECT_FIELD_TYPES] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Types the engine must never fill, whatever the profile holds. */
export const NEVER_FILLED_TYPES: readonly FieldType[] = ["newsletter", "search", "honeypot", "captcha", "unknown"];

export function isFieldType(value: string): value is FieldType {
  return (FIELD_TYPES as readonly string[]).includes(value);
}
