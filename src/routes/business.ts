/**
 * The signed-in customer's business profile:
 * - `GET /api/business` → `{profile, complete, missing}` (profile null when none yet);
 * - `PUT /api/business` → validates and normalises the whole profile
 *   (src/profile/schema.ts), stores it, and starts every paid job that was
 *   waiting for it. A bad profile is a 400 naming each bad field, and writes
 *   nothing (not even the account link).
 * - `PUT /api/business/logo`, `DELETE /api/business/logo`,
 *   `POST /api/business/photos`, `DELETE /api/business/photos/{index}`:
 *   the profile's images, the body the image's bytes, checked by content
 *   (src/profile/images.ts: PNG/JPEG/WebP, 2 MiB, 16-8000 px a side) and
 *   stored in R2 under the customer's prefix; the profile must be saved first
 *   (409 `profile_missing`). A PUT of the profile keeps them.
 * The customer row is found by the token's user id, or linked on first use
 * by the token's email (src/billing/customers.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { businessProfiles } from "../db/schema";
import { ApiError } from "../http/errors";
import { sizeLimit } from "../http/body";
import { IMAGE_MAX_BYTES, PHOTOS_MAX, checkImage, imageKey } from "../profile/images";
import { requireUser, type AuthVariables } from "../auth/middleware";
import { customerForUser } from "../billing/customers";
import { catalogOf } from "../billing/fulfilment";
import { markJobReady, startReadyJobs, waitingJobIds, type Readiness } from "../billing/readiness";
import { BusinessProfileInput, BusinessProfileOutput, missingProfileFields } from "../profile/schema";
import { loadProfile, profileFromRow, saveProfile } from "../profile/store";
import { jsonRequest } from "../http/body";
import { errorResponses, jsonError, newApiApp } from "../http/openapi";
import { runAfterResponse, withDatabase } from "../http/per-request";

const ProfileAnswer = z
  .object({
    profile: BusinessProfileOutput.nullable(),
    complete: z.boolean(),
    missing: z.array(z.string()).openapi({ description: "Required fields still missing" }),
  })
  .openapi("BusinessProfileAnswer");

const SavedAnswer = ProfileAnswer.extend({
  jobsReady: z.array(z.string()).openapi({ description: "Paid jobs that now have everything they need and were started" }),
}).openapi("BusinessProfileSaved");

const auth = {
  401: jsonError("Not signed in, or the token is invalid"),
  403: jsonError("The token carries no email address"),
  409: jsonError("The token's email belongs to another account"),
};

const getProfile = createRoute({
  method: "get",
  path: "/",
  tags: ["business"],
  summary: "The signed-in customer's business profile",
  security: [{ bearer: [] }],
  middleware: [requireUser],
  responses: {
    200: { description: "The profile (null before the first save)", content: { "application/json": { schema: ProfileAnswer } } },
    ...auth,
  },
});

const putProfile = createRoute({
  method: "put",
  path: "/",
  tags: ["business"],
  summary: "Save the whole business profile (validated and normalised)",
  security: [{ bearer: [] }],
  middleware: [requireUser, ...jsonRequest()],
  request: { body: { required: true, content: { "application/json": { schema: BusinessProfileInput } } } },
  responses: {
    200: { description: "Saved, normalised as stored", content: { "application/json": { schema: SavedAnswer } } },
    ...errorResponses,
    ...auth,
  },
});

const ImageBody = {
  required: true,
  content: { "application/octet-stream": { schema: z.any().openapi({ type: "string", format: "binary", description: "The image's bytes: PNG, JPEG or WebP (any content type; the bytes decide)" }) } },
};
const ImageAnswer = z
  .object({
    logoKey: z.string().nullable(),
    photoKeys: z.array(z.string()),
  })
  .openapi("BusinessImages");
const imageErrors = {
  400: jsonError("No bytes (`empty_image`) or a bad photo index"),
  404: jsonError("No photo at that index"),
  409: jsonError("No saved profile yet (`profile_missing`), or already the most photos (`too_many_photos`)"),
  413: jsonError("Over 2 MiB"),
  415: jsonError("Not a PNG, JPEG or WebP (`unsupported_image`)"),
  422: jsonError("Smaller than 16 or larger than 8000 pixels a side (`image_dimensions`)"),
};
const imageRoute = (method: "put" | "post" | "delete", path: string, summary: string, withBody: boolean, params?: z.ZodObject) =>
  createRoute({
    method,
    path,
    tags: ["business"],
    summary,
    security: [{ bearer: [] }],
    middleware: withBody ? [requireUser, sizeLimit(IMAGE_MAX_BYTES)] : [requireUser],
    ...(withBody || params ? { request: { ...(withBody ? { body: ImageBody } : {}), ...(params ? { params } : {}) } } : {}),
    responses: {
      200: { description: "The profile's images now", content: { "application/json": { schema: ImageAnswer } } },
      ...imageErrors,
      401: auth[401],
      403: auth[403],
    },
  });
const PhotoIndex = z.object({ index: z.string().openapi({ param: { name: "index", in: "path" }, example: "0", description: "0-based, in the profile's order" }) });
const putLogo = imageRoute("put", "/logo", "Upload (or replace) the business's logo", true);
const deleteLogo = imageRoute("delete", "/logo", "Remove the business's logo", false);
const postPhoto = imageRoute("post", "/photos", "Add a photo of the business (at most 10)", true);
const deletePhoto = imageRoute("delete", "/photos/{index}", "Remove one photo", false, PhotoIndex);

type ImageChange = (current: { logoKey: string | null; photoKeys: string[] }) => { logoKey: string | null; photoKeys: string[]; drop: string[] };

/**
 * One image change: the profile's row locked, the change decided on what it
 * holds, the row updated, then objects no longer named deleted from R2.
 * A new object is put before the row names it; if the row cannot take it,
 * the object is deleted again.
 */
