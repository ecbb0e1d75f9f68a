/**
 * The farm's sample business (tools/farm/sample.ts) as a ListingProfile, the
 * shape a lease carries: what the engine tests and benches submit.
 */
import type { ListingProfile } from "../../../core/listing/profile";

export const SAMPLE_LISTING: ListingProfile = {
  businessName: "Bolt Bakery & Café",
  contactName: "Ada Lovelace",
  street: "123 Market Street, Suite 4",
  city: "San Francisco",
  region: "CA",
  postalCode: "94103",
  country: "US",
  phone: "+14155550142",
  website: "https://boltbakery.example",
  email: "owner@boltbakery.example",
  shortDescription: "Neighbourhood bakery in San Francisco: sourdough, croissants, seasonal pastries and specialty coffee.",
  longDescription:
    "Bolt Bakery & Café is a neighbourhood bakery in San Francisco baking sourdough, croissants and seasonal pastries every morning. We serve specialty coffee, host weekend brunch, cater office events and offer gluten-free options. Family owned since 2012, open seven days a week.",
  categories: ["Bakery", "Food", "Café"],
  hours: {
    mon: [["07:00", "18:00"]],
    tue: [["07:00", "18:00"]],
    wed: [["07:00", "18:00"]],
    thu: [["07:00", "18:00"]],
    fri: [["07:00", "18:00"]],
    sat: [["08:00", "15:00"]],
    sun: [["08:00", "15:00"]],
  },
  socialLinks: {
    facebook: "https://www.facebook.com/boltbakery",
    instagram: "https://www.instagram.com/boltbakery",
    linkedin: "https://www.linkedin.com/company/boltbakery",
    twitter: "https://x.com/boltbakery",
    youtube: "https://www.youtube.com/@boltbakery",
    tiktok: "https://www.tiktok.com/@boltbakery",
  },
  serviceArea: false,
  // issue 20: what directory forms carry beyond the listing (no video, head count or coordinates: those stay empty)
  services: ["Sourdough bread", "Catering"],
  tagline: null,
  yearEstablished: 2012,
  priceRange: "$$",
  paymentMethods: ["cash", "visa", "paypal"],
};
