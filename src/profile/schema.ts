/**
 * The business profile a customer gives once and every directory receives:
 * validated and normalised in one zod schema, so the API, its OpenAPI
 * document and the error messages agree. Every bad field is reported at once
 * (`details.fields`), including the checks that need the country (phone,
 * postal code, region).
 *
 * Limits (code points, after NFC and whitespace tidying):
 * name 150, street 200, city/region 100, short description 10-160 (a search
 * snippet; most directories' "tagline" fields), long description 2000 (fits
 * the long field of almost every directory; shorter fields are cut by the
 * form filler at a word boundary), categories 1-10 of 2-60 each, up to 4
 * opening periods a day, web addresses 2048, email 254.
 */
import { z } from "@hono/zod-openapi";
import { isCountryCode } from "./countries";
import { POSTAL_CODE_REQUIRED, REGION_REQUIRED, cleanLine, cleanParagraphs, minutes, normalisePhone, normalisePostalCode, normaliseTime, normaliseUrl, type Normalised } from "./normalise";

// The rules the site's form shares live in one dependency-free module.
import { DAYS, PAYMENT_METHODS, PRICE_RANGES, PROFILE_LIMITS, SOCIAL_NETWORKS, type Day, type OpeningHours, type SocialNetwork } from "../../core/listing/rules";
export { DAYS, PAYMENT_METHODS, PRICE_RANGES, PROFILE_LIMITS, SOCIAL_NETWORKS, type Day, type OpeningHours, type SocialNetwork };

const required = (what = "text") => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined || issue.input === null ? "Required" : `Must be ${what}`),
});

/** A zod transform from a normaliser: its message becomes the field's error. */
function via<T>(normalise: (s: string) => Normalised<T>) {
  return (input: string, ctx: z.core.$RefinementCtx<unknown>): T => {
    const result = normalise(input);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.message });
      return z.NEVER;
    }
    return result.value;
  };
}

const line = (limits: { min: number; max: number }, description: string, example?: string) =>
  z
    .string(required())
    .transform(via((s) => cleanLine(s, limits)))
    .openapi({ type: "string", description, maxLength: limits.max, ...(example ? { example } : {}) });

/** Optional text: absent, null or blank is stored as null. */
const optional = <T>(normalise: (s: string) => Normalised<T>, meta: Record<string, unknown>) =>
  z
    .string(required())
    .nullish()
    .transform((s, ctx) => (s == null || s.trim() === "" ? null : via(normalise)(s, ctx)))
    .openapi(meta);

const countrySchema = z
  .string(required("a two-letter country code"))
  .transform(
    via((s) => {
      const code = s.trim().toUpperCase();
      return isCountryCode(code) ? { ok: true, value: code } : { ok: false, message: "Not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE)" };
    }),
  )
  .openapi({ type: "string", description: "ISO 3166-1 alpha-2", example: "DE", pattern: "^[A-Za-z]{2}$" });

export const emailSchema = z
  .string(required())
  .transform(
    via((s) => {
      const value = s.trim().toLowerCase();
      if (value.length > PROFILE_LIMITS.email) return { ok: false, message: `Must be at most ${PROFILE_LIMITS.email} characters` };
      return z.email().safeParse(value).success ? { ok: true, value } : { ok: false, message: "Not a valid email address" };
    }),
  )
  .openapi({ type: "string", format: "email", example: "hello@cafe-mueller.de" });

const categoriesSchema = lineList(PROFILE_LIMITS.category, PROFILE_LIMITS.categories, "categories", "Give at least one category").openapi({ example: ["Café", "Bakery"] });

const periodSchema = z.tuple([z.string(), z.string()], { error: 'Each opening period is ["HH:MM", "HH:MM"]' });
const daySchema = z
  .array(periodSchema, { error: 'A day is a list of ["HH:MM", "HH:MM"] periods; [] means closed' })
  .max(PROFILE_LIMITS.periodsPerDay, `At most ${PROFILE_LIMITS.periodsPerDay} opening periods a day`);

/**
 * Opening hours: `{ mon: [["09:00","12:30"],["14:00","18:00"]], sun: [] }`.
 * A day given as [] is closed; a day left out is not stated; `{}` publishes
 * no hours. A period that closes at or before it opens runs past midnight
 * ("18:00"-"02:00") and must be the day's last; "24:00" closes at midnight.
 * Periods are sorted and may not overlap.
 */
