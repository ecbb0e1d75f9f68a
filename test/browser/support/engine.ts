/**
 * What the engine tests share: the farm's sample business as a
 * ListingProfile (the shape a lease carries), a task for a farm directory,
 * a page pool, and the check that what the farm received is what the
 * profile says, field by field, by the design's ground truth.
 */
import type { ListingProfile } from "../../../core/listing/profile.ts";
import { SAMPLE_LISTING } from "./listing.ts";
import type { SubmitTask } from "../../../browser-worker/src/engine/types.ts";
import { SAMPLE_BUSINESS, sampleValue, type Design, type Farm, type Variant } from "../../../tools/farm/index.ts";
import { sentences } from "../../../core/listing/description.ts";

/**
 * SAMPLE_BUSINESS as the coordinator hands it out (E.164 phone, ISO country,
 * street in one line): the one profile the browser tests share (listing.ts).
 */
export const SAMPLE_PROFILE: ListingProfile = SAMPLE_LISTING;

const uuid = () => crypto.randomUUID();

export function taskFor(farm: Farm, variant: Variant, overrides: Partial<SubmitTask["directory"]> = {}, business: ListingProfile = SAMPLE_PROFILE): SubmitTask {
  return {
    jobId: uuid(),
    submissionId: uuid(),
    attempt: 1,
    directory: {
      id: `dir-${variant.slug}`,
      slug: variant.slug,
      name: variant.name,
      submitUrl: `${farm.url}${variant.basePath}${variant.design.submitPath}`,
      website: `${farm.url}${variant.basePath}`,
      language: variant.language,
      requiresCaptcha: variant.requiresCaptcha,
      ...overrides,
    },
    business,
  };
}

export { pagePool } from "./page-pool";

const COUNTRY_WORDS = ["US", "United States", "Vereinigte Staaten", "États-Unis", "Estados Unidos", "Stati Uniti", "Verenigde Staten"];
const profileSentences = new Set([...sentences(SAMPLE_PROFILE.shortDescription!), ...sentences(SAMPLE_PROFILE.longDescription!)]);

/** Problems with a posted description: empty, too long, or not made of the profile's own sentences. */
export function descriptionProblems(value: string, maxLength: number | undefined): string[] {
  const out: string[] = [];
  if (!value.trim()) return ["empty description"];
  if (maxLength && value.length > maxLength) out.push(`description of ${value.length} characters over the limit of ${maxLength}`);
  if (/<[a-z/]/i.test(value)) out.push("description holds HTML");
  const parts = sentences(value);
  const foreign = parts.filter((s) => !profileSentences.has(s));
  // One sentence cut at a word boundary is allowed when nothing whole fits.
  const cut = foreign.length === 1 && parts.length === 1 && [...profileSentences].some((s) => s.startsWith(foreign[0]!));
  if (foreign.length && !cut) out.push(`description sentences not from the profile: ${JSON.stringify(foreign)}`);
  return out;
}

const digits = (s: string) => s.replace(/\D/g, "");

/** Types whose controls the engine must leave empty (issue 20: never filled, or no value in the sample profile). */
const LEFT_ALONE = new Set(["unknown", "newsletter", "search", "logo", "photo", "employees", "video-url", "latitude", "longitude"]);

/**
 * Issue 20's types the sample profile has values for, as the farm must
 * receive them (written out, not computed by the engine's own helpers):
 * tags are the categories then the services; the tagline the short
 * description's first sentence; "$$" the second price level; the payment
 * boxes are valued by method name, and Visa stands for the card box.
 */
const SAMPLE_TAGS = "Bakery, Food, Café, Sourdough bread, Catering";
const SAMPLE_TAGLINE = "Neighbourhood bakery in San Francisco: sourdough, croissants, seasonal pastries and specialty coffee.";
const SAMPLE_PAYMENT = ["cash", "card", "paypal"];

/**
 * Compares what the farm received with what the profile means for each of
 * the design's controls. Returns the differences (empty = all as expected).
 */
