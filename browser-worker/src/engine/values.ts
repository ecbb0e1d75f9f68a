/**
 * What goes into each field: the profile's value in the shape the field
 * wants (phone format, address split, localised country, fitted
 * description, closest option). Pure functions of the profile and what the
 * page says about the field, so they are tested without a browser.
 *
 * Also the engine's generic corrections of the mapper's verdict: a choice
 * control (select, listbox, box group) cannot hold free text, so a choice
 * control named with a free-text type is read by its options instead
 * (countries, regions, categories); a "current password" box in a form that
 * is not a sign-in form is a new password; a textarea named as a short-value
 * type in a form without a description field is the description.
 *
 * On a retry, the value fixes a directory's refusal asked for (RetryHints,
 * decided by src/intelligence/retry-analyzer.ts) override what the page's
 * own hints chose: the phone national, digits only or international; the
 * website with a scheme or as its home page; the description shorter or
 * longer; the postal code digits only.
 */
import type { ListingProfile } from "../../../core/listing/profile";
import type { ValueFix } from "../../../core/protocol/tasks";
import type { FieldType } from "../../../core/vocabulary";
import type { MappedField } from "../mapper/types";
import { chooseCategory, isPlaceholderOption, looksLikeCategoryList } from "./category";
import { describe, limitsFromHint, type DescriptionField } from "../../../core/listing/description";
import { countryName, countryNames, looksLikeCountryList, looksLikeRegionList, regionNames } from "../../../core/listing/geo";
import { dayHours, dayOf, hoursLine } from "../../../core/listing/hours";
import type { FieldDetails, OptionInfo } from "./inpage";
import type { EngineAsset, ListingAssets } from "./types";
import { formatPhone, phoneVariants } from "../../../core/listing/phone";
import { fold, similarity } from "../../../core/text";
import { oneLineAddress, splitStreet } from "../../../core/listing/address";
import { joinKeywords, keywordsOf, paymentLabel, taglineOf } from "../../../core/listing/extras";
import { employeesOption, paymentOptions, priceOption } from "./extras";

export interface FieldInput {
  mapped: MappedField;
  details: FieldDetails;
  /** The type the engine acts on (the mapper's, or a generic correction of it). */
  type: FieldType;
  /** Why the type differs from the mapper's. */
  corrected?: string;
}

export interface ValueContext {
  profile: ListingProfile;
  language: string;
  directoryId: string;
  username: string;
  password: string;
  formKind: string;
  /** Types present in the form being filled (after corrections). */
  formTypes: Set<FieldType>;
  /** How many fields of each type the form has. */
  typeCounts: Map<FieldType, number>;
  /** The first field of each type, in page order. */
  first?: Map<FieldType, FieldInput>;
  /** Value fixes asked for by the directory's last refusal (a retry's hints). */
  fixes?: readonly ValueFix[];
  /** Each field's place among the fields of its type (by selector), for one-per-box values such as tags. */
  ordinal?: Map<string, number>;
  /** The listing's logo and photos, for file inputs (assets.ts). */
  assets?: ListingAssets;
}

/** A decision for one field (or one box group). */
export type Decision =
  | { kind: "text"; value: string; note?: string; fix?: string }
  | { kind: "choice"; option: OptionInfo; note?: string }
  /** Several options of one control (a box group, a multiple select): payment methods, tags. */
  | { kind: "choices"; options: OptionInfo[] }
  /** Images for a file input: the logo into a logo input, photos into photo inputs. */
  | { kind: "file"; files: EngineAsset[] }
  | { kind: "check"; checked: boolean }
  | { kind: "skip"; why: string };

const CHOICE_TYPES = new Set(["select-one", "select-multiple", "combobox", "listbox", "radio"]);
const TEXT_ONLY: ReadonlySet<FieldType> = new Set<FieldType>([
  "organization",
  "name",
  "given-name",
  "additional-name",
  "family-name",
  "email",
  "tel",
  "fax",
  "url",
  "street-address",
  "address-line1",
  "address-line2",
  "address-level2",
  "postal-code",
  "username",
  "new-password",
  "current-password",
  "description",
  "social-facebook",
  "social-instagram",
  "social-linkedin",
  "social-twitter",
  "social-youtube",
  "social-tiktok",
  "social-other",
]);

