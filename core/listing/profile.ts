/**
 * The listing a browser worker submits: the business profile as the
 * coordinator hands it out with a lease (camelCase, normalised: phone in
 * E.164, country ISO 3166-1 alpha-2, URLs absolute).
 */
import type { Day, PaymentMethod, PriceRange } from "./rules";

export type { Day, PaymentMethod, PriceRange };

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
  // Issue 20: what directory forms carry beyond the listing itself. Optional
  // on the wire because coordinators created before them hold profiles
  // without them; absent means "not given", as null does.
  /** Services offered; with the categories, the keywords (tags) directories ask for. */
  services?: string[];
  /** A short line; when null, directories get one derived from the short description. */
  tagline?: string | null;
  yearEstablished?: number | null;
  priceRange?: PriceRange | null;
  paymentMethods?: PaymentMethod[];
  /** Head count. */
  employees?: number | null;
  /** An http(s) video about the business. */
  videoUrl?: string | null;
  /** Coordinates, both or neither; filled only when given. */
  latitude?: number | null;
  longitude?: number | null;
  /** R2 key of the logo (PNG, JPEG or WebP, checked by its bytes at upload); the browser worker reads it by key. */
  logoKey?: string | null;
  /** R2 keys of the photos, in the customer's order. */
  photoKeys?: string[];
}
