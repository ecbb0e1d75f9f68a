/**
 * The listing a browser worker submits: the business profile as the
 * coordinator hands it out with a lease (camelCase, normalised: phone in
 * E.164, country ISO 3166-1 alpha-2, URLs absolute).
 */
import type { Day } from "./rules";

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