export function isChoice(d: FieldDetails): boolean {
  return CHOICE_TYPES.has(d.type) || (d.type === "checkbox" && d.group.length > 1);
}

export function choiceOptions(d: FieldDetails): OptionInfo[] {
  const list = d.type === "checkbox" || d.type === "radio" ? d.group : d.options;
  return list.filter((o) => !o.disabled && !isPlaceholderOption(o));
}

/** The engine's generic corrections of the mapper's types (see the module note). */
export function correctTypes(fields: FieldInput[], formKind: string, country: string | null): FieldInput[] {
  const out = fields.map((f) => ({ ...f }));
  for (const f of out) {
    if (isChoice(f.details) && (TEXT_ONLY.has(f.type) || f.type === "unknown")) {
      const labels = choiceOptions(f.details).map((o) => o.label);
      const guess: FieldType | undefined = looksLikeCountryList(labels)
        ? "country"
        : looksLikeRegionList(labels, country)
          ? "address-level1"
          : labels.length >= 3 && looksLikeCategoryList(labels)
            ? "category"
            : undefined;
      if (guess) {
        f.corrected = `${f.type} → ${guess}: a choice control whose options are ${guess === "address-level1" ? "regions" : guess === "country" ? "countries" : "business categories"}`;
        f.type = guess;
      } else if (f.type !== "unknown") {
        f.corrected = `${f.type} → unknown: a choice control cannot take free text`;
        f.type = "unknown";
      }
    }
    if (f.type === "current-password" && formKind !== "login") {
      f.corrected = "current-password → new-password: a password box in a form that is not a sign-in form";
      f.type = "new-password";
    }
  }
  const hasDescription = out.some((f) => f.type === "description");
  if (!hasDescription) {
    const area = out.find((f) => f.details.type === "textarea" && ["category", "country", "address-level1", "postal-code", "tel", "email", "url"].includes(f.type));
    if (area) {
      area.corrected = `${area.type} → description: a textarea in a form without a description field`;
      area.type = "description";
    }
  }
  return out;
}

/** Cuts a one-line value to a field's maxlength at a word boundary. */
function fit(value: string, max: number): string {
  if (max <= 0 || value.length <= max) return value;
  const cut = value.slice(0, max);
  const space = cut.lastIndexOf(" ");
  // A whole word less is better than half a word (names, streets).
  return (space > 0 && value[max] !== " " ? cut.slice(0, space) : cut).replace(/[\s,;:&-]+$/, "");
}

function socialFor(type: FieldType, links: Record<string, string>, ctx: ValueContext, label_: string): string | undefined {
  const by = (...keys: string[]) => keys.map((k) => links[k]).find(Boolean);
  switch (type) {
    case "social-facebook":
      return by("facebook");
    case "social-instagram":
      return by("instagram");
    case "social-linkedin":
      return by("linkedin");
    case "social-twitter":
      return by("x", "twitter");
    case "social-youtube":
      return by("youtube");
    case "social-tiktok":
      return by("tiktok");
    default: {
      // A named network ("Pinterest", "Yelp") gets that link; a generic "social media" field the first link not placed elsewhere.
      const label = fold(label_);
      const named = Object.entries(links).find(([k]) => label.split(" ").includes(fold(k)));
      if (named) return named[1];
      if (!/\b(social (media|network|profile|link|url)s?|socials|redes sociales|redes sociais|reseaux sociaux|social media|soziale (medien|netzwerke)|social network)\b/.test(label)) return undefined;
      if ((ctx.typeCounts.get("social-other") ?? 0) > 1) return undefined;
      const used = new Set(["facebook", "instagram", "linkedin", "x", "twitter", "youtube", "tiktok"].filter((k) => ctx.formTypes.has(`social-${k === "x" ? "twitter" : k}` as FieldType)));
      return Object.entries(links).find(([k]) => !used.has(k))?.[1];
    }
  }
}

