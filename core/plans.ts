/**
 * The four plans, defined once. Tier limits decide which catalog tiers a plan
 * draws from first (tier 1 = the most valuable directories; lower tiers only
 * fill a count its own tiers cannot, core/catalog/selection.ts); maxInFlight is the
 * coordinator's per-job pacing cap.
 */
export const PLAN_IDS = ["starter", "growth", "professional", "enterprise"] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export interface Plan {
  id: PlanId;
  name: string;
  directories: number;
  priceCents: number;
  currency: "usd";
  tierLimit: 1 | 2 | 3 | 4 | 5;
  captchaSolving: boolean;
  proxyRotation: boolean;
  maxInFlight: number;
}

export const PLANS: Record<PlanId, Plan> = {
  starter: {
    id: "starter",
    name: "Starter",
    directories: 50,
    priceCents: 14900,
    currency: "usd",
    tierLimit: 1,
    captchaSolving: false,
    proxyRotation: false,
    maxInFlight: 4,
  },
  growth: {
    id: "growth",
    name: "Growth",
    directories: 100,
    priceCents: 29900,
    currency: "usd",
    tierLimit: 2,
    captchaSolving: true,
    proxyRotation: false,
    maxInFlight: 6,
  },
  professional: {
    id: "professional",
    name: "Professional",
    directories: 300,
    priceCents: 49900,
    currency: "usd",
    tierLimit: 3,
    captchaSolving: true,
    proxyRotation: true,
    maxInFlight: 8,
  },
  enterprise: {
    id: "enterprise",
    name: "Enterprise",
    directories: 500,
    priceCents: 79900,
    currency: "usd",
    tierLimit: 5,
    captchaSolving: true,
    proxyRotation: true,
    maxInFlight: 12,
  },
};

export function isPlanId(value: unknown): value is PlanId {
  return typeof value === "string" && (PLAN_IDS as readonly string[]).includes(value);
}