const hoursSchema = z
  .strictObject(Object.fromEntries(DAYS.map((d) => [d, daySchema.optional()])) as Record<Day, z.ZodOptional<typeof daySchema>>, {
    error: (issue) => (issue.code === "unrecognized_keys" ? "Unknown day; use mon, tue, wed, thu, fri, sat, sun" : "Must be an object of days"),
  })
  .transform((hours, ctx) => {
    const out: OpeningHours = {};
    for (const day of DAYS) {
      const periods = hours[day];
      if (!periods) continue;
      const normal: [string, string][] = [];
      periods.forEach(([open, close], i) => {
        const o = normaliseTime(open, false);
        const c = normaliseTime(close, true);
        if (!o || !c) {
          ctx.addIssue({ code: "custom", path: [day, i], message: 'Times are "HH:MM", 24-hour (e.g. "09:00", "17:30"; "24:00" for midnight)' });
        } else if (o === c) {
          ctx.addIssue({ code: "custom", path: [day, i], message: "Opens and closes at the same time" });
        } else {
          normal.push([o, c]);
        }
      });
      if (normal.length !== periods.length) continue;
      normal.sort((a, b) => minutes(a[0]) - minutes(b[0]));
      for (let i = 0; i < normal.length; i++) {
        const [o, c] = normal[i]!;
        const overnight = c !== "24:00" && minutes(c) <= minutes(o);
        if (overnight && i !== normal.length - 1) {
          ctx.addIssue({ code: "custom", path: [day, i], message: "A period past midnight must be the day's last" });
        }
        const next = normal[i + 1];
        if (next && !overnight && minutes(next[0]) < (c === "24:00" ? 1440 : minutes(c))) {
          ctx.addIssue({ code: "custom", path: [day, i + 1], message: `Overlaps ${o}-${c}` });
        }
      }
      out[day] = normal;
    }
    return out;
  })
  .openapi({ example: { mon: [["08:00", "18:00"]], sat: [["09:00", "13:00"]], sun: [] } });

function hostMatches(host: string, domains: readonly string[]): boolean {
  const bare = host.replace(/^www\.|^m\./, "");
  return domains.some((d) => bare === d || bare.endsWith(`.${d}`));
}

const socialLinkSchema = (network: SocialNetwork) =>
  z
    .string(required("a URL"))
    .transform(
      via((s) => {
        const url = normaliseUrl(s, PROFILE_LIMITS.url);
        if (!url.ok) return url;
        const parsed = new URL(url.value);
        if (!hostMatches(parsed.hostname, SOCIAL_NETWORKS[network])) {
          return { ok: false, message: `Must be an address on ${SOCIAL_NETWORKS[network].join(" or ")}` };
        }
        if (parsed.pathname.length <= 1 && !parsed.search) return { ok: false, message: "Must link the business's own page, not the home page" };
        return { ok: true, value: url.value.replace(/^http:/, "https:") };
      }),
    )
    .optional();

