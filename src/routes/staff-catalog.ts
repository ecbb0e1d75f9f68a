/**
 * The directory catalog for staff (all routes: staff only):
 * - `GET /api/staff/directories?q=&status=all|active|inactive&limit=&offset=` → CatalogPage
 * - `PATCH /api/staff/directories/:id {isActive?, priorityTier?}` → CatalogDirectory
 * - `POST /api/staff/directories/import {csv, dryRun?}` → ImportResult; any bad
 *   row is a 400 `import_rejected` naming each row's problems, and nothing is
 *   written (the rule of tools/directories-import.ts)
 * - `GET /api/staff/directories/success-rates?bucket=day|week&count=&directoryId=` → SuccessRates
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { parseCsv } from "../catalog/csv";
import { validateDirectoryRecords } from "../catalog/directory-input";
import { searchCatalog, updateDirectory } from "../catalog/staff-catalog";
import { successRates } from "../catalog/success-rates";
import { upsertDirectories } from "../db/catalog";
import { ApiError } from "../http/errors";
import { jsonBody, parseOrThrow } from "../http/validation";
import type { ImportResult } from "../../core/protocol/staff";
import { sizeLimit, withDatabase } from "./api-support";

/** A catalog file of a few thousand rows is well under this. */
export const IMPORT_BODY_LIMIT = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;

const directoryId = z.string().uuid("not a directory id");

const searchQuery = z.object({
  q: z.string().trim().max(200, "at most 200 characters").optional(),
  status: z.enum(["all", "active", "inactive"], "all, active or inactive").default("all"),
  limit: z.coerce.number("a number").int().min(1).max(200).default(50),
  offset: z.coerce.number("a number").int().min(0).max(1_000_000).default(0),
});

const changeBody = z
  .strictObject({
    isActive: z.boolean("true or false").optional(),
    priorityTier: z.number("a number").int("a whole number").min(1, "1 to 5").max(5, "1 to 5").optional(),
  })
  .refine((b) => b.isActive !== undefined || b.priorityTier !== undefined, "Send isActive or priorityTier");

const importBody = z.strictObject({
  csv: z.string("the CSV text").min(1, "The file is empty"),
  dryRun: z.boolean("true or false").default(false),
});

const ratesQuery = z
  .object({
    bucket: z.enum(["day", "week"], "day or week").default("week"),
    count: z.coerce.number("a number").int().min(1).max(90).optional(),
    directoryId: directoryId.optional(),
  })
  .transform((q) => ({ ...q, count: q.count ?? (q.bucket === "day" ? 14 : 12) }));

export const staffCatalog = new Hono<{ Bindings: Env; Variables: AuthVariables }>()
  .use(requireUser, requireStaff)
  .get("/", async (c) => {
    const query = parseOrThrow(searchQuery, c.req.query(), "query");
    return c.json(await withDatabase(c.env, ({ db }) => searchCatalog(db, c.get("user"), query)));
  })
  .get("/success-rates", async (c) => {
    const query = parseOrThrow(ratesQuery, c.req.query(), "query");
    return c.json(await withDatabase(c.env, ({ db }) => successRates(db, c.get("user"), query)));
  })
  .patch("/:id", sizeLimit(4 * 1024), async (c) => {
    const id = parseOrThrow(directoryId, c.req.param("id"), "directory id");
    const change = await jsonBody(c, changeBody);
    const updated = await withDatabase(c.env, ({ db }) => updateDirectory(db, id, change));
    if (!updated) throw new ApiError(404, "not_found", "No such directory");
    return c.json(updated);
  })
  .post("/import", sizeLimit(IMPORT_BODY_LIMIT), async (c) => {
    const { csv, dryRun } = await jsonBody(c, importBody);
    const records = parseCsv(csv);
    if (records.length === 0) throw new ApiError(400, "empty_import", "The file has no directory rows (a header row, then one row per directory)");
    if (records.length > IMPORT_MAX_ROWS) {
      throw new ApiError(400, "too_many_rows", `The file has ${records.length} rows; import at most ${IMPORT_MAX_ROWS} at a time`);
    }
    const { valid, problems } = validateDirectoryRecords(records);
    if (problems.length > 0) {
      throw new ApiError(
        400,
        "import_rejected",
        `${problems.length} of ${records.length} row(s) have problems; nothing was imported`,
        { problems, valid: valid.length },
      );
    }
    const result: ImportResult = { dryRun, valid: valid.length, inserted: 0, updated: 0 };
    if (!dryRun) Object.assign(result, await withDatabase(c.env, ({ db }) => upsertDirectories(db, valid)));
    return c.json(result);
  });
