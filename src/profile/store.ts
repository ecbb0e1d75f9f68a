/** Reading and writing the one business profile of a customer. */
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import type { Transaction } from "../db/rls";
import { businessProfiles } from "../db/schema";
import type { ListingProfile, PaymentMethod, PriceRange } from "../../core/listing/profile";
import type { BusinessProfile, OpeningHours } from "./schema";

type Db = Database | Transaction;
export type ProfileRow = typeof businessProfiles.$inferSelect;

/** The stored profile is the listing every directory receives: one type (every field present, as the row has them all). */
export type StoredProfile = Required<ListingProfile>;

export function profileFromRow(row: ProfileRow): StoredProfile {
  return {
    businessName: row.businessName,
    contactName: row.contactName,
    street: row.street,
    city: row.city,
    region: row.region,
    postalCode: row.postalCode,
    country: row.country,
    phone: row.phone,
    website: row.website,
    email: row.email,
    shortDescription: row.shortDescription,
    longDescription: row.longDescription,
    categories: row.categories,
    hours: (row.hours ?? {}) as OpeningHours,
    socialLinks: (row.socialLinks ?? {}) as Record<string, string>,
    serviceArea: row.serviceArea,
    services: row.services,
    tagline: row.tagline,
    yearEstablished: row.yearEstablished,
    // The table's check holds these to the wire's values.
    priceRange: row.priceRange as PriceRange | null,
    paymentMethods: row.paymentMethods as PaymentMethod[],
    employees: row.employees,
    videoUrl: row.videoUrl,
    latitude: row.latitude,
    longitude: row.longitude,
    logoKey: row.logoKey,
    photoKeys: row.photoKeys,
  };
}

export async function loadProfile(db: Db, customerId: string): Promise<ProfileRow | null> {
  const [row] = await db.select().from(businessProfiles).where(eq(businessProfiles.customerId, customerId));
  return row ?? null;
}

/** PUT semantics: the whole profile is replaced (one row per customer). */
export async function saveProfile(db: Db, customerId: string, profile: BusinessProfile): Promise<ProfileRow> {
  const values = {
    businessName: profile.businessName,
    contactName: profile.contactName ?? null,
    street: profile.street,
    city: profile.city,
    region: profile.region,
    postalCode: profile.postalCode,
    country: profile.country,
    phone: profile.phone,
    website: profile.website,
    email: profile.email,
    shortDescription: profile.shortDescription,
    longDescription: profile.longDescription,
    categories: profile.categories,
    hours: profile.hours,
    socialLinks: profile.socialLinks,
    serviceArea: profile.serviceArea,
    services: profile.services,
    tagline: profile.tagline,
    yearEstablished: profile.yearEstablished,
    priceRange: profile.priceRange,
    paymentMethods: profile.paymentMethods,
    employees: profile.employees,
    videoUrl: profile.videoUrl,
    latitude: profile.latitude,
    longitude: profile.longitude,
  };
  const [row] = await db
    .insert(businessProfiles)
    .values({ customerId, ...values })
    .onConflictDoUpdate({ target: businessProfiles.customerId, set: values })
    .returning();
  return row!;
}