function matchByNames(options: OptionInfo[], names: string[]): OptionInfo | undefined {
  const wanted = new Set(names.map(fold));
  return options.find((o) => wanted.has(fold(o.value))) ?? options.find((o) => wanted.has(fold(o.label)));
}

function descriptionField(f: FieldInput, ctx: ValueContext): DescriptionField {
  const hintText = `${f.details.hint} ${f.details.label} ${f.mapped.label}`;
  const limits = limitsFromHint(hintText);
  const maxLength = Math.min(f.details.maxLength > 0 ? f.details.maxLength : Infinity, limits.maxLength ?? Infinity);
  const words = ` ${fold(`${f.details.label} ${f.mapped.label} ${f.details.name}`)} `;
  const several = (ctx.typeCounts.get("description") ?? 0) > 1;
  const prefer: "short" | "long" | "any" = /\s(short|kurz\w*|brief|summary|tagline|teaser|slogan|court\w*|breve|corta|kort\w*|curta|resumo|resumen|riassunto|samenvatting|excerpt|snippet)\s/.test(
    words,
  )
    ? "short"
    : /\s(long|lang\w*|detail\w*|full|ausfuhrlich\w*|longue|larga|detallad\w*|lunga|dettagliat\w*|uitgebreid\w*|longa|detalhad\w*|complet\w*)\s/.test(words)
      ? "long"
      : several && maxLength <= 400
        ? "short"
        : "any";
  return {
    maxLength: Number.isFinite(maxLength) ? maxLength : undefined,
    maxWords: limits.maxWords,
    minLength: limits.minLength,
    prefer,
    multiline: f.details.type === "textarea",
  };
}

function fixFor<F extends ValueFix["field"]>(ctx: ValueContext, field: F): Extract<ValueFix, { field: F }> | undefined {
  // The latest fix for a field wins (hints list them oldest first).
  return ctx.fixes?.findLast((x): x is Extract<ValueFix, { field: F }> => x.field === field);
}

const fixName = (fix: ValueFix) =>
  `${fix.field} ${fix.want.replace("_", " ")}${"maxLength" in fix && fix.maxLength ? ` (max ${fix.maxLength})` : ""}${"minLength" in fix && fix.minLength ? ` (min ${fix.minLength})` : ""}`;

/** The phone as a fix asks for it, whatever the page's pattern or placeholder said. */
export function fixedPhone(e164: string, want: Extract<ValueFix, { field: "tel" }>["want"]): string {
  const v = phoneVariants(e164);
  return want === "national" ? v.national : want === "digits" ? v.nationalDigits : v.e164;
}