async function changeImages(c: Context<{ Bindings: Env; Variables: AuthVariables }>, change: ImageChange, added?: string): Promise<{ logoKey: string | null; photoKeys: string[] }> {
  let result: { logoKey: string | null; photoKeys: string[]; drop: string[] };
  try {
    result = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const customer = await customerForUser(tx, c.get("user"), { create: false });
        const [row] = customer
          ? await tx.select({ logoKey: businessProfiles.logoKey, photoKeys: businessProfiles.photoKeys }).from(businessProfiles).where(eq(businessProfiles.customerId, customer.id)).for("update")
          : [];
        if (!customer || !row) throw new ApiError(409, "profile_missing", "Save the business profile first");
        const next = change(row);
        await tx.update(businessProfiles).set({ logoKey: next.logoKey, photoKeys: next.photoKeys }).where(eq(businessProfiles.customerId, customer.id));
        return next;
      }),
    );
  } catch (err) {
    if (added) await c.env.EVIDENCE.delete(added).catch(() => undefined);
    throw err;
  }
  // A leftover object costs storage, never correctness: the row no longer names it.
  if (result.drop.length) await c.env.EVIDENCE.delete(result.drop).catch(() => undefined);
  return { logoKey: result.logoKey, photoKeys: result.photoKeys };
}

/** Checks the body's bytes and puts them in R2 under the customer's prefix; returns the new key. */
async function storeImage(c: Context<{ Bindings: Env; Variables: AuthVariables }>, kind: "logo" | "photo"): Promise<string> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const info = checkImage(bytes);
  const customer = await withDatabase(c.env, ({ db }) => db.transaction((tx) => customerForUser(tx, c.get("user"), { create: false })));
  if (!customer) throw new ApiError(409, "profile_missing", "Save the business profile first");
  const key = imageKey(customer.id, kind, info.type);
  await c.env.EVIDENCE.put(key, bytes, { httpMetadata: { contentType: info.type }, customMetadata: { width: String(info.width), height: String(info.height) } });
  return key;
}

export const business = newApiApp<AuthVariables>()
  .openapi(getProfile, async (c) => {
    c.header("cache-control", "no-store");
    // Every access in one transaction (it may link the account).
    const answer = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const customer = await customerForUser(tx, c.get("user"), { create: false });
        const row = customer ? await loadProfile(tx, customer.id) : null;
        const profile = row ? profileFromRow(row) : null;
        const missing = missingProfileFields(profile);
        return { profile, complete: missing.length === 0, missing };
      }),
    );
    return c.json(answer, 200);
  })
  .openapi(putProfile, async (c) => {
    const input = c.req.valid("json");
    c.header("cache-control", "no-store");
    // One transaction: link the account, save, and decide which waiting jobs
    // may now start; the coordinators are told after it commits.
    const { answer, readiness } = await withDatabase(c.env, ({ db }) =>
      db.transaction(async (tx) => {
        const customer = (await customerForUser(tx, c.get("user"), { create: true }))!;
        const row = await saveProfile(tx, customer.id, input);
        const profile = profileFromRow(row);
        const missing = missingProfileFields(profile);
        const readiness: Readiness[] = [];
        for (const jobId of await waitingJobIds(tx, customer.id)) readiness.push(await markJobReady(tx, jobId, catalogOf(c.env)));
        const jobsReady = readiness.filter((r) => r.ready).map((r) => r.jobId);
        return { answer: { profile, complete: missing.length === 0, missing, jobsReady }, readiness };
      }),
    );
    await startReadyJobs(c.env, readiness, { defer: (p) => runAfterResponse(c, p, "startJob") });
    return c.json(answer, 200);
  })
  .openapi(putLogo, async (c) => {
    c.header("cache-control", "no-store");
    const key = await storeImage(c, "logo");
    const images = await changeImages(c, (cur) => ({ logoKey: key, photoKeys: cur.photoKeys, drop: cur.logoKey ? [cur.logoKey] : [] }), key);
    return c.json(images, 200);
  })
  .openapi(deleteLogo, async (c) => {
    c.header("cache-control", "no-store");
    const images = await changeImages(c, (cur) => ({ logoKey: null, photoKeys: cur.photoKeys, drop: cur.logoKey ? [cur.logoKey] : [] }));
    return c.json(images, 200);
  })
  .openapi(postPhoto, async (c) => {
    c.header("cache-control", "no-store");
    const key = await storeImage(c, "photo");
    const images = await changeImages(
      c,
      (cur) => {
        if (cur.photoKeys.length >= PHOTOS_MAX) throw new ApiError(409, "too_many_photos", `At most ${PHOTOS_MAX} photos; remove one first`);
        return { logoKey: cur.logoKey, photoKeys: [...cur.photoKeys, key], drop: [] };
      },
      key,
    );
    return c.json(images, 200);
  })
  .openapi(deletePhoto, async (c) => {
    c.header("cache-control", "no-store");
    const raw = c.req.param("index");
    if (!raw || !/^\d{1,2}$/.test(raw)) throw new ApiError(400, "validation_failed", "The photo index is a whole number from 0", { fields: { index: "Must be a whole number from 0" } });
    const index = Number(raw);
    const images = await changeImages(c, (cur) => {
      const key = cur.photoKeys[index];
      if (key === undefined) throw new ApiError(404, "not_found", `No photo at index ${index}`);
      return { logoKey: cur.logoKey, photoKeys: cur.photoKeys.filter((_, i) => i !== index), drop: [key] };
    });
    return c.json(images, 200);
  });