const socialLinksSchema = z
  .strictObject(Object.fromEntries(Object.keys(SOCIAL_NETWORKS).map((n) => [n, socialLinkSchema(n as SocialNetwork)])) as Record<SocialNetwork, ReturnType<typeof socialLinkSchema>>, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown network; use ${Object.keys(SOCIAL_NETWORKS).join(", ")}` : "Must be an object of network: URL"),
  })
  .transform((links) => Object.fromEntries(Object.entries(links).filter(([, v]) => v != null)) as Partial<Record<SocialNetwork, string>>)
  .openapi({ example: { instagram: "https://instagram.com/cafemueller" } });

/** A list of short lines, tidied and de-duplicated case-insensitively (categories, services). */
function lineList(item: { min: number; max: number }, count: { min?: number; max: number }, what: string, tooFew = `Give at least ${count.min} ${what}`) {
  const list = z.array(z.string(required()).transform(via((s) => cleanLine(s, item))), required(`a list of ${what}`));
  return (count.min ? list.min(count.min, tooFew) : list).max(count.max, `At most ${count.max} ${what}`).transform((lines) => {
    const seen = new Set<string>();
    return lines.filter((c) => {
      const key = c.toLocaleLowerCase("und");
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
}

/** A whole number in a range, or null; absent is null. */
const wholeNumber = (min: number, max: number, description: string) =>
  z
    .number({ error: "Must be a whole number" })
    .int("Must be a whole number")
    .min(min, `Must be at least ${min}`)
    .max(max, `Must be at most ${max}`)
    .nullish()
    .transform((n) => n ?? null)
    .openapi({ description });

const coordinate = (limit: number, what: string) =>
  z
    .number({ error: `Must be a number of degrees` })
    .min(-limit, `A ${what} is between -${limit} and ${limit}`)
    .max(limit, `A ${what} is between -${limit} and ${limit}`)
    .nullish()
    // Seven decimals are about a centimetre: more is noise from a map's copy button.
    .transform((n) => (n == null ? null : Math.round(n * 1e7) / 1e7))
    .openapi({ description: `${what[0]!.toUpperCase()}${what.slice(1)} in decimal degrees (WGS 84); give both coordinates or neither` });

/**
 * What directory forms carry beyond the listing itself (issue 20); all
 * optional, so a profile saved before them stays valid. The year
 * established may not be in the future (checked against the clock at save).
 */
const directoryExtrasShape = {
  services: lineList(PROFILE_LIMITS.service, PROFILE_LIMITS.services, "services")
    .default([])
    .openapi({ description: "Services offered; with the categories, the keywords (tags) directories ask for", example: ["Wedding cakes", "Catering"] }),
  tagline: optional((s) => cleanLine(s, PROFILE_LIMITS.tagline), {
    description: "A short line (3-100 characters); when absent, directories get one derived from the short description",
    example: "Baking in Stuttgart since 1952",
  }),
  yearEstablished: z
    .number({ error: "Must be a year, like 1952" })
    .int("Must be a year, like 1952")
    .min(PROFILE_LIMITS.yearEstablished.min, `Must be ${PROFILE_LIMITS.yearEstablished.min} or later`)
    .refine((y) => y <= new Date().getUTCFullYear(), "Must not be in the future")
    .nullish()
    .transform((n) => n ?? null)
    .openapi({ description: "The year the business was founded", example: 1952 }),
  priceRange: z
    .enum(PRICE_RANGES, { error: `Must be one of ${PRICE_RANGES.join(", ")}` })
    .nullish()
    .transform((v) => v ?? null)
    .openapi({ description: "One to four currency signs, cheapest first" }),
  paymentMethods: z
    .array(z.enum(PAYMENT_METHODS, { error: `Unknown payment method; use ${PAYMENT_METHODS.join(", ")}` }), required("a list of payment methods"))
    .max(PAYMENT_METHODS.length, "Too many payment methods")
    .default([])
    .transform((list) => [...new Set(list)])
    .openapi({ example: ["cash", "card"] }),
  employees: wholeNumber(PROFILE_LIMITS.employees.min, PROFILE_LIMITS.employees.max, "Head count"),
  videoUrl: optional((s) => normaliseUrl(s, PROFILE_LIMITS.url), {
    description: "An http(s) address of a video about the business",
    example: "https://www.youtube.com/watch?v=abc123",
  }),
  latitude: coordinate(90, "latitude"),
  longitude: coordinate(180, "longitude"),
};

const baseShape = {
  businessName: line(PROFILE_LIMITS.businessName, "The business's name, exactly as it should appear", "Café Müller & Söhne"),
  contactName: optional((s) => cleanLine(s, PROFILE_LIMITS.contactName), {
    description: "The person directories may ask for (first and last name)",
    example: "Anna Müller",
  }),
  street: line(PROFILE_LIMITS.street, "Street and number (a service-area business's is hidden on listings)", "Königstraße 12"),
  city: line(PROFILE_LIMITS.city, "City or town", "Stuttgart"),
  region: optional((s) => cleanLine(s, PROFILE_LIMITS.region), {
    description: "State, province or region (required in US, CA, AU, BR, MX, IN)",
    example: "Baden-Württemberg",
  }),
  postalCode: z.string(required()).nullish().openapi({ description: "Postal code (required where the country uses them)", example: "70173" }),
  country: countrySchema,
  phone: z.string(required("a phone number")).openapi({ type: "string", description: "Any common format; stored as E.164, read with the country as the default region", example: "0711 123456" }),
  website: optional((s) => normaliseUrl(s, PROFILE_LIMITS.url), {
    description: "The business's site; https:// is assumed when no scheme is given",
    example: "cafe-mueller.de",
  }),
  email: emailSchema,
  shortDescription: line(PROFILE_LIMITS.shortDescription, "One or two sentences, 10-160 characters", "Family café and bakery since 1952."),
  longDescription: optional((s) => cleanParagraphs(s, PROFILE_LIMITS.longDescription), {
    description: "Up to 2000 characters; paragraphs kept",
    maxLength: PROFILE_LIMITS.longDescription.max,
  }),
  categories: categoriesSchema,
  hours: hoursSchema.default({}),
  socialLinks: socialLinksSchema.default({}),
  serviceArea: z.boolean({ error: "Must be true or false" }).default(false).openapi({ description: "A service-area business: its street address is hidden on listings" }),
  ...directoryExtrasShape,
};

type Issue = { path?: readonly PropertyKey[]; code?: string };
/** Run a cross-field check only when its own fields parsed cleanly. */
const whenClean =
  (...fields: string[]) =>
  (payload: { value: unknown; issues: readonly Issue[] }) =>
    typeof payload.value === "object" &&
    payload.value !== null &&
    !Array.isArray(payload.value) &&
    !payload.issues.some((issue) => !issue.path?.length && issue.code !== "unrecognized_keys") &&
    !payload.issues.some((issue) => fields.includes(String(issue.path?.[0] ?? "")));

export const BusinessProfileInput = z
  .strictObject(baseShape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? undefined : "The profile must be a JSON object"),
  })
  .superRefine(
    (v, ctx) => {
      const phone = normalisePhone(v.phone, v.country);
      if (!phone.ok) ctx.addIssue({ code: "custom", path: ["phone"], message: phone.message });
    },
    { when: whenClean("phone", "country") },
  )
  .superRefine(
    (v, ctx) => {
      if (v.postalCode == null || v.postalCode.trim() === "") {
        if (POSTAL_CODE_REQUIRED.has(v.country)) ctx.addIssue({ code: "custom", path: ["postalCode"], message: `Required for ${v.country} addresses` });
        return;
      }
      const postal = normalisePostalCode(v.postalCode, v.country);
      if (!postal.ok) ctx.addIssue({ code: "custom", path: ["postalCode"], message: postal.message });
    },
    { when: whenClean("postalCode", "country") },
  )
  .superRefine(
    (v, ctx) => {
      if (v.region == null && REGION_REQUIRED.has(v.country)) {
        ctx.addIssue({ code: "custom", path: ["region"], message: `Required for ${v.country} addresses` });
      }
    },
    { when: whenClean("region", "country") },
  )
  .superRefine(
    (v, ctx) => {
      // One coordinate alone places the business nowhere.
      if ((v.latitude == null) !== (v.longitude == null)) {
        ctx.addIssue({ code: "custom", path: [v.latitude == null ? "latitude" : "longitude"], message: "Give both coordinates or neither" });
      }
    },
    { when: whenClean("latitude", "longitude") },
  )
  .transform((v) => {
    const phone = normalisePhone(v.phone, v.country);
    const postal = v.postalCode == null || v.postalCode.trim() === "" ? null : normalisePostalCode(v.postalCode, v.country);
    return {
      ...v,
      phone: phone.ok ? phone.value : v.phone,
      postalCode: postal && postal.ok ? postal.value : null,
    };
  })
  .openapi("BusinessProfileInput");

export type BusinessProfile = z.output<typeof BusinessProfileInput>;

/** The stored profile as the API returns it (the same fields, normalised). */
export const BusinessProfileOutput = z
  .object({
    businessName: z.string(),
    contactName: z.string().nullable(),
    street: z.string().nullable(),
    city: z.string().nullable(),
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: "E.164", example: "+49711123456" }),
    website: z.string().nullable(),
    email: z.string().nullable(),
    shortDescription: z.string().nullable(),
    longDescription: z.string().nullable(),
    categories: z.array(z.string()),
    hours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
    socialLinks: z.record(z.string(), z.string()),
    serviceArea: z.boolean(),
    services: z.array(z.string()),
    tagline: z.string().nullable(),
    yearEstablished: z.number().int().nullable(),
    priceRange: z.enum(PRICE_RANGES).nullable(),
    paymentMethods: z.array(z.enum(PAYMENT_METHODS)),
    employees: z.number().int().nullable(),
    videoUrl: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    logoKey: z.string().nullable().openapi({ description: "Set by PUT /api/business/logo" }),
    photoKeys: z.array(z.string()).openapi({ description: "Set by POST /api/business/photos" }),
  })
  .openapi("BusinessProfile");

/** Fields a profile must have before its job may start. */
export const REQUIRED_PROFILE_FIELDS = ["businessName", "street", "city", "country", "phone", "email", "shortDescription", "categories"] as const;

export function missingProfileFields(profile: Partial<z.output<typeof BusinessProfileOutput>> | null | undefined): string[] {
  if (!profile) return [...REQUIRED_PROFILE_FIELDS];
  return REQUIRED_PROFILE_FIELDS.filter((field) => {
    const value = profile[field];
    return value == null || (typeof value === "string" && value.trim() === "") || (Array.isArray(value) && value.length === 0);
  });
}