/** The website as a fix asks for it: with a scheme (an existing one kept), or the bare home page. */
export function fixedUrl(url: string, want: Extract<ValueFix, { field: "url" }>["want"]): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url.replace(/^\/+/, "")}`;
  if (want === "with_scheme") return withScheme;
  try {
    return new URL(withScheme).origin;
  } catch {
    return withScheme;
  }
}

/**
 * The description's constraints with a fix applied: shorter fits the limit
 * the directory named, else takes the short text under a limit tighter than
 * what was refused; longer takes the long text and the minimum named.
 */
export function fixedDescriptionField(base: DescriptionField, fix: Extract<ValueFix, { field: "description" }>, refused: string): DescriptionField {
  if (fix.want === "longer") return { ...base, prefer: "long", ...(fix.minLength ? { minLength: Math.max(base.minLength ?? 0, fix.minLength) } : {}) };
  const limit = fix.maxLength ?? (refused.length > 1 ? refused.length - 1 : undefined);
  return { ...base, prefer: "short", ...(limit !== undefined ? { maxLength: Math.min(base.maxLength ?? Infinity, limit) } : {}) };
}

/** Decides what one field gets. Box groups are decided once, on their first member. */
export function decide(f: FieldInput, ctx: ValueContext): Decision {
  const p = ctx.profile;
  const d = f.details;
  const max = d.maxLength;
  const text = (value: string | null | undefined, note?: string): Decision =>
    value ? { kind: "text", value: fit(value, max), ...(note ? { note } : {}) } : { kind: "skip", why: "no value in the profile" };

  if (f.type === "honeypot") return { kind: "skip", why: "honeypot" };
  if (f.type === "captcha") return { kind: "skip", why: "captcha (solved separately)" };
  if (f.type === "unknown") return { kind: "skip", why: "not a listing field" };
  // marketing opt-ins are never ticked and search boxes never filled (issue 20);
  // a box the page ticked in advance is unticked, as consent must be given, not assumed
  if (f.type === "newsletter") {
    if (d.found && f.mapped.visible && d.type === "checkbox" && d.group.length <= 1 && d.checked && !d.disabled && !d.readOnly) return { kind: "check", checked: false };
    return { kind: "skip", why: "marketing opt-in left unticked" };
  }
  if (f.type === "search") return { kind: "skip", why: "search box, not a listing field" };
  if (!d.found) return { kind: "skip", why: "control not found" };
  if (!f.mapped.visible || (!d.visible && !isChoice(d) && d.type !== "checkbox")) return { kind: "skip", why: "hidden" };
  if (d.disabled || d.readOnly) return { kind: "skip", why: "disabled or read-only" };
  if (d.type === "file") {
    const assets = ctx.assets;
    if (f.type === "logo") return assets?.logo ? { kind: "file", files: [assets.logo] } : { kind: "skip", why: "no logo in the profile" };
    if (f.type === "photo") {
      if (!assets?.photos.length) return { kind: "skip", why: "no photos in the profile" };
      // A multiple input takes them all; single inputs ("Photo 1", "Photo 2") one each.
      if (d.multiple) return { kind: "file", files: assets.photos };
      const photo = assets.photos[ctx.ordinal?.get(f.mapped.selector) ?? 0];
      return photo ? { kind: "file", files: [photo] } : { kind: "skip", why: "no more photos" };
    }
    return { kind: "skip", why: `a file input typed ${f.type}` };
  }

  if (d.type === "checkbox" && (d.group.length <= 1 || f.type === "terms")) {
    return f.type === "terms" ? { kind: "check", checked: true } : { kind: "skip", why: `a single box typed ${f.type}` };
  }
  if (f.type === "terms") return { kind: "skip", why: "terms on a control that is not a checkbox" };

  if (isChoice(d)) {
    const options = choiceOptions(d);
    const several = d.type === "checkbox" || d.type === "select-multiple";
    if (f.type === "payment-methods" || f.type === "keywords") {
      const picked =
        f.type === "payment-methods" ? paymentOptions(p.paymentMethods ?? [], options) : options.filter((o) => keywordsOf(p).some((k) => fold(k) === fold(o.label) || similarity(o.label, k) >= 0.85));
      if (picked.length === 0) return { kind: "skip", why: `no option matches the profile's ${f.type}` };
      return several ? { kind: "choices", options: picked } : { kind: "choice", option: picked[0]! };
    }
    let option: OptionInfo | undefined;
    if (f.type === "price-range") option = p.priceRange ? priceOption(p.priceRange, options) : undefined;
    else if (f.type === "employees") option = p.employees != null ? employeesOption(p.employees, options) : undefined;
    else if (f.type === "category") option = chooseCategory(options, p.categories, d.required ? 0.05 : 0.3);
    else if (f.type === "country") option = p.country ? matchByNames(options, countryNames(p.country)) : undefined;
    else if (f.type === "address-level1") option = p.region ? matchByNames(options, regionNames(p.region, p.country)) : undefined;
    else {
      const wanted = decide({ ...f, details: { ...d, type: "text", options: [], group: [] } }, ctx);
      if (wanted.kind === "text") {
        option = matchByNames(options, [wanted.value]);
        if (!option) {
          const best = options.map((o) => ({ o, s: similarity(o.label, wanted.value) })).sort((a, b) => b.s - a.s)[0];
          if (best && best.s >= 0.85) option = best.o;
        }
      }
    }
    return option ? { kind: "choice", option } : { kind: "skip", why: `no option matches the profile's ${f.type}` };
  }

  switch (f.type) {
    case "organization":
      return text(p.businessName);
    case "name":
      return text(p.contactName);
    case "given-name": {
      const parts = (p.contactName ?? "").trim().split(/\s+/).filter(Boolean);
      return text(parts.length > 1 ? parts.slice(0, -1).join(" ") : parts[0]);
    }
    case "family-name": {
      const parts = (p.contactName ?? "").trim().split(/\s+/).filter(Boolean);
      return text(parts.length > 1 ? parts.at(-1) : undefined);
    }
    case "additional-name":
      return { kind: "skip", why: "middle names are not in the profile" };
    case "email":
      return text(p.email);
    case "tel": {
      const fix = fixFor(ctx, "tel");
      if (fix && p.phone) return { kind: "text", value: fixedPhone(p.phone, fix.want), fix: fixName(fix) };
      return p.phone
        ? { kind: "text", value: formatPhone(p.phone, { pattern: d.pattern, placeholder: d.placeholder, hint: `${d.hint} ${d.label} ${f.mapped.label}`, maxLength: max }) }
        : { kind: "skip", why: "no phone" };
    }
    case "fax":
      return d.required && p.phone
        ? { kind: "text", value: formatPhone(p.phone, { pattern: d.pattern, placeholder: d.placeholder, maxLength: max }), note: "required fax: the phone number" }
        : { kind: "skip", why: "fax left empty (not required)" };
    case "url": {
      const fix = fixFor(ctx, "url");
      return fix && p.website ? { kind: "text", value: fixedUrl(p.website, fix.want), fix: fixName(fix) } : text(p.website);
    }
    case "street-address": {
      if (p.serviceArea && !d.required) return { kind: "skip", why: "service-area business: street hidden" };
      const separate = ctx.formTypes.has("address-level2") || ctx.formTypes.has("postal-code");
      return text(separate ? p.street : oneLineAddress(p));
    }
    case "address-line1": {
      if (p.serviceArea && !d.required) return { kind: "skip", why: "service-area business: street hidden" };
      if (!p.street) return { kind: "skip", why: "no street" };
      const [line1] = splitStreet(p.street);
      return text(ctx.formTypes.has("address-line2") ? line1 : p.street);
    }
    case "address-line2": {
      if (p.serviceArea && !d.required) return { kind: "skip", why: "service-area business: street hidden" };
      const [, line2] = splitStreet(p.street ?? "");
      return line2 ? text(line2) : { kind: "skip", why: "no second address line" };
    }
    case "address-level2":
      return text(p.city);
    case "address-level1":
      return text(p.region);
    case "postal-code": {
      const fix = fixFor(ctx, "postal-code");
      const digits = p.postalCode?.replace(/\D/g, "");
      return fix && digits ? { kind: "text", value: digits, fix: fixName(fix) } : text(p.postalCode);
    }
    case "country":
      return p.country ? text(countryName(p.country, ctx.language)) : { kind: "skip", why: "no country" };
    case "description": {
      const seed = `${ctx.directoryId}:${d.name || f.mapped.selector}`;
      const field = descriptionField(f, ctx);
      const fix = fixFor(ctx, "description");
      // A fix is measured against what the last attempt sent (the same seed gives the same text).
      const value = describe(p, fix ? fixedDescriptionField(field, fix, describe(p, field, seed)) : field, seed);
      return value ? { kind: "text", value: d.type === "textarea" ? value : value.replace(/\s*\n+\s*/g, " "), ...(fix ? { fix: fixName(fix) } : {}) } : { kind: "skip", why: "no description" };
    }
    case "category":
      return p.categories.length ? text(p.categories.join(", ")) : { kind: "skip", why: "no categories" };
    case "hours": {
      const several = (ctx.typeCounts.get("hours") ?? 0) > 1;
      const day = several ? dayOf(`${d.name} ${d.id} ${d.label} ${f.mapped.label}`) : undefined;
      if (day) {
        const value = dayHours(p.hours, day);
        return value ? { kind: "text", value } : { kind: "skip", why: `closed on ${day}` };
      }
      if (several && ctx.first?.get("hours") && ctx.first.get("hours")!.mapped.selector !== f.mapped.selector) return { kind: "skip", why: "hours already given in the first hours field" };
      const line = hoursLine(p.hours, ctx.language, d.type === "textarea" ? "\n" : ", ");
      return line ? text(line) : { kind: "skip", why: "no opening hours" };
    }
    case "social-facebook":
    case "social-instagram":
    case "social-linkedin":
    case "social-twitter":
    case "social-youtube":
    case "social-tiktok":
    case "social-other":
      return text(socialFor(f.type, p.socialLinks, ctx, `${d.label} ${f.mapped.label} ${d.name}`));
    // issue 20: what directory forms carry beyond the listing
    case "keywords": {
      const tags = keywordsOf(p);
      // One box per tag ("Tag 1", "Tag 2", ...) takes one each; one box takes them all, as many whole tags as fit.
      if ((ctx.typeCounts.get("keywords") ?? 0) > 1) {
        const tag = tags[ctx.ordinal?.get(f.mapped.selector) ?? 0];
        return tag ? text(tag) : { kind: "skip", why: "no more tags" };
      }
      const joined = joinKeywords(tags, max);
      return joined ? { kind: "text", value: joined } : { kind: "skip", why: "no keywords" };
    }
    case "tagline":
      return text(taglineOf(p), p.tagline ? undefined : "from the short description");
    case "year-established":
      return p.yearEstablished ? text(String(p.yearEstablished)) : { kind: "skip", why: "no year established" };
    case "price-range":
      return text(p.priceRange);
    case "payment-methods": {
      const methods = p.paymentMethods ?? [];
      return methods.length ? text(methods.map((m) => paymentLabel(m, ctx.language)).join(", ")) : { kind: "skip", why: "no payment methods" };
    }
    case "employees":
      return p.employees != null ? text(String(p.employees)) : { kind: "skip", why: "no head count" };
    case "video-url":
      return text(p.videoUrl);
    case "latitude":
    case "longitude": {
      // Filled only when the profile has them: a guessed position misplaces the pin.
      const value = f.type === "latitude" ? p.latitude : p.longitude;
      return value != null ? { kind: "text", value: String(value) } : { kind: "skip", why: "no coordinates" };
    }
    case "logo":
    case "photo":
      return { kind: "skip", why: "an image goes only into a file input" };
    case "username":
      return text(ctx.username);
    case "new-password":
      return { kind: "text", value: ctx.password };
    case "current-password":
      return { kind: "skip", why: "sign-in forms are not filled" };
    default:
      return { kind: "skip", why: `no rule for ${f.type}` };
  }
}

