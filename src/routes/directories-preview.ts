/**
 * `GET /api/directories/preview?country=CC&category=SLUG[&region=]`, public:
 * before paying, how many relevant directories each plan would get for this
 * kind of business, and which (src/catalog/preview.ts). Cacheable for a few
 * minutes (the catalog changes by staff hand, not per request); meant to sit
 * behind the unauthenticated-route rate limiter. An unknown country or
 * category is a 400 naming the valid values.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { BUSINESS_CATEGORIES, isCategorySlug } from "../../core/catalog/categories";
import { PLAN_IDS } from "../../core/plans";
import { catalogOf } from "../billing/fulfilment";
import { previewAvailability } from "../catalog/preview";
import { ApiError } from "../http/errors";
import { errorResponses, jsonAnswer, newApiApp } from "../http/openapi";
import { withDatabase } from "../http/per-request";
import { COUNTRY_CODES, isCountryCode } from "../profile/countries";

const CATEGORY_SLUGS = BUSINESS_CATEGORIES.map((c) => c.slug);

const previewQuery = z.strictObject({
  country: z.string("an ISO 3166-1 alpha-2 country code").trim().max(8, "an ISO 3166-1 alpha-2 country code").openapi({ example: "US" }),
  category: z
    .string("a business category slug")
    .trim()
    .max(60, "a business category slug")
    .openapi({ example: "bakery", description: `One of ${CATEGORY_SLUGS.join(", ")}` }),
  region: z.string().trim().max(100, "at most 100 characters").optional().openapi({ description: "State or province (a Quebec business is also offered French directories)", example: "QC" }),
});

const PreviewDirectory = z.object({
  name: z.string(),
  website: z.string(),
  scope: z.string(),
  categories: z.array(z.string()).openapi({ description: 'Category slugs served; ["*"] for every category' }),
  country: z.string(),
  submittedBy: z.enum(["browser", "staff"]),
});

const Preview = z
  .object({
    country: z.string(),
    category: z.string(),
    plans: z.array(
      z.object({
        plan: z.enum(PLAN_IDS),
        directories: z.number().int().openapi({ description: "What the plan promises" }),
        available: z.number().int().openapi({ description: "Relevant directories this plan would get now" }),
        list: z.array(PreviewDirectory),
      }),
    ),
  })
  .openapi("DirectoryPreview");

const preview = createRoute({
  method: "get",
  path: "/preview",
  tags: ["purchase"],
  summary: "How many relevant directories each plan would get for a business of this country and category",
  request: { query: previewQuery },
  responses: {
    200: jsonAnswer("Per plan: what it promises, what is available, and the list", Preview),
    400: errorResponses[400],
  },
});

export const directoriesPreview = newApiApp().openapi(preview, async (c) => {
  const q = c.req.valid("query");
  const country = q.country.toUpperCase();
  const fields: Record<string, string> = {};
  if (!isCountryCode(country)) fields.country = "Not an ISO 3166-1 alpha-2 country code (details.valid.country lists them)";
  if (!isCategorySlug(q.category)) fields.category = `Not a category; one of ${CATEGORY_SLUGS.join(", ")}`;
  if (Object.keys(fields).length) {
    throw new ApiError(400, "validation_failed", "Unknown country or category", { fields, valid: { country: [...COUNTRY_CODES].sort(), category: CATEGORY_SLUGS } });
  }
  const plans = await withDatabase(c.env, ({ db }) => previewAvailability(db, catalogOf(c.env), { country, category: q.category, region: q.region }));
  c.header("cache-control", "public, max-age=300");
  return c.json({ country, category: q.category, plans: plans.map((p) => ({ ...p, list: p.list.map((d) => ({ ...d, categories: [...d.categories] })) })) }, 200);
});
