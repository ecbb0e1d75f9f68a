/**
 * The listing a browser worker submits: the business profile as the
 * coordinator hands it out with a lease (camelCase, normalised: phone in
 * E.164, country ISO 3166-1 alpha-2, URLs absolute).
 */
import type { Day } from "./profile-rules";

export type { Day };

export interface ListingProfile {
  businessName: string;
  /** The person directories may ask for (contact name); null when not given. */
  contactName: string | null;
  street: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  phone: string | null;
  website: string | null;
  email: string | null;
  shortDescription: string | null;
  longDescription: string | null;
  categories: string[];
  /** { mon: [["09:00","17:00"]], ... }; a missing day is closed. */
  hours: Partial<Record<Day, [string, string][]>>;
  /** { facebook: url, instagram: url, linkedin, twitter, youtube, tiktok, ... } */
  socialLinks: Record<string, string>;
  /** A service-area business hides its street address. */
  serviceArea: boolean;
}

/** From a business_profiles row (snake_case, as pg returns it). */
export function listingFromRow(row: Record<string, unknown>): ListingProfile {
  const str = (k: string) => (typeof row[k] === "string" && (row[k] as string) !== "" ? (row[k] as string) : null);
  return {
    businessName: str("business_name") ?? "",
    contactName: str("contact_name"),
    street: str("street"),
    city: str("city"),
    region: str("region"),
    postalCode: str("postal_code"),
    country: str("country"),
    phone: str("phone"),
    website: str("website"),
    email: str("email"),
    shortDescription: str("short_description"),
    longDescription: str("long_description"),
    categories: Array.isArray(row.categories) ? (row.categories as string[]) : [],
    hours: (row.hours && typeof row.hours === "object" ? row.hours : {}) as ListingProfile["hours"],
    socialLinks: (row.social_links && typeof row.social_links === "object" ? row.social_links : {}) as Record<string, string>,
    serviceArea: row.service_area === true,
  };
}