export function postedProblems(design: Design, posted: Record<string, string | string[]>): string[] {
  const problems: string[] = [];
  const hasType = (t: string) => design.fields.some((f) => f.type === t);
  for (const f of design.fields) {
    const got = posted[f.name];
    const one = Array.isArray(got) ? (got[0] ?? "") : (got ?? "");
    const say = (want: unknown) => problems.push(`${f.name} (${f.type}): expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    const oneOf = (wants: string[]) => {
      if (!wants.includes(one)) say(wants.length === 1 ? wants[0] : { oneOf: wants });
    };
    if (f.type === "captcha") continue;
    if (f.type === "honeypot" || f.type === "fax") {
      if (one !== "") say("");
      continue;
    }
    // unknown, and issue 20's types the engine leaves alone: opt-ins, search
    // boxes, and the directory types the profile has no value for yet
    if (LEFT_ALONE.has(f.type)) {
      if (f.control === "radios") {
        if (got !== undefined && got !== f.options![0]!.value) say(f.options![0]!.value);
      } else if (f.control !== "file" && one !== "") say("(left alone)");
      continue;
    }
    if (f.type === "price-range") {
      oneOf([f.options!.filter((o) => o.value !== "")[1]!.value]);
      continue;
    }
    if (f.type === "payment-methods") {
      const want = f.options!.filter((o) => SAMPLE_PAYMENT.includes(o.value)).map((o) => o.value);
      if (JSON.stringify([got ?? []].flat()) !== JSON.stringify(want)) say(want);
      continue;
    }
    if (f.type === "keywords") {
      oneOf([SAMPLE_TAGS]);
      continue;
    }
    if (f.type === "tagline") {
      oneOf([SAMPLE_TAGLINE]);
      continue;
    }
    if (f.type === "year-established") {
      oneOf(["2012"]);
      continue;
    }
    if (f.options) {
      const want = sampleValue(f);
      const norm = (v: unknown) => JSON.stringify(v === undefined || v === "" || (Array.isArray(v) && v.length === 0) ? "" : v);
      if (norm(got) !== norm(want)) say(want ?? "");
      continue;
    }
    switch (f.type) {
      case "organization":
      case "name":
      case "given-name":
      case "family-name":
      case "email":
      case "url":
      case "address-level2":
      case "postal-code":
      case "address-line2":
      case "social-facebook":
      case "social-instagram":
      case "social-linkedin":
      case "social-twitter":
      case "social-youtube":
      case "social-tiktok":
        oneOf([SAMPLE_BUSINESS[f.type]!]);
        break;
      case "tel":
        if (digits(one) !== "14155550142" && digits(one) !== "4155550142") say(SAMPLE_BUSINESS.tel);
        break;
      case "street-address":
        oneOf([SAMPLE_PROFILE.street!, SAMPLE_BUSINESS["street-address"]!]);
        break;
      case "address-line1":
        oneOf(hasType("address-line2") ? [SAMPLE_BUSINESS["address-line1"]!] : [SAMPLE_BUSINESS["address-line1"]!, SAMPLE_PROFILE.street!]);
        break;
      case "address-level1":
        oneOf(["CA", "California"]);
        break;
      case "country":
        oneOf(COUNTRY_WORDS);
        break;
      case "description":
        for (const p of descriptionProblems(one, f.maxLength)) problems.push(`${f.name}: ${p}`);
        break;
      case "hours": {
        const perDay = /\[(mon|tue|wed|thu|fri|sat|sun)\]/.exec(f.name)?.[1];
        if (perDay) oneOf([perDay === "sat" || perDay === "sun" ? "08:00-15:00" : "07:00-18:00"]);
        else if (!/07:00-18:00/.test(one) || !/08:00-15:00/.test(one)) say("Mon-Fri 07:00-18:00, Sat-Sun 08:00-15:00 (any day names)");
        break;
      }
      case "terms":
        oneOf([f.value ?? "1"]);
        break;
      case "username":
        if (!/^boltbakerycafe\d{4}$/.test(one)) say("boltbakerycafe + 4 digits");
        break;
      case "new-password":
        if (one.length < 12 || !/[A-Z]/.test(one) || !/[a-z]/.test(one) || !/\d/.test(one)) say("a strong password");
        if (f.sameAs && one !== posted[f.sameAs]) say(`the same as ${f.sameAs}`);
        break;
      default:
        problems.push(`${f.name}: no expectation for type ${f.type}`);
    }
  }
  return problems;
}
