/**
 * One directory of the catalog as the importer, the seeds and the sandbox
 * farm give it: validated once here, then upserted by slug.
 */
import { z } from "zod";
import { APPROVAL_TYPES, AUTOMATION_POLICIES, DIRECTORY_SCOPES, LISTING_COSTS } from "../../core/statuses";

const httpUrl = z
  .string()
  .trim()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL");

/** CSV cells arrive as strings: "", "true", "1", "yes" and so on. */
const flag = z.preprocess((v) => {
  if (typeof v === "boolean") return v;
  if (v === undefined || v === null || v === "") return undefined;
  const s = String(v).trim().toLowerCase();
  if (["true", "1", "yes", "y"].includes(s)) return true;
  if (["false", "0", "no", "n"].includes(s)) return false;
  return v;
}, z.boolean());

const optionalText = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().trim().optional());
const optionalInt = (min: number, max: number) => z.preprocess((v) => (v === "" || v === null || v === undefined ? undefined : Number(v)), z.number().int().min(min).max(max).optional());

export const directoryInputSchema = z.object({
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "lower-case letters, digits and single hyphens"),
  name: z.string().trim().min(1).max(200),
  website: httpUrl,
  submitUrl: z.preprocess((v) => (v === "" || v === null ? undefined : v), httpUrl.optional()),
  /** Where a published listing is looked up; `{query}` stands for the business name. */
  listingSearchUrl: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z
      .string()
      .trim()
      .max(2000)
      .refine((v) => v.includes("{query}") && /^https?:\/\//.test(v.replace("{query}", "x")), "an http(s) URL containing {query}")
      .optional(),
  ),
  daScore: optionalInt(0, 100),
  priorityTier: z.preprocess((v) => (v === "" ? undefined : Number(v)), z.number().int().min(1).max(5)),
  category: z.preprocess((v) => (v === "" || v == null ? "general" : v), z.string().trim().min(1).max(80)),
  scope: z.preprocess((v) => (v === "" || v == null ? "general" : v), z.enum(DIRECTORY_SCOPES)),
  country: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase())
    .pipe(z.string().regex(/^([A-Z]{2}|INT)$/, "ISO 3166-1 alpha-2 or INT")),
  language: z.preprocess((v) => (v === "" || v == null ? "en" : String(v).toLowerCase()), z.string().regex(/^[a-z]{2}$/, "ISO 639-1")),
  requiresCaptcha: flag.default(false),
  requiresEmailVerification: flag.default(false),
  requiresPhoneVerification: flag.default(false),
  requiresAccount: flag.default(false),
  approvalType: z.preprocess((v) => (v === "" || v == null ? "unknown" : v), z.enum(APPROVAL_TYPES)),
  automation: z.preprocess((v) => (v === "" || v == null ? "automated" : v), z.enum(AUTOMATION_POLICIES)),
  listingCost: z.preprocess((v) => (v === "" || v == null ? "unknown" : v), z.enum(LISTING_COSTS)),
  factsVerified: flag.default(false),
  sandbox: flag.default(false),
  isActive: flag.default(true),
  source: optionalText,
  notes: optionalText,
});

export type DirectoryInput = z.output<typeof directoryInputSchema>;

const snakeToCamel = (key: string) => key.trim().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Accepts snake_case (CSV headers, SQL-minded JSON) or camelCase keys. */
export function normaliseKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [snakeToCamel(k), v]));
}

export interface RowProblem {
  /** 1-based line in a CSV file (the header is line 1), or 1-based index in JSON. */
  line: number;
  slug?: string;
  errors: string[];
}

export function validateDirectoryRecords(records: { line: number; record: Record<string, unknown> }[]): { valid: DirectoryInput[]; problems: RowProblem[] } {
  const valid: DirectoryInput[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const { line, record } of records) {
    const parsed = directoryInputSchema.safeParse(normaliseKeys(record));
    const slug = typeof record.slug === "string" ? record.slug : undefined;
    if (!parsed.success) {
      problems.push({
        line,
        slug,
        errors: parsed.error.issues.map((i) => `${i.path.join(".") || "row"}: ${i.message}`),
      });
      continue;
    }
    const earlier = seen.get(parsed.data.slug);
    if (earlier !== undefined) {
      problems.push({ line, slug, errors: [`slug: duplicate of line ${earlier}`] });
      continue;
    }
    seen.set(parsed.data.slug, line);
    valid.push(parsed.data);
  }
  return { valid, problems };
}
