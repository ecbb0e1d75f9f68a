/**
 * The values a staff member pastes into a directory that refuses automation:
 * the job's listing profile shaped the way the browser engine shapes it
 * (the same helpers: phone variants, address lines, the country in the
 * directory's language, the hours line, the description fitted to the
 * directory's limits and worded for that directory, and issue 20's tags,
 * tagline, year, price range, payment methods, head count, video and
 * coordinates), one copyable value per field. Pure: a function of the profile and the directory.
 */
import { describe, limitsFromHint } from "../../core/listing/description";
import { joinKeywords, keywordsOf, paymentLabel, taglineOf } from "../../core/listing/extras";
import { countryName } from "../../core/listing/geo";
import { hoursLine } from "../../core/listing/hours";
import { phoneVariants } from "../../core/listing/phone";
import { oneLineAddress, splitStreet } from "../../core/listing/address";
import type { ListingProfile } from "../../core/listing/profile";
import { PROFILE_LIMITS } from "../../core/listing/rules";
import type { StaffPacketField } from "../../core/protocol/staff";

export interface PacketDirectory {
  id: string;
  language: string;
  /** The catalog's notes; a limit they state ("description max 250 characters") is honoured. */
  notes: string | null;
}

/** Description limits: what the directory's notes say, else the profile's own limits. */
export function descriptionLimits(notes: string | null): { short: number; long: number; maxWords?: number } {
  const hint = limitsFromHint(notes ?? "");
  const short = Math.min(PROFILE_LIMITS.shortDescription.max, hint.maxLength ?? Infinity);
  const long = Math.min(PROFILE_LIMITS.longDescription.max, hint.maxLength ?? Infinity);
  return { short, long, ...(hint.maxWords !== undefined ? { maxWords: hint.maxWords } : {}) };
}

/** `jobId` links the profile's images (GET /api/jobs/:id/images/:image) for staff to download and upload by hand. */
export function packetFields(profile: ListingProfile | null, directory: PacketDirectory, jobId?: string): StaffPacketField[] {
  if (!profile) return [];
  const fields: StaffPacketField[] = [];
  const add = (key: string, label: string, value: string | null | undefined, maxLength?: number) => {
    const v = value?.trim();
    if (v) fields.push({ key, label, value: v, ...(maxLength !== undefined ? { maxLength } : {}) });
  };
  const p = profile;
  add("organization", "Business name", p.businessName);
  add("name", "Contact name", p.contactName);
  const names = (p.contactName ?? "").trim().split(/\s+/).filter(Boolean);
  if (names.length > 1) {
    add("given-name", "First name", names.slice(0, -1).join(" "));
    add("family-name", "Last name", names.at(-1));
  }
  if (!p.serviceArea) {
    const [line1, line2] = splitStreet(p.street ?? "");
    add("street-address", "Street address", p.street);
    if (line2) {
      add("address-line1", "Address line 1", line1);
      add("address-line2", "Address line 2", line2);
    }
  }
  add("address-level2", "City", p.city);
  add("address-level1", "State / region", p.region);
  add("postal-code", "Postal code", p.postalCode);
  if (p.country) add("country", "Country", countryName(p.country, directory.language));
  if (!p.serviceArea) add("one-line-address", "Whole address (one line)", oneLineAddress(p));
  if (p.phone) {
    const phone = phoneVariants(p.phone);
    add("tel", "Phone (international)", phone.international);
    add("tel-national", "Phone (national)", phone.national);
  }
  add("email", "E-mail", p.email);
  add("url", "Website", p.website);
  add("category", "Categories", p.categories.join(", "));
  const limits = descriptionLimits(directory.notes);
  const seed = `${directory.id}:staff`;
  add(
    "description-short",
    `Short description (max ${limits.short} characters)`,
    describe(p, { maxLength: limits.short, maxWords: limits.maxWords, prefer: "short", multiline: false }, `${seed}:short`),
    limits.short,
  );
  add("description", `Description (max ${limits.long} characters)`, describe(p, { maxLength: limits.long, maxWords: limits.maxWords, prefer: "long", multiline: true }, `${seed}:long`), limits.long);
  add("hours", "Opening hours", hoursLine(p.hours, directory.language));
  for (const [network, url] of Object.entries(p.socialLinks)) add(`social-${network}`, `${network[0]!.toUpperCase()}${network.slice(1)}`, url);
  // issue 20: what directory forms carry beyond the listing, as the engine fills them
  add("keywords", "Keywords / tags", joinKeywords(keywordsOf(p), 0));
  add("tagline", "Tagline", taglineOf(p));
  add("year-established", "Year established", p.yearEstablished != null ? String(p.yearEstablished) : null);
  add("price-range", "Price range", p.priceRange);
  add("payment-methods", "Payment methods", (p.paymentMethods ?? []).map((m) => paymentLabel(m, directory.language)).join(", "));
  add("employees", "Employees", p.employees != null ? String(p.employees) : null);
  add("video-url", "Video", p.videoUrl);
  if (p.latitude != null && p.longitude != null) {
    add("latitude", "Latitude", String(p.latitude));
    add("longitude", "Longitude", String(p.longitude));
  }
  if (jobId) {
    if (p.logoKey) add("logo", "Logo (download)", `/api/jobs/${jobId}/images/logo`);
    for (let i = 0; i < (p.photoKeys ?? []).length; i++) add(`photo-${i + 1}`, `Photo ${i + 1} (download)`, `/api/jobs/${jobId}/images/${i}`);
  }
  return fields;
}

/** Why a person has to do this directory, from the catalog's facts. */
export function manualReason(d: { notes: string | null; requiresPhoneVerification: boolean; listingCost: string }): string {
  const parts: string[] = [];
  if (d.requiresPhoneVerification) parts.push("needs a phone verification");
  if (d.listingCost === "paid") parts.push("paid listing");
  if (d.notes) parts.push(d.notes);
  return parts.length ? parts.join("; ") : "the directory does not allow automated submissions";
}
