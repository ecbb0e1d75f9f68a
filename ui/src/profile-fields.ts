/**
 * The profile's limits, days and networks for the form. Copied rather than
 * imported because src/profile/schema.ts pulls in zod and libphonenumber
 * (150 kB gzipped); the `satisfies` checks keep the copy equal to the source.
 */
import type { DAYS as SCHEMA_DAYS, PROFILE_LIMITS as SCHEMA_LIMITS, SOCIAL_NETWORKS as SCHEMA_NETWORKS } from "../../src/profile/schema";

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
} as const satisfies typeof SCHEMA_LIMITS;

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const satisfies typeof SCHEMA_DAYS;
export type Day = (typeof DAYS)[number];

export const SOCIAL_NETWORK_NAMES = ["facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "pinterest", "threads"] as const satisfies readonly (keyof typeof SCHEMA_NETWORKS)[];
type Missing = Exclude<keyof typeof SCHEMA_NETWORKS, (typeof SOCIAL_NETWORK_NAMES)[number]>;
const _allNetworks: [Missing] extends [never] ? true : false = true;
void _allNetworks;
