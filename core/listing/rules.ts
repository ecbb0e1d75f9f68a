/**
 * The business profile's limits, days and social networks: one module with
 * no dependencies, so the API's validation (src/profile/schema.ts) and the
 * site's form (ui/) share it without the site shipping zod.
 */
export const PROFILE_LIMITS = {
  businessName: { min: 1, max: 150 },
  contactName: { min: 1, max: 120 },
  street: { min: 1, max: 200 },
  city: { min: 1, max: 100 },
  region: { min: 1, max: 100 },
  shortDescription: { min: 10, max: 160 },
  longDescription: { min: 1, max: 2000 },
  category: { min: 2, max: 60 },
  categories: { min: 1, max: 10 },
  periodsPerDay: 4,
  url: 2048,
  email: 254,
  // issue 20: what directory forms carry beyond the listing itself
  tagline: { min: 3, max: 100 },
  service: { min: 2, max: 60 },
  services: { max: 20 },
  /** The first year a founding year may be (older ones are typos more often than truth). */
  yearEstablished: { min: 1800 },
  employees: { min: 1, max: 1_000_000 },
  photos: { max: 10 },
} as const;

/** Price range as directories show it: one to four currency signs. */
export const PRICE_RANGES = ["$", "$$", "$$$", "$$$$"] as const;
export type PriceRange = (typeof PRICE_RANGES)[number];

/**
 * Payment methods a listing may name: a closed list, so the engine can match
 * a directory's boxes and options in any language (core/listing/payment.ts).
 */
export const PAYMENT_METHODS = ["cash", "card", "visa", "mastercard", "amex", "debit", "paypal", "bank-transfer", "invoice", "apple-pay", "google-pay", "cheque"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Day = (typeof DAYS)[number];
export type OpeningHours = Partial<Record<Day, [string, string][]>>;

/** Social networks a listing may link, and the hosts their profile URLs live on. */
export const SOCIAL_NETWORKS = {
  facebook: ["facebook.com", "fb.com"],
  instagram: ["instagram.com"],
  x: ["x.com", "twitter.com"],
  linkedin: ["linkedin.com"],
  youtube: ["youtube.com", "youtu.be"],
  tiktok: ["tiktok.com"],
  pinterest: ["pinterest.com"],
  threads: ["threads.net", "threads.com"],
} as const;
export type SocialNetwork = keyof typeof SOCIAL_NETWORKS;