/** Decides every field of a form, in page order; box groups once. */
export function decideAll(fields: FieldInput[], ctx: ValueContext): { field: FieldInput; decision: Decision }[] {
  const first = new Map<FieldType, FieldInput>();
  for (const f of fields) if (!first.has(f.type)) first.set(f.type, f);
  const ordinal = new Map<string, number>();
  const seen = new Map<FieldType, number>();
  for (const f of fields) {
    if (!f.mapped.visible || f.type === "honeypot") continue;
    ordinal.set(f.mapped.selector, seen.get(f.type) ?? 0);
    seen.set(f.type, (seen.get(f.type) ?? 0) + 1);
  }
  const withFirst = { ...ctx, first, ordinal };
  const seenGroups = new Set<string>();
  const out: { field: FieldInput; decision: Decision }[] = [];
  for (const f of fields) {
    const d = f.details;
    // Box groups are one choice, decided once; consent boxes sharing a name are each ticked.
    if ((d.type === "checkbox" || d.type === "radio") && d.group.length > 1 && f.type !== "terms") {
      const key = `${d.type}:${d.name}`;
      if (seenGroups.has(key)) continue;
      seenGroups.add(key);
    }
    out.push({ field: f, decision: decide(f, withFirst) });
  }
  return out;
}

/** Words of a field's label, for reasons ("City (address-level2)"). */
export function fieldTitle(f: Pick<FieldInput, "mapped" | "details" | "type">): string {
  const label = (f.details.label || f.mapped.label || f.details.name || f.mapped.name).replace(/[\s*:]+$/, "").trim();
  return `${label || f.mapped.selector} (${f.type})`;
}
