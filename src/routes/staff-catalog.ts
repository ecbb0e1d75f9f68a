/**
 * The directory catalog for staff (all routes: staff only):
 * - `GET /api/staff/directories?q=&status=all|active|inactive|held&limit=&offset=` → CatalogPage
 * - `PATCH /api/staff/directories/:id {isActive?, priorityTier?, checkHold?}` → CatalogDirectory
 *   (`checkHold: false`: staff looked at a failed check and let it be selected again)
 * - `POST /api/staff/directories/import {csv, dryRun?}` → ImportResult; any bad
 *   row is a 400 `import_rejected` naming each row's problems, and nothing is
 *   written (the rule of tools/directories-import.ts)
 * - `GET /api/staff/directories/success-rates?bucket=day|week&count=&directoryId=` → SuccessRates
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requireStaff, requireUser, type AuthVariables } from "../auth/middleware";
import { parseCsv } from "../catalog/csv";
import { validateDirectoryRecords } from "../catalog/directory-input";
import { searchCatalog, updateDirectory } from "../catalog/staff-catalog";
import { successRates } from "../catalog/success-rates";
import { upsertDirectories } from "../db/catalog";
import { ApiError } from "../http/errors";
import { jsonRequest } from "../http/body";
import { errorResponses, jsonAnswer, jsonError, newApiApp, staffOnly } from "../http/openapi";
import { uuidParams } from "../http/params";
import { withDatabase } from "../http/per-request";
import type { ImportResult } from "../../core/protocol/staff";

/** A catalog file of a few thousand rows is well under this. */
export const IMPORT_BODY_LIMIT = 2 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 5000;

const searchQuery = z.object({
  q: z.string().trim().max(200, "at most 200 characters").optional(),
  status: z.enum(["all", "active", "inactive", "held"], "all, active, inactive or held").default("all"),
  limit: z.coerce.number("a number").int().min(1).max(200).default(50),
  offset: z.coerce.number("a number").int().min(0).max(1_000_000).default(0),
});

const changeBody = z
  .strictObject({
    isActive: z.boolean("true or false").optional(),
    priorityTier: z.number("a number").int("a whole number").min(1, "1 to 5").max(5, "1 to 5").optional(),
    checkHold: z.boolean("true or false").optional(),
  })
  .refine((b) => b.isActive !== undefined || b.priorityTier !== undefined || b.checkHold !== undefined, "Send isActive, priorityTier or checkHold");

const importBody = z.strictObject({
  csv: z.string("the CSV text").min(1, "The file is empty"),
  dryRun: z.boolean("true or false").default(false),
});

const ratesQuery = z.object({
  bucket: z.enum(["day", "week"], "day or week").default("week"),
  count: z.coerce.number("a number").int().min(1).max(90).optional().openapi({ description: "Buckets: by default 14 days or 12 weeks" }),
  directoryId: uuidParams({ directoryId: "directory" }).shape.directoryId.optional(),
});

const json = <S extends z.ZodType>(schema: S) => ({ required: true, content: { "application/json": { schema } } });
const security = [{ bearer: [] }];
const answer = (description: string, name: string) => jsonAnswer(`${description} (core/protocol/staff.ts ${name})`, z.looseObject({}).openapi(name));

const search = createRoute({
  method: "get",
  path: "/",
  tags: ["staff"],
  summary: "Search the directory catalog",
  security,
  request: { query: searchQuery },
  responses: { 200: answer("A page of directories", "CatalogPage"), ...staffOnly, 400: errorResponses[400] },
});

const rates = createRoute({
  method: "get",
  path: "/success-rates",
  tags: ["staff"],
  summary: "Success rates per directory, by day or week",
  security,
  request: { query: ratesQuery },
  responses: { 200: answer("Rates per bucket", "SuccessRates"), ...staffOnly, 400: errorResponses[400] },
});

const change = createRoute({
  method: "patch",
  path: "/{id}",
  tags: ["staff"],
  summary: "Switch a directory on or off, change its priority tier, or lift the hold of a failed check",
  security,
  middleware: jsonRequest({ maxBytes: 4 * 1024 }),
  request: { params: uuidParams({ id: "directory" }), body: json(changeBody) },
  responses: { 200: answer("The directory as it is now", "CatalogDirectory"), ...errorResponses, ...staffOnly, 404: jsonError("No such directory") },
});

const importCsv = createRoute({
  method: "post",
  path: "/import",
  tags: ["staff"],
  summary: "Import catalog rows from CSV text (all or nothing)",
  security,
  middleware: jsonRequest({ maxBytes: IMPORT_BODY_LIMIT }),
  request: { body: json(importBody) },
  responses: {
    200: answer("What was (or, in a dry run, would be) inserted and updated", "ImportResult"),
    ...errorResponses,
    400: jsonError("Invalid body, no rows, too many rows, or `import_rejected` naming each row's problems"),
    ...staffOnly,
  },
});

export const staffCatalog = newApiApp<AuthVariables>();
staffCatalog.use(requireUser, requireStaff);
staffCatalog
  .openapi(search, async (c) => {
    const query = c.req.valid("query");
    return c.json(await withDatabase(c.env, ({ db }) => searchCatalog(db, c.get("user"), query)), 200);
  })
  .openapi(rates, async (c) => {
    const q = c.req.valid("query");
    const query = { ...q, count: q.count ?? (q.bucket === "day" ? 14 : 12) };
    return c.json(await withDatabase(c.env, ({ db }) => successRates(db, c.get("user"), query)), 200);
  })
  .openapi(change, async (c) => {
    const { id } = c.req.valid("param");
    const change = c.req.valid("json");
    const updated = await withDatabase(c.env, ({ db }) => updateDirectory(db, id, change));
    if (!updated) throw new ApiError(404, "not_found", "No such directory");
    return c.json(updated, 200);
  })
  .openapi(importCsv, async (c) => {
    const { csv, dryRun } = c.req.valid("json");
    const records = parseCsv(csv);
    if (records.length === 0) throw new ApiError(400, "empty_import", "The file has no directory rows (a header row, then one row per directory)");
    if (records.length > IMPORT_MAX_ROWS) {
      throw new ApiError(400, "too_many_rows", `The file has ${records.length} rows; import at most ${IMPORT_MAX_ROWS} at a time`);
    }
    const { valid, problems } = validateDirectoryRecords(records);
    if (problems.length > 0) {
      throw new ApiError(400, "import_rejected", `${problems.length} of ${records.length} row(s) have problems; nothing was imported`, { problems, valid: valid.length });
    }
    const result: ImportResult = { dryRun, valid: valid.length, inserted: 0, updated: 0 };
    if (!dryRun) Object.assign(result, await withDatabase(c.env, ({ db }) => upsertDirectories(db, valid)));
    return c.json(result, 200);
  });
